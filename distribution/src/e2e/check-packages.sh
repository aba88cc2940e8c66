#!/usr/bin/env bash
# Builds the DEB and the RPM (./mvnw -Ppackages) and checks what they install: the paths Warewulf
# uses, executable launchers and overlay scripts, every jar of the distribution tree, conffiles,
# the Java >= 21 dependency, the conflict with upstream's package; then runs the packaged wwctl
# from the unpacked DEB. Run by .ci/run after `./mvnw verify`; needs dpkg-deb and rpm (rpmbuild).
# Usage: distribution/src/e2e/check-packages.sh   (E2E_NO_BUILD=1: check what target/ holds)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd -P)
T="$ROOT/distribution/target"
log() { echo "packages: $*" >&2; }
die() { log "FAIL: $*"; exit 1; }

for tool in dpkg-deb rpm rpmbuild; do
    command -v "$tool" > /dev/null || die "$tool is missing (see .ci/packages)"
done
if [ "${E2E_NO_BUILD:-0}" != 1 ]; then
    log "building the DEB and the RPM (./mvnw -Ppackages -DskipTests package)"
    mkdir -p "$T"
    (cd "$ROOT" && ./mvnw -q -B -Ppackages -DskipTests package -pl server,distribution) > "$T/packages-build.log" 2>&1 \
        || { tail -40 "$T/packages-build.log" >&2; die "package build failed"; }
fi
DEB=$(ls -t "$T"/ww4j_*_all.deb 2> /dev/null | head -1)
RPM=$(ls -t "$T"/rpm/ww4j/RPMS/noarch/ww4j-*.noarch.rpm 2> /dev/null | head -1)
[ -n "$DEB" ] || die "no DEB under $T"
[ -n "$RPM" ] || die "no RPM under $T/rpm"
log "DEB: $DEB"
log "RPM: $RPM"

W=$(mktemp -d /tmp/ww4j-pkg.XXXXXX)
trap 'rm -rf "$W"' EXIT
# "mode path" lines, paths absolute, no trailing slash
dpkg-deb -c "$DEB" | awk '{p = $6; sub(/^\./, "", p); sub(/\/$/, "", p); print $1, p}' | sort -k2 > "$W/deb.list"
rpm -qlvp "$RPM" 2> /dev/null | awk '{print $1, $9}' | sort -k2 > "$W/rpm.list"

# Paths both packages must install, with the mode they need.
want=(
    "-rwxr-xr-x /usr/bin/wwctl"
    "-rwxr-xr-x /usr/sbin/warewulfd"
    "-rwxr-xr-x /usr/share/warewulf/ww4j/bin/wwctl"
    "-rwxr-xr-x /usr/share/warewulf/ww4j/bin/warewulfd"
    "-rw-r--r-- /usr/share/warewulf/ww4j/lib/launcher.sh"
    "-rw-r--r-- /usr/share/warewulf/ipxe/default.ipxe"
    "-rw-r--r-- /usr/share/warewulf/ipxe/unconfigured.ipxe"
    "-rw-r--r-- /usr/share/warewulf/bmc/ipmitool.tmpl"
    "-rwxr-xr-x /usr/share/warewulf/overlays/wwinit/rootfs/init"
    "-rwxr-xr-x /usr/share/warewulf/overlays/wwinit/rootfs/warewulf/run-init"
    "-rwxr-xr-x /usr/share/warewulf/overlays/wwinit/rootfs/warewulf/run-wwinit.d"
    "-rwxr-xr-x /usr/share/warewulf/overlays/wwclient/rootfs/warewulf/wwclient"
    "-rw-r--r-- /usr/share/warewulf/overlays/hostname/rootfs/etc/hostname.ww"
    "-rw-r--r-- /etc/warewulf/warewulf.conf"
    "-rw-r--r-- /etc/warewulf/nodes.conf"
    "-rw-r--r-- /usr/lib/systemd/system/warewulfd.service"
    "d /var/lib/warewulf"
    "d /var/lib/tftpboot"
)
for pkg in deb rpm; do
    for w in "${want[@]}"; do
        mode=${w%% *} path=${w#* }
        line=$(awk -v p="$path" '$2 == p' "$W/$pkg.list" | head -1)
        [ -n "$line" ] || die "$pkg: $path is missing"
        case "$mode" in
            d) [ "${line:0:1}" = d ] || die "$pkg: $path is not a directory ($line)" ;;
            *) [ "${line%% *}" = "$mode" ] || die "$pkg: $path has mode ${line%% *}, want $mode" ;;
        esac
    done
    # every jar of the distribution tree, and nothing from the build's state directories
    for jar in "$T"/ww4j/lib/*.jar; do
        grep -q " /usr/share/warewulf/ww4j/lib/$(basename "$jar")$" "$W/$pkg.list" || die "$pkg: lib/$(basename "$jar") is missing"
    done
    ! grep -E " /usr/share/warewulf/ww4j/(var|etc)(/|$)" "$W/$pkg.list" || die "$pkg: ships state of the build tree"
    log "$pkg: $(wc -l < "$W/$pkg.list") entries, ${#want[@]} required paths with their modes, $(ls "$T"/ww4j/lib/*.jar | wc -l) jars"
done

# Metadata: Java >= 21, conflicts with upstream warewulf, configuration files kept on upgrade.
# (Outputs go to files first: `cmd | grep -q` fails under pipefail when grep stops reading early.)
dpkg-deb -f "$DEB" Depends > "$W/deb.depends"
dpkg-deb -f "$DEB" Conflicts > "$W/deb.conflicts"
dpkg-deb -I "$DEB" conffiles > "$W/deb.conffiles"
rpm -qp --configfiles "$RPM" > "$W/rpm.configfiles" 2> /dev/null
rpm -qp --requires "$RPM" > "$W/rpm.requires" 2> /dev/null
rpm -qp --conflicts "$RPM" > "$W/rpm.conflicts" 2> /dev/null
grep -q "java21-runtime-headless" "$W/deb.depends" || die "deb: no Java >= 21 dependency"
grep -qw warewulf "$W/deb.conflicts" || die "deb: does not conflict with warewulf"
for f in /etc/warewulf/warewulf.conf /etc/warewulf/nodes.conf; do
    grep -qx "$f" "$W/deb.conffiles" || die "deb: $f is not a conffile"
    grep -qx "$f" "$W/rpm.configfiles" || die "rpm: $f is not %config"
done
grep -q "^java-headless >= 1:21" "$W/rpm.requires" || die "rpm: no java-headless >= 1:21"
grep -qx warewulf "$W/rpm.conflicts" || die "rpm: does not conflict with warewulf"
log "metadata: Java >= 21 dependency, conflicts with warewulf, conffiles"

# The packaged CLI runs (unpacked, not installed: its launcher finds its lib/ beside bin/).
dpkg-deb -x "$DEB" "$W/root"
out=$(HOME="$W" XDG_CACHE_HOME="$W/cache" "$W/root/usr/share/warewulf/ww4j/bin/wwctl" version 2>&1) || die "packaged wwctl failed: $out"
echo "$out" | grep -q "ww4j-" || die "packaged wwctl version: $out"
grep -q "^ipaddr:" "$W/root/etc/warewulf/warewulf.conf" || die "packaged warewulf.conf has no ipaddr"
log "packaged wwctl: $(echo "$out" | tr -s '\t ' ' ')"
log "PASS"
