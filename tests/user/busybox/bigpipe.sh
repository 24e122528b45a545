# A 1 MiB stream through pipes and cat chains, and a large file.
head -c 1048576 /dev/zero | wc -c
head -c 1048576 /dev/zero | cat | cat | cat | wc -c
head -c 1048576 /dev/zero | tr '\0' 'a' | cat | md5sum
dd if=/dev/zero bs=4096 count=256 2>/dev/null | cat | wc -c
seq 1 100000 | cat | tail -n 1
seq 1 100000 > big.txt; wc -l < big.txt; cat big.txt | cat | md5sum
head -c 1048576 /dev/zero > zero.bin; cat zero.bin zero.bin | wc -c
yes abcdefghij | head -n 200000 | wc -c
