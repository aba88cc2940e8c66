# Sourced by image-build.sh and image-import.sh: the built tree ($dist) with a fresh wwctl
# class-data archive, and a scratch site ($work, removed on exit) whose warewulf.conf keeps
# chroots, provision files, state and cache inside it. Usage: image_bench_site NAME
image_bench_site() {
    : "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"; export JAVA_HOME
    # WW4J_DIST: a copy of the built tree, so a rebuild in this checkout cannot change it mid-run
    dist=${WW4J_DIST:-distribution/target/ww4j}
    [ -x "$dist/bin/wwctl" ] || ./mvnw -q -B -DskipTests package
    # wwctl's class-data archive is made once and not refreshed when the jars change: start from a fresh one
    rm -f "$dist"/var/cache/wwctl-*.jsa
    WAREWULFCONF=/dev/null "$dist/bin/wwctl" version > /dev/null
    work=$(mktemp -d "/var/tmp/ww4j-$1.XXXXXX")
    trap 'rm -rf "$work"' EXIT
    mkdir -p "$work/etc/warewulf" "$work/chroots" "$work/provision"
    cat > "$work/etc/warewulf/warewulf.conf" <<CONF
ipaddr: 127.0.0.1
netmask: 255.0.0.0
paths:
  wwchrootdir: $work/chroots
  wwprovisiondir: $work/provision
  localstatedir: $work/var
  cachedir: $work/cache
CONF
}
