# Sets the kernel host name early so that boot messages carry it.
if [ -n "$WWHOSTNAME" ]; then
    hostname "$WWHOSTNAME" 2> /dev/null || echo "$WWHOSTNAME" > /proc/sys/kernel/hostname
fi
