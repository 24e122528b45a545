# st_blocks as Linux's file systems count it (allocated 4 KiB blocks, none for holes),
# so du and ls -s: small files, page-sized, sparse files, symbolic links, directories' sizes.
printf x > one; head -c 4096 /dev/zero > page; head -c 5000 /dev/zero > more; head -c 100000 /dev/zero > hundredk
stat -c '%n %s %b %B' one page more hundredk
du -k one more hundredk; ls -s one more | sort
truncate -s 1M sparse; stat -c '%s %b' sparse; du -k sparse
dd if=/dev/zero of=tail bs=1 count=1 seek=1048575 2>/dev/null; stat -c '%s %b' tail; du -k tail
ln -s one lnk; stat -c '%s %b' lnk
mkdir d; stat -c '%s' d | awk '{ print "directory size > 0:", ($1 > 0) }'
