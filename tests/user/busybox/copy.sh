# cp -a/-p/-r, mv across dirs, ln, readlink -f, realpath.
umask 022
mkdir -p src/sub; echo one > src/a; echo two > src/sub/b; ln -s a src/la; ln -s ../a src/sub/lb
chmod 640 src/a; chmod 750 src/sub
touch -d '2019-05-05 05:05:05' src/a src/sub/b; touch -h -d '2019-05-05 05:05:05' src/la
cp -a src dst; find dst | sort; stat -c '%n %a %Y %F' dst/a dst/sub/b; stat -c '%n %a %F' dst/sub dst/la
readlink dst/la dst/sub/lb
cp -p src/a p1; stat -c '%a %Y' p1
cp src/a p2; stat -c '%a' p2; [ "$(stat -c %Y p2)" != 1557032705 ] && echo "plain cp sets new mtime"
cp -r src r; [ -L r/la ] && echo "cp -r keeps symlink" || echo "cp -r follows symlink"
cp -L -r src rl; [ -L rl/la ] || echo "cp -rL follows"
cp src/la copied; [ -L copied ] || echo "cp follows by default"; cat copied
cp -P src/la cpP; [ -L cpP ] && echo "cp -P keeps link"
mkdir m1 m2; echo x > m1/f; mv m1/f m2/; ls m1 m2
mv m2 m1/; find m1 | sort
mv m1/m2/f m1/m2/g; ls m1/m2
echo y > over; mv -n over m1/m2/g; cat m1/m2/g
mv -f over m1/m2/g; cat m1/m2/g; [ -e over ] || echo "mv -f replaced"
mkdir e1; mv e1 m1; mkdir e1; touch e1/x; mv e1 m1 2>&1 | sed 's/^mv: //'; echo "mv into non-empty: $?"
ln src/a hl; stat -c '%h' src/a; ln src/a hl 2>/dev/null; echo "ln existing: $?"; ln -f src/a hl; echo "ln -f: $?"
ln -s nowhere sl; ln -sf src/a sl; readlink sl; ln -sfn src sl2; ln -sfn src/sub sl2; readlink sl2
ln src/sub hdir 2>&1; echo "ln dir: $?"
mkdir -p x/y/z; ln -s ../../src x/y/z/up; readlink -f x/y/z/up/sub/lb | sed "s|$PWD|PWD|"
realpath x/y/z/up/la | sed "s|$PWD|PWD|"
readlink -f nonexist/foo; echo "readlink -f missing dir: $?"
readlink -f nonexist | sed "s|$PWD|PWD|"
ln -s loop1 loop2; ln -s loop2 loop1; cat loop1 2>&1 | sed 's/^cat: //'; readlink -f loop1; echo "loop: $?"
ln -s . self; ls self/self/self/self/ > /dev/null && echo "self link fine"
ln -s ../../../src x/y/z/up3; cd x/y/z; cd up3; pwd | sed 's|.*/x/|x/|'; cd -P .; pwd | sed "s|$OLDPWD|X|; s|.*/||"
