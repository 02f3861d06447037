#!/usr/bin/env bash
# Benchmark P4: `backstop batch` over N generated profiles (default 1,000,000) against a 50-provider catalog, once
# with --jobs 1 and once with every core, in this one script; prints profiles/s for each, the speed-up (target
# >= 1.8 on 2 cores) and each run's peak memory (max RSS). Peak memory must not grow with the input: the script
# also runs every core on MEMORY_N profiles (default 100,000) and prints both peaks side by side.
#
#   Benchmarks/batch/run.sh
#
# Environment: N (profiles, default 1000000), MEMORY_N (the smaller input for the memory comparison, default
# 100000; 0 skips it), PROVIDERS (default 50), SEED (default 20240607), DETAIL (summary or full, default summary),
# TARGET (speed-up, default 1.8), PYTHON (default python3), BACKSTOP_BIN (use this binary instead of building),
# KEEP_DIR (keep the catalog and the profiles there; an existing profiles file of the right size is reused),
# BEFORE_BIN (a `backstop` built from an earlier commit: its --jobs 1 and every-core runs come first in this one
# script, its rows are printed as "before", and the two builds' outputs are compared line by line: identical, or
# every differing line counted by the JSON paths that differ).
# Exit status: 0 PASS, 1 FAIL (speed-up below TARGET), 2 when a sanity check fails (a run exits non-zero, loses
# or reorders lines, or the two runs' outputs differ).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

N=${N:-1000000}
MEMORY_N=${MEMORY_N:-100000}
PROVIDERS=${PROVIDERS:-50}
SEED=${SEED:-20240607}
DETAIL=${DETAIL:-summary}
TARGET=${TARGET:-1.8}
PYTHON=${PYTHON:-python3}
SCHEMA=providers/schema/provider-1.xsd
CORES=$(nproc)

command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (Debian package: time)" >&2; exit 2; }
source scripts/lib.sh
BIN=$(release_backstop)

if [[ -n ${KEEP_DIR:-} ]]; then
    work=$KEEP_DIR
    mkdir -p "$work"
else
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
fi
catalog=$work/catalog
rm -rf "$catalog"
mkdir -p "$catalog"
"$PYTHON" Benchmarks/catalog/generate.py --count "$PROVIDERS" --seed 20240605 --output "$catalog" >/dev/null
cp -R providers/caps "$catalog/caps"

profiles() { # count -> path (generated once, reused when KEEP_DIR holds it already)
    local path=$work/profiles-$1.jsonl
    if [[ ! -f $path || $(wc -l <"$path") -ne $1 ]]; then
        echo "generating $1 profiles (seed $SEED) ..." >&2
        "$PYTHON" Benchmarks/batch/generate.py --count "$1" --seed "$SEED" --output "$path"
    fi
    echo "$path"
}

# One run: writes "seconds profiles_per_second peak_kib" to $work/NAME.result and the output's sha256 to NAME.sha.
# The timed run writes to a file, so nothing else competes for the cores; the output is then checked line by line
# (one line per input line, in input order) and removed.
run() { # input, jobs, name[, binary]
    local input=$1 jobs=$2 name=$3 binary=${4:-$BIN} count seconds peak
    count=$(wc -l <"$input")
    if ! /usr/bin/time -f '%e %M' -o "$work/$name.time" \
        "$binary" batch --in "$input" --out "$work/$name.out" --jobs "$jobs" --detail "$DETAIL" --date 2026-11-25 \
        --catalog "$catalog" --schema "$SCHEMA" --progress never 2>"$work/$name.log"; then
        echo "SANITY CHECK FAILED: $name exited non-zero (log: $work/$name.log)" >&2
        tail -3 "$work/$name.log" >&2
        exit 2
    fi
    if ! "$PYTHON" -c '
import hashlib, json, sys
path, expected, digest_path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
digest = hashlib.sha256()
n = 0
with open(path, "rb") as output:
    for n, line in enumerate(output, 1):
        digest.update(line)
        got = json.loads(line)["line"]
        if got != n:
            sys.exit(f"output line {n} is for input line {got}")
if n != expected:
    sys.exit(f"{n} output lines for {expected} input lines")
open(digest_path, "w").write(digest.hexdigest() + "\n")
' "$work/$name.out" "$count" "$work/$name.sha"; then
        echo "SANITY CHECK FAILED: $name (output: $work/$name.out)" >&2
        exit 2
    fi
    [[ -n ${BEFORE_BIN:-} && $jobs == 1 ]] || rm -f "$work/$name.out"
    grep -q "batch: $count in = $count ok + 0 failed" "$work/$name.log" \
        || { echo "SANITY CHECK FAILED: $name: $(tail -1 "$work/$name.log")" >&2; exit 2; }
    read -r seconds peak <"$work/$name.time"
    awk -v s="$seconds" -v n="$count" -v m="$peak" 'BEGIN { printf "%.1f %.1f %d\n", s, (s > 0 ? n / s : 0), m }' \
        >"$work/$name.result"
}

big=$(profiles "$N")
echo "machine: $CORES CPU(s), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
if [[ -n ${BEFORE_BIN:-} ]]; then
    echo "before: backstop batch --jobs 1 on $N profiles ..." >&2
    run "$big" 1 before-one "$BEFORE_BIN"
    read -r b1 br1 bm1 <"$work/before-one.result"
    echo "before: backstop batch --jobs $CORES on $N profiles ..." >&2
    run "$big" "$CORES" before-all "$BEFORE_BIN"
    read -r b2 br2 bm2 <"$work/before-all.result"
    cmp -s "$work/before-one.sha" "$work/before-all.sha" \
        || { echo "SANITY CHECK FAILED: before: --jobs 1 and --jobs $CORES differ" >&2; exit 2; }
fi
echo "backstop batch --jobs 1 on $N profiles ..." >&2
run "$big" 1 one
read -r s1 r1 m1 <"$work/one.result"
echo "backstop batch --jobs $CORES on $N profiles ..." >&2
run "$big" "$CORES" all
read -r s2 r2 m2 <"$work/all.result"
if ! cmp -s "$work/one.sha" "$work/all.sha"; then
    echo "SANITY CHECK FAILED: --jobs 1 and --jobs $CORES wrote different outputs" >&2
    exit 2
fi
if [[ $MEMORY_N -gt 0 ]]; then
    small=$(profiles "$MEMORY_N")
    echo "backstop batch --jobs $CORES on $MEMORY_N profiles (memory comparison) ..." >&2
    run "$small" "$CORES" small
    read -r s3 r3 m3 <"$work/small.result"
fi

echo
echo "P4: backstop batch, $PROVIDERS generated providers + built-ins, --detail $DETAIL, output checked line by line"
echo
printf '| %-6s | %-10s | %5s | %10s | %12s | %14s |\n' build profiles jobs seconds "profiles/s" "peak RSS MiB"
printf '| %-6s | %-10s | %5s | %10s | %12s | %14s |\n' ----- ---------: ----: ---------: -----------: -------------:
if [[ -n ${BEFORE_BIN:-} ]]; then
    printf '| %-6s | %-10s | %5s | %10s | %12s | %14.1f |\n' before "$N" 1 "$b1" "$br1" "$(awk -v k="$bm1" 'BEGIN{print k/1024}')"
    printf '| %-6s | %-10s | %5s | %10s | %12s | %14.1f |\n' before "$N" "$CORES" "$b2" "$br2" "$(awk -v k="$bm2" 'BEGIN{print k/1024}')"
fi
printf '| %-6s | %-10s | %5s | %10s | %12s | %14.1f |\n' after "$N" 1 "$s1" "$r1" "$(awk -v k="$m1" 'BEGIN{print k/1024}')"
printf '| %-6s | %-10s | %5s | %10s | %12s | %14.1f |\n' after "$N" "$CORES" "$s2" "$r2" "$(awk -v k="$m2" 'BEGIN{print k/1024}')"
if [[ $MEMORY_N -gt 0 ]]; then
    printf '| %-6s | %-10s | %5s | %10s | %12s | %14.1f |\n' after "$MEMORY_N" "$CORES" "$s3" "$r3" "$(awk -v k="$m3" 'BEGIN{print k/1024}')"
fi
if [[ -n ${BEFORE_BIN:-} ]]; then
    echo
    if cmp -s "$work/before-one.sha" "$work/one.sha"; then
        echo "outputs of the two builds: identical (sha256)"
    else
        echo "outputs of the two builds differ; the differing lines, counted by the JSON paths that differ:"
        "$PYTHON" Benchmarks/batch/compare.py "$work/before-one.out" "$work/one.out"
    fi
    rm -f "$work/before-one.out" "$work/one.out"
fi
echo
echo "outputs of --jobs 1 and --jobs $CORES: identical (sha256)"
verdict=$(awk -v a="$r2" -v b="$r1" -v t="$TARGET" 'BEGIN { x = (b > 0 ? a / b : 0); printf "%.2f %s", x, (x >= t ? "PASS" : "FAIL") }')
read -r speedup result <<<"$verdict"
echo "speed-up: $speedup x on $CORES cores (target >= $TARGET): $result"
[[ $result == PASS ]]
