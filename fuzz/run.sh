#!/usr/bin/env bash
# Builds every fuzz target once, then runs each for SECONDS (default 30) from its seed corpus.
# Fails if any target crashes, panics, leaks, times out or runs out of memory.
#
#   fuzz/run.sh [SECONDS] [TARGET...]
#
# Environment:
#   FUZZ_JOBS     targets run at the same time (default 1; the machine has 2 cores)
#   FUZZ_WORK     directory for the working corpora and logs (default: a temporary directory);
#                 new inputs go there, never into fuzz/corpus/ (the committed seeds)
#   FUZZ_NICE     niceness of the fuzzers (default 10)
#   FUZZ_ARGS     extra libFuzzer arguments
#   FUZZ_BUILD_ONLY=1  build the targets and stop
# Crashing inputs are written to fuzz/artifacts/<target>/; reproduce one with
#   fuzz/target/<triple>/release/<target> fuzz/artifacts/<target>/crash-...
set -euo pipefail

cd "$(dirname "$0")"
secs=${1:-30}
shift || true

# cargo-fuzz passes -Z flags (sanitizers, sancov); this lets a stable toolchain accept them.
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "== cargo-fuzz not found: installing it (cargo install cargo-fuzz --locked, ~2 min)"
    cargo install cargo-fuzz --locked
fi

if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo fuzz list)
fi

echo "== building ${#targets[@]} fuzz targets (one cargo fuzz build)"
start=$(date +%s)
cargo fuzz build --release
echo "== built in $(( $(date +%s) - start )) s"
# FUZZ_BUILD_ONLY=1: stop here (tests/run.sh builds the targets in the background early on).
[ "${FUZZ_BUILD_ONLY:-0}" = 1 ] && exit 0

triple=$(rustc -vV | sed -n 's/^host: //p')
bin=target/$triple/release
work=${FUZZ_WORK:-$(mktemp -d)}
jobs=${FUZZ_JOBS:-1}
mkdir -p "$work"

run_one() {
    local t=$1
    mkdir -p "$work/$t" "artifacts/$t"
    # The first corpus directory receives new inputs; the seeds are read only.
    nice -n "${FUZZ_NICE:-10}" "$bin/$t" \
        -max_total_time="$secs" -timeout=30 -rss_limit_mb=2048 -max_len=16384 \
        -print_final_stats=1 -artifact_prefix="artifacts/$t/" ${FUZZ_ARGS:-} \
        "$work/$t" "corpus/$t" >"$work/$t.log" 2>&1
}

summary() {
    local t=$1 rc=$2 log="$work/$1.log"
    local execs corpus
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    corpus=$(ls "$work/$t" | wc -l)
    if [ "$rc" -eq 0 ]; then
        echo "ok    $t: ${execs:-?} executions in ${secs} s, $(( corpus + $(ls "corpus/$t" | wc -l) )) corpus files (seeds + new)"
    else
        echo "FAIL  $t (exit $rc): see $log and fuzz/artifacts/$t/"
        grep -E "panicked|ERROR: |SUMMARY|Test unit written" "$log" | head -20 || true
    fi
}

failed=0
pids=()
names=()
for t in "${targets[@]}"; do
    run_one "$t" &
    pids+=($!)
    names+=("$t")
    if [ "${#pids[@]}" -ge "$jobs" ]; then
        rc=0; wait "${pids[0]}" || rc=$?
        summary "${names[0]}" "$rc"; [ "$rc" -eq 0 ] || failed=1
        pids=("${pids[@]:1}"); names=("${names[@]:1}")
    fi
done
for i in "${!pids[@]}"; do
    rc=0; wait "${pids[$i]}" || rc=$?
    summary "${names[$i]}" "$rc"; [ "$rc" -eq 0 ] || failed=1
done

if [ "$failed" -ne 0 ]; then
    echo "== fuzzing found a problem (logs in $work)"
    exit 1
fi
echo "== ${#targets[@]} fuzz targets ran ${secs} s each with no crash (logs in $work)"
