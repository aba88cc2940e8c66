#!/usr/bin/env bash
# Image build benchmark: `wwctl image build -f` (cpio newc + pigz-style parallel gzip, in the JVM,
# JVM start included, writing BOTH .img and .img.gz) against the shell pipeline
# `find . | cpio -o -H newc | pigz -p 2` and against single-threaded `gzip -6`, on the same tree
# in the same run, ROUNDS times interleaved (default 3). Prints median wall and CPU times and ratios (ours / baseline; <= 1.0 means we are faster).
#
#   server/bench/image-build.sh [SOURCE_DIR...]     (default: the JDK + /usr/share/doc, ~430 MiB)
#
# Ours deflates with the system zlib (the launcher grants native access), the same library pigz uses.
# Needs root (owners, device nodes), cpio, pigz, gzip, and a built tree (./mvnw -q -DskipTests package;
# WW4J_DIST=/a/copy/of/distribution/target/ww4j keeps a rebuild from changing it mid-run).
set -euo pipefail
cd "$(dirname "$0")/../.."
. server/bench/image-bench-lib.sh
image_bench_site imgbench
mkdir -p "$work/chroots/bench/rootfs"
srcs=("$@")
[ ${#srcs[@]} -gt 0 ] || srcs=("$JAVA_HOME" /usr/share/doc)
root="$work/chroots/bench/rootfs"
for s in "${srcs[@]}"; do mkdir -p "$root/$(dirname "$s")"; cp -a "$s" "$root/$(dirname "$s")/"; done
mkdir -p "$root/bin"; ln -sf /usr/bin/dash "$root/bin/sh"
echo "tree: $(du -sh --apparent-size "$root" | cut -f1), $(find "$root" | wc -l) entries, $(nproc) cores"
sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
# warm the page cache once so all three runs read from memory
tar -C "$root" -cf - . > /dev/null

# one run: prints "wall cpu" (cpu = user + sys of the command and its children)
t() { /usr/bin/time -f '%e %U %S' -o "$work/time" "$@"; awk '{printf "%s %.2f\n", $1, $2 + $3}' "$work/time"; }
export WAREWULFCONF="$work/etc/warewulf/warewulf.conf" WW4J_NO_DAEMON=1
rounds=${ROUNDS:-3}
: > "$work/results"
for r in $(seq 1 "$rounds"); do
  # interleaved, so a change in the machine's load hits all three alike
  echo "ours $(t sh -c "'$dist/bin/wwctl' image build -f bench > /dev/null")" >> "$work/results"
  echo "pigz $(t sh -c "cd '$root' && find . | cpio -o -H newc --quiet | pigz -p 2 > '$work/pigz.img.gz'")" >> "$work/results"
  echo "gzip $(t sh -c "cd '$root' && find . | cpio -o -H newc --quiet | gzip -6 > '$work/gzip.img.gz'")" >> "$work/results"
  echo "round $r: $(tail -3 "$work/results" | tr '\n' ' ') load $(cut -d' ' -f1-3 /proc/loadavg)"
done
# check: ours unpacks with gzip -d and matches the .img
gzip -dc "$work/provision/images/bench.img.gz" | cmp - "$work/provision/images/bench.img"
med() { grep "^$1 " "$work/results" | awk '{print $'"$2"'}' | sort -n | awk '{a[NR]=$1} END{print (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2}'; }
ours=$(med ours 2); pigz_t=$(med pigz 2); gzip_t=$(med gzip 2)
printf 'median of %d rounds (wall s / cpu s):\n' "$rounds"
printf 'ours (wwctl image build -f, .img + .img.gz, fsynced): %6.2f / %6.2f  %s\n' "$ours" "$(med ours 3)" "$(du -h "$work/provision/images/bench.img.gz" | cut -f1)"
printf 'find|cpio|pigz -p 2:                                   %6.2f / %6.2f  %s\n' "$pigz_t" "$(med pigz 3)" "$(du -h "$work/pigz.img.gz" | cut -f1)"
printf 'find|cpio|gzip -6:                                     %6.2f / %6.2f  %s\n' "$gzip_t" "$(med gzip 3)" "$(du -h "$work/gzip.img.gz" | cut -f1)"
printf 'wall ratio ours/pigz: %.2f   ours/gzip: %.2f   (load average now: %s)\n' "$(echo "$ours / $pigz_t" | bc -l)" "$(echo "$ours / $gzip_t" | bc -l)" "$(cut -d' ' -f1-3 /proc/loadavg)"
