# The execution domain (busybox's linux64, setarch's personality call): the
# 64-bit domain is the one there is.
linux64 uname -m 2>&1; echo "linux64: $?"
linux64 sh -c 'echo inside'; echo "status: $?"
