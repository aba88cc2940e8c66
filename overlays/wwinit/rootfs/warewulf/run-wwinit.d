#!/bin/sh
# Runs every executable in /warewulf/wwinit.d in name order, before the root is switched.
# One failing script is reported and does not stop the others.
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
if [ -f /warewulf/config ]; then set -a; . /warewulf/config; set +a; fi
rc=0
for script in /warewulf/wwinit.d/*; do
    [ -f "$script" ] || continue
    echo "wwinit: running $script"
    case "$script" in
        *.sh) sh "$script" ;;
        *) [ -x "$script" ] && "$script" ;;
    esac || { echo "wwinit: $script failed"; rc=1; }
done
exit $rc
