#!/usr/bin/env bash
# DHCP benchmark: perfdhcp (kea-admin) full DORA at RATE exchanges/s for SECS s against 10,000
# static hosts, ww4j and then dnsmasq (same hosts, same pool, same veth), in one run.
# Needs root (network namespace, port 67). Usage: server/bench/dhcp-perfdhcp.sh [RATE] [SECS]
set -euo pipefail
cd "$(dirname "$0")/../.."
RATE=${1:-1000}; SECS=${2:-10}; HOSTS=10000
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
NS=ww4jbench$$; HIF=wwbh$$; CIF=wwbc$$
WORK=$(mktemp -d)
SRV=
cleanup() {
    [ -n "$SRV" ] && kill "$SRV" 2>/dev/null && wait "$SRV" 2>/dev/null || true
    ip netns del "$NS" 2>/dev/null || true
    ip link del "$HIF" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

./mvnw -q -B -pl server test-compile >/dev/null
CP=$(./mvnw -q -B -pl server dependency:build-classpath -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=test)

ip netns add "$NS"
ip link add "$HIF" type veth peer name "$CIF" netns "$NS"
ip addr add 10.77.0.1/16 dev "$HIF"; ip link set "$HIF" up
ip -n "$NS" addr add 10.77.255.254/16 dev "$CIF"; ip -n "$NS" link set "$CIF" up; ip -n "$NS" link set lo up

# 10,000 hosts: 02:77:00:00:HH:LL → 10.77.X.Y; the pool is 10.77.200.1-10.77.220.254
python3 - "$WORK" "$HOSTS" <<'PY'
import sys
work, n = sys.argv[1], int(sys.argv[2])
with open(f"{work}/hosts", "w") as h, open(f"{work}/macs", "w") as m, open(f"{work}/dnsmasq-hosts", "w") as d:
    for i in range(n):
        mac = "02:77:00:00:%02x:%02x" % (i >> 8, i & 255)
        ip = "10.77.%d.%d" % (1 + i // 200, 1 + i % 200)
        h.write(f"{mac} {ip}\n"); m.write(mac + "\n"); d.write(f"{mac},{ip}\n")
PY

perf() {
    ip netns exec "$NS" perfdhcp -4 -l "$CIF" -r "$RATE" -p "$SECS" -M "$WORK/macs" > "$WORK/$1.out" 2>&1 || true  # exits non-zero on drops
    sed -n "/Statistics/,/drops ratio/p" "$WORK/$1.out"
}

echo "== ww4j: $HOSTS static hosts, $RATE DORA/s for $SECS s"
"$JAVA_HOME/bin/java" -Xmx512m -cp "server/target/classes:server/target/test-classes:$CP" io.ww4j.bench.DhcpBenchServer \
    "$HIF" 10.77.0.1 "$WORK/hosts" 10.77.200.1 10.77.220.254 > "$WORK/ww4j.log" 2>&1 &
SRV=$!
for _ in $(seq 100); do grep -q listening "$WORK/ww4j.log" && break; sleep 0.2; done
sleep 1
perf ww4j
kill "$SRV"; wait "$SRV" 2>/dev/null || true; SRV=
tail -1 "$WORK/ww4j.log"

echo "== dnsmasq: same hosts and pool"
dnsmasq --keep-in-foreground --conf-file=/dev/null --port=0 --interface="$HIF" --bind-interfaces \
    --dhcp-range=10.77.200.1,10.77.220.254,255.255.0.0,1h --dhcp-hostsfile="$WORK/dnsmasq-hosts" \
    --dhcp-leasefile="$WORK/dnsmasq.leases" --dhcp-lease-max=20000 --dhcp-authoritative --no-ping \
    --pid-file="$WORK/dnsmasq.pid" --user=root --log-facility=/dev/null > "$WORK/dnsmasq.log" 2>&1 &
SRV=$!
sleep 2
perf dnsmasq
kill "$SRV"; wait "$SRV" 2>/dev/null || true; SRV=

echo "== summary (4-way exchanges: DISCOVER-OFFER, REQUEST-ACK)"
for s in ww4j dnsmasq; do
    echo "$s: $(grep -E 'sent packets|received packets|drops:' "$WORK/$s.out" | tr -s ' ' | paste -sd ' ')"
done
