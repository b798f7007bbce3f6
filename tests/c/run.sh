#!/usr/bin/env bash
# Builds the C ABI (static library), generates the vector header, then builds and runs the C
# tests (tests/c/test_snapsign.c, tests/c/verifier_test.c) and the README example (tests/c/example.c): plainly, under
# valgrind, and with AddressSanitizer + UndefinedBehaviorSanitizer.
# Needs: gcc, python3, valgrind (apt-get install -y valgrind).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
out="$root/target/c-tests"
mkdir -p "$out"

cargo build -p libsnapsign --quiet
lib="$root/target/debug/libsnapsign.a"
python3 tests/c/gen_vectors.py tests/vectors/snap-vectors.json "$out/snap_vectors.h"

# The shipped library (and only it: ffi/bundle) installs the wipe-on-free global allocator; its
# methods are instantiated only when it is the process allocator.
for artefact in "$lib" "$root/target/debug/libsnapsign.so"; do
  # Defined (T/t), not only referenced; grep -c reads everything, so nm never sees SIGPIPE.
  if [ "$(nm "$artefact" 2>/dev/null | grep -c ' [Tt] .*WipeOnFree.*GlobalAlloc.*7dealloc')" -eq 0 ]; then
    echo "FAIL: $artefact does not install the WipeOnFree allocator" >&2
    exit 1
  fi
done
echo "ok: libsnapsign.a and libsnapsign.so install the wipe-on-free allocator"

CFLAGS=(-std=c99 -Wall -Wextra -Werror -pedantic -g -I"$root/include" -I"$out")
LIBS=("$lib" -lpthread -ldl -lm)

# The header alone, as C and as C++.
printf '#include "snapsign.h"\nint main(void) { return snapsign_version()[0] == 0; }\n' > "$out/header_only.c"
gcc "${CFLAGS[@]}" -c "$out/header_only.c" -o "$out/header_only.o"
cp "$out/header_only.c" "$out/header_only.cpp"
g++ -std=c++17 -Wall -Wextra -Werror -pedantic -I"$root/include" -c "$out/header_only.cpp" -o "$out/header_only_cpp.o"

gcc "${CFLAGS[@]}" tests/c/test_snapsign.c -o "$out/test_snapsign" "${LIBS[@]}"
gcc "${CFLAGS[@]}" tests/c/example.c -o "$out/example" "${LIBS[@]}"
gcc "${CFLAGS[@]}" tests/c/request_example.c -o "$out/request_example" "${LIBS[@]}"
gcc "${CFLAGS[@]}" tests/c/verifier_smoke.c -o "$out/verifier_smoke" "${LIBS[@]}"
gcc "${CFLAGS[@]}" tests/c/verifier_test.c -o "$out/verifier_test" "${LIBS[@]}"
gcc "${CFLAGS[@]}" -fsanitize=address,undefined -fno-omit-frame-pointer tests/c/verifier_test.c \
  -o "$out/verifier_test_asan" "${LIBS[@]}"
gcc "${CFLAGS[@]}" -fsanitize=address,undefined -fno-omit-frame-pointer tests/c/test_snapsign.c \
  -o "$out/test_snapsign_asan" "${LIBS[@]}"

# The "Use from C" example in both READMEs must be tests/c/example.c, verbatim; the README's
# "Sign a call for a provider" example tests/c/request_example.c.
python3 - <<'PY'
import re, sys
checks = [("tests/c/example.c", "## Use from C", ("include/README.md", "README.md")),
          ("tests/c/request_example.c", "### Sign a call for a provider (C)", ("README.md",))]
for file, heading, readmes in checks:
    example = open(file, encoding="utf-8").read()
    for path in readmes:
        section = open(path, encoding="utf-8").read().split(heading, 1)[1]
        block = re.search(r"```c\n(.*?)```", section, re.S).group(1)
        if block != example:
            sys.exit(f"{path}'s '{heading}' example differs from {file}")
PY

args=(tests/vectors tests/fixtures)
echo "--- example"
"$out/example" tests/vectors/keys/rsa2048-pkcs8.pem
echo "--- valgrind example"
valgrind -q --leak-check=full --error-exitcode=1 "$out/example" tests/vectors/keys/rsa2048-pkcs8.pem >/dev/null
echo "--- request example"
"$out/request_example"
valgrind -q --leak-check=full --error-exitcode=1 "$out/request_example" >/dev/null
echo "--- request verifier smoke test"
"$out/verifier_smoke"
valgrind -q --leak-check=full --error-exitcode=1 "$out/verifier_smoke" >/dev/null
echo "--- request verifier test (plain, valgrind, ASan + UBSan)"
"$out/verifier_test"
valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=1 \
  "$out/verifier_test" >/dev/null
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  "$out/verifier_test_asan" >"$out/verifier_asan.log" 2>&1 || { cat "$out/verifier_asan.log"; exit 1; }
echo "--- ASan + UBSan"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  "$out/test_snapsign_asan" "${args[@]}" 2>"$out/asan.log" | tail -1 || { cat "$out/asan.log"; exit 1; }
echo "--- valgrind"
valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=1 \
  "$out/test_snapsign" "${args[@]}" 2>"$out/valgrind.log" | tail -1 || { cat "$out/valgrind.log"; exit 1; }
echo "--- C test"
"$out/test_snapsign" "${args[@]}" 2>"$out/stderr.log" || { cat "$out/stderr.log"; exit 1; }
