#!/usr/bin/env bash
# HTTP provisioning benchmark: ww4j warewulfd vs nginx (sendfile on), side by side in one run.
#
#   server/bench/http-bench.sh            # from the repository root
#
# 1. Image download: CONNS (20) concurrent keep-alive clients (wrk) fetch the same 256 MiB image
#    over loopback for DUR seconds, from nginx and from warewulfd, alternating ROUNDS times.
#    Reported: aggregate throughput of each and the ratio ww4j/nginx (goal >= 0.9).
# 2. iPXE scripts: wrk cycles through NODES (10,000) distinct node MACs on /ipxe/<mac>
#    (each a node lookup + template render). Reported: requests/s (goal >= 5,000) and non-2xx.
#
# SKIP_IMAGE=1 runs only part 2. WW4J_SERVER_OPTS=-Dww4j.http.keepScripts=false makes warewulfd
# render every request (no kept scripts): the cost of a cold boot storm where each node asks once.
# PORT / NGINX_PORT move the listeners when another warewulfd already uses the defaults.
#
# Installs nginx-light and wrk with apt-get when missing. Everything else lives in $WORK.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
WORK=${WORK:-/tmp/ww4j-http-bench}
PORT=${PORT:-19873}
NGINX_PORT=${NGINX_PORT:-19880}
CONNS=${CONNS:-20}
DUR=${DUR:-15}
ROUNDS=${ROUNDS:-2}
NODES=${NODES:-10000}
SIZE_MB=${SIZE_MB:-256}

need() { command -v "$1" >/dev/null || { echo "installing $2"; DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$2" >/dev/null; }; }
need wrk wrk
[ -x /usr/sbin/nginx ] || need nginx nginx-light

if [ -z "${JAVA_HOME:-}" ]; then
    for d in $(ls -d /usr/lib/jvm/*/ | sort -V -r); do
        if "$d/bin/java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then JAVA_HOME=${d%/}; break; fi
    done
fi
export JAVA_HOME
[ -x distribution/target/ww4j/bin/warewulfd ] && [ -z "${REBUILD:-}" ] || ./mvnw -q -B -DskipTests package

rm -rf "$WORK" && mkdir -p "$WORK"/{etc/warewulf,share,chroots/bench/rootfs/boot,provision/images,nginx/logs}
cp -r distribution/target/ww4j/share/warewulf "$WORK/share/"
head -c $((SIZE_MB * 1024 * 1024)) /dev/urandom > "$WORK/provision/images/bench.img"
head -c 1000000 /dev/urandom > "$WORK/chroots/bench/rootfs/boot/vmlinuz-6.1.0-99-amd64"
cat > "$WORK/etc/warewulf/warewulf.conf" <<CONF
ipaddr: 127.0.0.1
warewulf:
  port: $PORT
  secure: false
dhcp:
  enabled: false
tftp:
  enabled: false
paths:
  sysconfdir: $WORK/etc
  localstatedir: $WORK/var
  datadir: $WORK/share
  wwchrootdir: $WORK/chroots
  wwprovisiondir: $WORK/provision
  wwoverlaydir: $WORK/overlays
  wwfilesdir: $WORK/files
CONF
python3 - "$WORK" "$NODES" <<'PY'
import sys
work, n = sys.argv[1], int(sys.argv[2])
with open(f"{work}/etc/warewulf/nodes.conf", "w") as f, open(f"{work}/macs.lua", "w") as m:
    f.write("nodeprofiles:\n  default:\n    image name: bench\n    kernel:\n      args:\n      - quiet\nnodes:\n")
    m.write("macs = {\n")
    for i in range(n):
        mac = "02:00:%02x:%02x:%02x:%02x" % ((i >> 24) & 255, (i >> 16) & 255, (i >> 8) & 255, i & 255)
        f.write(f"  n{i:05d}:\n    profiles:\n    - default\n    network devices:\n      default:\n        hwaddr: {mac}\n")
        m.write(f'"{mac}",\n')
    m.write("}\n")
PY
cat >> "$WORK/macs.lua" <<'LUA'
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/ipxe/" .. macs[(i % #macs) + 1] .. "?assetkey=&uuid=bench")
end
LUA
cat > "$WORK/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $WORK/provision/images;
  }
}
CONF

WWPID=; NGPID=
cleanup() {
    [ -n "$WWPID" ] && kill "$WWPID" 2>/dev/null || true
    [ -f "$WORK/nginx/nginx.pid" ] && kill "$(cat "$WORK/nginx/nginx.pid")" 2>/dev/null || true
}
trap cleanup EXIT
WAREWULFCONF="$WORK/etc/warewulf/warewulf.conf" JAVA_OPTS="${JAVA_OPTS:-}" \
    distribution/target/ww4j/bin/warewulfd > "$WORK/warewulfd.log" 2>&1 &
WWPID=$!
/usr/sbin/nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf"
for _ in $(seq 1 120); do
    curl -fs -o /dev/null "http://127.0.0.1:$PORT/status" && break
    sleep 0.5
done
curl -fs -o /dev/null "http://127.0.0.1:$PORT/status" || { echo "warewulfd did not start:"; tail -20 "$WORK/warewulfd.log"; exit 1; }

WW_URL="http://127.0.0.1:$PORT/image/02:00:00:00:00:01"
NG_URL="http://127.0.0.1:$NGINX_PORT/bench.img"
cmp <(curl -fs "$WW_URL") "$WORK/provision/images/bench.img" || { echo "ww4j served different bytes"; exit 1; }
cmp <(curl -fs "$NG_URL") "$WORK/provision/images/bench.img" || { echo "nginx served different bytes"; exit 1; }

# wrk's "Transfer/sec" in MiB/s
rate() { awk '/Transfer\/sec/ { v=$2; u=substr(v, length(v)-1); n=substr(v, 1, length(v)-2);
          if (u=="GB") n*=1024; else if (u=="KB") n/=1024; else if (u!="MB") n=v/1048576; printf "%.1f", n }'; }
if [ -z "${SKIP_IMAGE:-}" ]; then
echo "== image download: $CONNS clients, ${SIZE_MB} MiB image, ${DUR}s per run, $ROUNDS rounds"
ng_sum=0; ww_sum=0
for r in $(seq 1 "$ROUNDS"); do
    ng=$(wrk -t2 -c"$CONNS" -d"${DUR}s" --timeout 60s "$NG_URL" | rate)
    ww=$(wrk -t2 -c"$CONNS" -d"${DUR}s" --timeout 60s "$WW_URL" | rate)
    echo "round $r: nginx $ng MiB/s   ww4j $ww MiB/s"
    ng_sum=$(echo "$ng_sum + $ng" | bc -l); ww_sum=$(echo "$ww_sum + $ww" | bc -l)
done
printf "image download: nginx %.1f MiB/s, ww4j %.1f MiB/s, ratio ww4j/nginx = %.2f (goal >= 0.90)\n" \
    "$(echo "$ng_sum / $ROUNDS" | bc -l)" "$(echo "$ww_sum / $ROUNDS" | bc -l)" "$(echo "$ww_sum / $ng_sum" | bc -l)"

fi

echo "== iPXE scripts: $NODES distinct nodes"
curl -fs "http://127.0.0.1:$PORT/ipxe/02:00:00:00:00:07" | grep -q "set hwaddr 02:00:00:00:00:07" || { echo "bad iPXE script"; exit 1; }
wrk -t2 -c50 -d5s -s "$WORK/macs.lua" "http://127.0.0.1:$PORT" > /dev/null   # warm-up (JIT)
# CPU time warewulfd spends per request (utime+stime from /proc): independent of what else runs.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$WWPID/stat"; }
t0=$(cpu_ticks)
out=$(wrk -t2 -c50 -d"${DUR}s" -s "$WORK/macs.lua" "http://127.0.0.1:$PORT")
t1=$(cpu_ticks)
echo "$out" | grep -E "Requests/sec|requests in|Non-2xx" || true
rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
# Same wrk settings against nginx serving a 1 KB static file: what this machine can do right now.
head -c 1024 /dev/urandom > "$WORK/provision/images/small.bin"
ng_rps=$(wrk -t2 -c50 -d"${DUR}s" "http://127.0.0.1:$NGINX_PORT/small.bin" | awk '/Requests\/sec/ {print $2}')
non2xx=$(echo "$out" | awk '/Non-2xx/ {print $5}')
printf "iPXE scripts: %.0f req/s over %d distinct nodes (goal >= 5000), non-2xx: %s\n" "$rps" "$NODES" "${non2xx:-0}"
printf "reference: nginx static 1 KB file %.0f req/s with the same wrk settings (ratio ww4j iPXE/nginx static = %.2f)\n" \
    "$ng_rps" "$(echo "$rps / $ng_rps" | bc -l)"
n=$(echo "$out" | awk '/requests in/ {print $1}')
hz=$(getconf CLK_TCK)
us=$(echo "($t1 - $t0) * 1000000 / $hz / $n" | bc -l)
printf "warewulfd CPU per iPXE request: %.0f us, i.e. %.0f req/s per fully available core\n" "$us" "$(echo "1000000 / $us" | bc -l)"
echo "machine load while measuring (2 cores shared with other jobs): $(cut -d' ' -f1-3 /proc/loadavg)"
