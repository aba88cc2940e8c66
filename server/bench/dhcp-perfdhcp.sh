#!/usr/bin/env bash
# DHCP benchmark: perfdhcp (kea-admin) full DORA at RATE exchanges/s for SECS s against 10,000
# static hosts, ww4j and then dnsmasq (same hosts, same pool, same veth), in one run.
# Needs root (network namespace, port 67). Usage: server/bench/dhcp-perfdhcp.sh [RATE] [SECS]
# Both servers get the same treatment: a 3 s warm-up round at RATE first (JIT for ww4j, caches
# for both), socket buffers up to 4 MiB (net.core.rmem_max/rmem_default raised for the run and
# restored at exit), and UDP receive-buffer overflows counted on both sides of the veth. perfdhcp
# sets the broadcast flag (-B, as PXE ROMs do; dnsmasq otherwise unicasts to an address the
# client side does not own) and waits 1 s after the period for replies still in flight (-W).
set -euo pipefail
cd "$(dirname "$0")/../.."
RATE=${1:-1000}; SECS=${2:-10}; HOSTS=10000
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
NS=ww4jbench$$; HIF=wwbh$$; CIF=wwbc$$
WORK=$(mktemp -d)
SRV=
RMEM_MAX=$(sysctl -n net.core.rmem_max); RMEM_DEF=$(sysctl -n net.core.rmem_default)
cleanup() {
    sysctl -qw net.core.rmem_max="$RMEM_MAX" net.core.rmem_default="$RMEM_DEF" || true
    [ -n "$SRV" ] && kill "$SRV" 2>/dev/null && wait "$SRV" 2>/dev/null || true
    ip netns del "$NS" 2>/dev/null || true
    ip link del "$HIF" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

./mvnw -q -B -pl server test-compile >/dev/null
CP=$(./mvnw -q -B -pl server dependency:build-classpath -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=test)

sysctl -qw net.core.rmem_max=$((4 << 20)) net.core.rmem_default=$((4 << 20))
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

# UDP InErrors and RcvbufErrors of a namespace's /proc/net/snmp ("" = this one)
udperr() {
    ${1:+ip netns exec "$1"} awk '/^Udp:/ { if (!h) { for (i = 1; i <= NF; i++) c[$i] = i; h = 1 } else print $c["InErrors"], $c["RcvbufErrors"] }' /proc/net/snmp
}
perf() {
    ip netns exec "$NS" perfdhcp -4 -B -l "$CIF" -r "$RATE" -p 3 -M "$WORK/macs" > "$WORK/$1.warmup" 2>&1 || true
    sleep 1
    local s0 c0 s1 c1
    s0=$(udperr ""); c0=$(udperr "$NS")
    ip netns exec "$NS" perfdhcp -4 -B -l "$CIF" -r "$RATE" -p "$SECS" -W 1000000 -M "$WORK/macs" > "$WORK/$1.out" 2>&1 || true  # exits non-zero on drops
    s1=$(udperr ""); c1=$(udperr "$NS")
    sed -n "/Statistics/,\$p" "$WORK/$1.out"
    echo "$s0 $s1" | awk '{ printf "server side UDP InErrors +%d, RcvbufErrors +%d\n", $3 - $1, $4 - $2 }' | tee "$WORK/$1.udp"
    echo "$c0 $c1" | awk '{ printf "client side UDP InErrors +%d, RcvbufErrors +%d\n", $3 - $1, $4 - $2 }' | tee -a "$WORK/$1.udp"
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$WORK/$1.udp"
}

echo "== ww4j: $HOSTS static hosts, $RATE DORA/s for $SECS s"
"$JAVA_HOME/bin/java" -Xms512m -Xmx512m -cp "server/target/classes:server/target/test-classes:$CP" io.ww4j.bench.DhcpBenchServer \
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
    echo "    $(paste -sd ';' "$WORK/$s.udp")"
done
