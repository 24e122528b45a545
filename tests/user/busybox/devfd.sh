# /dev/stdin, /dev/stdout, /dev/stderr and /dev/fd/N, which scripts use as file names.
echo in | cat /dev/stdin
echo via-fd | cat /dev/fd/0
readlink /dev/stdin; readlink /dev/stdout; readlink /dev/stderr; readlink /dev/fd
exec 5>five.txt; echo into-five > /dev/fd/5; exec 5>&-; cat five.txt
echo data > f; cat /dev/fd/3 3<f
echo hello | tee /dev/stderr 2>err.txt >/dev/null; cat err.txt
# Opening /dev/stdout reopens the file (as /proc/self/fd/1 does): O_TRUNC empties it.
sh -c 'echo first; echo second > /dev/stdout' > so.txt; cat so.txt
sh -c 'echo first; echo second >> /dev/stdout' > so2.txt; cat so2.txt
ls /dev/fd/ | head -3
