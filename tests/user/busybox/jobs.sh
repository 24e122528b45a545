# Background jobs, wait, kill, trap.
sleep 0.2 & p1=$!
(sleep 0.1; exit 3) & p2=$!
wait $p1; echo "wait sleep: $?"
wait $p2; echo "wait exit 3: $?"
(exit 4) & (exit 5) & wait; echo "wait all: $?"
# The shell reports a job killed by a signal on stderr when it notices, which
# is a matter of timing: inside subshells whose stderr goes nowhere.
(sleep 30 & p=$!; kill $p; wait $p; echo "killed: $?") 2>/dev/null
(sleep 30 & p=$!; kill -9 $p; wait $p; echo "killed -9: $?") 2>/dev/null
kill -0 $$ && echo "kill -0 self ok"
kill -0 999999 2>/dev/null; echo "kill -0 none: $?"
trap 'echo caught USR1' USR1
kill -USR1 $$
echo "after USR1"
trap 'echo caught TERM in child; exit 9' TERM
sh -c 'trap "echo child got TERM; exit 9" TERM; echo ready; while :; do sleep 0.05; done' > out.txt & c=$!
while ! grep -q ready out.txt 2>/dev/null; do sleep 0.05; done
kill -TERM $c; wait $c; echo "child status: $?"; cat out.txt
trap - USR1
trap 'echo on exit' EXIT
(trap 'echo subshell exit trap' EXIT; echo in subshell)
for i in 1 2 3; do (echo "job $i" >> jobs.out) & done; wait
sort jobs.out
echo jobs done
