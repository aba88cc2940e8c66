#!/usr/bin/env bash
# ww4j end-to-end test: real firmware PXE-boots real Linux from warewulfd.
#
# As root: builds a tiny image (static busybox + Debian's kernel and e1000 module, fetched with
# apt-get download), starts bin/warewulfd from the distribution tree inside a network namespace
# of its own (bridge + tap devices, 10.99.0.0/24, no route out), defines nodes with bin/wwctl and
# boots QEMU guests (TCG):
#   bios    SeaBIOS + the e1000's iPXE option ROM (DHCP -> /ipxe/<mac> over HTTP)
#   uefi    OVMF with the option ROM disabled: the firmware's PXE fetches iPXE (EFI) over TFTP
#   multi   4 guests at once
#   faults  a node whose image is missing and an unknown MAC (their iPXE messages on the console);
#           warewulfd killed (SIGKILL) during a node's image download and restarted: the node
#           reboots, PXE-boots again and reaches the marker
#   demo    one BIOS guest; prints wwctl node status and its trace
#   bench   (not in CI) time to marker of 1 and of 4 guests from warewulfd and from dnsmasq +
#           nginx serving byte-identical files in the same run
# Each guest runs our wwinit and wwclient from its overlays, then the image's init prints
# "WW4J-E2E-BOOTED host=<hostname> addr=<address>" on the serial console.
#
# Usage: distribution/src/e2e/run.sh [phase...]   (default: bios uefi multi faults)
# Env: E2E_CACHE (downloaded .debs, default /var/cache/ww4j-e2e), E2E_KEEP=1 (keep the work dir),
#      E2E_TIMEOUT (seconds per boot, default 600), E2E_RA=0 (no IPv6 router advertisements:
#      iPXE then waits ~13 s for one), E2E_BENCH_ROUNDS (default 3).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../../.." && pwd -P)
DIST=${E2E_DIST:-$ROOT/distribution/target/ww4j}
CACHE=${E2E_CACHE:-/var/cache/ww4j-e2e}
TIMEOUT=${E2E_TIMEOUT:-600}
PHASES=("$@")
[ ${#PHASES[@]} -gt 0 ] || PHASES=(bios uefi multi faults)
NS=ww4je2e$$
NET=10.99.0
SERVER=$NET.1
MARKER=WW4J-E2E-BOOTED

log() { echo "e2e: $*" >&2; }
die() { log "FAIL: $*"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (network namespace, tap devices)"
for tool in qemu-system-x86_64 ip dpkg-deb apt-get curl; do
    command -v "$tool" > /dev/null || die "$tool is missing (see .ci/packages)"
done
[ -x "$DIST/bin/warewulfd" ] || die "$DIST is not built: run ./mvnw -DskipTests package first"

WORK=$(mktemp -d /tmp/ww4j-e2e.XXXXXX)
RESULTS="$ROOT/distribution/target/e2e-results.txt"
: > "$RESULTS"
PIDS=()
cleanup() {
    set +e
    for p in "${PIDS[@]}"; do kill "$p" 2> /dev/null; done
    sleep 1
    for p in "${PIDS[@]}"; do kill -9 "$p" 2> /dev/null; done
    ip netns del "$NS" 2> /dev/null
    if [ "${E2E_KEEP:-0}" = 1 ]; then log "work dir kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# ---------------------------------------------------------------- the image
# fetch_debs, build_rootfs DIR: shared with the demo (distribution/src/demo/boot-vm.sh)
. "$ROOT/distribution/src/e2e/image-lib.sh"

# ---------------------------------------------------------------- the server
write_conf() {
    local c="$WORK/etc/warewulf"
    mkdir -p "$c" "$WORK/var/lib/warewulf" "$WORK/var/lib/tftpboot" "$WORK/var/cache"
    cat > "$c/warewulf.conf" << EOF
ipaddr: $SERVER
netmask: 255.255.255.0
network: $NET.0
warewulf:
  port: 9873
  secure: false
  update interval: 5
  autobuild overlays: true
  host overlay: false
  grubboot: false
dhcp:
  enabled: true
  range start: $NET.100
  range end: $NET.199
  interfaces: [br0]
tftp:
  enabled: true
  tftproot: $WORK/var/lib/tftpboot
  ipxe:
    "00:00": undionly.kpxe
    "00:07": ipxe.efi
    "00:09": ipxe.efi
nfs:
  enabled: false
paths:
  bindir: $DIST/bin
  sysconfdir: $WORK/etc
  localstatedir: $WORK/var/lib
  cachedir: $WORK/var/cache
  ipxesource: /usr/lib/ipxe
  srvdir: $WORK/var/lib
  datadir: $DIST/share
  wwoverlaydir: $WORK/var/lib/warewulf/overlays
  wwchrootdir: $WORK/var/lib/warewulf/chroots
  wwprovisiondir: $WORK/var/lib/warewulf/provision
  wwclientdir: /warewulf
EOF
    CONF="$c/warewulf.conf"
    export WAREWULFCONF="$CONF"
}

wwctl() { "$DIST/bin/wwctl" "$@"; }

mac_of() { printf '52:54:00:e2:00:%02x' "$1"; }

define_nodes() {
    wwctl profile add e2e --image e2e --root tmpfs \
        -O wwinit,wwclient,hostname,ifupdown -R hosts \
        -A console=ttyS0,no_timer_check,panic=10 > /dev/null
    for i in 1 2 3 4 5 6; do
        wwctl node add "n$i" -P e2e -N eth0 -H "$(mac_of $i)" -I "$NET.1$i" -M 255.255.255.0 > /dev/null
    done
    # n9: a node whose image does not exist.
    wwctl node add n9 -P e2e --image no-such-image -N eth0 -H "$(mac_of 9)" -I "$NET.19" -M 255.255.255.0 > /dev/null
    wwctl node list -a > "$WORK/nodes.txt" 2>&1 || true
}

# Image: `wwctl image import --build` of the rootfs built above (chroot, .img and .img.gz).
import_image() {
    log "wwctl image import"
    wwctl image import --build "$WORK/rootfs" e2e > "$WORK/image-import.log" 2>&1 || { cat "$WORK/image-import.log"; die "image import failed"; }
    wwctl image list > "$WORK/image-list.txt" 2>&1 || true
}

# Overlays: `wwctl overlay build` pre-builds n1's and n2's; every other node's are rendered by
# warewulfd on demand at its first /system or /runtime request (both paths get booted).
build_overlays() {
    log "wwctl overlay build n1 n2 (the other nodes: built on demand by warewulfd)"
    wwctl overlay build n1 n2 > "$WORK/overlay-build.log" 2>&1 || { cat "$WORK/overlay-build.log"; die "overlay build failed"; }
}

setup_netns() {
    ip netns add "$NS"
    ip -n "$NS" link set lo up
    ip -n "$NS" link add br0 type bridge
    ip -n "$NS" link set br0 type bridge forward_delay 0 stp_state 0 2> /dev/null || true
    # link-local address at once (no duplicate address detection): the RA sender needs one
    ip netns exec "$NS" sysctl -qw net.ipv6.conf.br0.accept_dad=0 2> /dev/null || true
    ip -n "$NS" addr add "$SERVER/24" dev br0
    ip -n "$NS" link set br0 up
    for t in 0 1 2 3 4 5 6 7; do
        ip -n "$NS" tuntap add "tap$t" mode tap
        ip -n "$NS" link set "tap$t" master br0 up
    done
    # An IPv6 router advertisement ("nothing to configure here") spares iPXE its ~13 s wait for one.
    if [ "${E2E_RA:-1}" = 1 ] && command -v python3 > /dev/null; then
        ip netns exec "$NS" python3 "$ROOT/distribution/src/e2e/ra.py" br0 > "$WORK/ra.log" 2>&1 &
        PIDS+=($!)
    fi
}

start_warewulfd() {
    # the log is appended to across restarts: wait for a "ready" line after the ones already there
    touch "$WORK/warewulfd.log"
    local before; before=$(grep -c "warewulfd ready" "$WORK/warewulfd.log" || true)
    ip netns exec "$NS" "$DIST/bin/warewulfd" --warewulfconf "$CONF" >> "$WORK/warewulfd.log" 2>&1 &
    WWD=$!
    PIDS+=("$WWD")
    local n=0
    until [ "$(grep -c "warewulfd ready" "$WORK/warewulfd.log")" -gt "${before:-0}" ]; do
        sleep 1; n=$((n + 1))
        kill -0 "$WWD" 2> /dev/null || { cat "$WORK/warewulfd.log"; die "warewulfd exited"; }
        [ $n -lt 180 ] || die "warewulfd not ready after 180 s"
    done
    log "warewulfd ready (pid $WWD) after ${n}s"
}

stop_warewulfd() {
    kill "$WWD" 2> /dev/null || true
    wait "$WWD" 2> /dev/null || true
}

# boot_guest NAME INDEX TAP MODE(bios|uefi): starts a guest in the background; console in $WORK/NAME.console
boot_guest() {
    local name=$1 i=$2 tap=$3 mode=$4
    local console="$WORK/$name.console"
    : > "$console"
    local fw=() nic="e1000,netdev=n0,mac=$(mac_of "$i")"
    if [ "$mode" = uefi ]; then
        cp /usr/share/OVMF/OVMF_VARS.fd "$WORK/$name.vars"
        fw=(-drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE.fd
            -drive "if=pflash,format=raw,file=$WORK/$name.vars")
        # No option ROM: the firmware's own driver and PXE client fetch iPXE over TFTP.
        nic="virtio-net-pci,netdev=n0,mac=$(mac_of "$i"),romfile="
    else
        # SeaBIOS's serial console: the BIOS and iPXE text go to the serial port as well.
        [ -f "$WORK/sercon-port" ] || printf '\xf8\x03' > "$WORK/sercon-port"
        fw=(-fw_cfg "name=etc/sercon-port,file=$WORK/sercon-port")
    fi
    local reboot=-no-reboot
    [ "${E2E_REBOOT:-0}" = 1 ] && reboot=
    ip netns exec "$NS" qemu-system-x86_64 -nodefaults -machine "${E2E_MACHINE:-pc}" -accel tcg -m 512 -smp 1 \
        "${fw[@]}" -display none -vga none -monitor none -serial "file:$console" \
        -netdev "tap,id=n0,ifname=$tap,script=no,downscript=no" -device "$nic" \
        -boot n $reboot > "$WORK/$name.qemu.log" 2>&1 &
    local pid=$!
    PIDS+=("$pid")
    eval "QPID_$name=$pid"
    eval "QSTART_$name=$(date +%s.%N)"
}

# wait_console NAME PATTERN: seconds since the guest started, or fails after $TIMEOUT
wait_console() {
    local name=$1 pattern=$2 start
    eval "start=\$QSTART_$name"
    local deadline=$(( $(date +%s) + TIMEOUT ))
    while ! grep -qa -- "$pattern" "$WORK/$name.console"; do
        if [ "$(date +%s)" -ge "$deadline" ]; then
            log "--- console of $name (last 60 lines) ---"; tail -60 "$WORK/$name.console" | tr -d '\033' >&2
            log "--- warewulfd log (last 40 lines) ---"; tail -40 "$WORK/warewulfd.log" >&2
            die "$name: no '$pattern' on the console after ${TIMEOUT}s"
        fi
        sleep 0.2
    done
    echo "$(date +%s.%N) $start" | awk '{printf "%.1f", $1 - $2}'
}

stop_guest() {
    local pid; eval "pid=\$QPID_$1"
    kill "$pid" 2> /dev/null || true
    wait "$pid" 2> /dev/null || true
}

# check_node NAME INDEX: the marker carries the node's host name and address from its overlays,
# and `wwctl node status` shows it provisioned and polling its runtime overlay.
check_node() {
    local name=$1 i=$2 line
    line=$(grep -a "$MARKER" "$WORK/$name.console" | tail -1 | tr -d '\r')
    log "$name: $line"
    case "$line" in *"host=$name "*) ;; *) die "$name: wrong host name in '$line'" ;; esac
    case "$line" in *"etc-hostname=$name "*) ;; *) die "$name: /etc/hostname not from the hostname overlay: '$line'" ;; esac
    case "$line" in *"addr=$NET.1$i/24"*) ;; *) die "$name: wrong address in '$line' (want $NET.1$i/24)" ;; esac
    grep -qa "wwinit: starting" "$WORK/$name.console" || die "$name: our wwinit did not run"
}

# ---------------------------------------------------------------- phases
phase_bios() {
    boot_guest n1 1 tap0 bios
    local t; t=$(wait_console n1 "$MARKER")
    check_node n1 1
    log "n1 (BIOS, iPXE ROM): marker after ${t}s"
    echo "bios-1 $t" >> "$RESULTS"
    check_status n1
    stop_guest n1
}

phase_demo() {
    boot_guest n1 1 tap0 bios
    log "booting n1 (console: $WORK/n1.console) ..."
    local t; t=$(wait_console n1 "$MARKER")
    check_node n1 1
    check_status n1
    log "n1 booted in ${t}s. wwctl node status:"
    wwctl node status
    log "wwctl node status --trace n1:"
    wwctl node status --trace n1
    stop_guest n1
}

phase_uefi() {
    boot_guest n2 2 tap1 uefi
    local t; t=$(wait_console n2 "$MARKER")
    check_node n2 2
    grep -qa "/warewulf/ipxe.efi\|ipxe.efi" "$WORK/warewulfd.log" || log "note: TFTP request for ipxe.efi not in the log"
    log "n2 (UEFI, OVMF PXE -> TFTP ipxe.efi): marker after ${t}s"
    echo "uefi-1 $t" >> "$RESULTS"
    check_status n2 uefi
    stop_guest n2
}

phase_multi() {
    local i
    for i in 3 4 5 6; do boot_guest "n$i" "$i" "tap$((i - 1))" bios; done
    local worst=0 t
    for i in 3 4 5 6; do
        t=$(wait_console "n$i" "$MARKER")
        check_node "n$i" "$i"
        log "n$i (4 at once): marker after ${t}s"
        worst=$(echo "$worst $t" | awk '{print ($2 > $1) ? $2 : $1}')
    done
    echo "bios-4 $worst" >> "$RESULTS"
    for i in 3 4 5 6; do check_status "n$i"; stop_guest "n$i"; done
}

phase_faults() {
    # A node whose image does not exist, and a machine that is no node at all, at once: each gets
    # its iPXE script (the error path and the unconfigured script) and says so on its console.
    boot_guest n9 9 tap0 bios
    boot_guest stranger 99 tap1 bios
    wait_console n9 "ww4j: boot failed" > /dev/null
    grep -qa "ww4j: loading kernel.* and image no-such-image" "$WORK/n9.console" || die "n9: no image line on its console"
    grep -a "ww4j:" "$WORK/n9.console" | tr -d '\r\033' | sed 's/^/e2e: n9 console: /' >&2
    log "n9 (missing image): the console shows the failure path"
    wait_console stranger "ww4j: this machine is not a configured node (HW address $(mac_of 99))" > /dev/null
    grep -a "ww4j:" "$WORK/stranger.console" | tr -d '\r\033' | sed 's/^/e2e: stranger console: /' >&2
    log "stranger (unknown MAC): the console shows the unconfigured script"
    stop_guest n9
    stop_guest stranger

    # warewulfd killed while a node downloads its image, then restarted: the node's iPXE script
    # fails, the machine reboots and PXE-boots again from the restarted server. The guest's link
    # is throttled (tbf, 16 Mbit/s) so that the ~9 MB image download lasts long enough to be cut.
    local throttled=0
    if ip netns exec "$NS" tc qdisc add dev tap2 root tbf rate 16mbit burst 64kb latency 1s 2> /dev/null; then
        throttled=1
    else
        log "note: no tc/tbf here: the kill has to hit an unthrottled download"
    fi
    E2E_REBOOT=1 boot_guest n1 1 tap2 bios
    local deadline=$(( $(date +%s) + TIMEOUT ))
    until ip netns exec "$NS" curl -s --max-time 2 "http://$SERVER:9873/status" 2> /dev/null \
        | tr -d ' \n' | grep -o '"n1":{[^}]*}' | grep -qi '"stage":"image"'; do
        [ "$(date +%s)" -lt "$deadline" ] || die "n1 never asked for its image"
        sleep 0.1
    done
    kill -9 "$WWD"; wait "$WWD" 2> /dev/null || true
    log "warewulfd killed (SIGKILL) during n1's image download"
    [ $throttled = 1 ] && ip netns exec "$NS" tc qdisc del dev tap2 root 2> /dev/null
    wait_console n1 "ww4j: boot failed" > /dev/null
    log "n1 console: $(grep -a -m1 "ww4j: boot failed" "$WORK/n1.console" | tr -d '\r\033')"
    start_warewulfd
    local t; t=$(wait_console n1 "$MARKER")
    check_node n1 1
    local boots; boots=$(grep -ac "iPXE initialising devices" "$WORK/n1.console")
    [ "$boots" -ge 2 ] || die "n1: booted without a second PXE boot ($boots)"
    log "n1 retried (PXE boots: $boots) and booted after the restart (${t}s after power-on)"
    echo "fault-restart $t" >> "$RESULTS"
    check_status n1
    stop_guest n1
}

# ---------------------------------------------------------------- benchmark (not in CI)
# bench: time to marker for 1 guest and for 4 guests at once, booted from warewulfd and from
# dnsmasq (DHCP, the same boot file name) + nginx serving byte-identical copies of what warewulfd
# served (iPXE scripts, kernels, images, overlays) on the same address and port. Rounds alternate
# which server goes first; each server start is followed by an untimed warm-up boot.
# E2E_BENCH_ROUNDS (default 3).
mirror_files() {
    local m="$WORK/mirror" i mac hex st q='assetkey=&uuid=00000000-0000-0000-0000-000000000000'
    rm -rf "$m"; mkdir -p "$m/ipxe" "$m/kernel" "$m/image" "$m/system" "$m/runtime"
    for i in 1 3 4 5 6; do
        mac=$(mac_of "$i"); hex=${mac//:/-}
        ip netns exec "$NS" curl -sf -o "$m/ipxe/$hex" "http://$SERVER:9873/ipxe/$hex?$q" || die "mirror: /ipxe/$hex"
        ip netns exec "$NS" curl -sf -o "$m/kernel/$mac" "http://$SERVER:9873/kernel/$mac?$q" || die "mirror: /kernel/$mac"
        for st in image system runtime; do
            ip netns exec "$NS" curl -sf -o "$m/$st/$mac" "http://$SERVER:9873/$st/$mac?$q&compress=gz" || die "mirror: /$st/$mac"
        done
    done
    log "mirror: $(du -sh "$m" | cut -f1) of iPXE scripts, kernels, images and overlays for n1, n3-n6"
}

start_baseline() {
    local b="$WORK/baseline" i
    mkdir -p "$b/nginx-tmp"
    {
        echo "port=0"
        echo "user=root"
        echo "interface=br0"
        echo "bind-interfaces"
        echo "dhcp-range=$NET.100,$NET.199,255.255.255.0,1h"
        for i in 1 3 4 5 6; do echo "dhcp-host=$(mac_of "$i"),$NET.1$i"; done
        echo "dhcp-match=set:ipxe,175"
        echo "dhcp-boot=tag:ipxe,http://$SERVER:9873/ipxe/\${mac:hexhyp}?assetkey=\${asset}&uuid=\${uuid}"
        echo "dhcp-leasefile=$b/dnsmasq.leases"
        echo "enable-tftp"
        echo "tftp-root=$WORK/var/lib/tftpboot"
    } > "$b/dnsmasq.conf"
    {
        echo "user root;"
        echo "worker_processes 2;"
        echo "daemon off;"
        echo "pid $b/nginx.pid;"
        echo "error_log $b/nginx-error.log;"
        echo "events { worker_connections 256; }"
        echo "http {"
        echo "    access_log off; sendfile on; tcp_nopush on; default_type application/octet-stream;"
        for t in client_body proxy fastcgi uwsgi scgi; do echo "    ${t}_temp_path $b/nginx-tmp;"; done
        echo "    server { listen $SERVER:9873; root $WORK/mirror; location / { try_files \$uri =404; } }"
        echo "}"
    } > "$b/nginx.conf"
    ip netns exec "$NS" dnsmasq --keep-in-foreground --conf-file="$b/dnsmasq.conf" --log-facility="$b/dnsmasq.log" &
    BASE_DNSMASQ=$!
    ip netns exec "$NS" nginx -p "$b" -e "$b/nginx-error.log" -c "$b/nginx.conf" &
    BASE_NGINX=$!
    PIDS+=("$BASE_DNSMASQ" "$BASE_NGINX")
    local n=0
    until ip netns exec "$NS" curl -sf -o /dev/null "http://$SERVER:9873/ipxe/$(mac_of 1 | tr : -)"; do
        sleep 0.2; n=$((n + 1))
        [ $n -lt 100 ] || die "nginx did not come up: $(cat "$b/nginx-error.log")"
    done
    kill -0 "$BASE_DNSMASQ" || die "dnsmasq exited: $(cat "$b/dnsmasq.log")"
}

stop_baseline() {
    kill "$BASE_DNSMASQ" "$BASE_NGINX" 2> /dev/null || true
    wait "$BASE_DNSMASQ" "$BASE_NGINX" 2> /dev/null || true
}

# cpu_seconds PID...: user+system CPU seconds of these processes and their live children
cpu_seconds() {
    local p all=() c
    for p in "$@"; do
        all+=("$p")
        for c in $(pgrep -P "$p" 2> /dev/null); do all+=("$c"); done
    done
    local ticks; ticks=$(getconf CLK_TCK)
    for p in "${all[@]}"; do
        # fields 14 and 15 of /proc/PID/stat (after the ")" that ends the command name)
        [ -r "/proc/$p/stat" ] && sed 's/.*) //' "/proc/$p/stat" | awk '{print $12 + $13}'
    done | awk -v t="$ticks" '{s += $1} END {printf "%.2f", s / t}'
}

# bench_boot WHO ROUND PID...: an untimed warm-up boot, then one guest, then 4 at once; appends
# "WHO 1|4 seconds cpu-seconds-of-the-server-processes" to bench.txt
bench_boot() {
    local who=$1 round=$2 i t worst=0 c0 c1
    shift 2
    boot_guest n1 1 tap0 bios
    wait_console n1 "$MARKER" > /dev/null; stop_guest n1
    c0=$(cpu_seconds "$@")
    boot_guest n1 1 tap0 bios
    t=$(wait_console n1 "$MARKER"); check_node n1 1; stop_guest n1
    c1=$(cpu_seconds "$@")
    echo "$who 1 $t $(echo "$c0 $c1" | awk '{printf "%.2f", $2 - $1}')" >> "$WORK/bench.txt"
    log "round $round, $who: 1 guest ${t}s (server CPU $(echo "$c0 $c1" | awk '{printf "%.2f", $2 - $1}') s)"
    c0=$c1
    for i in 3 4 5 6; do boot_guest "n$i" "$i" "tap$((i - 1))" bios; done
    for i in 3 4 5 6; do
        t=$(wait_console "n$i" "$MARKER"); check_node "n$i" "$i"
        worst=$(echo "$worst $t" | awk '{print ($2 > $1) ? $2 : $1}')
    done
    for i in 3 4 5 6; do stop_guest "n$i"; done
    c1=$(cpu_seconds "$@")
    echo "$who 4 $worst $(echo "$c0 $c1" | awk '{printf "%.2f", $2 - $1}')" >> "$WORK/bench.txt"
    log "round $round, $who: 4 guests, last marker after ${worst}s (server CPU $(echo "$c0 $c1" | awk '{printf "%.2f", $2 - $1}') s)"
}

phase_bench() {
    command -v dnsmasq > /dev/null && command -v nginx > /dev/null || die "bench needs dnsmasq and nginx"
    mirror_files
    : > "$WORK/bench.txt"
    local r who rounds=${E2E_BENCH_ROUNDS:-3} order
    for r in $(seq 1 "$rounds"); do
        if [ $((r % 2)) = 1 ]; then order="ww4j baseline"; else order="baseline ww4j"; fi
        for who in $order; do
            if [ "$who" = baseline ]; then
                stop_warewulfd; start_baseline
                bench_boot baseline "$r" "$BASE_DNSMASQ" "$BASE_NGINX"
                stop_baseline; start_warewulfd
            else
                bench_boot ww4j "$r" "$WWD"
            fi
        done
    done
    cp "$WORK/bench.txt" "$ROOT/distribution/target/e2e-bench.txt"
    log "bench (seconds from QEMU start to the marker, median of $rounds rounds, each after a warm-up boot; server CPU seconds per boot set; BIOS guests under TCG):"
    sort -k1,1 -k2,2n -k3,3n "$WORK/bench.txt" | awk '
        { k = $1 " " $2; v[k, ++n[k]] = $3; cpu[k] += $4 }
        function med(k,   m) { m = n[k]; return (m % 2) ? v[k, (m + 1) / 2] : (v[k, m / 2] + v[k, m / 2 + 1]) / 2 }
        END {
          for (g = 1; g <= 4; g += 3) {
            w = med("ww4j " g); b = med("baseline " g)
            printf "bench-%d ww4j %.1f s (cpu %.2f s) dnsmasq+nginx %.1f s (cpu %.2f s) ratio %.2f\n", g, w,
                   cpu["ww4j " g] / n["ww4j " g], b, cpu["baseline " g] / n["baseline " g], w / b
          }
        }' | tee -a "$RESULTS" >&2
}

# check_status NAME [uefi]: `wwctl node status` shows the node at its runtime overlay, and its
# trace (`--trace`) every stage: DHCP, (TFTP for UEFI), iPXE script, kernel, image, system
# overlay, and the runtime overlay twice: once from iPXE, then from wwclient on the booted node.
check_status() {
    local name=$1 mode=${2:-bios} deadline=$(( $(date +%s) + TIMEOUT )) tr st
    while :; do
        tr=$(wwctl node status --trace "$name" 2>&1 || true)
        if [ "$(echo "$tr" | grep -c "RUNTIME OVERLAY.*ok")" -ge 2 ]; then break; fi
        [ "$(date +%s)" -lt "$deadline" ] || { echo "$tr" >&2; die "$name: no runtime poll from wwclient in wwctl node status --trace"; }
        sleep 3
    done
    echo "$tr" > "$WORK/$name.trace"
    local want=("DHCP" "IPXE" "KERNEL" "IMAGE" "SYSTEM OVERLAY")
    [ "$mode" = uefi ] && want+=("TFTP")
    for w in "${want[@]}"; do
        echo "$tr" | grep -q " $w " || { echo "$tr" >&2; die "$name: no $w event in its trace"; }
    done
    st=$(wwctl node status "$name")
    echo "$st" | grep -q "^$name .*RUNTIME OVERLAY" || { echo "$st" >&2; die "$name: wwctl node status does not show the runtime stage"; }
    log "$name: trace has ${want[*]} and $(echo "$tr" | grep -c "RUNTIME OVERLAY.*ok") runtime fetches; status: $(echo "$st" | tail -1 | tr -s ' ')"
}

# ---------------------------------------------------------------- main
fetch_debs
build_rootfs "$WORK/rootfs"
write_conf
define_nodes
import_image
build_overlays
setup_netns
start_warewulfd
for p in "${PHASES[@]}"; do
    log "=== phase $p"
    "phase_$p"
done
log "PASS: ${PHASES[*]}"
cat "$RESULTS" >&2
