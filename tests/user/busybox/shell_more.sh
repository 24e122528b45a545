# ash: traps on EXIT/INT/ERR paths, ulimit, umask -S, read -t, exec redirections, wait, $(( )).
trap 'echo "EXIT trap, status $?"' EXIT
sh -c 'trap "echo int trapped" INT; kill -INT $$; echo after int'
sh -c 'trap "echo exit from int" EXIT; trap "exit 4" INT; kill -INT $$'; echo "int then exit: $?"
sh -c 'trap "echo exit on error" EXIT; set -e; false; echo never'; echo "set -e exit: $?"
sh -c 'set -u; : ${nope}' 2>/dev/null; echo "set -u: $?"
sh -c 'f() { trap "echo in f RETURN-less" EXIT; return 3; }; f; echo "f: $?"'
ulimit -c; ulimit -t; ulimit -f; ulimit -v; ulimit -m
ulimit -a | sed 's/ *[0-9a-z]*$//' | head -20
(ulimit -n 64; ulimit -n; exec 70>x 2>/dev/null || echo "fd 70 refused") 2>&1 | sed 's/^.*: //'
(ulimit -n 10; ls /proc/self/fd | wc -l) 2>&1
(ulimit -S -n 50; ulimit -n; ulimit -H -n 100; ulimit -Hn)
(ulimit -f 1; dd if=/dev/zero of=big bs=1024 count=4 2>/dev/null; echo "fsize: $?" >/dev/null; stat -c %s big >/dev/null); stat -c %s big
# qemu-user ignores setrlimit of RLIMIT_STACK, AS and DATA: ulimit -s, -v, -d are not set here.
(ulimit -c unlimited; ulimit -c)
umask 027; umask; umask -S; umask u=rwx,g=rx,o=; umask; (umask 0; umask); umask
umask 022; sh -c 'umask'
mkfifo ff; exec 3<>ff; read -t 0.2 x <&3; echo "read -t on empty fifo: $?"; exec 3>&-
echo abc | { read -t 1 y; echo "read -t ready: $? $y"; }
exec 4>out4; echo one >&4; exec 4>>out4; echo two >&4; exec 4>&-; cat out4
exec 6<&0; exec 0<out4; read first; exec 0<&6 6<&-; echo "read from redirected stdin: $first"
{ exec 7>&1; } ; echo "seven" >&7; exec 7>&-
(exec >sub.out; echo in-sub); cat sub.out
sleep 0.2 & a=$!; (exit 7) & b=$!; wait $b; echo "b: $?"; wait $a; echo "a: $?"
sh -c 'sleep 0.1 & exec sleep 0.05'; echo "exec over bg: $?"
echo $(( 7 * (3 + 4) )) $(( 1 ? 2 : 3 )) $(( 5 & 3 | 8 ^ 1 )) $(( ~0 )) $(( 2 ** 62 * 2 )) $(( 10 / -3 ))
i=0; until [ $i -ge 3 ]; do i=$((i+1)); done; echo "until: $i"
case "x.tar.gz" in *.tar.*) echo "case glob";; esac
set -- "a b" c; for x; do echo "[$x]"; done; echo "$#"
v="x y z"; set -- $v; echo $#; IFS=: ; w="1:2:3"; set -- $w; echo $#; unset IFS
readonly RO=1; (RO=2) 2>/dev/null || echo "readonly held"
printf '%s\n' "${PPID:+has ppid}" "$(( $$ > 0 ))"
command -v cd; command -V sh 2>&1 | sed 's/ is .*//'; type nonexistent_cmd_q >/dev/null 2>&1; echo "type missing: $?"
hash 2>/dev/null; times | wc -l
