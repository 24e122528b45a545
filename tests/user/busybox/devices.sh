# Device files: /dev/null, zero, full, random, urandom, tty's node; dd's file flags; sync.
echo gone > /dev/null; echo "null: $?"; wc -c < /dev/null
head -c 5 /dev/zero | od -An -tx1
head -c 16 /dev/urandom | wc -c; head -c 16 /dev/random | wc -c
echo x > /dev/full 2>/dev/null; echo "full: $?"; head -c 3 /dev/full | od -An -tx1
dd if=/dev/zero of=/dev/full bs=1 count=1 2>&1 | head -1 | sed 's/^dd: //'
ls -l /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty | awk '{ print $1, $5, $6, $NF }'
echo data > f; cat /proc/self/fd/4 4<f
dd if=/dev/zero of=o bs=4096 count=3 conv=fsync 2>/dev/null; echo "conv=fsync: $?"; stat -c %s o
dd if=/dev/zero of=o bs=4096 count=2 conv=fdatasync 2>/dev/null; echo "conv=fdatasync: $?"
dd if=/dev/zero of=o bs=4096 count=1 oflag=direct 2>/dev/null; echo "oflag=direct: $?"
dd if=o of=/dev/null bs=4096 iflag=direct 2>/dev/null; echo "iflag=direct: $?"
dd if=/dev/zero of=o bs=100 count=1 oflag=append conv=notrunc 2>/dev/null; stat -c %s o
printf abc | dd of=o conv=excl 2>&1 | sed 's/^dd: //'; printf abc | dd of=o2 conv=nocreat 2>&1 | sed 's/^dd: //'
printf 'abcdefgh' | dd bs=3 iflag=fullblock 2>&1 | tail -1 | sed 's/ in.*//'; echo
(printf ab; sleep 0.1; printf cd) | dd bs=4 count=1 iflag=fullblock 2>/dev/null; echo
dd if=/dev/zero bs=1 count=10 status=none | wc -c
sync; echo "sync: $?"; sync -d f; echo "sync -d: $?"; sync f; echo "sync file: $?"
mkfifo p; sync -d p 2>&1 | sed 's/^sync: //'
