# syslogd and logger over a Unix-domain datagram socket: syslogd binds
# /dev/log, logger (glibc's syslog) connects to it and sends. On the host the
# script would take the machine's /dev/log: it runs on tine only, and
# syslog.expected is its answer.
case $(uname -r) in
  *-tine) ;;
  *) echo "not tine: /dev/log is the host's"; exit 0 ;;
esac
syslogd -n -S -O "$PWD/messages" & pid=$!
i=0
while [ ! -S /dev/log ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -S /dev/log ] && echo "/dev/log is a socket"
stat -c '%F %a' /dev/log
logger -t bbtest "hello from logger"
logger -t bbtest -p user.err "an error line"
echo "with a newline" | logger -t bbtest
i=0
while [ "$(grep -c bbtest messages 2>/dev/null)" != 3 ] && [ $i -lt 100 ]; do
  sleep 0.1
  i=$((i + 1))
done
kill $pid
wait $pid
echo "syslogd: $?"
grep -c 'syslogd started: BusyBox' messages
sed -n 's/^.* bbtest/bbtest/p' messages
rm -f /dev/log
