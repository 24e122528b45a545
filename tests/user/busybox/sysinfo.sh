# System information tools: free, uptime, /proc/mounts, hostid, uname -n as hostname, refusals.
free | head -1 | tr -s ' '; free | awk 'NR == 2 { print $1, ($2 > 0), ($2 >= $3) }'; free -m | awk 'NR == 2 { print ($2 > 0) }'
uptime | grep -q 'load average:' && echo "uptime has load"
awk '{ print ($1 >= 0), ($2 >= 0) }' /proc/uptime
mount | grep -q ' /proc ' && echo "proc in mount list"; grep -q ' /proc proc ' /proc/mounts && echo "proc in /proc/mounts"
awk '$2 == "/proc" { print $1, $3, NF }' /proc/mounts
hostid | grep -Eq '^[0-9a-f]{8}$' && echo "hostid hex"
[ "$(hostname)" = "$(uname -n)" ] && echo "hostname is uname -n"
date -s 'not a date' 2>&1 | sed 's/^date: //'; echo "date -s junk: $?"
