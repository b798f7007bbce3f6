# Sourced by bindings/kotlin/run.sh and packaging/jvm.sh: finds (installing when missing) the two
# tools that compile the Kotlin bindings, and sets
#   kotlin_home   kotlinc from the npm registry's kotlin-compiler package (a full JVM kotlinc, with
#                 lib/kotlin-stdlib.jar), installed once into $SNAPSIGN_TOOLS (default <repo>/.tools)
#   jna           the JNA jar (Debian: libjna-java -> /usr/share/java/jna.jar, installed here with
#                 apt-get when missing and running as root; or set JNA_JAR)
# Expects $root (the repository). KOTLIN_VERSION overrides the compiler version.
KOTLIN_VERSION="${KOTLIN_VERSION:-2.2.21}"
tools="${SNAPSIGN_TOOLS:-$root/.tools}"
kotlin_home="$tools/kotlin-compiler-$KOTLIN_VERSION"

if [ ! -x "$kotlin_home/bin/kotlinc" ]; then
    echo "installing kotlin-compiler@$KOTLIN_VERSION into $kotlin_home"
    mkdir -p "$tools"
    tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent "kotlin-compiler@$KOTLIN_VERSION" >/dev/null)
    mkdir -p "$kotlin_home.partial"
    tar xzf "$tmp"/kotlin-compiler-*.tgz -C "$kotlin_home.partial" --strip-components=1
    chmod +x "$kotlin_home.partial"/bin/*
    rm -rf "$tmp" "$kotlin_home"
    mv "$kotlin_home.partial" "$kotlin_home"
fi

# JNA, which the generated Kotlin uses to call the C ABI of the uniffi scaffolding.
jna="${JNA_JAR:-/usr/share/java/jna.jar}"
if [ ! -f "$jna" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libjna-java >/dev/null
    fi
    [ -f "$jna" ] || { echo "JNA not found: install libjna-java or set JNA_JAR" >&2; exit 1; }
fi
