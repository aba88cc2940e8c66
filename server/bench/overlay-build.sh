#!/usr/bin/env bash
# Overlay build benchmark: COUNT synthetic nodes (hpc-site's profiles: system wwinit wwclient hosts
# hostname ..., runtime hosts ssh.authorized_keys syncuser) built with `wwctl overlay build`
# (in-process, cold: empty provision dir), then one node's system + runtime on demand.
# Usage: server/bench/overlay-build.sh [COUNT=10000] [WORKERS=2]
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
start=$(date +%s.%N)
"$JAVA_HOME/bin/java" -cp "$CP" io.ww4j.cli.Wwctl overlay build --workers "$WORKERS" >/dev/null
end=$(date +%s.%N)
echo "wwctl overlay build, $COUNT nodes, $WORKERS workers, cold: $(python3 -c "print(round($end-$start, 2))") s (whole process)"
echo "images: $(find "$WORK/root/var/lib/warewulf/provision/overlays" -name '*.img.gz' | wc -l)"
"$JAVA_HOME/bin/java" -cp "$CP" io.ww4j.bench.OverlayBuildBench ondemand "$WORK/root"
