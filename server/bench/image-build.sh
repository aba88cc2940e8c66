#!/usr/bin/env bash
# Image build benchmark: `wwctl image build -f` (cpio newc + pigz-style parallel gzip, in the JVM,
# JVM start included, writing BOTH .img and .img.gz) against the shell pipeline
# `find . | cpio -o -H newc | pigz -p 2` and against single-threaded `gzip -6`, on the same tree
# in the same run. Prints wall times and ratios (ours / baseline; <= 1.0 means we are faster).
#
#   server/bench/image-build.sh [SOURCE_DIR...]     (default: the JDK + /usr/share/doc, ~430 MiB)
#
# Needs root (owners, device nodes), cpio, pigz, gzip, and a built tree (./mvnw -q -DskipTests package).
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"; export JAVA_HOME
[ -x distribution/target/ww4j/bin/wwctl ] || ./mvnw -q -B -DskipTests package
work=$(mktemp -d /var/tmp/ww4j-imgbench.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/etc/warewulf" "$work/chroots/bench/rootfs" "$work/provision"
cat > "$work/etc/warewulf/warewulf.conf" <<CONF
ipaddr: 127.0.0.1
netmask: 255.0.0.0
paths:
  wwchrootdir: $work/chroots
  wwprovisiondir: $work/provision
  localstatedir: $work/var
  cachedir: $work/cache
CONF
srcs=("$@")
[ ${#srcs[@]} -gt 0 ] || srcs=("$JAVA_HOME" /usr/share/doc)
root="$work/chroots/bench/rootfs"
for s in "${srcs[@]}"; do mkdir -p "$root/$(dirname "$s")"; cp -a "$s" "$root/$(dirname "$s")/"; done
mkdir -p "$root/bin"; ln -sf /usr/bin/dash "$root/bin/sh"
echo "tree: $(du -sh --apparent-size "$root" | cut -f1), $(find "$root" | wc -l) entries, $(nproc) cores"
sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
# warm the page cache once so all three runs read from memory
tar -C "$root" -cf - . > /dev/null

t() { local s e; s=$(date +%s.%N); "$@"; e=$(date +%s.%N); echo "$e - $s" | bc; }
export WAREWULFCONF="$work/etc/warewulf/warewulf.conf" WW4J_NO_DAEMON=1
ours=$(t sh -c "distribution/target/ww4j/bin/wwctl image build -f bench > /dev/null")
pigz_t=$(t sh -c "cd '$root' && find . | cpio -o -H newc --quiet | pigz -p 2 > '$work/pigz.img.gz'")
gzip_t=$(t sh -c "cd '$root' && find . | cpio -o -H newc --quiet | gzip -6 > '$work/gzip.img.gz'")
# check: ours unpacks with gzip -d
gzip -t "$work/provision/images/bench.img.gz"
printf 'ours (wwctl image build -f, .img + .img.gz): %6.2f s  %s\n' "$ours" "$(du -h "$work/provision/images/bench.img.gz" | cut -f1)"
printf 'find|cpio|pigz -p 2:                          %6.2f s  %s\n' "$pigz_t" "$(du -h "$work/pigz.img.gz" | cut -f1)"
printf 'find|cpio|gzip -6:                            %6.2f s  %s\n' "$gzip_t" "$(du -h "$work/gzip.img.gz" | cut -f1)"
printf 'ratio ours/pigz: %.2f   ours/gzip: %.2f\n' "$(echo "$ours / $pigz_t" | bc -l)" "$(echo "$ours / $gzip_t" | bc -l)"
