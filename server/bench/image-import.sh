#!/usr/bin/env bash
# Image import benchmark: `wwctl image import` of a ~1 GiB tree packed three ways, each against
# the plain tool that unpacks the same bytes, on the same disk, ROUNDS times interleaved (default 3):
#   OCI archive (a gzip layer, made by umoci + skopeo)   vs  `tar -xpzf` of the layer blob
#   squashfs (gzip, made by mksquashfs)                    vs  `unsquashfs -d`
#   SIF is the same squashfs reader behind a header, so it is not measured separately.
# Prints median wall and CPU seconds, MB/s (uncompressed tree bytes / wall) and ratios
# (ours / baseline; <= 1.0 means we are faster). Ours also checks every layer's sha256 and
# refuses path traversal; the baselines do neither.
#
#   server/bench/image-import.sh [SOURCE_DIR...]   (default: the JDK + /usr/share, ~1 GiB)
#
# Needs root, umoci, skopeo, squashfs-tools, and a built tree (./mvnw -q -DskipTests package;
# WW4J_DIST=/a/copy/of/distribution/target/ww4j keeps a rebuild from changing it mid-run).
set -euo pipefail
cd "$(dirname "$0")/../.."
. server/bench/image-bench-lib.sh
image_bench_site impbench
srcs=("$@")
[ ${#srcs[@]} -gt 0 ] || srcs=("$JAVA_HOME" /usr/share)
# the image: one gzip layer with every source (umoci repack)
layout="$work/oci"
umoci init --layout "$layout"
umoci new --image "$layout:t"
umoci unpack --image "$layout:t" "$work/bundle" > /dev/null
rootfs="$work/bundle/rootfs"
for s in "${srcs[@]}"; do mkdir -p "$rootfs/$(dirname "$s")"; cp -a "$s" "$rootfs/$(dirname "$s")/"; done
umoci repack --image "$layout:t" "$work/bundle"
skopeo copy --quiet "oci:$layout:t" "oci-archive:$work/image.oci.tar:t"
mksquashfs "$rootfs" "$work/image.sqfs" -comp gzip -quiet -no-progress > /dev/null
bytes=$(du -sb --apparent-size "$rootfs" | cut -f1)
entries=$(find "$rootfs" | wc -l)
# the layer blobs in manifest order, for the tar baseline
manifest=$(python3 -c 'import json,sys; i=json.load(open(sys.argv[1]+"/index.json")); print(i["manifests"][0]["digest"].split(":")[1])' "$layout")
mapfile -t layers < <(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); [print(l["digest"].split(":")[1]) for l in m["layers"]]' "$layout/blobs/sha256/$manifest")
rm -rf "$work/bundle"
echo "tree: $((bytes / 1048576)) MiB uncompressed, $entries entries; OCI archive $(du -h "$work/image.oci.tar" | cut -f1) (${#layers[@]} layers), squashfs $(du -h "$work/image.sqfs" | cut -f1); $(nproc) cores"
sync

t() { /usr/bin/time -f '%e %U %S' -o "$work/time" "$@"; awk '{printf "%s %.2f\n", $1, $2 + $3}' "$work/time"; }
export WAREWULFCONF="$work/etc/warewulf/warewulf.conf" WW4J_NO_DAEMON=1
wwctl="$dist/bin/wwctl"
clean() { rm -rf "$work/chroots"/* "$work/out"; sync; }
rounds=${ROUNDS:-3}
: > "$work/results"
for r in $(seq 1 "$rounds"); do
  clean; echo "oci-ours $(t sh -c "'$wwctl' image import '$work/image.oci.tar' oci > /dev/null")" >> "$work/results"
  clean; mkdir -p "$work/out"
  echo "oci-tar $(t sh -c "for l in ${layers[*]}; do tar --numeric-owner -xpzf '$layout/blobs/sha256/'\$l -C '$work/out' || exit 1; done")" >> "$work/results"
  clean; echo "sqfs-ours $(t sh -c "'$wwctl' image import '$work/image.sqfs' sqfs > /dev/null")" >> "$work/results"
  clean; echo "sqfs-unsquashfs $(t sh -c "unsquashfs -q -n -d '$work/out' '$work/image.sqfs' > /dev/null")" >> "$work/results"
  # each import really produced the tree
  [ -f "$work/out/usr/share/doc/bash/copyright" ] || [ ! -d /usr/share/doc/bash ] || { echo "unsquashfs output incomplete" >&2; exit 1; }
  echo "round $r: $(tail -4 "$work/results" | tr '\n' ' ') load $(cut -d' ' -f1-3 /proc/loadavg)"
done
med() { grep "^$1 " "$work/results" | awk '{print $'"$2"'}' | sort -n | awk '{a[NR]=$1} END{print (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2}'; }
printf 'median of %d rounds (wall s / cpu s / MB/s):\n' "$rounds"
for k in oci-ours oci-tar sqfs-ours sqfs-unsquashfs; do
  w=$(med "$k" 2)
  printf '  %-16s %7.2f / %7.2f / %6.1f\n' "$k" "$w" "$(med "$k" 3)" "$(echo "$bytes / 1000000 / $w" | bc -l)"
done
printf 'wall ratio ours/tar -xz: %.2f   ours/unsquashfs: %.2f   (load average now: %s)\n' \
  "$(echo "$(med oci-ours 2) / $(med oci-tar 2)" | bc -l)" "$(echo "$(med sqfs-ours 2) / $(med sqfs-unsquashfs 2)" | bc -l)" \
  "$(cut -d' ' -f1-3 /proc/loadavg)"
