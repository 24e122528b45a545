# More text tools on files: sort keys, uniq, cut, paste, fold, nl, tr, shuf, diff/patch, grep -r, sed -i, expand.
printf '3 c x\n1 a y\n2 b z\n10 a w\n2 b z\n' > t
sort -n t; sort -u t; sort -k2,2 -k1,1n t; sort -t' ' -k3 -r t; sort -n -u -k1,1 t; sort -c t 2>&1; echo "sorted? $?"
sort -o t.sorted t; cat t.sorted | head -1; sort -m t.sorted t.sorted | wc -l
uniq -c t.sorted | sed 's/^ *//'; uniq -d t.sorted; uniq -u t.sorted | wc -l; uniq -f1 t.sorted | wc -l
cut -c1-3 t | head -2; cut -b 3- t | head -2; cut -d' ' -f2- t | head -2; cut -s -d: -f1 t; echo 'a:b' | cut -d: -f1 --output-delimiter=- 2>&1 | head -1
paste -s -d, t; paste -d: t t.sorted | head -2; seq 4 | paste - -
echo 'the quick brown fox jumps over the lazy dog' | fold -w 10; echo 'the quick brown fox jumps' | fold -s -w 10
nl t | head -2; nl -b a -w 3 -s '|' t | tail -1; printf 'a\n\nb\n' | nl
echo 'hello   world' | tr -s ' '; echo hello | tr -d l; echo hello | tr -c 'l\n' _; echo abc | tr a-c A-C; echo 'a1b2' | tr -cd 0-9; echo
shuf -i 1-20 | sort -n | md5sum; shuf -e a b c | sort | tr '\n' ' '; echo; shuf -n 3 -i 1-100 | wc -l
seq 1 10 > o; seq 1 10 | sed 's/5/five/; 8d' > n; diff o n; echo "diff: $?"; diff -u o n > p.diff; tail -n +3 p.diff
cp o o2; patch o2 < p.diff >/dev/null; cmp o2 n && echo "patched"
diff o o; echo "diff same: $?"; diff o nofile 2>&1 | sed 's/^diff: //'; echo "diff missing: $?"
mkdir -p g/s; echo needle > g/a; echo hay > g/b; echo needle > g/s/c
grep -r needle g | sort; grep -rl needle g | sort; grep -rL needle g; grep -c needle g/a g/b; grep -h needle g/a g/s/c
grep -w ne g/a; echo "grep -w: $?"; grep -x needle g/a; grep -o ee g/a; grep -n . t | tail -1; grep -v z t | wc -l
grep -E '^(1|2) ' t | wc -l; grep -F 'a y' t; grep -i NEEDLE g/a; grep -q nothing t; echo "grep -q: $?"; grep x nofile 2>&1; echo "grep missing: $?"
sed -i 's/needle/pin/' g/a; cat g/a; sed -i.bak -e '1i\first' g/b; cat g/b g/b.bak
sed -n '/2/{p;q}' t; sed '2,$d' t; sed -E 's/([0-9]+) (.)/\2=\1/' t | head -2; sed '$!N;s/\n/+/' t
printf 'a\tb\n' | expand -t 4 | od -c | head -1; printf '        x\n' | unexpand -a | od -c | head -1
printf 'l1\r\nl2\r\n' > dos; dos2unix dos; od -c dos | head -1; unix2dos dos; wc -c < dos
rev t | head -2; tac t | head -2
echo 3 4 + p | dc; echo 'scale=3; 10/3' | bc; factor 360 97; echo "2^64" | bc
awk -F' ' '{ a[$2] += $1 } END { for (k in a) print k, a[k] }' t | sort
