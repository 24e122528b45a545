# #! scripts: exec of a script file through its interpreter.
cat > hello.sh <<'EOT'
#!/bin/sh
echo "script $# args: $1 $2"
exit 6
EOT
chmod +x hello.sh
./hello.sh a b; echo "status: $?"
cat > arg.sh <<'EOT'
#!/bin/sh -e
false
echo not reached
EOT
chmod 755 arg.sh
./arg.sh; echo "-e status: $?"
cat > awkscript <<'EOT'
#!/usr/bin/awk -f
{ print "awk saw", $2 }
EOT
chmod +x awkscript
echo "x y" | ./awkscript
printf 'echo no shebang\n' > plain.sh; chmod +x plain.sh
./plain.sh
printf '#!/bin/sh\necho $0\n' > self.sh; chmod +x self.sh; ./self.sh | sed 's|.*/||'
printf '#!/bin/sh\necho no exec bit\n' > noexec.sh; ./noexec.sh 2>/dev/null; echo "no x bit: $?"
sh noexec.sh
mkdir -p bin; printf '#!/bin/sh\necho found on PATH\n' > bin/mycmd; chmod +x bin/mycmd
PATH=$PWD/bin:$PATH mycmd
