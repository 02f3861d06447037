#!/usr/bin/env bash
# Benchmark P3: `Aggregator.recommend` in one process on one core (`backstop bench recommend`), over N generated
# profiles (default 10,000, Benchmarks/batch/generate.py) against generated catalogs of 50 and 1,000 providers
# (Benchmarks/catalog/generate.py) plus the built-ins. For each catalog it runs twice in this one script: with the
# offer memo (the default) and without it (--no-memo, every offer computed afresh: the uncached figure). Each run
# reports the median and p99 per recommendation in microseconds and, measured in the same process, the time of one
# APR solve, so the figures are also given in APR solves (steadier than seconds on a busy machine).
#
#   Benchmarks/recommend/run.sh
#
# Targets (issue 16, one core): 1,000 providers median <= 1 ms and p99 <= 3 ms; 50 providers median <= 0.1 ms.
# Environment: N (profiles, default 10000), SEED (default 20240607), PYTHON (default python3), BACKSTOP_BIN (use
# this binary instead of building the release one), KEEP_DIR (keep the catalogs and profiles there).
# Exit status: 0 when every target is met, 1 when one is missed, 2 when a run fails.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

N=${N:-10000}
SEED=${SEED:-20240607}
PYTHON=${PYTHON:-python3}
SCHEMA=providers/schema/provider-1.xsd

source scripts/lib.sh
BIN=$(release_backstop)

if [[ -n ${KEEP_DIR:-} ]]; then
    work=$KEEP_DIR
    mkdir -p "$work"
else
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
fi

profiles=$work/profiles-$N.jsonl
if [[ ! -f $profiles || $(wc -l <"$profiles") -ne $N ]]; then
    "$PYTHON" Benchmarks/batch/generate.py --count "$N" --seed "$SEED" --output "$profiles"
fi

catalog() { # count -> directory
    local dir=$work/catalog-$1
    if [[ ! -d $dir ]]; then
        mkdir -p "$dir"
        "$PYTHON" Benchmarks/catalog/generate.py --count "$1" --seed 20240605 --output "$dir" >/dev/null
        cp -R providers/caps "$dir/caps"
    fi
    echo "$dir"
}

echo "machine: $(nproc) CPU(s), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
declare -A results
for providers in 50 1000; do
    dir=$(catalog "$providers")
    for memo in memo no-memo; do
        flag=()
        [[ $memo == no-memo ]] && flag=(--no-memo)
        echo "bench recommend: $providers providers, $memo, $N profiles ..." >&2
        # taskset keeps the process on one core (the aggregator already evaluates providers in sequence here).
        if ! results[$providers-$memo]=$(taskset -c 0 "$BIN" bench recommend --catalog "$dir" --schema "$SCHEMA" \
            --profiles "$profiles" "${flag[@]}"); then
            echo "RUN FAILED: $providers providers, $memo" >&2
            exit 2
        fi
    done
done

echo
echo "P3: Aggregator.recommend, one process, one core, $N profiles (generate.py seed $SEED), request from each line or ¥5,000 over 12 months"
echo
printf '| %9s | %7s | %11s | %10s | %9s | %15s | %12s | %9s |\n' providers memo "median µs" "p99 µs" "APR µs" "median (solves)" "p99 (solves)" "alts/prof"
printf '| %9s | %7s | %11s | %10s | %9s | %15s | %12s | %9s |\n' --------: ------: ----------: ---------: --------: --------------: -----------: --------:
status=0
for providers in 50 1000; do
    for memo in memo no-memo; do
        json=${results[$providers-$memo]}
        row=$("$PYTHON" -c '
import json, sys
r = json.loads(sys.argv[1])
print(r["providers"], r["medianMicros"], r["p99Micros"], r["aprSolveMicros"], r["medianInAPRSolves"], r["p99InAPRSolves"], r["alternativesPerProfile"])
' "$json")
        read -r total median p99 solve msolves psolves alts <<<"$row"
        printf '| %9s | %7s | %11s | %10s | %9s | %15s | %12s | %9s |\n' "$total" "$memo" "$median" "$p99" "$solve" "$msolves" "$psolves" "$alts"
        if [[ $providers == 1000 ]]; then
            verdict=$(awk -v m="$median" -v p="$p99" 'BEGIN { print (m <= 1000 && p <= 3000) ? "met" : "missed" }')
        else
            verdict=$(awk -v m="$median" 'BEGIN { print (m <= 100) ? "met" : "missed" }')
        fi
        results[$providers-$memo-verdict]=$verdict
        [[ $verdict == met ]] || status=1
    done
done
echo
echo "targets: 1,000 providers median <= 1,000 µs and p99 <= 3,000 µs: memo ${results[1000-memo-verdict]}, no-memo ${results[1000-no-memo-verdict]}"
echo "         50 providers median <= 100 µs: memo ${results[50-memo-verdict]}, no-memo ${results[50-no-memo-verdict]}"
exit $status
