#!/usr/bin/env bash
# TFTP benchmark, everything on loopback in one run:
#   1. 100 concurrent atftp downloads of a 1 MiB file (blksize 1468): ww4j vs tftpd-hpa (in.tftpd)
#      serving the same directory. Reported: tftpd-hpa wall time / ww4j wall time (>= 1.0 wanted).
#   2. one 64 MiB download from ww4j with windowsize 16 vs lock-step (both blksize 1468).
#      Reported: lock-step time / windowed time (>= 4 wanted).
# Needs: a built tree (./mvnw -q -B -DskipTests package), atftp, tftpd-hpa (.ci/packages).
# Usage: server/bench/tftp-bench.sh [rounds]      (ports 16901/16902 on 127.0.0.1)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-3}
WW_PORT=16901
HPA_PORT=16902
LIB=distribution/target/ww4j/lib
[ -f "$LIB/ww4j-server-0.1.0-SNAPSHOT.jar" ] || { echo "build first: ./mvnw -q -B -DskipTests package" >&2; exit 1; }
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
command -v atftp >/dev/null || { echo "atftp missing (apt-get install atftp)" >&2; exit 1; }
command -v in.tftpd >/dev/null || [ -x /usr/sbin/in.tftpd ] || { echo "in.tftpd missing (apt-get install tftpd-hpa)" >&2; exit 1; }
TFTPD=$(command -v in.tftpd || echo /usr/sbin/in.tftpd)

WORK=$(mktemp -d /tmp/tftp-bench.XXXXXX)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
    if [ -n "$CG" ]; then
        for g in ww hpa; do
            while read -r p; do echo "$p" > "$CPUACCT/cgroup.procs" 2>/dev/null || true; done < "$CG-$g/cgroup.procs"
            rmdir "$CG-$g" 2>/dev/null || true
        done
    fi
}
trap cleanup EXIT

mkdir -p "$WORK/root" "$WORK/out"
head -c $((1 << 20)) /dev/urandom > "$WORK/root/f1m"
head -c $((64 << 20)) /dev/urandom > "$WORK/root/f64m"

# Server CPU time is read from a cgroup v1 cpuacct group per server (it includes tftpd-hpa's
# forked per-transfer children); without a writable cpuacct hierarchy only wall time is reported.
CPUACCT=/sys/fs/cgroup/cpuacct
CG=""
if [ -w "$CPUACCT" ] && mkdir -p "$CPUACCT/tftp-bench-$$-ww" "$CPUACCT/tftp-bench-$$-hpa" 2>/dev/null; then
    CG="$CPUACCT/tftp-bench-$$"
fi
in_cgroup() { # name command...: runs the command inside the named group (if any)
    local name=$1; shift
    if [ -n "$CG" ]; then exec sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$CG-$name" "$@"; else exec "$@"; fi
}
cpu_ns() { [ -n "$CG" ] && cat "$CG-$1/cpuacct.usage" || echo 0; }

in_cgroup ww "$JAVA" -cp "$LIB/*" io.ww4j.tftp.StandaloneTftp "$WORK/root" 127.0.0.1 "$WW_PORT" 2> "$WORK/ww4j.log" &
PIDS+=($!)
in_cgroup hpa "$TFTPD" -L -a "127.0.0.1:$HPA_PORT" -s "$WORK/root" &
PIDS+=($!)

now() { date +%s.%N; }
get() { # port remote local [options...]
    local port=$1 remote=$2 local=$3; shift 3
    local opts=()
    for o in "$@"; do opts+=(--option "$o"); done
    atftp "${opts[@]}" -g -r "$remote" -l "$local" 127.0.0.1 "$port" >/dev/null 2>&1
}

for i in $(seq 50); do   # wait for ww4j's port
    if get "$WW_PORT" f1m "$WORK/out/probe" 2>/dev/null; then break; fi
    sleep 0.2
done
cmp -s "$WORK/root/f1m" "$WORK/out/probe" || { echo "ww4j did not come up:" >&2; cat "$WORK/ww4j.log" >&2; exit 1; }

# 100 concurrent downloads; prints the wall time; fails if any copy differs
burst() { # port group: wall seconds, and server CPU seconds appended to $WORK/cpu-<group>
    local port=$1 group=$2 t0 t1 c0 c1 fails=0
    rm -f "$WORK"/out/b-*
    c0=$(cpu_ns "$group")
    t0=$(now)
    for i in $(seq 100); do get "$port" f1m "$WORK/out/b-$i" "blksize 1468" & done
    wait_children
    t1=$(now)
    c1=$(cpu_ns "$group")
    echo "($c1 - $c0) / 1000000000" | bc -l >> "$WORK/cpu-$group"
    for i in $(seq 100); do cmp -s "$WORK/root/f1m" "$WORK/out/b-$i" || fails=$((fails + 1)); done
    [ "$fails" = 0 ] || { echo "port $port: $fails of 100 downloads wrong" >&2; exit 1; }
    echo "$t1 - $t0" | bc -l
}
wait_children() { # wait for the atftp jobs only (the servers are jobs too)
    local j
    for j in $(jobs -p); do
        case " ${PIDS[*]} " in *" $j "*) ;; *) wait "$j" || true ;; esac
    done
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "warm-up (JIT) ..."
burst "$WW_PORT" ww >/dev/null
burst "$HPA_PORT" hpa >/dev/null
: > "$WORK/cpu-ww" ; : > "$WORK/cpu-hpa"

echo "1) 100 concurrent x 1 MiB, blksize 1468, $ROUNDS rounds each (alternating)"
: > "$WORK/ww" ; : > "$WORK/hpa"
for r in $(seq "$ROUNDS"); do
    burst "$WW_PORT" ww >> "$WORK/ww"
    burst "$HPA_PORT" hpa >> "$WORK/hpa"
done
WW=$(median < "$WORK/ww"); HPA=$(median < "$WORK/hpa")
printf '   ww4j      median %.3f s  (%s)\n' "$WW" "$(tr '\n' ' ' < "$WORK/ww")"
printf '   tftpd-hpa median %.3f s  (%s)\n' "$HPA" "$(tr '\n' ' ' < "$WORK/hpa")"
printf '   ratio tftpd-hpa/ww4j = %.2fx (>= 1.0 wanted)\n' "$(echo "$HPA / $WW" | bc -l)"
if [ -n "$CG" ]; then
    CW=$(median < "$WORK/cpu-ww"); CH=$(median < "$WORK/cpu-hpa")
    printf '   server CPU per burst: ww4j %.3f s, tftpd-hpa %.3f s (tftpd-hpa/ww4j = %.2fx)\n' "$CW" "$CH" "$(echo "$CH / $CW" | bc -l)"
fi

one() { # options...: time of one 64 MiB download from ww4j, checked
    local t0 t1
    rm -f "$WORK/out/big"
    t0=$(now)
    get "$WW_PORT" f64m "$WORK/out/big" "$@"
    t1=$(now)
    cmp -s "$WORK/root/f64m" "$WORK/out/big" || { echo "64 MiB download differs ($*)" >&2; exit 1; }
    echo "$t1 - $t0" | bc -l
}
echo "2) 64 MiB from ww4j, blksize 1468: windowsize 16 vs lock-step, $ROUNDS rounds each"
: > "$WORK/win" ; : > "$WORK/lock"
for r in $(seq "$ROUNDS"); do
    one "blksize 1468" "windowsize 16" >> "$WORK/win"
    one "blksize 1468" >> "$WORK/lock"
done
WIN=$(median < "$WORK/win"); LOCK=$(median < "$WORK/lock")
printf '   windowsize 16 median %.3f s  (%s)\n' "$WIN" "$(tr '\n' ' ' < "$WORK/win")"
printf '   lock-step     median %.3f s  (%s)\n' "$LOCK" "$(tr '\n' ' ' < "$WORK/lock")"
printf '   ratio lock-step/windowed = %.2fx (>= 4 wanted)\n' "$(echo "$LOCK / $WIN" | bc -l)"
