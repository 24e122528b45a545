# Who the shell is: id, whoami, groups, uname fields, hostname, nproc, tty.
id -u; id -g; id -un; id -gn; id -ru; id -rg
id | sed 's/ groups=.*//'
id -G | cut -d' ' -f1
id root | sed 's/ groups=.*//'; id -u root; id nosuchuser_xyz 2>&1; echo "id unknown: $?"
whoami; groups | cut -d' ' -f1
uname -s; uname -m; uname -o; uname -p 2>&1 | sed 's/^aarch64$/unknown/'
uname -a | awk '{ print $1, $NF }'
[ "$(uname -n)" = "$(hostname)" ] && echo "nodename is the hostname"
[ "$(uname -r)" = "$(cut -d' ' -f3 /proc/version)" ] && echo "release as /proc/version"
uname -r | grep -Eq '^[0-9]+\.[0-9]+' && echo "release looks like a version"
hostname | grep -q . && echo "hostname set"
[ "$(hostname -s)" = "$(hostname | cut -d. -f1)" ] && echo "hostname -s"
arch
[ "$(nproc)" -ge 1 ] && echo "nproc at least 1"
[ "$(nproc)" = "$(grep -c '^processor' /proc/cpuinfo)" ] && echo "nproc counts /proc/cpuinfo"
tty; echo "tty: $?"
tty -s; echo "tty -s: $?"
echo "HOME=${HOME:+set} PWD=$( [ "$PWD" = "$(pwd -P)" ] && echo ok)"
env | grep -c '^PATH='
printenv 2>/dev/null; env -i A=1 B=2 env | sort
env -i PATH=/bin:/usr/bin sh -c 'echo $PATH'
