#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/ (release, -sanitize=fuzzer,address) and runs one target, or all of them one
# after another, for SECONDS each. See docs/fuzzing.md.
#
#   scripts/fuzz.sh xml|json|rate|apr|all SECONDS [libFuzzer flags...]
#
# FUZZ_JOBS=N runs N targets at a time (each libFuzzer process is single-threaded; CI uses 2 on its 2 cores).
# Each run first replays Fuzz/Regressions/<Target>/ (every input that once broke the target), then fuzzes from the
# committed seeds (Fuzz/Corpus/<Target>/) and the work corpus .build-fuzz/corpus/<Target>/ (not committed; new inputs
# go there). Exits non-zero when any run found a crash, leak, timeout or out-of-memory; the input that did it is
# saved under .build-fuzz/artifacts/<Target>/ and its path printed. Replay it with the binary:
#   .build-fuzz/release/<Target> .build-fuzz/artifacts/<Target>/crash-…
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
    echo "usage: scripts/fuzz.sh xml|json|rate|apr|all SECONDS [libFuzzer flags...]" >&2
    exit 64
}
(($# >= 2)) || usage
target=$1
seconds=$2
shift 2
[[ $seconds =~ ^[1-9][0-9]*$ ]] || usage
case $target in
xml) targets=(FuzzXMLLoader) ;;
json) targets=(FuzzProfileJSON) ;;
rate) targets=(FuzzRateParser) ;;
apr) targets=(FuzzAPRSolver) ;;
all) targets=(FuzzXMLLoader FuzzProfileJSON FuzzRateParser FuzzAPRSolver) ;;
*) usage ;;
esac

# libxml2-dev and pkg-config for BackstopCatalog; nothing else is needed beyond the Swift toolchain.
bash scripts/bootstrap.sh

# libFuzzer and AddressSanitizer come with swift.org toolchains (clang's runtime inside the toolchain); Xcode's does
# not ship libFuzzer.
toolchain=$(dirname "$(dirname "$(readlink -f "$(command -v swiftc)")")")
if ! find "$toolchain/lib" -name 'libclang_rt.fuzzer-*.a' -print -quit 2>/dev/null | grep -q .; then
    echo "fuzz: libFuzzer's runtime (libclang_rt.fuzzer-<arch>.a) is not in the Swift toolchain at $toolchain;" \
        "install a swift.org toolchain" >&2
    exit 69
fi

scratch=.build-fuzz
build=(swift build --package-path Fuzz -c release --scratch-path "$scratch"
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library)
echo "== fuzz: build (${build[*]})"
mkdir -p "$scratch/logs"
start=$(date +%s)
if ! "${build[@]}" >"$scratch/logs/build.log" 2>&1; then
    grep -E 'error|warning: .*swift' "$scratch/logs/build.log" | head -n 40 >&2 || tail -n 40 "$scratch/logs/build.log" >&2
    echo "fuzz: the build failed; the full log is $scratch/logs/build.log" >&2
    exit 1
fi
bin=$("${build[@]}" --show-bin-path)
echo "fuzz: built in $(($(date +%s) - start)) s"

# The Swift runtime's backtracer would catch the fatal signal before libFuzzer and AddressSanitizer report it.
export SWIFT_BACKTRACE=enable=no
# One target: replays its regressions, then fuzzes for SECONDS. Prints its report; returns 1 when anything failed.
fuzz_one() { # name, libFuzzer flags...
    local name=$1 work artifacts log flags regressions code executions rate started elapsed
    shift
    work="$scratch/corpus/$name"
    artifacts="$scratch/artifacts/$name"
    log="$scratch/logs/$name.log"
    mkdir -p "$work" "$artifacts" "$(dirname "$log")"
    flags=(-max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 -print_funcs=0
        -artifact_prefix="$artifacts/")
    [ -f "Fuzz/Dictionaries/$name.dict" ] && flags+=(-dict="Fuzz/Dictionaries/$name.dict")

    echo "== fuzz: $name"
    regressions=(Fuzz/Regressions/"$name"/*)
    if [ -e "${regressions[0]}" ]; then
        if "$bin/$name" -rss_limit_mb=2048 -timeout=10 -artifact_prefix="$artifacts/" "${regressions[@]}" \
            >"$log" 2>&1; then
            echo "regressions: ${#regressions[@]} replayed, all pass"
        else
            echo "regressions: FAILED (log $log)"
            tail -n 40 "$log"
            return 1
        fi
    fi

    code=0
    started=$(date +%s)
    "$bin/$name" "${flags[@]}" "$@" "$work" "Fuzz/Corpus/$name" >"$log" 2>&1 || code=$?
    elapsed=$(($(date +%s) - started))
    grep '^stat::' "$log" || true
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    echo "$name: ${executions:-?} executions (${rate:-?}/s) in $elapsed s (of $seconds), exit status $code"
    if [ "$code" -ne 0 ]; then
        echo "$name: FAILED; the full log is $log"
        grep -E 'Fatal error|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|SUMMARY:' "$log" | head -n 20 || true
        grep -E 'Test unit written to|^artifact_prefix' "$log" || true
        return 1
    fi
}

# FUZZ_JOBS targets at a time (default 1): lane i runs targets i, i + FUZZ_JOBS, … one after another, each lane in
# the background; the reports are printed in target order once every lane is done.
lanes=${FUZZ_JOBS:-1}
[[ $lanes =~ ^[1-9][0-9]*$ ]] || { echo "FUZZ_JOBS must be a positive whole number" >&2; exit 64; }
status=0
if ((lanes == 1)); then
    for name in "${targets[@]}"; do fuzz_one "$name" "$@" || status=1; done
    exit "$status"
fi
pids=()
for ((lane = 0; lane < lanes && lane < ${#targets[@]}; lane++)); do
    (
        lane_status=0
        for ((i = lane; i < ${#targets[@]}; i += lanes)); do
            fuzz_one "${targets[$i]}" "$@" >"$scratch/logs/${targets[$i]}.report" 2>&1 || lane_status=1
        done
        exit "$lane_status"
    ) &
    pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
for name in "${targets[@]}"; do cat "$scratch/logs/$name.report"; done
exit "$status"
