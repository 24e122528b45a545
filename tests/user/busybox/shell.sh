# ash features: big here-documents, large command substitution, read, getopts,
# functions and local, set -e/-u/-x, fds 3-9, <>, >|.
gen() { i=0; while [ $i -lt 4000 ]; do echo "line $i of the here-document filler xx"; i=$((i+1)); done; }
gen > hd.txt; wc -c < hd.txt
eval "cat <<EOT
$(cat hd.txt)
EOT" | md5sum; md5sum < hd.txt
big=$(cat hd.txt); echo ${#big}
big2=$(seq 1 200000); echo ${#big2}
v=$(head -c 300000 /dev/zero | tr '\0' x); echo ${#v}
printf 'a b c\nd e\n\nlast' > in.txt
while read -r x y; do echo "[$x][$y]"; done < in.txt
read -r l1 < in.txt; echo "$l1"
printf 'x\\ty\n' | { read a; echo "$a"; }; printf 'x\\ty\n' | { read -r a; echo "$a"; }
echo "a:b:c" | { IFS=: read p q r; echo "$q $r $p"; }
read -n 3 z < in.txt; echo "n3: $z"
printf 'abc' | { read -t 1 w; echo "rc $? w=$w"; }
cat in.txt | while read l; do echo "piped $l"; done
opts() { OPTIND=1; while getopts "ab:c" o; do case $o in b) echo "b=$OPTARG";; \?) echo bad;; *) echo "$o";; esac; done; shift $((OPTIND-1)); echo "rest: $*"; }
opts -a -b val -c x y; opts -ac -bfoo z; opts -z 2>&1
f() { local v=inner; g; echo "f sees $v"; }; g() { echo "g sees $v"; v=changed; }; v=outer; f; echo "outer $v"
fac() { if [ $1 -le 1 ]; then echo 1; else echo $(( $1 * $(fac $(( $1 - 1 ))) )); fi; }; fac 20
rec() { [ $1 -gt 0 ] && rec $(( $1 - 1 )) || echo "bottom"; }; rec 1000
(set -e; false; echo not) ; echo "set -e: $?"
(set -e; false || true; echo "|| shields")
(set -e; if false; then :; fi; echo "if shields")
(set -u; echo $undefined_var_x) 2>&1 | sed 's/^.*: //'; echo "set -u done"
(set -x; echo traced) 2>&1
exec 3>f3 4>f4 5>f5 6>f6 7>f7 8>f8 9>f9
for n in 3 4 5 6 7 8 9; do eval "echo fd$n >&$n"; done
exec 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-
cat f3 f4 f5 f6 f7 f8 f9
echo hello > rw; exec 5<>rw; read w <&5; echo "got $w"; echo appended >&5; exec 5>&-; cat rw
printf 'abcdef' > rw2; echo XY 1<>rw2; cat rw2; echo
set -C; echo one > nc; { echo two > nc; } 2>/dev/null || echo "refused"; echo three >| nc; cat nc; set +C
exec 6<in.txt; read a <&6; read b <&6; echo "$a / $b"; exec 6<&-
{ echo out; echo err >&2; } 3>&1 1>&2 2>&3 2>/dev/null
exec 7>&1; echo via7 >&7; exec 7>&-
{ echo bad >&8; } 2>/dev/null; echo "closed fd: $?"
cat <<EOF2 | wc -l
$(seq 1 70000)
EOF2
x=$(cat <<'Q'
one
two
Q
); echo "$x"
s="hello world"; echo ${s#* } ${s%o*} ${s##*o} ${#s} ${s:-def} ${un:-def} ${un:=set} $un ${s/o/0} ${s//o/0}
echo ${s:2:3}; set -- a b c d; echo $# ${2} "$@"; shift 2; echo "$*"
case x in [a-z]) echo class;; esac
t=0; for i in $(seq 1 1000); do t=$((t+i)); done; echo $t
alias ll='echo aliased'; eval ll
type echo cd | sed 's/ is .*//'; command -v ls >/dev/null && echo have ls
echo $((RANDOM >= 0))
trap 'echo exit trap $?' EXIT; false
