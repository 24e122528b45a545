# gzip, bzip2, xz, lzma, lzop: round trips, files they make, modes and times.
umask 022
seq 1 20000 > data; cp data keep; chmod 640 data; touch -d '2019-01-02 03:04:05' data
gzip data; ls; stat -c '%a %s' data.gz | awk '{ print $1, ($2 < 100000) }'; [ "$(stat -c %Y data.gz)" = 1546398245 ] && echo "gzip kept mtime"
gunzip data.gz; cmp data keep && echo "gunzip same"; stat -c '%a' data
gzip -c data > c.gz; ls data c.gz; zcat c.gz | cmp - keep && echo "zcat"
gzip -1 -c data | gzip -dc | md5sum; gzip -9 -c keep | gunzip | md5sum
gzip -t c.gz; echo "gzip -t: $?"; printf 'junk' > bad.gz; gzip -t bad.gz 2>&1 | sed 's/^gzip: //'; echo "gzip -t bad: $?"
gzip -l c.gz 2>/dev/null | tail -1 | awk '{ print $2 }'
gzip -c keep keep | gunzip | wc -l
gzip c.gz 2>&1 | sed 's/^gzip: //'; echo "gzip .gz: $?"
cp keep k2; gzip k2; gzip k2 2>&1 | sed 's/^gzip: //'; echo "gzip missing: $?"; cp keep k2; gzip -f k2 2>&1; echo "gzip -f: $?"; ls k2*
bzip2 -c keep > k.bz2; bunzip2 -c k.bz2 | cmp - keep && echo bzip2; bzcat k.bz2 | wc -l
cp keep k3; bzip2 k3; ls k3*; bunzip2 k3.bz2; cmp k3 keep && echo "bunzip2 in place"
xz -c keep > k.xz 2>/dev/null && xzcat k.xz | cmp - keep && echo xz
unxz -c k.xz 2>/dev/null | wc -c
lzma -c keep > k.lzma 2>/dev/null && unlzma -c k.lzma | cmp - keep && echo lzma
lzop -c keep > k.lzo 2>/dev/null && lzop -dc k.lzo | cmp - keep && echo lzop
cat keep | gzip | gzip -d | bzip2 | bunzip2 | md5sum
head -c 200000 /dev/urandom > rnd; gzip -c rnd | gunzip | cmp - rnd && echo "random survives"
