# timeout, kill -l/-s, trap on signals, exit statuses of signalled children, wait.
timeout 1 sleep 5; echo "timeout: $?"
timeout -s KILL 1 sleep 5; echo "timeout KILL: $?"
timeout 5 true; echo "timeout quick: $?"
timeout 5 sh -c 'exit 3'; echo "timeout exit 3: $?"
timeout -s INT 0.3 sh -c 'trap "echo int; exit 7" INT; while :; do sleep 0.05; done'; echo "timeout INT trapped: $?"
kill -l | head -c 60 | tr '\n' ' '; echo
kill -l 9; kill -l 15; kill -l TERM; kill -l 137
for s in HUP INT QUIT KILL USR1 USR2 PIPE ALRM TERM; do
  sh -c "kill -$s \$\$"; echo "$s -> $?"
done 2>&1
sh -c 'kill -s USR1 $$'; echo "kill -s: $?"
sleep 10 & p=$!; kill -0 $p && echo alive; kill -s STOP $p; sleep 0.2; kill -CONT $p; sleep 0.2; kill $p; wait $p; echo "waited: $?"
sh -c 'trap "echo got INT; exit 2" INT; sh -c "kill -INT \$PPID"; sleep 0.2; echo after'; echo "sub: $?"
sh -c 'trap "echo TERM trapped" TERM; kill -TERM $$; echo continuing'
sh -c 'trap "" TERM; kill -TERM $$; echo ignored TERM'
sh -c 'trap "echo in exit trap" EXIT; kill -TERM $$' ; echo "exit trap on TERM: $?"
sh -c 'trap "echo exit trap; exit 5" EXIT; exit 1'; echo "exit trap status: $?"
sh -c 'trap "echo hup" HUP; trap; trap - HUP; trap' 
a=0; sh -c 'sleep 0.3; exit 3' & p1=$!; sh -c 'exit 4' & p2=$!; wait $p2; echo "p2 $?"; wait $p1; echo "p1 $?"
wait $p1; echo "wait again: $?"
wait 12345 2>&1; echo "wait unknown: $?"
sleep 0.1 & sleep 0.1 & wait; echo "all: $?"
sh -c 'sleep 1 & echo bg; exit 0'; echo "bg left: $?"
(sleep 0.2; echo from background) & wait $!
env -i sh -c 'env | grep -v "^PWD=" | grep -v "^SHLVL=" | grep -v "^_=" | sort'
env -i FOO=bar sh -c 'echo $FOO $PATH' 
env -u HOME sh -c 'echo ${HOME-unset}'
sh -c 'exec 2>&-; kill -PIPE $$'; echo "pipe: $?"
yes | head -n 1 >/dev/null; echo "yes|head: $?"
sh -c 'yes | (read x; exit 0); echo "status ${PIPESTATUS:-none}"'
sh -c 'trap "echo caught USR2" USR2; sleep 1 & wait $!; echo "wait rc $?"' & sp=$!; sleep 0.3; kill -USR2 $sp; wait $sp; echo "after usr2 $?"
sh -c 'sleep 0.1; kill -ALRM $$; sleep 1'; echo "alrm: $?"
busybox time -f '%e' true 2>/dev/null; echo "time: $?"
time true 2>/dev/null; echo "time builtin: $?"
