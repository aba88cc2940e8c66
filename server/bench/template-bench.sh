#!/usr/bin/env bash
# Template benchmark: one parsed 200-line overlay-like template (10 netdevs, 100 tags) executed on
# one thread: ww4j through JMH, through JMH with the whole JVM on one core, and per CPU-second; then
# Go text/template + sprig (our gotpl program), in one run. The CPU-second rates are the ones to compare on a loaded machine.
# Usage: server/bench/template-bench.sh   (needs golang-go, golang-github-masterminds-sprig-dev)
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"; export JAVA_HOME
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
RES=server/src/test/resources/template/bench
GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE="$WORK/cache" GOFLAGS= HOME="$WORK" \
    go build -o "$WORK/gotpl" server/src/test/go/gotpl/main.go
./mvnw -q -B -pl server test-compile >/dev/null
CP=server/target/test-classes:server/target/classes:$(./mvnw -q -B -pl server dependency:build-classpath -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=test)
"$JAVA_HOME/bin/java" -cp "$CP" org.openjdk.jmh.Main io.ww4j.bench.TemplateBench -f 3 -t 1 -wi 3 -w 2 -i 5 -r 2 | tee "$WORK/jmh.out" | grep -E '^(Benchmark|TemplateBench)'
JAVA=$(awk '/^TemplateBench.execute/ {print $4}' "$WORK/jmh.out")
# the whole JVM (JIT compiler and GC threads too) on one core
taskset -c 0 "$JAVA_HOME/bin/java" -cp "$CP" org.openjdk.jmh.Main io.ww4j.bench.TemplateBench -f 3 -t 1 -wi 3 -w 2 -i 5 -r 2 > "$WORK/jmh1.out"
JAVA1=$(awk '/^TemplateBench.execute/ {print $4}' "$WORK/jmh1.out")
JAVA_CPU=$("$JAVA_HOME/bin/java" -cp "$CP" io.ww4j.bench.TemplateCpuBench 5 10 | awk '{print $1}')
taskset -c 0 "$WORK/gotpl" -bench "$RES/bench.tmpl" "$RES/bench-data.json" 10 > "$WORK/go.out"
GO=$(awk '/ops\/s/ {print $1}' "$WORK/go.out"); GO_CPU=$(awk '/ops\/cpu-s/ {print $1}' "$WORK/go.out")
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "wall: ww4j (JMH) $JAVA ops/s   go $GO ops/s   ratio ww4j/go $(python3 -c "print(round($JAVA/$GO, 2))")"
echo "one core: ww4j (JMH, whole JVM pinned to CPU 0) $JAVA1 ops/s"
# per CPU-second of the executing thread (Java) / process (Go): stable on a loaded machine
echo "cpu:  ww4j $JAVA_CPU ops/cpu-s   go $GO_CPU ops/cpu-s   ratio ww4j/go $(python3 -c "print(round($JAVA_CPU/$GO_CPU, 2))")"
