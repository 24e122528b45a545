# stat, du, df on sizes they agree on: byte sizes, empty files, stat -f, df, stat's format letters.
umask 022
printf x > one; head -c 4096 /dev/zero > page; : > empty; head -c 100000 /dev/zero > hundredk
stat -c '%n %s %B' one page empty hundredk; stat -c '%b' empty page
du -k empty page; du -b one hundredk 2>/dev/null; ls -s empty page | sort
truncate -s 0 page; stat -c '%s %b' page
ln -s one lnk; stat -c '%s' lnk; stat -L -c '%s' lnk
stat -f -c '%T %S %s' . | sed 's/ext2\/ext3/FS/; s/tmpfs/FS/'
stat -f -c '%b %f %a %c %d' . | awk '{ print ($1 > 0), ($1 >= $2), ($2 >= $3), ($4 > 0), ($4 >= $5) }'
df -k . | awk 'NR == 2 { print ($2 >= $3), ($2 >= $4) }'; df -i . 2>/dev/null | awk 'NR == 2 { print ($2 > 0) }'
mkdir d; stat -c '%f %F' one d lnk; stat -c '%A %a' one; stat -c '%w %W' one | awk '{ print NF > 0 }'
stat -c '%D' one | grep -Eq '^[0-9a-f]+$' && echo "dev hex"; stat -c '%d %i' one | awk '{ print ($1 > 0), ($2 > 0) }'
[ "$(stat -c %d one)" = "$(stat -c %d d)" ] && echo "same device"; [ "$(stat -c %d one)" != "$(stat -c %d /proc)" ] && echo "/proc another device"
stat --format='%s-%n' one; stat -t one | awk '{ print $1, $2, NF }'
stat nosuch 2>&1 | sed 's/^stat: //'; echo "stat missing: $?"
