# Finding and signalling processes by name: pidof, killall; priorities and sessions: renice, ionice, taskset, setsid.
# (Lowering nice, the real-time I/O class and raising limits need root of the first user namespace: not here.)
# The sleeper forks once, and says it is up a while after, when its child
# has become "sleep": a child not yet exec'd has the sleeper's name, and
# killall would find it too (a race that printed job messages).
cat > bbzzsleeper <<'E'
#!/bin/sh
s=
trap '[ -n "$s" ] && kill $s; echo "$1 got TERM"; exit 3' TERM
trap '[ -n "$s" ] && kill $s; exit 138' USR1  # USR1's default status, the sleep not left behind
sleep 30 & s=$!
usleep 500000
echo "$1 up" > "up.$1"
wait $s
E
chmod +x bbzzsleeper
./bbzzsleeper one > one.out & p1=$!; ./bbzzsleeper two > two.out & p2=$!
while [ ! -e up.one ] || [ ! -e up.two ]; do usleep 20000; done
awk '{ print $2 }' /proc/$p1/stat; head -1 /proc/$p1/status
# (A child forked by one, before its exec, has the name too: look for the two.)
l=" $(pidof bbzzsleeper) "; case $l in *" $p1 "*) case $l in *" $p2 "*) echo "pidof finds both";; esac;; esac
pidof no_such_proc_zz; echo "pidof none: $?"
killall -0 bbzzsleeper; echo "killall -0: $?"
killall bbzzsleeper 2>/dev/null; wait $p1 2>/dev/null; echo "one: $?"; wait $p2 2>/dev/null; echo "two: $?"; cat one.out two.out
killall bbzzsleeper 2>&1 | sed 's/^killall: //'; echo "killall none: $?"
killall -q bbzzsleeper; echo "killall -q: $?"
./bbzzsleeper three > three.out & p3=$!; while [ ! -e up.three ]; do usleep 20000; done
killall -s USR1 bbzzsleeper; wait $p3 2>/dev/null; echo "USR1: $?"
renice -n 5 -p $$ >/dev/null; echo "renice: $?"; awk '{ print $19 }' /proc/$$/stat; sh -c 'awk "{ print \$19 }" /proc/\$\$/stat'
renice -n 3 $$ >/dev/null; awk '{ print $19 }' /proc/$$/stat
renice -n 1 -p 999999 2>&1 | sed 's/^renice: //'; echo "renice missing: $?"
ionice -p $$; ionice -c 3 -p $$; ionice -p $$; ionice -c 2 -n 5 sh -c 'ionice -p $$'
taskset -p 1 $$ >/dev/null; taskset -p $$ | sed 's/.*: //'; taskset 1 sh -c 'taskset -p $$' | sed 's/.*: //'
setsid sh -c 'ps -o pid,sid 2>/dev/null | head -0; [ "$(cut -d" " -f6 /proc/$$/stat)" = $$ ] && echo "own session"'
sh -c '[ "$(cut -d" " -f6 /proc/$$/stat)" = $$ ] || echo "not a session leader"'
setsid -w sh -c 'exit 5'; echo "setsid -w: $?"
timeout -s TERM 0.2 ./bbzzsleeper four; echo "timeout TERM: $?"
