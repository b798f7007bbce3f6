#!/usr/bin/env bash
# Builds the static library, then configures, builds and runs the C++17 example with CMake.
# Needs: cmake, g++ (apt-get install -y cmake).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
cargo build -p libsnapsign --quiet
cmake -S tests/cpp -B target/cpp-tests -DSNAPSIGN_LIB_DIR="$root/target/debug" \
  -DSNAPSIGN_INCLUDE_DIR="$root/include" -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build target/cpp-tests -j 2
target/cpp-tests/terminal_example "$root/tests/vectors"
