# /proc as busybox's tools read it, where any Linux gives the same answer:
# formats, field counts, names and what the reader can know of itself.
# /proc/stat: the cpu line's ten counters, a cpuN line per CPU, then the
# other lines in Linux's order.
awk '$1 == "cpu" { print "cpu counters:", NF - 1 }' /proc/stat
[ "$(grep -c '^cpu[0-9]' /proc/stat)" = "$(nproc)" ] && echo "a cpuN line per CPU"
awk '$1 ~ /^cpu[0-9]+$/ && NF != 11 { bad = 1 } END { print "cpuN counters all there:", !bad }' /proc/stat
grep -E '^(intr|ctxt|btime|processes|procs_running|procs_blocked|softirq) ' /proc/stat | cut -d' ' -f1
awk '$1 == "procs_running" { print "something runs:", ($2 >= 1) }' /proc/stat
# /proc/loadavg: three averages, runnable/all threads, the last pid.
awk '{ print NF, $1 ~ /^[0-9]+\.[0-9][0-9]$/, $3 ~ /^[0-9]+\.[0-9][0-9]$/,
       $4 ~ /^[0-9]+\/[0-9]+$/, $5 ~ /^[0-9]+$/ }' /proc/loadavg
awk '{ print "uptime fields:", NF, ($1 > 0) }' /proc/uptime
# top's summary lines read /proc/meminfo, /proc/stat and /proc/loadavg.
top -bn1 | head -3 | cut -d: -f1
cut -d' ' -f1,2 /proc/version
[ "$(grep -c '^processor' /proc/cpuinfo)" = "$(nproc)" ] && echo "a processor block per CPU"
# The reader's own map: its stack, its program, names in column 74.
awk '$6 == "[stack]" { print "stack:", $2, $3, $4, $5, index($0, "[stack]") }' /proc/self/maps
exe=$(readlink /proc/self/exe)
awk -v exe="$exe" 'NR == 1 { print "first:", $2, $3, $6 == exe }' /proc/self/maps
awk '$1 !~ /^[0-9a-f]+-[0-9a-f]+$/ || $2 !~ /^[r-][w-][x-][ps]$/ { bad = 1 } END { print "ranges and permissions:", !bad }' /proc/self/maps
# Descriptors: names, targets and modes.
ls /proc/self/fd | sort -n | tr '\n' ' '; echo
readlink /proc/self/fd/0
echo | readlink /proc/self/fd/0 | cut -c1-6
ls -l /proc/self/fd/0 | cut -c1-10
exec 3>out.txt
readlink /proc/$$/fd/3 | sed "s|^$(pwd -P)/||"
ls -l /proc/$$/fd/3 | cut -c1-10
exec 3<>out.txt
ls -l /proc/$$/fd/3 | cut -c1-10
exec 3>&-
readlink /proc/$$/fd/3 || echo "closed: no link"
cat /proc/self/fd/0 </dev/null && echo "fd link followed"
echo through > f; cat /proc/self/fd/3 3<f
mkdir d; cd d; [ "$(readlink /proc/self/cwd)" = "$(pwd -P)" ] && echo "cwd is the working directory"
cd ..
# A process that has gone.
sleep 0 & p=$!; wait $p
cat /proc/$p/maps 2>/dev/null || echo "gone: no maps"
ls /proc/$p/fd 2>/dev/null || echo "gone: no fd"
