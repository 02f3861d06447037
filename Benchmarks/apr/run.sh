#!/usr/bin/env bash
# Benchmark P1: APR (periodic IRR) of N random loan schedules, Backstop (release build) vs numpy-financial.
#
#   Benchmarks/apr/run.sh [bench.py options...]
#
# Environment: N (schedules, default 100000), SEED (default 20240601), REPEATS (Backstop passes, default 3),
# PYTHON (default python3), OUT_DIR (keep the generated files there instead of a temporary directory).
# Exits non-zero when the two engines' answers disagree (see bench.py).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

N=${N:-100000}
SEED=${SEED:-20240601}
REPEATS=${REPEATS:-3}
PYTHON=${PYTHON:-python3}

# numpy-financial (which brings numpy) and threadpoolctl (to report the BLAS kernel numpy runs), only if missing.
have_deps() { "$1" -c 'import numpy_financial, threadpoolctl' 2>/dev/null; }
venv=.build/benchmarks-venv
if ! have_deps "$PYTHON"; then
    if [[ -x $venv/bin/python ]] && have_deps "$venv/bin/python"; then
        PYTHON=$venv/bin/python
    else
        echo "installing numpy-financial threadpoolctl ..." >&2
        if ! PIP_ROOT_USER_ACTION=ignore "$PYTHON" -m pip install --quiet --disable-pip-version-check \
            numpy-financial threadpoolctl 2>/dev/null; then
            # An externally managed Python (PEP 668) refuses: use a virtual environment under .build instead.
            echo "pip refused to install into $PYTHON; using a virtual environment in $venv" >&2
            [[ -x $venv/bin/python ]] || "$PYTHON" -m venv "$venv"
            PYTHON=$venv/bin/python
            "$PYTHON" -m pip install --quiet --disable-pip-version-check numpy-financial threadpoolctl
        fi
    fi
fi

swift build -c release --product backstop
BIN="$(swift build -c release --show-bin-path)/backstop"

if [[ -n ${OUT_DIR:-} ]]; then
    work=$OUT_DIR
    mkdir -p "$work"
else
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
fi

echo "generating $N schedules (seed $SEED) ..." >&2
"$PYTHON" Benchmarks/apr/generate.py --count "$N" --seed "$SEED" --output "$work/schedules.txt"

echo "backstop bench apr (best of $REPEATS) ..." >&2
"$BIN" bench apr --input "$work/schedules.txt" --output "$work/backstop-rates.txt" --repeats "$REPEATS" \
    | tee "$work/backstop.json"

echo "numpy-financial ..." >&2
# Some CPUs here get OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE set (older OpenBLAS builds misbehave on them); they make a
# current numpy pick a slower kernel, so they are unset for this one command only (bench.py prints the kernel).
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PYTHON" Benchmarks/apr/bench.py \
    --input "$work/schedules.txt" \
    --backstop-output "$work/backstop-rates.txt" \
    --backstop-json "$work/backstop.json" \
    "$@"
