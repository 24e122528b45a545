# find predicates, du, df, truncate, mktemp, chmod symbolic, mkdir -m, rm -rf.
umask 022
mkdir -p t/a/b/c t/d; echo 1 > t/f1; printf '%2000s' x > t/a/f2; : > t/a/b/empty; ln -s f1 t/ls
chmod 755 t/f1; chmod 4755 t/a/f2; chmod 600 t/a/b/empty
touch -d '2020-01-01' t/f1; touch -d '2021-01-01' t/a/f2
find t | sort
find t -type f | sort; find t -type d | sort; find t -type l
find t -perm 755 | sort; find t -perm -4000; find t -perm /022 -type f | sort
find t -newer t/f1 -type f -name 'f*' | sort
find t -size +1k -type f; find t -size -1 -type f | sort; find t -empty | sort
find t -mindepth 2 | sort; find t -maxdepth 1 | sort; find t -mindepth 2 -maxdepth 2 | sort
find t -name 'f*' -o -name empty | sort
find t -path '*b*' | sort
find t -type f -exec echo F {} + | tr ' ' '\n' | sort | tr '\n' ' '; echo
find t -links 2 -type d | sort
find t -user 0 -type f | wc -l; find t -uid 0 | wc -l
find t/d -delete; [ -e t/d ] || echo "find -delete"
find t -name c -type d -delete; [ -e t/a/b/c ] || echo "deleted c"
du -s t >/dev/null && echo du ok; du -a t | awk '{ print $2 }' | sort
df . >/dev/null && echo "df ok"; df -P / | awk 'NR == 2 { print ($2 > 0), ($4 > 0) }'
df -k . | awk 'NR==1 { print $1, $2 }'
truncate -s 100 tr; stat -c %s tr; truncate -s +50 tr; stat -c %s tr; truncate -s -20 tr; stat -c %s tr
truncate -s 0 tr; stat -c %s tr; truncate -s 5M tr; stat -c '%s' tr; od -c tr | head -2
truncate -c -s 10 nofile; [ -e nofile ] || echo "truncate -c"
f=$(mktemp); [ -f "$f" ] && stat -c %a "$f"; rm "$f"
d=$(mktemp -d); [ -d "$d" ] && stat -c %a "$d"; rmdir "$d"
f=$(mktemp tmp.XXXXXX); echo "$f" | sed 's/\.[A-Za-z0-9]\{6\}$/.SIX/'; rm "$f"
f=$(mktemp -u); [ -e "$f" ] || echo "mktemp -u made nothing"
mktemp -p . foo.XXXX | sed 's/....$/XXXX/'
touch sm; chmod u=rwx,g=rx,o= sm; stat -c %a sm; chmod g+w,o+r sm; stat -c %a sm
chmod a-x sm; stat -c %a sm; chmod u+s,g+s sm; stat -c '%a %A' sm; chmod +t sm; stat -c '%a %A' sm
chmod 0 sm; stat -c '%A' sm; chmod =r sm; stat -c %a sm; chmod go=u sm; stat -c %a sm
chmod u+X sm; stat -c %a sm; mkdir sd; chmod 600 sd; chmod a+X sd; stat -c %a sd
chmod 2755 sd; stat -c '%a %A' sd; mkdir sd/in; stat -c '%a' sd/in
chmod -R 700 t; stat -c '%a %n' t t/a/f2 t/a/b/empty
chmod 1777 sd; stat -c %A sd
mkdir -m 700 m7; stat -c %a m7; mkdir -p -m 711 p/q/r; stat -c '%a %n' p p/q p/q/r
mkdir -m u=rwx,g=,o=x ms; stat -c %a ms
umask 077; touch u1; mkdir u2; stat -c '%a' u1 u2; umask 000; touch u3; mkdir u4; stat -c %a u3 u4; umask
umask 022; umask -S
mkdir -p deep; cd deep; i=0; while [ $i -lt 60 ]; do mkdir n$i; cd n$i; i=$((i+1)); done; echo leaf > leaf; cd "$OLDPWD"
cd ..; find deep -name leaf | tr -cd / | wc -c; rm -rf deep; [ -e deep ] || echo "rm -rf deep"
mkdir -p wide; i=0; while [ $i -lt 300 ]; do : > wide/f$i; i=$((i+1)); done; ls wide | wc -l; rm -rf wide; echo "wide: $?"
rm -f nothing; echo "rm -f missing: $?"; rm nothing 2>&1; echo "rm missing: $?"
mkdir ro; touch ro/f; chmod 555 ro; rm -f ro/f; echo "root rm in r-o dir: $?"
