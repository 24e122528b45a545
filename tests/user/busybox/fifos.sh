# Named pipes: mkfifo, background writers, readers that wait for them.
umask 022
mkfifo f
stat -c '%F %A' f
[ -p f ] && echo "f is a FIFO"
# A writer in the background waits for the reader.
(echo "through the fifo" > f) &
cat f
wait; echo "writer: $?"
(for i in 1 2 3; do echo "line $i"; done > f) &
while read -r l; do echo "got: $l"; done < f
wait
# The reader first: it waits for a writer.
cat f > out.txt & r=$!
sleep 0.1
echo late > f
wait $r; echo "reader: $?"; cat out.txt
# Read and write: <> never waits.
exec 3<> f
echo self >&3
read -r x <&3; echo "rdwr: $x"
# Two writers one after the other, to a reader that holds it open (as a
# writer too, so that it never reads the end of the file between them).
(echo one > f; echo two > f) &
read -r a <&3; echo "first: $a"
read -r b <&3; echo "second: $b"
wait
exec 3>&-
# A long stream through it.
seq 1 2000 > f & w=$!
wc -l < f
wait $w; echo "seq: $?"
mkfifo -m 600 g
stat -c '%F %a' g
mkfifo f 2>/dev/null; echo "mkfifo existing: $?"
mkfifo nodir/f 2>&1; echo "mkfifo no dir: $?"
[ -p f ] && echo "f is still a FIFO"
rm f g
[ -e f ] || echo "removed"
