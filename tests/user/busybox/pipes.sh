# Pipelines: filters chained, sort | uniq, find | xargs, exit status of a pipeline.
echo "one two three" | tr ' ' '\n' | sort -r
printf 'b\na\nc\na\nb\na\n' | sort | uniq -c
printf 'b\na\nc\na\n' | sort -u | wc -l
seq 1 100 | grep 7 | tr '\n' ' '; echo
seq 1 10 | awk '{ s += $1 } END { print "sum", s }'
echo abc | sed 's/b/B/' | rev
mkdir -p tree/a/b tree/c
for f in tree/x.txt tree/a/y.txt tree/a/b/z.txt tree/c/w.log; do echo "$f" > "$f"; done
find tree -name '*.txt' | sort | xargs cat
find tree -type f | sort | xargs -n 2 echo pair:
find tree -type d | sort
find tree -name '*.log' -print0 | xargs -0 wc -l
true | false; echo "last fails: $?"
false | true; echo "last succeeds: $?"
! false; echo "negated: $?"
cat /dev/null | wc -c
yes | head -n 3
seq 5 | tail -n 2
echo "x y z" | cut -d' ' -f2
