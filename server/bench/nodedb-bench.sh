#!/usr/bin/env bash
# Node database benchmark on a generated N-node (10,000) nodes.conf, in one run:
#  1. whole-process `wwctl db import --yes` through the real launcher (distribution tree), into an
#     empty H2 database, ROUNDS times (the first run also creates the launcher's CDS archive);
#     goal <= 5 s. Then whole-process `wwctl db export` and a byte comparison with the input.
#  2. JMH (NodeRegistryBench): MAC lookup latency p99 (goal <= 10 us), merged view of all
#     nodes (goal <= 1 s), parse and export of the whole file.
#
#   server/bench/nodedb-bench.sh            # from the repository root
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"; export JAVA_HOME
WORK=${WORK:-/tmp/ww4j-nodedb-bench}; N=${N:-10000}; ROUNDS=${ROUNDS:-3}
rm -rf "$WORK"; mkdir -p "$WORK/etc/warewulf" "$WORK/var/lib" "$WORK/var/cache"

python3 - "$WORK/nodes.conf" "$N" <<'PY'
import sys
path, n = sys.argv[1], int(sys.argv[2])
out = ["""nodeprofiles:
  compute:
    profiles:
    - default
    cluster name: bench
    image name: rocky-9
    ipmi:
      username: admin
      netmask: 255.255.0.0
      interface: lanplus
    network devices:
      default:
        type: ethernet
        device: eno1
        netmask: 255.255.0.0
        gateway: 10.10.0.1
      ib:
        type: infiniband
        device: ib0
        netmask: 255.255.0.0
    tags:
      partition: cpu
  default:
    runtime overlay:
    - hosts
    - ssh.authorized_keys
    system overlay:
    - wwinit
    - wwclient
    - hosts
    kernel:
      args:
      - quiet
      - crashkernel=no
    init: /sbin/init
    root: initramfs
nodes:
"""]
for i in range(n):
    hi, lo = i >> 8, i & 255
    out.append(f"""  n{i:05d}:
    profiles:
    - compute
    ipmi:
      ipaddr: 10.20.{hi}.{lo}
    network devices:
      default:
        hwaddr: 02:aa:00:00:{hi:02x}:{lo:02x}
        ipaddr: 10.10.{hi}.{lo}
      ib:
        hwaddr: 02:bb:00:00:{hi:02x}:{lo:02x}
        ipaddr: 10.30.{hi}.{lo}
    tags:
      rack: r{i // 40:03d}
""")
open(path, "w").write("".join(out))
PY
cat > "$WORK/etc/warewulf/warewulf.conf" <<EOF2
ipaddr: 127.0.0.1
netmask: 255.0.0.0
warewulf:
  port: 19874
  secure: false
dhcp:
  enabled: false
tftp:
  enabled: false
paths:
  sysconfdir: $WORK/etc
  localstatedir: $WORK/var/lib
  cachedir: $WORK/var/cache
EOF2

./mvnw -q -B -DskipTests package >/dev/null
WWCTL=distribution/target/ww4j/bin/wwctl
export WAREWULFCONF="$WORK/etc/warewulf/warewulf.conf"
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

echo "== $N nodes, $(wc -c < "$WORK/nodes.conf") bytes; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$ROUNDS"); do
    rm -rf "$WORK/var/lib/warewulf"
    t=$(date +%s%N)
    "$WWCTL" db import --yes "$WORK/nodes.conf" >/dev/null
    echo "db import (whole process, empty database), round $r: $(ms "$t") ms   (goal <= 5000)"
done
# through the daemon: the first import fills the empty database, later ones replace all 10,000
rm -rf "$WORK/var/lib/warewulf"
distribution/target/ww4j/bin/warewulfd > "$WORK/warewulfd.log" 2>&1 &
DPID=$!
trap 'kill $DPID 2>/dev/null || true' EXIT
for _ in $(seq 1 240); do
    [ -S "$WORK/var/lib/warewulf/warewulfd.sock" ] && break
    sleep 0.5
done
[ -S "$WORK/var/lib/warewulf/warewulfd.sock" ] || { cat "$WORK/warewulfd.log"; exit 1; }
dcpu() { awk '{print $14 + $15}' "/proc/$DPID/stat"; }   # daemon CPU, clock ticks
for r in $(seq 1 "$ROUNDS"); do
    c=$(dcpu); t=$(date +%s%N)
    "$WWCTL" db import --yes "$WORK/nodes.conf" >/dev/null
    echo "db import through warewulfd, round $r: $(ms "$t") ms, daemon CPU $(( ($(dcpu) - c) * 1000 / $(getconf CLK_TCK) )) ms   (goal <= 5000)"
done
kill "$DPID"; wait "$DPID" 2>/dev/null || true

t=$(date +%s%N)
"$WWCTL" db export "$WORK/export.conf" >/dev/null
echo "db export (whole process): $(ms "$t") ms"
cmp -s "$WORK/nodes.conf" "$WORK/export.conf" && echo "export is byte-identical to the generated file" \
    || echo "export differs from the generated file (see $WORK)"

./mvnw -q -B -pl server test-compile >/dev/null
CP=$(./mvnw -q -B -pl server dependency:build-classpath -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=test)
"$JAVA_HOME/bin/java" -cp "server/target/test-classes:server/target/classes:$CP" org.openjdk.jmh.Main \
    NodeRegistryBench -p file="$WORK/nodes.conf" -rf text -rff "$WORK/jmh.txt" 2>&1 | grep -E '^(Benchmark|NodeRegistryBench|.*p0\.99)' || true
echo "JMH results: $WORK/jmh.txt"
