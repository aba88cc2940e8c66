#!/usr/bin/env bash
# Overlay build benchmark: COUNT synthetic nodes (hpc-site's profiles: system wwinit wwclient hosts
# hostname ..., runtime hosts ssh.authorized_keys syncuser) built with `wwctl overlay build`
# (in-process, cold: empty provision dir; the node database is imported from nodes.conf first and
# not timed), then one node's system + runtime on demand; with CPU=1 also the per-node build CPU
# time on one thread (on a machine shared with other jobs, wall time says little; CPU time is steadier).
# Usage: [CPU=1] server/bench/overlay-build.sh [COUNT=10000] [WORKERS=2]
set -euo pipefail
cd "$(dirname "$0")/../.."
COUNT=${1:-10000}; WORKERS=${2:-2}
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"; export JAVA_HOME
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
./mvnw -q -B -pl server test-compile >/dev/null
CP=server/target/test-classes:server/target/classes:$(./mvnw -q -B -pl server dependency:build-classpath -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=test)
mkdir -p "$WORK/repo/share/warewulf" && ln -s "$PWD/overlays" "$WORK/repo/share/warewulf/overlays" && ln -s "$PWD/nodes" "$WORK/repo/nodes"
"$JAVA_HOME/bin/java" -cp "$CP" io.ww4j.bench.OverlayBuildBench gen "$WORK/root" "$WORK/repo" "$COUNT"
export WAREWULFCONF="$WORK/root/etc/warewulf/warewulf.conf" WW4J_NO_DAEMON=1
"$JAVA_HOME/bin/java" -cp "$CP" io.ww4j.cli.Wwctl node list >/dev/null # first start: imports nodes.conf
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/time -f "wwctl overlay build, $COUNT nodes, $WORKERS workers, cold: %e s wall, %U s user + %S s sys CPU (whole process)" \
  "$JAVA_HOME/bin/java" -cp "$CP" io.ww4j.cli.Wwctl -v overlay build --workers "$WORKERS" 2>&1 >/dev/null | grep -v '^WARNING'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "images: $(find "$WORK/root/var/lib/warewulf/provision/overlays" -name '*.img.gz' | wc -l)"
"$JAVA_HOME/bin/java" -cp "$CP" io.ww4j.bench.OverlayBuildBench ondemand "$WORK/root"
if [ "${CPU:-0}" = 1 ]; then "$JAVA_HOME/bin/java" -cp "$CP" io.ww4j.bench.OverlayBuildBench cpu "$WORK/root"; fi
