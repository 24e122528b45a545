# Metadata: ls -l/-ln/-i/-R, stat -c formats, touch -d/-t/-r.
umask 022
mkdir d; echo hello > d/f; printf 'abc' > d/g; mkdir d/sub; ln -s f d/lnk; ln d/f d/hard
touch -d '2020-01-02 03:04:05' d/f d/g d/lnk d/sub d/hard d 2>&1
touch -h -d '2020-01-02 03:04:05' d/lnk
ls -l d | tail -n +2 | grep -v ' sub$'
ls -ln d | tail -n +2 | grep -v ' sub$'
ls -la d | tail -n +2 | awk '{ print $1, $2, ($1 ~ /^d/ ? "-" : $5), $9, $10, $11 }'
ls -R d
ls -ld d | awk '{ print $1, $2 }'
stat -c '%a %s %h %F %U %G %u %g' d/f d/g d/lnk; stat -c '%a %h %F' d/sub d
stat -L -c '%F %s' d/lnk
stat -c '%X %Y %Z' d/f | awk '{ print $1, $2 }'
stat -c '%x|%y' d/f
stat -c '%n %N' d/lnk
stat -c '%B %o' d/f
[ "$(stat -c %i d/f)" = "$(stat -c %i d/hard)" ] && echo "hard link shares inode"
[ "$(ls -i d/f | awk '{print $1}')" = "$(stat -c %i d/f)" ] && echo "ls -i is st_ino"
touch -t 202112311259.30 d/g; stat -c '%y' d/g
touch -r d/f d/g; stat -c '%Y' d/g
touch -a -d '2001-01-01 00:00:00' d/g; stat -c '%X %Y' d/g
touch -m -d '2002-02-02 00:00:00' d/g; stat -c '%X %Y' d/g
touch -d '@1234567890' d/g; stat -c '%Y' d/g
touch -c nothere; [ -e nothere ] || echo "touch -c made nothing"
# mtime changes after a write; ctime after chmod
touch -d '2020-01-01' d/f; old=$(stat -c %Y d/f); echo more >> d/f; new=$(stat -c %Y d/f)
[ "$new" != "$old" ] && echo "write moved mtime"
touch -d '2020-01-01' d/sub; old=$(stat -c %Y d/sub); touch d/sub/x; [ "$(stat -c %Y d/sub)" != "$old" ] && echo "create moved dir mtime"
touch -d '2020-01-01' d/sub; rm d/sub/x; [ "$(stat -c %Y d/sub)" != "$old" ] && echo "unlink moved dir mtime"
stat -c '%h' d/sub d; mkdir d/sub/a d/sub/b; stat -c '%h' d/sub
ls -l --full-time d/g 2>&1 | awk '{ print $6, $7, $8 }'
ls -lc d/f >/dev/null && echo "ls -lc ok"
ls -lu d/g | awk '{print $6, $7, $8}'
ls -lS d/f d/g d/lnk | awk '{print $5, $NF}'
ls -1 d; ls -F d; ls -p d
ls -lh d/g | awk '{print $5}'
dd if=/dev/zero of=big bs=1024 count=2000 2>/dev/null; ls -l big | awk '{print $5}'
ls -ld /dev/null /dev/zero | awk '{ print $1, $5, $6, $NF }'
stat -c '%t %T %F' /dev/null
ls -l /proc/self/exe | awk '{print $1}'
