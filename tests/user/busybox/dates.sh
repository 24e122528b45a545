# date with TZ=UTC and -d @N, formats, cal, arithmetic on seconds.
export TZ=UTC
date -d @0; date -u -d @1234567890; date -d @1700000000 '+%Y-%m-%d %H:%M:%S %Z %z %a %b %j %u %V'
date -d '2020-02-29 23:59:59' +%s; date -d @951782400 +%A
date -u -d '2000-01-01 00:00:00' -R; date -u -d @86399 -I; date -d @86400 -Iseconds
date -D '%d/%m/%Y %H:%M' -d '15/08/2021 10:30' +%s
TZ=EST5EDT date -d @1700000000; TZ=JST-9 date -d @0 +%H:%Mi%Z
date -d @-1 +%Y; date -d @4102444800 +%Y
date -d 'bogus' 2>&1 | sed 's/^date: //'; echo "bad date: $?"
d1=$(date +%s); d2=$(date +%s); [ $((d2 - d1)) -ge 0 ] && [ $((d2 - d1)) -le 5 ] && echo "clock moves forward"
[ "$(date +%s)" -gt 0 ] && echo "time after the epoch"
date -r /dev/null >/dev/null && echo "date -r"
touch -d @1600000000 f; date -r f +%s
cal 2 2024; cal 9 1752 | tail -n +3 | head -2
cal 1 1 | head -1
