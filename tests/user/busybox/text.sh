# Text tools in pipelines: seq, awk, sed, sort, uniq, tr, cut, paste, xargs,
# head, tail, wc, od, printf, md5sum, sha256sum, gzip, tar, dd, cmp, diff.
seq 1 20 | awk '{ s += $1 } END { print "sum", s }'
seq 1 10 | sed -n '3,5p'
printf 'b 2\na 1\nc 3\na 1\n' | sort | uniq -c | sed 's/^ *//'
printf 'b 2\na 1\nc 3\n' | sort -k2 -n -r
echo "Hello, World" | tr 'a-z' 'A-Z'
echo "a:b:c:d" | cut -d: -f2,4
seq 1 3 > one; seq 4 6 > two; paste one two
seq 1 5 | xargs echo items:
seq 1 6 | xargs -n 2 echo pair
seq 100 | head -n 3; seq 100 | tail -n 2
seq 1000 | wc -l
printf 'AB\n' | od -A x -t x1 | head -n 1
printf '%05d|%-4s|%x\n' 42 ab 255
printf 'tine\n' | md5sum
printf 'tine\n' | sha256sum
seq 1 2000 > big.txt; gzip -c big.txt > big.gz; gzip -dc big.gz | cmp - big.txt && echo "gzip round trip"
mkdir -p tree/sub; echo x > tree/a; echo y > tree/sub/b
tar cf t.tar tree; rm -r tree; tar xf t.tar; find tree | sort; cat tree/sub/b
dd if=/dev/zero of=z bs=1024 count=64 2>/dev/null; wc -c < z
dd if=big.txt bs=100 skip=1 count=1 2>/dev/null | head -c 20; echo
echo one > f1; echo two > f2; diff f1 f2 > d.out; echo "diff: $?"; sed 1,2d d.out
find . -name '*.txt' -exec wc -l {} \; | sed 's/^ *//'
awk 'BEGIN { for (i = 0; i < 3; i++) printf "%d ", i * i; print "" }'
echo "x y z" | awk '{ print NF, $NF }'
yes hi | head -n 3
expr 6 \* 7
echo $((1 << 20))
