# Directory and name operations: mkdir -p -m, rmdir -p, ln -sf/-T, cp -l/-s/-u, mv rules, rm -rf, fallocate.
umask 022
mkdir -p -m 750 a/b/c; stat -c '%a %n' a a/b a/b/c
mkdir a/ 2>&1 | sed 's/^mkdir: //'; mkdir -p a/b/c/; echo "mkdir -p existing/: $?"
rmdir -p a/b/c; [ -e a ] || echo "rmdir -p removed all"
mkdir -p d/e; touch d/e/f; rmdir -p d/e 2>&1 | sed 's/^rmdir: //'; echo "rmdir -p non-empty: $?"
echo x > f; ln -sf f l1; ln -sf f l1; readlink l1; mkdir dd; ln -s ../f dd/up; ln -sf f dd; ls dd | sort
ln -sfT f dd 2>&1 | sed 's/^ln: //'; echo "ln -T dir: $?"; ln -sfn f l1; readlink l1
touch g; ln -s g g2; ln -sf g2 g 2>&1; readlink g
cp -l f hardcp; stat -c %h f; cp -s f softcp 2>&1; readlink softcp
echo old > u1; touch -d '2000-01-01' u1; echo newer > u2; touch -d '2010-01-01' u2; cp -u u2 u1; cat u1; touch -d '2030-01-01' u1; cp -u u2 u1; cat u1
cp f f 2>&1 | sed 's/^cp: //'; echo "cp self: $?"
mkdir cpdir; cp -r cpdir cpdir/in 2>&1 | sed 's/^cp: //'; echo "cp into itself: $?"
cp dd 2>&1 | head -1 | sed 's/^cp: //' >/dev/null; cp dd x 2>&1 | sed 's/^cp: //'; echo "cp dir no -r: $?"
mkdir m1 m2; touch m2/k; mv m1 m2 2>&1; ls m2 | sort; mkdir m3; mv m3 m2/k 2>&1 | sed 's/^mv: //'; echo "mv dir onto file: $?"
touch file1; mkdir dir1; mv file1 dir1/; mv dir1/file1 ./file1/ 2>&1 | sed 's/^mv: //'; echo "mv to name/: $?"
mv dir1 dir1/sub 2>&1 | sed 's/^mv: //'; echo "mv into itself: $?"
mkdir e1 e2; touch e2/x; mv e1 e2 2>&1; ls e2 | sort; mkdir e3; mv -T e3 e2 2>&1 | sed 's/^mv: //'; echo "mv -T non-empty: $?"
mkdir t1; mkdir t2; mv -T t1 t2; [ -d t2 ] && [ ! -e t1 ] && echo "mv -T empty dir replaced"
touch a1; mv a1 a1; echo "mv self: $?"; ln a1 a2; mv a1 a2; ls a1 a2 2>/dev/null | sort
mkdir -p deep/a/b/c/d; touch deep/a/b/c/d/x deep/a/y; chmod 500 deep/a/b; rm -rf deep; echo "rm -rf with r-x dir: $?"; [ -e deep ] || echo gone
rm -r nope 2>&1 | sed 's/^rm: //'; rm -rf nope; echo "rm -rf missing: $?"
mkdir rd; rm rd 2>&1 | sed 's/^rm: //'; echo "rm dir: $?"; rm -d rd; echo "rm -d: $?"
rm -rf . 2>&1 | sed 's/^rm: //'; rm -rf .. 2>&1 | sed 's/^rm: //'; echo "rm dot: $?"
link f f3; stat -c %h f; unlink f3; unlink f3 2>&1 | sed 's/^unlink: //'
touch -- 'with space' '-minus'; rm -- -minus 'with space'; ls | grep -c ' '
