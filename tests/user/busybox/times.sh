# Which calls move atime, mtime and ctime (compared, never printed).
chk() { a=$(stat -c "%X %Y %Z" "$1"); sleep 1.1; shift; "$@" >/dev/null 2>&1; b=$(stat -c "%X %Y %Z" f); set -- $a $b; echo "atime $([ $4 -gt $1 ] && echo moved || echo kept) mtime $([ $5 -gt $2 ] && echo moved || echo kept) ctime $([ $6 -gt $3 ] && echo moved || echo kept)"; }
echo data > f; touch -a -d @1 f
printf '%s: ' write; chk f sh -c 'echo more >> f'
printf '%s: ' chmod; chk f chmod 600 f
printf '%s: ' chown; chk f chown 0:0 f
printf '%s: ' link; chk f ln f f2
printf '%s: ' unlink-other-name; chk f rm f2
printf '%s: ' rename; chk f sh -c 'mv f g && mv g f'
printf '%s: ' truncate; chk f truncate -s 2 f
printf '%s: ' truncate-same; chk f truncate -s 2 f
printf '%s: ' touch; chk f touch f
printf '%s: ' touch-m; chk f touch -m f
printf '%s: ' touch-a; chk f touch -a f
printf '%s: ' open-trunc; chk f sh -c ': > f'
printf '%s: ' open-append-nowrite; chk f sh -c ': >> f'
mkdir d; dchk() { a=$(stat -c "%Y %Z" d); sleep 1.1; "$@" >/dev/null 2>&1; b=$(stat -c "%Y %Z" d); set -- $a $b; echo "mtime $([ $3 -gt $1 ] && echo moved || echo kept) ctime $([ $4 -gt $2 ] && echo moved || echo kept)"; }
printf '%s: ' dir-create; dchk touch d/x
printf '%s: ' dir-rename-in; dchk mv d/x d/y
printf '%s: ' dir-write-child; dchk sh -c 'echo z >> d/y'
printf '%s: ' dir-mkdir; dchk mkdir d/s
printf '%s: ' dir-rmdir; dchk rmdir d/s
printf '%s: ' dir-symlink; dchk ln -s y d/l
printf '%s: ' dir-unlink; dchk rm d/l
