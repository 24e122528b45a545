# Big argument lists and environments through exec; xargs sizing.
/bin/echo $(seq 1 200) | wc -c
v=$(head -c 140000 /dev/zero | tr '\0' a); /bin/echo "$v" 2>&1 | sed 's/.*: //'
seq 1 200000 | xargs echo | awk '{ n += NF } END { print n }'
seq 1 50 | xargs -n 7 | tail -1
echo "a b 'c d' \"e f\"" | xargs -n 1 echo
printf 'x\0y z\0' | xargs -0 -n 1 echo
seq 3 | xargs -I% echo "<%>"
seq 1 5 | xargs -t -n 2 true 2>&1
echo | xargs -r echo nothing; echo "xargs -r: $?"
seq 1 3 | xargs sh -c 'exit 255'; echo "xargs 255: $?"
seq 1 3 | xargs sh -c 'exit 3'; echo "xargs 3: $?"
seq 1 3 | xargs sh -c 'kill $$'; echo "xargs killed: $?"
