#!/usr/bin/env bash
# Whole-process wwctl latency: 1,000 nodes, `wwctl node list` and
# `wwctl node set n0001 --comment x --yes`, through a running warewulfd and in-process.
# Prints the median of RUNS runs (default 11) per case: wall time and CPU time (user+sys) in
# milliseconds. On a shared, loaded machine the CPU time is the steadier number; the baseline
# is a bare JVM start (`java -version` with the same flags) measured in the same run.
#
#   ./mvnw -q -DskipTests package && server/bench/wwctl-bench.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-11}
TREE=distribution/target/ww4j
[ -x "$TREE/bin/wwctl" ] || { echo "build first: ./mvnw -q -DskipTests package" >&2; exit 1; }

WORK=$(mktemp -d)
trap 'kill "$DPID" 2>/dev/null || true; wait "$DPID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
DPID=
mkdir -p "$WORK/etc/warewulf" "$WORK/var/lib/warewulf"
cat > "$WORK/etc/warewulf/warewulf.conf" <<CONF
ipaddr: 127.0.0.1
netmask: 255.0.0.0
warewulf:
  port: 19873
  secure: false
dhcp:
  enabled: false
  mode: "off"
tftp:
  enabled: false
  port: 16969
paths:
  sysconfdir: ..
  localstatedir: ../../var/lib
  cachedir: ../../var/cache
  datadir: ../../share
  wwoverlaydir: ../../var/lib/warewulf/overlays
  wwchrootdir: ../../var/lib/warewulf/chroots
  wwprovisiondir: ../../var/lib/warewulf/provision
CONF
export WAREWULFCONF="$WORK/etc/warewulf/warewulf.conf"
WWCTL="$TREE/bin/wwctl"

# 1,000 nodes (in-process, before the daemon starts).
WW4J_NO_DAEMON=1 "$WWCTL" profile add default --comment base -O wwinit,wwclient -R hosts >/dev/null
WW4J_NO_DAEMON=1 "$WWCTL" node add 'n[0001-1000]' --ipaddr 10.0.0.1 --netmask 255.255.0.0 >/dev/null

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timeit() { # runs "$@" RUNS times (after 2 warm-ups); prints "wall <median> ms, cpu <median> ms"
    local i t0 t1 walls=() cpus=()
    for i in 1 2; do "$@" >/dev/null 2>&1; done
    for ((i = 0; i < RUNS; i++)); do
        t0=$(date +%s%N)
        /usr/bin/time -o "$WORK/time" -f "%U %S" "$@" >/dev/null 2>&1 || true
        cpu=$(tail -1 "$WORK/time")
        t1=$(date +%s%N)
        walls+=($(((t1 - t0) / 1000000)))
        cpus+=($(echo "$cpu" | awk '{printf "%d", ($1 + $2) * 1000}'))
    done
    echo "wall $(printf '%s\n' "${walls[@]}" | median) ms, cpu $(printf '%s\n' "${cpus[@]}" | median) ms"
}
JAVA_BIN="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
echo "baseline, bare JVM start (java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -version): $(timeit "$JAVA_BIN" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -version)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

echo "in-process (no daemon), 1000 nodes, median of $RUNS:"
export WW4J_NO_DAEMON=1
echo "  wwctl node list:                        $(timeit "$WWCTL" node list)"
echo "  wwctl node set n0001 --comment x --yes: $(timeit "$WWCTL" node set n0001 --comment x --yes)"
unset WW4J_NO_DAEMON

"$TREE/bin/warewulfd" > "$WORK/warewulfd.log" 2>&1 &
DPID=$!
for _ in $(seq 1 120); do
    [ -S "$WORK/var/lib/warewulf/warewulfd.sock" ] && break
    sleep 0.5
done
[ -S "$WORK/var/lib/warewulf/warewulfd.sock" ] || { cat "$WORK/warewulfd.log"; exit 1; }
echo "through warewulfd, 1000 nodes, median of $RUNS:"
echo "  wwctl node list:                        $(timeit "$WWCTL" node list)"
echo "  wwctl node set n0001 --comment x --yes: $(timeit "$WWCTL" node set n0001 --comment x --yes)"
echo "  wwctl version:                          $(timeit "$WWCTL" version)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
n=$("$WWCTL" node list | tail -n +3 | wc -l)
echo "  (node list printed $n nodes)"
