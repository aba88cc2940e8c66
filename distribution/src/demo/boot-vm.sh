#!/usr/bin/env bash
# ww4j demo: boot a QEMU VM from the warewulfd that the README's run command started
#
#     ./mvnw -q -DskipTests package && distribution/target/ww4j/bin/warewulfd     (one terminal)
#     sudo distribution/src/demo/boot-vm.sh                                       (another one)
#
# Builds the tiny test image of the end-to-end rig (static busybox + Debian's kernel, fetched with
# apt-get download), imports it as image "ww4j-demo" with the tree's wwctl (through the running
# warewulfd), points node n1 of the demo cluster (nodes/demo) at it with a serial console, and
# PXE-boots n1 in QEMU (TCG). The VM's only network is QEMU's user-mode network with restrict=on:
# it reaches nothing but one forward, 10.0.2.4:PORT in the guest -> 127.0.0.1:PORT on this host,
# where warewulfd answers. QEMU's built-in DHCP hands iPXE the boot URL
# http://10.0.2.4:PORT/ipxe/${mac:hexhyp}; the rest comes from warewulfd over HTTP (iPXE script,
# kernel, image, system and runtime overlays), then the node's wwclient polls its runtime overlay.
# No root network set-up, no bridge, no traffic off this host. Waits for the image's marker on the
# serial console, prints `wwctl node status` and n1's boot trace, and stops the VM.
#
# Usage: boot-vm.sh [--keep] [--quiet]
#   --keep    leave the VM running (the node keeps polling; stop it with the kill command printed)
#   --quiet   do not copy the serial console to the terminal (it is in the work directory)
# Runs as root or as the user running warewulfd (wwctl's control socket accepts only those two).
# Needs qemu-system-x86 (its e1000 iPXE ROM: ipxe-qemu), socat, dpkg-deb and apt-get; the .debs
# are kept in /var/cache/ww4j-e2e (else ~/.cache/ww4j-e2e). Env: WW4J_DIST (the tree, default
# distribution/target/ww4j), WW4J_DEMO_PORT (default 9873), WW4J_DEMO_NODE (default n1),
# WW4J_DEMO_TIMEOUT (seconds for the boot, default 600), E2E_CACHE (the .debs).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../../.." && pwd -P)
DIST=${WW4J_DIST:-$ROOT/distribution/target/ww4j}
PORT=${WW4J_DEMO_PORT:-9873}
NODE=${WW4J_DEMO_NODE:-n1}
TIMEOUT=${WW4J_DEMO_TIMEOUT:-600}
IMAGE=ww4j-demo
# The server as the guest sees it. Not 10.0.2.2 or .3: QEMU keeps those for itself.
GUEST_SERVER=10.0.2.4
MARKER=WW4J-E2E-BOOTED
KEEP=0
SHOW=1
for a in "$@"; do
    case "$a" in
        --keep) KEEP=1 ;;
        --quiet) SHOW=0 ;;
        -h | --help) sed -n '2,25p' "$0"; exit 0 ;;
        *) echo "boot-vm: unknown option '$a' (--keep, --quiet)" >&2; exit 2 ;;
    esac
done

log() { echo "demo: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

for tool in qemu-system-x86_64 socat dpkg-deb apt-get apt-cache curl; do
    command -v "$tool" > /dev/null || die "$tool is missing: apt-get install qemu-system-x86 socat curl"
done
[ -x "$DIST/bin/wwctl" ] || die "$DIST is not built: run ./mvnw -q -DskipTests package first"

if [ -n "${E2E_CACHE:-}" ]; then
    CACHE=$E2E_CACHE
elif [ "$(id -u)" -eq 0 ] || [ -w /var/cache/ww4j-e2e ]; then
    CACHE=/var/cache/ww4j-e2e
else
    CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/ww4j-e2e
fi
. "$ROOT/distribution/src/e2e/image-lib.sh"

wwctl() { "$DIST/bin/wwctl" "$@"; }

# ---- the server must be running (this script never starts one)
if [ "$DIST" = "$ROOT/distribution/target/ww4j" ]; then
    START_HINT="start it first, in another terminal: cd $ROOT && ./mvnw -q -DskipTests package && distribution/target/ww4j/bin/warewulfd"
else
    START_HINT="start it first, in another terminal: $DIST/bin/warewulfd"
fi
curl -s -o /dev/null --max-time 10 "http://127.0.0.1:$PORT/status" \
    || die "no warewulfd answers on 127.0.0.1:$PORT; $START_HINT"
# wwctl must reach that daemon on its control socket: node status lives in the daemon.
case "$(WW4J_TRACE=1 wwctl version 2>&1 || true)" in
    *"trace: connected"*) ;;
    *) die "wwctl ($DIST/bin/wwctl) does not reach a running warewulfd on its control socket; $START_HINT (run this as root or as the user running warewulfd)" ;;
esac
NETS=$(wwctl node list -n "$NODE" 2> /dev/null || true)
MAC=$(echo "$NETS" | awk 'NR > 2 && length($3) == 17 && $3 ~ /^[0-9a-fA-F:]+$/ && !m {m = tolower($3)} END {print m}')
[ -n "$MAC" ] || die "node $NODE with a hardware address is not in the node database (the demo cluster comes from nodes/demo on the first start with an empty database)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ww4j-demo.XXXXXX")
chmod 755 "$WORK" # warewulfd (perhaps another user) reads the image from here
QPID=""
cleanup() {
    set +e
    if [ "$KEEP" = 0 ] || [ -z "$QPID" ]; then
        [ -n "$QPID" ] && kill "$QPID" 2> /dev/null && wait "$QPID" 2> /dev/null
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT

# ---- the image and the node
fetch_debs
build_rootfs "$WORK/rootfs"
log "wwctl image import --build --force $WORK/rootfs $IMAGE"
wwctl image import --build --force "$WORK/rootfs" "$IMAGE" > "$WORK/import.log" 2>&1 \
    || { cat "$WORK/import.log" >&2; die "image import failed"; }
rm -rf "$WORK/rootfs"
# Serial console (added to the profile's kernel args); no_timer_check: TCG's timer is too slow
# for the kernel's check.
wwctl node set "$NODE" --yes --image "$IMAGE" \
    -A console=ttyS0,no_timer_check,panic=10 > /dev/null
ARGS=$(wwctl node list -a "$NODE" | awk '$2 == "Kernel.Args" {print $4}')
log "node $NODE ($MAC): image $IMAGE, kernel args $ARGS"

# ---- the VM
CONSOLE=$WORK/console
: > "$CONSOLE"
printf '\xf8\x03' > "$WORK/sercon-port" # SeaBIOS and iPXE text on the serial port too
# restrict=on: the guest reaches neither the host nor anything beyond it, over IPv4 or IPv6, except
# through the guestfwd. Its target is a command, run once per guest connection (a chardev target,
# "-tcp:127.0.0.1:PORT", would be ONE host connection for the VM's life: dead after the first
# "Connection: close"). IPv6 stays on: QEMU's router advertisement spares iPXE a ~13 s wait.
NETDEV="user,id=n0,restrict=on,guestfwd=tcp:$GUEST_SERVER:$PORT-cmd:socat STDIO TCP4:127.0.0.1:$PORT"
NETDEV+=",bootfile=http://$GUEST_SERVER:$PORT/ipxe/\${mac:hexhyp}"
log "booting $NODE in QEMU (TCG, BIOS, e1000 with iPXE; console: $CONSOLE) ..."
START=$(date +%s.%N)
qemu-system-x86_64 -nodefaults -machine pc -accel tcg -m 512 -smp 1 \
    -fw_cfg "name=etc/sercon-port,file=$WORK/sercon-port" -display none -vga none -monitor none \
    -serial "file:$CONSOLE" -netdev "$NETDEV" -device "e1000,netdev=n0,mac=$MAC" \
    -boot n -no-reboot > "$WORK/qemu.log" 2>&1 &
QPID=$!
SHOWN=0
show_console() { # what the console got since the last call, without colour and cursor escapes
    [ "$SHOW" = 1 ] || return 0
    local size; size=$(stat -c %s "$CONSOLE")
    [ "$size" -gt "$SHOWN" ] || return 0
    tail -c +$((SHOWN + 1)) "$CONSOLE" | head -c $((size - SHOWN)) \
        | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1bc//g; s/\r//g; /^ *$/d' >&2 || true
    SHOWN=$size
}

deadline=$(( $(date +%s) + TIMEOUT ))
until grep -qa "$MARKER" "$CONSOLE"; do
    show_console
    if ! kill -0 "$QPID" 2> /dev/null; then
        if [ "$SHOW" = 1 ]; then show_console; else tail -20 "$CONSOLE" | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\r//g' >&2; fi
        die "QEMU exited before $NODE booted (console above; warewulfd's log says more)"
    fi
    [ "$(date +%s)" -lt "$deadline" ] || die "$NODE: no '$MARKER' on its console after ${TIMEOUT}s"
    sleep 0.2
done
SECONDS_TO_MARKER=$(echo "$(date +%s.%N) $START" | awk '{printf "%.1f", $1 - $2}')
show_console
echo >&2
log "$NODE booted: $(grep -a "$MARKER" "$CONSOLE" | tail -1 | tr -d '\r') (${SECONDS_TO_MARKER}s after QEMU started)"

# wwclient on the node polls its runtime overlay a few seconds after boot: wait for that poll
log "waiting for $NODE's wwclient to poll its runtime overlay ..."
while [ "$(wwctl node status --trace "$NODE" 2>&1 | grep -c "RUNTIME OVERLAY.*ok")" -lt 2 ]; do
    show_console
    kill -0 "$QPID" 2> /dev/null || die "QEMU exited"
    [ "$(date +%s)" -lt "$deadline" ] || die "$NODE: no runtime poll from wwclient"
    sleep 2
done
# the image's init copies wwclient's log to the console: show where the agent polls (a little later)
for _ in $(seq 50); do grep -qa "wwclient: polling" "$CONSOLE" && break; sleep 0.2; done
show_console
log "wwctl node status:"
wwctl node status
log "wwctl node status --trace $NODE:"
wwctl node status --trace "$NODE"
printf 'seconds-to-marker %s\nqemu-pid %s\nwork %s\n' "$SECONDS_TO_MARKER" "$QPID" "$WORK" > "$WORK/result"
[ -n "${WW4J_DEMO_RESULT:-}" ] && cp "$WORK/result" "$WW4J_DEMO_RESULT"
if [ "$KEEP" = 1 ]; then
    log "the VM keeps running (pid $QPID; console $CONSOLE): stop it with: kill $QPID; rm -rf $WORK"
else
    log "stopping the VM (--keep leaves it running)"
fi
