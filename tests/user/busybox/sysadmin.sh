# What root may do on Linux with busybox's tools: sethostname, clock_settime, /proc/sys
# (sysctl), syslog (dmesg), fallocate. sysadmin.expected is Linux's
# answer as real root (the user namespace of the comparison refuses the first three).
old=$(hostname); hostname bbtest-host; echo "hostname NAME: $?"; hostname; uname -n; hostname "$old"
date -s @1700000000 2>&1 >/dev/null | sed 's/^date: //'; [ "$(date +%s)" -ge 1700000000 ] && echo "clock set"
sysctl kernel.ostype; sysctl -n kernel.osrelease | grep -q . && echo "osrelease"
cat /proc/sys/kernel/ostype; cat /proc/sys/kernel/pid_max >/dev/null && echo "pid_max"
dmesg >/dev/null; echo "dmesg: $?"
fallocate -l 10000 fa; stat -c %s fa; fallocate -o 20000 -l 100 fa; stat -c %s fa
