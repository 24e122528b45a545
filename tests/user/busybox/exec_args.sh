# execve's argument list as shells and find build it: hundreds of
# arguments, a 40 KB variable, find -exec ... + over 300 files.
/bin/echo $(seq 1 1000) | wc -c
env X=$(head -c 40000 /dev/zero | tr '\0' a) /bin/sh -c 'echo ${#X}'
mkdir m
i=0
while [ $i -lt 300 ]; do : > m/f$i; i=$((i+1)); done
find m -type f -exec /bin/ls {} + | wc -l
