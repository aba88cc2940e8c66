#!/usr/bin/env bash
# CI check of the README's two demo commands, run by .ci/run as root.
#
# 1. The run command: bin/warewulfd of a scratch copy of the built tree, started as an
#    unprivileged user (nobody) on the tree's embedded defaults, inside a network namespace of
#    its own (only its loopback; so port 9873 cannot clash with anything on this machine).
#    Asserted: the demo cluster imported from etc/warewulf/nodes.conf (nodes/demo) on the first
#    start, one clear log line each for DHCP and TFTP that cannot bind their ports, HTTP ready.
# 2. The demo command, boot-vm.sh, against that server (as root, in the same namespace): n1 boots
#    in QEMU over user-mode networking; asserted: the marker with n1's host name and address from
#    its overlays, and `wwctl node status` showing n1 at its runtime overlay (boot-vm.sh itself
#    waits for the wwclient poll in n1's trace).
#
# Usage: distribution/src/demo/test-demo.sh   Env: WW4J_DEMO_USER (default nobody)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../../.." && pwd -P)
DIST=${WW4J_DIST:-$ROOT/distribution/target/ww4j}
RUNAS=${WW4J_DEMO_USER:-nobody}
NS=ww4jdemo$$

log() { echo "demo-test: $*" >&2; }
die() { log "FAIL: $*"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (network namespace, an unprivileged server user)"
[ -x "$DIST/bin/warewulfd" ] || die "$DIST is not built: run ./mvnw -DskipTests package first"
for tool in ip setpriv qemu-system-x86_64; do
    command -v "$tool" > /dev/null || die "$tool is missing (see .ci/packages)"
done

WORK=$(mktemp -d /tmp/ww4j-demo-test.XXXXXX)
chmod 755 "$WORK"
WWD=""
cleanup() {
    set +e
    [ -n "$WWD" ] && kill "$WWD" 2> /dev/null && wait "$WWD" 2> /dev/null
    ip netns del "$NS" 2> /dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

# The server writes its database, images and overlays into the tree: use a copy, with no state
# left from earlier runs (the first start must find an empty database).
cp -a "$DIST" "$WORK/ww4j"
rm -rf "$WORK/ww4j/var/lib/warewulf" "$WORK/ww4j/var/cache"/*
mkdir -p "$WORK/ww4j/var/lib/warewulf"
group=$(id -gn "$RUNAS")
chown -R "$RUNAS:$group" "$WORK/ww4j"

ip netns add "$NS"
ip -n "$NS" link set lo up

# ---- 1. the README's run command, as an unprivileged user
ip netns exec "$NS" setpriv --reuid="$RUNAS" --regid="$group" --clear-groups env HOME="$WORK" \
    "$WORK/ww4j/bin/warewulfd" > "$WORK/warewulfd.log" 2>&1 &
WWD=$!
n=0
until grep -q "warewulfd ready" "$WORK/warewulfd.log"; do
    kill -0 "$WWD" 2> /dev/null || { cat "$WORK/warewulfd.log" >&2; die "warewulfd exited"; }
    [ $n -lt 180 ] || { cat "$WORK/warewulfd.log" >&2; die "warewulfd not ready after 180 s"; }
    sleep 1; n=$((n + 1))
done
log "warewulfd (user $RUNAS, embedded defaults) ready after ${n}s"
grep -q "imported 4 nodes and 1 profiles from $WORK/ww4j/etc/warewulf/nodes.conf" "$WORK/warewulfd.log" \
    || { cat "$WORK/warewulfd.log" >&2; die "the demo cluster (nodes/demo) was not imported on the first start"; }
dhcp=$(grep -c "DHCP not started" "$WORK/warewulfd.log" || true)
tftp=$(grep -c "tftp: not serving" "$WORK/warewulfd.log" || true)
[ "$dhcp" = 1 ] && [ "$tftp" = 1 ] \
    || { cat "$WORK/warewulfd.log" >&2; die "want one log line each for DHCP and TFTP not bound (got $dhcp, $tftp)"; }
grep -E "DHCP not started|tftp: not serving|HTTP provisioning server listening" "$WORK/warewulfd.log" \
    | sed 's/^/demo-test: warewulfd: /' >&2

# ---- 2. the demo command against it
start=$(date +%s)
ip netns exec "$NS" env WW4J_DIST="$WORK/ww4j" WW4J_DEMO_RESULT="$WORK/result" \
    "$ROOT/distribution/src/demo/boot-vm.sh" --quiet > "$WORK/demo.out" 2>&1 \
    || { cat "$WORK/demo.out" >&2; log "--- warewulfd log (last 30 lines)"; tail -30 "$WORK/warewulfd.log" >&2; die "boot-vm.sh failed"; }
cat "$WORK/demo.out" >&2
grep -q "WW4J-E2E-BOOTED host=n1 etc-hostname=n1 addr=10.0.2.101/24" "$WORK/demo.out" \
    || die "no marker with n1's host name and address"
grep -q "^n1 .*RUNTIME OVERLAY" "$WORK/demo.out" || die "wwctl node status does not show n1 at its runtime overlay"
log "PASS: n1 booted from the README's warewulfd $(cut -d' ' -f2 "$WORK/result")s after QEMU started ($(( $(date +%s) - start ))s for boot-vm.sh in all)"
cp "$WORK/result" "$ROOT/distribution/target/demo-result.txt" 2> /dev/null || true
