#!/usr/bin/env bash
# Benchmark P2: load a generated N-provider catalog (default 10,000) with Backstop (release build: safe parse, XSD
# validation, loader rules, providers built, then released) and validate the same files with
# `xmllint --noout --schema` against the same schema; print both, the ratio and PASS/FAIL against <= 1.5x.
#
#   Benchmarks/catalog/run.sh [bench.py options...]      e.g. --target 1.5 --require-target
#
# Environment: N (providers, default 10000), SEED (default 20240602), REPEATS (timed loads of each engine, the
# fastest kept, default 3), PYTHON (default python3), OUT_DIR (keep the generated catalog there instead of a
# temporary directory; it must be empty or hold only files of an earlier run), BACKSTOP_BIN (use this binary instead
# of building the release one), FORMAT (1 or 2, default 1: with 2 the generated files are migrated to provider XML
# version 2 with `backstop providers migrate --in-place` before timing, and xmllint validates them against
# provider-2.xsd; Backstop is given provider-1.xsd and picks provider-2.xsd next to it by the namespace).
# Exits 2 when a sanity check fails (xmllint rejects a file, Backstop does not load N providers).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

N=${N:-10000}
SEED=${SEED:-20240602}
REPEATS=${REPEATS:-3}
PYTHON=${PYTHON:-python3}
SCHEMA=providers/schema/provider-1.xsd
FORMAT=${FORMAT:-1}
XMLLINT_SCHEMA=$SCHEMA
[[ $FORMAT == 2 ]] && XMLLINT_SCHEMA=providers/schema/provider-2.xsd

# xmllint (Debian: libxml2-utils) and the libxml2 headers Backstop builds against (libxml2-dev), if missing.
bash scripts/bootstrap.sh >&2
source scripts/lib.sh
BIN=$(release_backstop)

if [[ -n ${OUT_DIR:-} ]]; then
    work=$OUT_DIR
    mkdir -p "$work"
    rm -f "$work"/gen-*.xml "$work"/backstop.json
    catalog=$work
else
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    catalog=$work/catalog
fi
# The catalog directory holds only the generated files: no caps/legal-caps.json, no schema/.
mkdir -p "$catalog"

echo "generating $N providers (seed $SEED) ..." >&2
"$PYTHON" Benchmarks/catalog/generate.py --count "$N" --seed "$SEED" --output "$catalog"
if [[ $FORMAT == 2 ]]; then
    echo "migrating to provider XML version 2 ..." >&2
    "$BIN" providers migrate "$catalog" --schema "$SCHEMA" --in-place | tail -1 >&2
fi

echo "machine: $(nproc) CPU(s), $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//')" >&2
echo "$(xmllint --version 2>&1 | head -1); $(swift --version 2>/dev/null | head -1)" >&2

echo "backstop bench catalog (best of $REPEATS loads) ..." >&2
json=$work/backstop.json
if ! "$BIN" bench catalog --catalog "$catalog" --schema "$SCHEMA" --repeats "$REPEATS" >"$json"; then
    echo "SANITY CHECK FAILED: Backstop refused the generated catalog" >&2
    exit 2
fi
cat "$json"
# For reference: the same load on one core (the figure above uses every core; each worker has its own libxml2
# parser and validation contexts and shares the compiled schema).
echo "backstop bench catalog --jobs 1 (one core, for reference):" >&2
"$BIN" bench catalog --catalog "$catalog" --schema "$SCHEMA" --repeats "$REPEATS" --jobs 1 >&2

echo "xmllint --noout --schema $XMLLINT_SCHEMA (one check, then best of $REPEATS) ..." >&2
"$PYTHON" Benchmarks/catalog/bench.py \
    --catalog "$catalog" \
    --schema "$XMLLINT_SCHEMA" \
    --backstop-json "$json" \
    --expected "$N" \
    --repeats "$REPEATS" \
    "$@"
