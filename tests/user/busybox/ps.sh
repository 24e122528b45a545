# ps and kill: a process shows in ps while it runs and is gone after kill.
sleep 30 & p=$!
# Until the child has become sleep (fork, then exec), 3 s at most.
i=0
while [ $i -lt 300 ] && ! tr '\0' ' ' < /proc/$p/cmdline | grep -q '^sleep 30'; do
  usleep 10000; i=$((i + 1))
done
ps -o pid,args | awk -v p=$p '$1 == p { print "listed:", $2, $3 }'
test -d /proc/$p && echo "in /proc"
kill $p; wait $p 2>/dev/null; echo "status: $?"
ps -o pid | grep -qx " *$p" || echo "gone after kill"
ps -o pid,comm | awk -v s=$$ '$1 == s { print "shell:", $2 }'
