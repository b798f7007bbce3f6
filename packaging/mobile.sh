#!/usr/bin/env bash
# Static libraries for iOS and Android, as far as a Linux machine without Apple or Android SDKs
# allows (see docs/packaging.md for what cannot be done here):
#   OUT/apple/SnapSign.xcframework/   Info.plist, ios-arm64/ and ios-arm64-simulator/, each with
#                                     libsnapsign.a and Headers/ (snapsignFFI.h, module.modulemap)
#   OUT/apple/Package.swift           binaryTarget snapsignFFI + target SnapSign
#   OUT/apple/Sources/SnapSign/SnapSign.swift   the generated Swift bindings (bindings/swift)
#   OUT/android/arm64-v8a/libsnapsign.a, OUT/android/armeabi-v7a/libsnapsign.a
#   OUT/android/include/snapsign.h    the C header, for NDK code that calls the C ABI
# A staticlib is an archive of objects: making it runs no linker, so no Apple SDK and no NDK is
# needed. Usage: packaging/mobile.sh OUT
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:?usage: packaging/mobile.sh OUT}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

ios=aarch64-apple-ios
sim=aarch64-apple-ios-sim
android_targets=(aarch64-linux-android armv7-linux-androideabi)
# SNAPSIGN_DIST_SMALL=1 (CI, through tests/run.sh): one library per platform, the device ones
# (aarch64-apple-ios, aarch64-linux-android), to keep CI under its time budget; the simulator's
# standard library, built from source here, is the costliest part. The default builds them all.
small="${SNAPSIGN_DIST_SMALL:-0}"
[ "$small" = 1 ] && android_targets=(aarch64-linux-android)
declare -A abi=([aarch64-linux-android]=arm64-v8a [armv7-linux-androideabi]=armeabi-v7a)

# The simulator slice needs the standard library for aarch64-apple-ios-sim. rustup's prebuilt one
# is used when installed; where it cannot be downloaded (this project's machines' mirror has no
# rust-std for it) the same toolchain's rust-src builds it (cargo -Zbuild-std, with
# RUSTC_BOOTSTRAP=1 on stable), in a target dir of its own: proc-macro2's build script watches
# RUSTC_BOOTSTRAP, so sharing target/ would rebuild every proc macro here and again in the next
# ordinary build.
target_dir="$(cargo metadata --no-deps --format-version 1 | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
installed="$(rustup target list --installed)"
prebuilt=("$ios" "${android_targets[@]}")
for t in "${prebuilt[@]}"; do
  grep -qx "$t" <<<"$installed" || { echo "mobile: rustup target $t is missing (run tests/setup.sh)" >&2; exit 1; }
done
if [ "$small" = 1 ]; then
  sim_std=skipped
elif grep -qx "$sim" <<<"$installed"; then
  prebuilt+=("$sim"); sim_std=prebuilt
elif [ -d "$(rustc --print sysroot)/lib/rustlib/src/rust/library" ]; then
  sim_std=build-std
else
  echo "mobile: neither rustup target $sim nor the rust-src component is installed (run tests/setup.sh)" >&2
  exit 1
fi

# Everything below the bundle in one cargo run, then the bundle as a staticlib only (a cdylib
# would need the platform's linker).
target_args=()
for t in "${prebuilt[@]}"; do target_args+=(--target "$t"); done
cargo build --release --quiet -p snapsign-ffi "${target_args[@]}"
declare -A lib_of
for t in "${prebuilt[@]}"; do
  cargo rustc --release --quiet -p libsnapsign --target "$t" --crate-type staticlib
  lib_of[$t]="$target_dir/$t/release/libsnapsign.a"
done
if [ "$sim_std" = build-std ]; then
  echo "mobile: $sim: no prebuilt rust-std; building the standard library from rust-src"
  sim_dir="$target_dir/build-std"
  RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$sim_dir" cargo rustc --release --quiet -p libsnapsign \
    --target "$sim" --crate-type staticlib -Zbuild-std=std,panic_unwind
  lib_of[$sim]="$sim_dir/$sim/release/libsnapsign.a"
fi

# Apple: the xcframework, assembled the way xcodebuild -create-xcframework lays it out.
apple="$out/apple"
rm -rf "$apple"
xcf="$apple/SnapSign.xcframework"
for slice in ios-arm64:"$ios" ios-arm64-simulator:"$sim"; do
  id="${slice%%:*}"; t="${slice#*:}"
  [ -n "${lib_of[$t]:-}" ] || continue
  mkdir -p "$xcf/$id/Headers"
  cp "${lib_of[$t]}" "$xcf/$id/libsnapsign.a"
  cp bindings/swift/snapsignFFI.h "$xcf/$id/Headers/snapsignFFI.h"
  cp bindings/swift/snapsignFFI.modulemap "$xcf/$id/Headers/module.modulemap"
done
cp packaging/mobile/Info.plist "$xcf/Info.plist"
cp packaging/mobile/Package.swift "$apple/Package.swift"
mkdir -p "$apple/Sources/SnapSign"
cp bindings/swift/SnapSign.swift "$apple/Sources/SnapSign/SnapSign.swift"
echo "mobile: $xcf ($sim: $sim_std standard library)"

# Android: one folder per ABI, named as in jniLibs.
android="$out/android"
rm -rf "$android"
mkdir -p "$android/include"
cp include/snapsign.h "$android/include/"
for t in "${android_targets[@]}"; do
  mkdir -p "$android/${abi[$t]}"
  cp "${lib_of[$t]}" "$android/${abi[$t]}/libsnapsign.a"
done
echo "mobile: $android ($(for t in "${android_targets[@]}"; do printf "%s " "${abi[$t]}"; done))"
