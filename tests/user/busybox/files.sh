# File operations: mkdir, cp, mv, rm, ln -s, chmod, cat, test.
mkdir d; mkdir -p d/e/f; test -d d/e/f && echo "mkdir -p ok"
mkdir d 2>/dev/null || echo "mkdir existing fails"
echo content > d/a.txt
cp d/a.txt d/b.txt; cat d/b.txt
cp -r d d2; find d2 | sort
mv d/b.txt d/c.txt; test -f d/b.txt || echo "moved away"; test -f d/c.txt && echo "moved here"
mv d2 d3; test -d d3/e && echo "dir renamed"
ln -s a.txt d/link; cat d/link; test -L d/link && echo "is a symlink"; readlink d/link
ln d/a.txt d/hard; stat -c '%h' d/a.txt
rm d/link; test -e d/link || echo "link removed"; test -f d/a.txt && echo "target kept"
chmod 600 d/a.txt; stat -c '%a' d/a.txt
chmod u+x,g+r d/a.txt; stat -c '%a' d/a.txt
chmod 0 d/a.txt; stat -c '%a %s' d/a.txt
test -x d/a.txt || echo "not executable by mode (root may still read)"
rm -r d3; test -e d3 || echo "rm -r ok"
rmdir d/e/f; test -d d/e/f || echo "rmdir ok"
rmdir d 2>/dev/null || echo "rmdir non-empty fails"
touch t1; test -e t1 && test ! -s t1 && echo "touch made an empty file"
echo data > t2; test -s t2 && echo "t2 has data"
test -f d; echo "test -f dir: $?"
test -f nonexist; echo "test -f missing: $?"
[ t1 -ef t1 ] && echo "same file"
ls d | sort
ls -a d | sort
wc -c d/a.txt
cat d/a.txt d/c.txt > cat.txt; cat cat.txt
ln -s /no/such dangling; test -e dangling || echo "dangling link"; test -h dangling && echo "but a link"
du -s d/hard > /dev/null && echo "du ran"
basename /a/b/c.txt .txt; dirname /a/b/c.txt
realpath d/../d/c.txt | sed "s|$PWD|PWD|"
rm -rf d; ls
