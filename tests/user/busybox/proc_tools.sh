# Processes seen through /proc and the tools that read it.
# Linux under qemu-user shows qemu in /proc: proc_tools.expected is the answer.
sh -c 'echo $$ > pid; exec sleep 5' & bg=$!
while [ ! -s pid ]; do sleep 0.05; done
[ "$(cat pid)" = "$bg" ] && echo "exec kept the pid"
tr '\0' ' ' < /proc/$bg/cmdline; echo
grep -q '^State:' /proc/$bg/status && echo "status has State"
awk '{ print $2 }' /proc/$bg/stat
ls /proc/$bg/fd | sort -n | head -n 3
{ kill $bg; wait $bg; echo "killed: $?"; } 2>/dev/null
test -d /proc/$bg || echo "gone from /proc"
readlink /proc/self/fd/1 > /dev/null && echo "self fd ok"
cat /proc/self/stat | awk '{ print ($1 > 0) }'
grep -c . /proc/self/maps > /dev/null && echo "maps read"
grep -q MemTotal /proc/meminfo && echo "meminfo"
head -n 1 /proc/loadavg | awk '{ print NF }'
