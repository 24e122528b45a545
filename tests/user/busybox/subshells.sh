# Subshells, command substitution, sh -c, exit statuses.
x=outer
(x=inner; echo "in subshell: $x")
echo "after subshell: $x"
(exit 7); echo "subshell exit: $?"
a=$(echo hello | tr a-z A-Z); echo "$a"
b=`echo backquotes`; echo "$b"
n=$(echo $(echo nested $(echo deep))); echo "$n"
lines=$(printf 'l1\nl2\nl3\n' | wc -l); echo "lines: $lines"
sh -c 'echo "from sh -c: $0 $1 $2"' zero one two
sh -c 'exit 42'; echo "sh -c exit: $?"
sh -c 'kill -TERM $$'; echo "killed by TERM: $?"
sh -c 'echo $(( 6 * 7 ))'
{ echo grouped; echo commands; } | wc -l
f() { echo "function $1"; return 3; }
f arg; echo "function status: $?"
if sh -c 'test 1 -eq 1'; then echo if-true; fi
sh -c 'false' || echo "or-branch"
sh -c 'true' && echo "and-branch"
v=$(exit 5); echo "substitution status: $?"
echo "$(seq 3 | tr '\n' ,)"
cmd_not_found_xyz 2>/dev/null; echo "not found: $?"
sh -c 'exec echo exec replaced the shell'
set -- p q r; echo "$# args: $*"
i=0; while [ $i -lt 5 ]; do i=$((i + 1)); done; echo "loop: $i"
for w in alpha beta; do echo "for $w"; done
case abc in a*) echo "case matched";; *) echo no;; esac
