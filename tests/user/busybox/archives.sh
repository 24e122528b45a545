# tar and cpio: create and extract modes, times, symlinks, hard links, FIFOs.
umask 022
mkdir -p a/sub a/empty; echo one > a/f; echo two > a/sub/g; ln -s f a/sl; ln -s sub a/dl; ln a/f a/hl
mkfifo a/fifo; chmod 4755 a/sub/g; chmod 700 a/empty; chmod 1777 a/sub
touch -d '2017-07-07 07:07:07' a/f a/sub/g a/fifo a/sub a/empty a; touch -h -d '2017-07-07 07:07:07' a/sl a/dl
tar cf a.tar a; tar tf a.tar | sort
# Which of two hard links is the file and which the link follows directory order: not shown.
tar tvf a.tar | awk '{ print $1, $3, $4, $5, $6, $7, $8 }' | grep -v ' a/[fh]l*\( \|$\)' | sort -k6
mkdir x; tar xf a.tar -C x; cd x; find a | sort; stat -c '%n %A %Y %h' a/f a/hl a/sub/g a/fifo a/empty; stat -c '%n %A %h' a/sub a
readlink a/sl; readlink a/dl; [ "$(stat -c %i a/f)" = "$(stat -c %i a/hl)" ] && echo "hard link kept"; cd ..
tar czf a.tgz a; tar xzf a.tgz -C x 2>&1; echo "over existing: $?"; tar tzf a.tgz | wc -l
tar cjf a.tbz a 2>/dev/null && tar tjf a.tbz | wc -l
tar cf - a | (mkdir y && cd y && tar xf -); diff -r a y/a && echo "piped tar same"
tar xf a.tar -O a/sub/g; tar xf a.tar -C x a/f; echo "one member: $?"
tar cf - nonexist 2>&1 >/dev/null | sed 's/^tar: //'; echo "tar missing: $?"
mkdir z; echo new > z/f; chmod 600 z/f; (cd z && tar cf ../z.tar f); echo old > f2; cd x && tar xf ../z.tar && stat -c '%a' f && cat f; cd ..
tar cf dot.tar -C a .; tar tf dot.tar | sort | head -4
find a | sort | cpio -o -H newc 2>/dev/null > a.cpio; cpio -t < a.cpio 2>/dev/null | sort
mkdir c; (cd c && cpio -i -d -m < ../a.cpio 2>&1); stat -c '%n %A %Y %h' c/a/f c/a/hl c/a/sub/g c/a/fifo; readlink c/a/sl
[ "$(stat -c %i c/a/f)" = "$(stat -c %i c/a/hl)" ] && echo "cpio hard link kept"
cpio -i -d < /dev/null 2>&1; echo "cpio empty: $?"
