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
QPID=""
cleanup() {
    set +e
    [ -n "$QPID" ] && kill "$QPID" 2> /dev/null
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

# ---- 2. the demo command against it (--keep: the VM runs on for a later poll of its wwclient)
start=$(date +%s)
ip netns exec "$NS" env WW4J_DIST="$WORK/ww4j" WW4J_DEMO_RESULT="$WORK/result" \
    "$ROOT/distribution/src/demo/boot-vm.sh" --keep > "$WORK/demo.out" 2>&1 \
    || { cat "$WORK/demo.out" >&2; QPID=$(awk '$1 == "qemu-pid" {print $2}' "$WORK/result" 2> /dev/null)
         log "--- warewulfd log (last 30 lines)"; tail -30 "$WORK/warewulfd.log" >&2; die "boot-vm.sh failed"; }
cat "$WORK/demo.out" >&2
grep -q "WW4J-E2E-BOOTED host=n1 etc-hostname=n1 addr=10.0.2.101/24" "$WORK/demo.out" \
    || die "no marker with n1's host name and address"
grep -q "^n1 .*RUNTIME OVERLAY" "$WORK/demo.out" || die "wwctl node status does not show n1 at its runtime overlay"
# iPXE's URLs and wwclient's server: the address the guest asked for (no ipaddr in warewulf.conf)
grep -q "provisioned by 10.0.2.4:9873" "$WORK/demo.out" || die "the iPXE script does not name the guest's server address"
grep -q "wwclient: polling http://10.0.2.4:9873/runtime/" "$WORK/demo.out" \
    || die "wwclient does not poll the server n1 booted from"
# The agent keeps polling (update interval 60 s in the tree's warewulf.conf): a second poll from
# wwclient, i.e. a third runtime fetch in n1's trace, on a new connection through QEMU's forward.
QPID=$(awk '$1 == "qemu-pid" {print $2}' "$WORK/result")
DEMOWORK=$(awk '$1 == "work" {print $2}' "$WORK/result")
[ -n "$QPID" ] && [ -n "$DEMOWORK" ] || die "boot-vm.sh --keep did not say which VM runs"
deadline=$(( $(date +%s) + 180 ))
until [ "$(WAREWULFCONF="$WORK/ww4j/etc/warewulf/warewulf.conf" "$WORK/ww4j/bin/wwctl" node status --trace n1 \
        | grep -c "RUNTIME OVERLAY.*ok")" -ge 3 ]; do
    kill -0 "$QPID" 2> /dev/null || die "the kept VM is gone"
    [ "$(date +%s)" -lt "$deadline" ] || die "n1's wwclient did not poll a second time"
    sleep 3
done
log "n1's wwclient polled again $(( $(date +%s) - start ))s after boot-vm.sh started"
kill "$QPID"
QPID=""
case "$DEMOWORK" in /tmp/ww4j-demo.*) rm -rf "$DEMOWORK" ;; esac
log "PASS: n1 booted from the README's warewulfd $(awk '$1 == "seconds-to-marker" {print $2}' "$WORK/result")s after QEMU started; its wwclient polled again; $(( $(date +%s) - start ))s in all"
cp "$WORK/result" "$ROOT/distribution/target/demo-result.txt" 2> /dev/null || true
