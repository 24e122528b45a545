# Checksums, encodings and dumps of files and pipes.
printf 'The quick brown fox\n' > f; seq 1 5000 > big
md5sum f big; sha1sum f; sha256sum big; sha512sum f | cut -c1-40; sha3sum f 2>&1 | cut -c1-40
md5sum f big > sums; md5sum -c sums; echo x >> f; md5sum -c sums 2>&1; echo "md5sum -c changed: $?"
md5sum -c -s sums; echo "-s: $?"; md5sum nofile 2>&1; echo "md5sum missing: $?"
cat big | sha1sum; sha256sum - < big | cut -c1-16
crc32 big 2>/dev/null
base64 big | md5sum; base64 big | base64 -d | cmp - big && echo "base64 round trip"
printf 'ab' | base64; printf '\377\376' | base64; echo '!!!' | base64 -d 2>&1 | head -c 0; echo "base64 -d junk: $?"
uuencode -m f f.txt < f | head -2; uuencode f f.txt < f > f.uu; rm -f f.txt; uudecode -o f.out f.uu; cmp f f.out && echo "uudecode"
printf 'hello world\000\001\377' > b
od -c b; od -t x1 b; od -A d -t d2 b; od -t o2 -N 4 b; od -j 6 -N 5 -c b; od -v -t x4 b
hexdump -C b; hexdump -n 4 -e '4/1 "%02x" "\n"' b
xxd b; xxd -s 6 -l 5 b; xxd -i b | head -3; xxd -p b; xxd b | xxd -r | cmp - b && echo "xxd -r"
strings b; printf 'ab\0cdefg\0hijklmno\n' | strings -n 5
head -c 100000 /dev/urandom > r; md5sum < r > r1; cp r r2; md5sum < r2 | cmp - r1 && echo "random copy same"
