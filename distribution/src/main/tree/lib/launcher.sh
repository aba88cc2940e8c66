# Shared by bin/wwctl and bin/warewulfd: find the tree, a Java >= 21 and the config file.
# Sourced, not run. Sets WW4J_HOME and JAVA.

WW4J_HOME=$(cd "$(dirname "$0")/.." && pwd -P)

# JAVA_HOME wins; otherwise the newest JDK >= 21 under /usr/lib/jvm (no JVM is started to
# ask, which keeps wwctl fast); otherwise whatever `java` is on PATH.
if [ -n "$JAVA_HOME" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    JAVA="$JAVA_HOME/bin/java"
else
    JAVA=
    for dir in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -V -r); do
        case "$(basename "$dir")" in
            *-1[0-9]-*|*-1[0-9]|*1.[0-9]*|*-[0-9]-*|java-1[0-9]*|openjdk-1[0-9]*) continue ;;
        esac
        if [ -x "$dir/bin/java" ]; then
            JAVA="$dir/bin/java"
            break
        fi
    done
    [ -n "$JAVA" ] || JAVA=java
fi

# The JDK's major version, from its release file (no JVM is started to ask).
JAVA_MAJOR=
java_release="$(dirname "$(dirname "$JAVA")")/release"
if [ -f "$java_release" ]; then
    JAVA_MAJOR=$(sed -n 's/^JAVA_VERSION="\{0,1\}\([0-9]*\).*/\1/p' "$java_release" | head -1)
fi

# The image build deflates with the system zlib through the foreign function API (Java 22+),
# which wants native access granted up front; without it the JDK's own zlib is used.
JAVA_NATIVE_ACCESS=--enable-native-access=ALL-UNNAMED

# The tree's own configuration, unless the caller chose one.
if [ -z "$WAREWULFCONF" ] && [ -f "$WW4J_HOME/etc/warewulf/warewulf.conf" ]; then
    WAREWULFCONF="$WW4J_HOME/etc/warewulf/warewulf.conf"
    export WAREWULFCONF
fi
export WW4J_HOME
