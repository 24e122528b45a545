# Names, limits of paths, unlinked open files, nanosecond times, tar/cpio metadata.
umask 022
n255=$(printf 'n%.0s' $(seq 255)); n256=${n255}x
touch $n255 && echo "255-byte name ok"; touch $n256 2>&1 | sed 's/^touch: //; s/n*x/NAME/'; echo "256: $?"
mkdir -p sp; touch 'sp/a b' 'sp/c*d' 'sp/-dash' 'sp/new
line' 'sp/é'; ls sp | wc -l; ls -b sp 2>/dev/null | head -3; find sp -type f | wc -l
p=deepdir; i=0; while [ $i -lt 40 ]; do p=$p/abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuv; i=$((i+1)); done
mkdir -p $p 2>&1 | sed 's/^mkdir: .*: /mkdir: /'; echo "mkdir long: $?"
echo persist > open.txt; exec 3<open.txt; rm open.txt; cat <&3; exec 3<&-
echo w > o2; exec 4>>o2; rm o2; echo more >&4; exec 4>&-; [ -e o2 ] || echo "gone"
mkdir -p tr/sub; echo a > tr/a; echo b > tr/sub/b; chmod 751 tr/sub; chmod 604 tr/a; ln -s a tr/l; ln tr/a tr/h
touch -d '2018-08-08 08:08:08' tr/a tr/sub/b tr/sub tr; touch -h -d '2018-08-08 08:08:08' tr/l
tar cf t.tar tr; tar tvf t.tar | awk '{ print $1, $2, $4, $5, $6 }' | sort -k5 | grep -v ' tr/[ah]$'
mkdir x; (cd x && tar xf ../t.tar); stat -c '%n %a %Y %h' x/tr/a x/tr/sub/b x/tr/h; stat -c '%n %a %h' x/tr x/tr/sub; readlink x/tr/l
find tr | sort | cpio -o -H newc 2>/dev/null > t.cpio; mkdir y; (cd y && cpio -i -d -m < ../t.cpio 2>&1); stat -c '%n %a %Y' y/tr/a y/tr/sub/b; readlink y/tr/l
cpio -t < t.cpio 2>&1 | sort | head -3
link tr/a lk; stat -c %h tr/a; unlink lk; stat -c %h tr/a; unlink tr 2>&1 | sed 's/^unlink: //'
mknod fifo p; stat -c %F fifo
stat -f -c '%T' . | sed 's/ext2\/ext3/FS/; s/tmpfs/FS/'
printf 'secret' > sh1; shred -u sh1 2>&1; [ -e sh1 ] || echo "shredded"
printf 'secret' > sh2; shred -n 1 -z sh2; od -c sh2 | head -1
dd if=/dev/zero of=sparse bs=1 count=1 seek=3G 2>/dev/null; stat -c %s sparse; tail -c 1 sparse | od -c | head -1; rm sparse
head -c 3000000 /dev/urandom > r1; cp r1 r2; cmp r1 r2 && echo "cp 3MB"; cat r1 > r3; cmp r1 r3 && echo "cat 3MB"
mv r3 tr/sub/; cmp r1 tr/sub/r3 && echo "mv ok"
printf 'l1\nl2\nl3\n' | tac; printf 'abc' | xxd; echo 414243 | xxd -r -p; echo
printf 'x\ny\n' > fx; sed -i 's/x/X/' fx; cat fx; ls fx*
echo hi | base64; echo aGkK | base64 -d; printf 'abc' | crc32 2>/dev/null || echo nocrc
getopt -o ab: -- -a -b x y; echo "getopt: $?"
taskset -p $$ >/dev/null && echo "taskset read"; taskset 1 sh -c 'echo pinned'
setsid sh -c 'echo setsid ran'; echo "setsid: $?"
logger hello 2>&1; echo "logger: $?"
