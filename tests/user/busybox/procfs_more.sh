# /proc files and fields that busybox's tools and scripts look for, as Linux has them.
free | awk 'NR == 3 { print $1 }'
for k in MemTotal MemFree MemAvailable Buffers Cached SReclaimable SwapTotal; do grep -q "^$k:" /proc/meminfo && echo "meminfo $k"; done
for f in comm limits statm status stat cmdline maps fd cwd exe root mounts oom_score_adj loginuid; do
  [ -e /proc/self/$f ] && echo "self/$f" || echo "self/$f missing"
done
for f in cmdline filesystems mounts meminfo stat uptime loadavg version cpuinfo swaps sys/kernel/hostname sys/kernel/ostype sys/kernel/osrelease sys/kernel/pid_max sys/fs/file-max sys/fs/nr_open; do
  [ -e /proc/$f ] && echo "proc/$f" || echo "proc/$f missing"
done
for k in Name Umask State Tgid Pid PPid Uid Gid Groups VmRSS Threads SigQ SigPnd ShdPnd SigBlk SigIgn SigCgt CapEff NoNewPrivs Cpus_allowed Cpus_allowed_list; do
  grep -q "^$k:" /proc/self/status && echo "status $k" || echo "status $k missing"
done
taskset -c 0 sh -c 'grep Cpus_allowed_list /proc/self/status'
sh -c 'trap "" USR2; trap "echo" HUP; grep -E "^Sig(Ign|Cgt)" /proc/self/status' | awk '{ print $1, (length($2) == 16) }'
readlink /proc/self/root; awk '{ print NF }' /proc/self/statm
grep -c '^Max open files' /proc/self/limits
head -n 1 /proc/self/limits
cat /proc/sys/kernel/ostype
ls /proc/sys/kernel | grep -c hostname
logname 2>&1 </dev/null
