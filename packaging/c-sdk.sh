#!/usr/bin/env bash
# The C SDK: for each Linux target, a release build of the shipped library (ffi/bundle, crate
# libsnapsign) laid out as
#   OUT/c/<target>/include/snapsign.h
#   OUT/c/<target>/lib/libsnapsign.a, libsnapsign.so.<version> (+ SONAME and -lsnapsign links)
#   OUT/c/<target>/lib/pkgconfig/snapsign.pc, snapsign-static.pc
#   OUT/c/<target>/lib/cmake/snapsign/snapsignConfig.cmake, snapsignConfigVersion.cmake
#   OUT/c/<target>/README.md, C-API.md, LICENSE-MIT, LICENSE-APACHE
# and packed as OUT/snapsign-<version>-<target>.tar.gz. Templates: packaging/c-sdk/.
# Needs the cross linkers (gcc-aarch64-linux-gnu, gcc-arm-linux-gnueabihf) and the rustup
# targets; tests/setup.sh installs them. Usage: packaging/c-sdk.sh OUT
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:?usage: packaging/c-sdk.sh OUT}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
targets=(x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu armv7-unknown-linux-gnueabihf)

# The cross linkers, for these targets only (no committed .cargo/config that would affect every
# build). The host target gets no override: cargo's default cc is the host gcc.
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
export CARGO_TARGET_ARMV7_UNKNOWN_LINUX_GNUEABIHF_LINKER=arm-linux-gnueabihf-gcc
for cc in aarch64-linux-gnu-gcc arm-linux-gnueabihf-gcc; do
  command -v "$cc" >/dev/null || { echo "c-sdk: $cc is missing (run tests/setup.sh)" >&2; exit 1; }
done

# The version, as Cargo resolves it from the workspace Cargo.toml ([workspace.package]).
# Also cargo's target dir (CARGO_TARGET_DIR or target/).
read -r version target_dir < <(cargo metadata --no-deps --format-version 1 | python3 -c '
import json, sys
meta = json.load(sys.stdin)
pkg = next(p for p in meta["packages"] if p["name"] == "libsnapsign")
print(pkg["version"], meta["target_directory"])')
IFS=. read -r major minor _ <<<"$version"
# The SONAME follows Cargo semver: 0.MINOR before 1.0 (0.1 and 0.2 are incompatible), then MAJOR.
if [ "$major" -eq 0 ]; then soname="libsnapsign.so.0.$minor"; else soname="libsnapsign.so.$major"; fi
shared_file="libsnapsign.so.$version"
echo "c-sdk: snapsign $version, SONAME $soname"

# Reproducible tarballs: file times from the last commit.
epoch="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}"

# 1. Everything below the bundle, for the three targets in one cargo run (cargo overlaps them).
#    The dependency graph and features are the ones of -p libsnapsign (it adds no features).
target_args=()
for t in "${targets[@]}"; do target_args+=(--target "$t"); done
cargo build --release --quiet -p snapsign-ffi "${target_args[@]}"

for t in "${targets[@]}"; do
  # 2. The bundle itself (staticlib + cdylib), with the SONAME on the shared library, asking rustc
  #    which system libraries the static library needs. Only this crate sees the extra flags.
  log="$target_dir/$t/release/c-sdk-rustc.log"
  mkdir -p "$(dirname "$log")"
  cargo rustc --release --quiet -p libsnapsign --target "$t" -- \
    --print native-static-libs -C "link-arg=-Wl,-soname,$soname" 2>"$log" || { cat "$log" >&2; exit 1; }
  libs_private="$(sed -n 's/^note: native-static-libs: //p' "$log" | tail -1)"
  if [ -z "$libs_private" ]; then
    echo "c-sdk: rustc printed no native-static-libs for $t:" >&2; cat "$log" >&2; exit 1
  fi
  built="$target_dir/$t/release"
  got_soname="$(readelf -d "$built/libsnapsign.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')"
  [ "$got_soname" = "$soname" ] || { echo "c-sdk: $t: SONAME '$got_soname', want $soname" >&2; exit 1; }

  # 3. The SDK folder.
  sdk="$out/c/$t"
  rm -rf "$sdk"
  mkdir -p "$sdk/include" "$sdk/lib/pkgconfig" "$sdk/lib/cmake/snapsign"
  cp include/snapsign.h "$sdk/include/"
  cp "$built/libsnapsign.a" "$sdk/lib/libsnapsign.a"
  cp "$built/libsnapsign.so" "$sdk/lib/$shared_file"
  ln -s "$shared_file" "$sdk/lib/$soname"
  ln -s "$soname" "$sdk/lib/libsnapsign.so"
  case "$t" in armv7-*) ptr=4 ;; *) ptr=8 ;; esac
  # CMake wants the libraries as names: "-lc -lm" -> "c;m".
  libs_cmake="$(sed 's/^-l//; s/ -l/;/g' <<<"$libs_private")"
  fill() {
    sed -e "s|@VERSION@|$version|g" -e "s|@VERSION_MAJOR@|$major|g" -e "s|@VERSION_MINOR@|$minor|g" \
      -e "s|@TARGET@|$t|g" -e "s|@SONAME@|$soname|g" \
      -e "s|@SHARED_FILE@|$shared_file|g" -e "s|@LIBS_PRIVATE@|$libs_private|g" \
      -e "s|@LIBS_PRIVATE_CMAKE@|$libs_cmake|g" -e "s|@SIZEOF_VOID_P@|$ptr|g" "packaging/c-sdk/$1" >"$2"
    if grep -q '@[A-Z_]*@' "$2"; then echo "c-sdk: unfilled placeholder in $2" >&2; exit 1; fi
  }
  fill snapsign.pc.in "$sdk/lib/pkgconfig/snapsign.pc"
  fill snapsign-static.pc.in "$sdk/lib/pkgconfig/snapsign-static.pc"
  fill snapsignConfig.cmake.in "$sdk/lib/cmake/snapsign/snapsignConfig.cmake"
  fill snapsignConfigVersion.cmake.in "$sdk/lib/cmake/snapsign/snapsignConfigVersion.cmake"
  fill README.md.in "$sdk/README.md"
  cp include/README.md "$sdk/C-API.md"
  cp packaging/c-sdk/LICENSE-MIT "$sdk/LICENSE-MIT"
  # The Apache License 2.0, verbatim, from Debian's base-files (always installed).
  cp /usr/share/common-licenses/Apache-2.0 "$sdk/LICENSE-APACHE"
  [ ! -f CHANGELOG.md ] || cp CHANGELOG.md "$sdk/CHANGELOG.md"

  # 4. The tarball: one top folder snapsign-<version>-<target>/, fixed owners and times.
  name="snapsign-$version-$t"
  tar -C "$out/c" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" \
    --transform "s|^$t|$name|" -cf - "$t" | gzip -n >"$out/$name.tar.gz"
  echo "c-sdk: $t: $out/$name.tar.gz (Libs.private: $libs_private)"
done

# 5. The version the library reports is the one in the file names (host build, through the SDK's
#    own pkg-config file; the consumer tests check the ARM builds under qemu).
check="$target_dir/c-sdk-version-check"
mkdir -p "$check"
printf '#include <stdio.h>\n#include "snapsign.h"\nint main(void) { puts(snapsign_version()); return 0; }\n' >"$check/version.c"
# shellcheck disable=SC2046
gcc -o "$check/version" "$check/version.c" \
  $(PKG_CONFIG_LIBDIR="$out/c/x86_64-unknown-linux-gnu/lib/pkgconfig" pkg-config --cflags --libs snapsign-static)
reported="$("$check/version")"
[ "$reported" = "$version" ] || { echo "c-sdk: snapsign_version() is '$reported', Cargo.toml says $version" >&2; exit 1; }
echo "c-sdk: snapsign_version() = $reported"
