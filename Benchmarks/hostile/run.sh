#!/usr/bin/env bash
# Benchmark H1: hostile inputs against the release server. Starts `backstop-server` once (answer cache off, admin
# token set), then measures, in one run, the server's CPU time and memory for a normal request and four hostile
# cases: (a) nested-number, 8,000 `[` + 8,000 numbers + 8,000 `]` (32 KB) to POST /v1/apr; (b) long-key, a 232 KB body
# to POST /v1/quote with a 32,000-character key over 50,000 fractional numbers and "termMonths": 12.5; (c)
# many-attributes, a provider file whose root carries 50,000 attributes put in a copy of the catalog, then a reload
# (and `backstop providers validate` on that catalog); (d) 500 providers each offering every term from 1 to 360
# months, GET /v1/providers. Prints CPU ms (utime+stime of /proc/<pid>/stat) and memory (VmRSS delta, VmHWM) per
# case and PASS/FAIL: each hostile request under LIMIT_MS of CPU and within RATIO x the normal request.
#
#   Benchmarks/hostile/run.sh
#
# Environment: LIMIT_MS (default 50), RATIO (default 10), REPEATS (repetitions of (a) and (b), default 3),
# NORMAL_REPEATS (of the normal request, default 50), COUNT (providers of (d), default 500), PYTHON (default python3),
# BACKSTOP_BIN (use this backstop instead of building; backstop-server is taken from beside it, or from
# BACKSTOP_SERVER_BIN), KEEP_DIR (keep the inputs, catalogs and server log there).
# Exit status: 0 when every case passes, 1 when one fails, 2 when a setup step fails (build, server start).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

LIMIT_MS=${LIMIT_MS:-50}
RATIO=${RATIO:-10}
REPEATS=${REPEATS:-3}
NORMAL_REPEATS=${NORMAL_REPEATS:-50}
COUNT=${COUNT:-500}
PYTHON=${PYTHON:-python3}

source scripts/lib.sh
BIN=$(release_backstop)
SERVER_BIN=$(release_backstop_server)
use_work_directory catalog inputs server.log

echo "making the inputs ..." >&2
mkdir -p "$work/inputs/all-terms"
"$PYTHON" Benchmarks/hostile/make_inputs.py nested-number "$work/inputs/nested-number.json" 8000
"$PYTHON" Benchmarks/hostile/make_inputs.py long-key "$work/inputs/long-key.json" 32000 50000
"$PYTHON" Benchmarks/hostile/make_inputs.py many-attributes "$work/inputs/many-attributes.xml" 50000
"$PYTHON" Benchmarks/catalog/generate.py --count "$COUNT" --output "$work/inputs/all-terms"
"$PYTHON" Benchmarks/hostile/make_inputs.py all-terms "$work/inputs/all-terms"
ls -l "$work/inputs" | sed 's/^/  /' >&2

# The served catalog: a copy of the repository's (schema and legal caps included), changed by the cases.
cp -R providers "$work/catalog"
rm -rf "$work/catalog/testdata"
token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
BACKSTOP_ADMIN_TOKEN=$token start_backstop_server "$work/server.log" "$work/server.log" "$SERVER_BIN" \
    --port 0 --catalog "$work/catalog" --answer-cache-bytes 0 --log-level warning || {
    echo "the server did not start:" >&2
    cat "$work/server.log" >&2
    exit 2
}
echo "server $server_pid on $server_url" >&2

"$PYTHON" Benchmarks/hostile/measure.py --url "$server_url" --pid "$server_pid" --token "$token" --binary "$BIN" \
    --catalog "$work/catalog" --inputs "$work/inputs" --repeats "$REPEATS" --normal-repeats "$NORMAL_REPEATS" \
    --ratio "$RATIO" --limit-ms "$LIMIT_MS"
