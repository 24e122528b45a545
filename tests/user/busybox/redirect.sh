# Here-documents and redirections: >, >>, 2>&1, <, <<, <<-, fd duplication.
name=world
cat <<EOT
hello $name
  indented $((1 + 1))
EOT
cat <<'EOT'
no $expansion here
EOT
	cat <<-EOT
	tabs stripped
	EOT
echo first > f.txt
echo second >> f.txt
cat f.txt
wc -l < f.txt
echo to-stderr 1>&2 2>/dev/null
( echo out; echo err 1>&2 ) > both.txt 2>&1
sort both.txt
( echo out; echo err 1>&2 ) 2>/dev/null
ls no-such-file > /dev/null 2> err.txt; echo "ls status: $?"; wc -l < err.txt
exec 3> fd3.txt; echo via-fd3 >&3; exec 3>&-; cat fd3.txt
exec 4< f.txt; read line <&4; echo "read: $line"; exec 4<&-
while read a b; do echo "[$a|$b]"; done <<EOT
x 1
y 2 3
EOT
: > empty.txt; test -s empty.txt || echo "empty file"
cat < f.txt > copy.txt; cmp f.txt copy.txt && echo "same"
echo $(cat <<EOT
in substitution
EOT
)
{ echo a; echo b; } > grp.txt; cat grp.txt
set -C; (echo clobber > f.txt) 2>/dev/null || echo "noclobber kept it"; set +C
cat f.txt
