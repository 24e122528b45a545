# dd seek/skip/conv, cmp, split, tee -a, head -c, tail -c/+N, wc, sort, seq, printf, expr.
seq 1 1000 > n.txt
dd if=n.txt of=o1 bs=10 skip=5 count=3 2>&1; cat o1; echo
printf 'AAAAAAAAAA' > o2; printf 'xy' | dd of=o2 bs=1 seek=3 conv=notrunc 2>/dev/null; cat o2; echo
printf 'AAAAAAAAAA' > o3; printf 'xy' | dd of=o3 bs=1 seek=3 2>/dev/null; cat o3; echo; stat -c %s o3
dd if=/dev/zero of=sp bs=1 count=1 seek=1048575 2>/dev/null; stat -c %s sp; od -A d -c sp | tail -3
dd if=n.txt bs=1k count=2 2>&1 | tail -n 3 | sed 's/,.*//'
dd if=n.txt of=o4 ibs=7 obs=13 2>&1 | sed 's/,.*//'; cmp n.txt o4 && echo same
dd if=n.txt conv=ucase 2>/dev/null | head -c 0; printf 'abc\n' | dd conv=ucase 2>/dev/null
printf 'hello' | dd bs=2 conv=sync 2>/dev/null | od -c | head -1
dd if=n.txt of=o5 bs=100 count=1 iflag=skip_bytes skip=7 2>/dev/null; head -c 10 o5; echo
dd if=n.txt of=o6 bs=512 count=1 seek=2 2>/dev/null; stat -c %s o6
dd if=n.txt of=o6 bs=512 count=1 seek=1 conv=notrunc 2>/dev/null; stat -c %s o6
printf 'abcdef' > c1; printf 'abcXef' > c2; cmp c1 c2; echo "cmp: $?"; cmp -l c1 c2; cmp -s c1 c1; echo "cmp -s: $?"
printf 'abc' > c3; cmp c1 c3; echo "cmp eof: $?"
echo a | tee t1 t2 > /dev/null; echo b | tee -a t1 > /dev/null; cat t1 t2
seq 5 | tee /dev/null | wc -l
head -c 5 n.txt; echo; tail -c 6 n.txt; tail -n +998 n.txt; tail -c +3885 n.txt
head -n -995 n.txt | tail -n 2; tail -n 3 n.txt | head -n 1
head -c 100000 /dev/zero | tail -c 10 | od -c | head -1
seq 1 300000 > big; wc big; wc -l -c -w big; cat big big | wc
awk 'BEGIN { srand(7); for (i = 0; i < 100000; i++) print int(rand() * 1000000), i }' > r.txt
sort -n r.txt | md5sum; sort -k2,2n r.txt | tail -1; sort -u -n r.txt | wc -l; sort -rn r.txt | head -3 | wc -l
sort -n -r -u r.txt | head -1 | cut -d' ' -f1 | awk '{print ($1 > 990000)}'
sort -t' ' -k1,1n -k2,2nr r.txt | md5sum
seq 10 -2 1 | tr '\n' ' '; echo; seq -w 8 11; seq -s, 5; seq 1.5 0.5 3
yes | head -c 10; echo; yes abc | head -n 2
printf '%s=%d\n' a 1 b 2; printf '%5.2f|%-5s|%05x|%o|%c|%%\n' 3.14159 ab 255 8 xyz
printf '%b\n' 'a\tb\101'; printf '\x41\102\n'; printf '%e\n' 12345.678; printf '%10.3s|\n' abcdef
printf '%d\n' 0x10 010 "'A"; printf '%d\n' abc 2>&1; echo "printf bad: $?"
printf '%i %u\n' -3 4; printf '%*d|\n' 6 42
expr 10 / 3; expr 10 % 3; expr length hello; expr substr hello 2 3; expr index hello l; expr hello : 'h\(..\)'
expr 1 = 1; expr 2 \> 10; expr abc \< b; expr 0; echo "expr 0: $?"; expr 1 / 0 2>&1; echo "div0: $?"
expr 9223372036854775807 + 0; expr -5 + 2
echo "$(( 2**10 )) $(( -7 / 2 )) $(( -7 % 2 )) $(( 1 << 62 )) $(( 0x1f )) $(( 017 )) $(( 3 > 2 && 1 ))"
echo $(( 9223372036854775807 + 1 ))
x=5; : $(( x += 3, x *= 2 )); echo $x; echo $(( x++ )) $x $(( --x ))
