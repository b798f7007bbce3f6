#!/usr/bin/env bash
# Flash size of snapsign-core on a Cortex-M4F (thumbv7em-none-eabihf): the no_std proof crate
# (tests/no_std: RSA sign+verify of a token request, and an HMAC-SHA512 signature, with a static
# arena allocator) built at opt-level "s" and "z" with LTO, linked with a minimal linker script
# (bench/flash/link.ld, --gc-sections, both entry points kept) and measured with llvm-size
# (.text + .rodata + .data = flash). Also: libsnapsign.so (x86_64, release) stripped.
#
# Needs: rustup target add thumbv7em-none-eabihf; an ARM linker: arm-none-eabi-ld
# (apt-get install binutils-arm-none-eabi) or rust-lld from the Rust toolchain; llvm-size (or
# arm-none-eabi-size).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
target=thumbv7em-none-eabihf
rustup target list --installed | grep -qx "$target" || rustup target add "$target"

if command -v arm-none-eabi-ld >/dev/null; then
  ld=(arm-none-eabi-ld)
else
  lld="$(find "$(rustc --print sysroot)" -name rust-lld -type f | head -1)"
  ld=("$lld" -flavor gnu)
fi
if command -v llvm-size >/dev/null; then size=llvm-size; else size=arm-none-eabi-size; fi

stub="$(mktemp -d)"
trap 'rm -rf "$stub"' EXIT
printf '| build | .text | .rodata | .data | flash (.text+.rodata+.data) | RAM .bss (incl. 256 KiB heap arena) |\n|---|---:|---:|---:|---:|---:|\n'
for opt in s z; do
  export CARGO_TARGET_DIR="$root/target/flash-$opt"
  (cd "$root/tests/no_std" && CARGO_PROFILE_RELEASE_OPT_LEVEL=$opt cargo build --release --target "$target" --quiet)
  lib="$CARGO_TARGET_DIR/$target/release/libsnapsign_nostd_proof.a"
  elf="$stub/snapsign-$opt.elf"
  # terminal_fill_random is the firmware's RNG hook: an address is enough to link and size.
  "${ld[@]}" -T "$here/link.ld" --gc-sections -u snapsign_nostd_token -u snapsign_nostd_transaction \
      --defsym=terminal_fill_random=0x08000001 -o "$elf" "$lib"
  read -r text rodata data bss < <("$size" -A "$elf" | awk '$1==".text"{t=$2} $1==".rodata"{r=$2} $1==".data"{d=$2} $1==".bss"{b=$2} END{print t+0, r+0, d+0, b+0}')
  printf '| opt-level="%s", LTO, codegen-units=1, panic=abort | %d | %d | %d | **%d B (%.1f KiB)** | %d |\n' \
      "$opt" "$text" "$rodata" "$data" "$((text + rodata + data))" "$(echo "($text + $rodata + $data) / 1024" | bc -l)" "$bss"
done

so="$root/target/release/libsnapsign.so"
if [ -f "$so" ]; then
  strip -o "$stub/libsnapsign.so" "$so"
  printf '\nlibsnapsign.so (x86_64, release profile as built): %d B, stripped: **%d B (%.0f KiB)**\n' \
      "$(stat -c %s "$so")" "$(stat -c %s "$stub/libsnapsign.so")" "$(echo "$(stat -c %s "$stub/libsnapsign.so") / 1024" | bc -l)"
else
  echo "libsnapsign.so not built (cargo build --release -p libsnapsign)"
fi
