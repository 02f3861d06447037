#!/usr/bin/env bash
# Benchmark P5: HTTP throughput of POST /v1/alternatives against a 50-provider catalog, compared with the trivial
# route GET /healthz of the same server. Rows: healthz; alternatives with one body repeated and gzip accepted (the
# judged row: answered from the snapshot's answer cache after the first request); the same without compression;
# and every body distinct (nothing cached: the cost of the computation itself, reported, not judged). Starts the
# release `backstop-server` (what `backstop serve` runs) on 127.0.0.1 (a free port), checks
# both routes answer 200, then runs wrk with identical settings on each and prints req/s, p99 latency, the ratio
# alternatives ÷ healthz and PASS/FAIL against >= 50 %.
#
#   Benchmarks/http/run.sh
#
# Environment: N (providers, default 50), SEED (catalog seed, default 20240605), THREADS (wrk -t, default 2),
# CONNECTIONS (wrk -c, default 64), DURATION (wrk -d, default 10s), WARMUP (an untimed wrk run of this length
# on each route first, default 2s; 0 skips it), PROFILE (default examples/profiles/healthy.json), REQUEST
# (default examples/requests/cash-5000-12m.json), DATE (the body's "date", default 2026-11-25), LOG_LEVEL (the
# server's --log-level, default warning), TARGET (percent, default 50), PYTHON (default python3),
# BACKSTOP_SERVER_BIN (use this backstop-server instead of building; or BACKSTOP_BIN, a backstop with backstop-server
# beside it), KEEP_DIR (keep the catalog, body, server log and wrk outputs there), BEFORE_SERVER_BIN (a
# `backstop-server` built from an earlier commit: after this build's rows, the same catalog is served by it and the
# cached and distinct-body rows are run again and printed as "before"; it knows no "detail").
# Exit status: 0 PASS, 1 FAIL (ratio below TARGET), 2 when a sanity check fails (the server does not start or
# dies, a route does not answer 200, the alternatives answer names one provider twice, wrk saw non-2xx answers
# or socket errors).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

N=${N:-50}
SEED=${SEED:-20240605}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-2s}
PROFILE=${PROFILE:-examples/profiles/healthy.json}
REQUEST=${REQUEST:-examples/requests/cash-5000-12m.json}
DATE=${DATE:-2026-11-25}
LOG_LEVEL=${LOG_LEVEL:-warning}
TARGET=${TARGET:-50}
PYTHON=${PYTHON:-python3}
SCHEMA=providers/schema/provider-1.xsd

source scripts/lib.sh
apt_install_missing wrk:wrk curl:curl
BIN=$(release_backstop_server)

use_work_directory catalog

# The catalog: N generated providers plus the repository's legal caps (so the caps rules apply); the schema is
# passed with --schema.
catalog=$work/catalog
mkdir -p "$catalog"
echo "generating $N providers (seed $SEED) ..." >&2
"$PYTHON" Benchmarks/catalog/generate.py --count "$N" --seed "$SEED" --output "$catalog"
cp -R providers/caps "$catalog/caps"

body=$work/body.json
printf '{"profile": %s, "request": %s, "date": "%s"}\n' "$(cat "$PROFILE")" "$(cat "$REQUEST")" "$DATE" >"$body"
# The same body asking for a smaller answer ("detail": standard leaves out the schedules and passed rules, summary
# gives the headline): the computation is the same, the answer written is not.
for detail in standard summary; do
    printf '{"profile": %s, "request": %s, "date": "%s", "detail": "%s"}\n' "$(cat "$PROFILE")" "$(cat "$REQUEST")" \
        "$DATE" "$detail" >"$work/body-$detail.json"
done

log=$work/server.log
if ! start_backstop_server "$log" "$log" "$BIN" --port 0 --catalog "$catalog" --schema "$SCHEMA" \
    --log-level "$LOG_LEVEL"; then
    echo "SANITY CHECK FAILED: the server did not start; its output:" >&2
    cat "$log" >&2
    exit 2
fi
base=$server_url
echo "server: $BIN --log-level $LOG_LEVEL at $base (pid $server_pid), $N providers + caps" >&2

server_died() {
    echo "SANITY CHECK FAILED: the server died; from its output:" >&2
    { grep -m1 'Program crashed' "$log" && grep -m1 -A6 'crashed:$' "$log"; } >&2 || tail -20 "$log" >&2
    exit 2
}

# Both routes must answer 200 before anything is timed.
check() { # name, curl arguments...
    local name=$1 status
    shift
    status=$(curl -sS -o "$work/$name.response" -w '%{http_code}' --max-time 10 "$@") || status=curl-error
    if [[ $status != 200 ]]; then
        echo "SANITY CHECK FAILED: $name answered $status:" >&2
        head -c 2000 "$work/$name.response" >&2 2>/dev/null || true
        echo >&2
        kill -0 "$server_pid" 2>/dev/null || server_died
        exit 2
    fi
    echo "check: $name -> 200, $(wc -c <"$work/$name.response") bytes" >&2
}
check healthz "$base/healthz"
check alternatives -X POST -H 'Content-Type: application/json' --data-binary "@$body" "$base/v1/alternatives"
# A plausibility check of the answer: a JSON object with a list of alternatives, each naming a different provider.
if ! "$PYTHON" - "$work/alternatives.response" >&2 <<'EOF'; then
import json, sys
doc = json.load(open(sys.argv[1]))
keys = ", ".join(f"{k} ({len(v)})" if isinstance(v, list) else k for k, v in doc.items())
print(f"check: alternatives answer has {keys}")
ids = [a.get("provider") for a in doc.get("alternatives", [])]
if not ids or len(set(ids)) != len(ids):
    print(f"alternatives name {len(set(ids))} distinct provider(s) in {len(ids)} entries: {sorted(set(map(str, ids)))[:5]}")
    sys.exit(1)
EOF
    echo "SANITY CHECK FAILED: the alternatives answer is implausible (see above)" >&2
    exit 2
fi

# The server's CPU time (user + system, clock ticks) from /proc, to report CPU ms per request.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }
hz=$(getconf CLK_TCK)

settings=(-t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 10s --latency)
run_wrk() { # name, url, extra wrk arguments...
    local name=$1 url=$2
    shift 2
    if [[ $WARMUP != 0 && $WARMUP != 0s ]]; then
        P5_BODY=${p5_body:-$body} wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$@" "$url" >/dev/null
        kill -0 "$server_pid" 2>/dev/null || server_died
    fi
    echo "wrk ${settings[*]} $* $url" >&2
    local before after
    before=$(cpu_ticks)
    P5_BODY=${p5_body:-$body} wrk "${settings[@]}" "$@" "$url" >"$work/$name.wrk"
    kill -0 "$server_pid" 2>/dev/null || server_died
    after=$(cpu_ticks)
    echo $((after - before)) >"$work/$name.cpu"
}
# Every timed run but one sends "Accept-Encoding: gzip", as HTTP client libraries do by default; the server
# compresses answers of 1 KiB and more (healthz's is not).
gzip=(-H "Accept-Encoding: gzip")
run_wrk healthz "$base/healthz" "${gzip[@]}"
run_wrk alternatives "$base/v1/alternatives" -s Benchmarks/http/alternatives.lua "${gzip[@]}"
# The same without compression: 123 KB of JSON per answer.
run_wrk identity "$base/v1/alternatives" -s Benchmarks/http/alternatives.lua
# The same route with a different body on every request: no answer comes from the answer cache.
P5_DISTINCT=1 run_wrk distinct "$base/v1/alternatives" -s Benchmarks/http/alternatives.lua "${gzip[@]}"
# Distinct bodies again, asking for the standard and the summary answer.
for detail in standard summary; do
    check "answer-$detail" -X POST -H 'Content-Type: application/json' --data-binary "@$work/body-$detail.json" \
        "$base/v1/alternatives"
    p5_body=$work/body-$detail.json P5_DISTINCT=1 run_wrk "distinct-$detail" "$base/v1/alternatives" \
        -s Benchmarks/http/alternatives.lua "${gzip[@]}"
done
# The earlier build on the same catalog and bodies: the cached and the distinct rows (it knows no "detail").
if [[ -n ${BEFORE_SERVER_BIN:-} ]]; then
    stop_backstop_server
    if ! start_backstop_server "$work/before.log" "$work/before.log" "$BEFORE_SERVER_BIN" --port 0 \
        --catalog "$catalog" --schema "$SCHEMA" --log-level "$LOG_LEVEL"; then
        echo "SANITY CHECK FAILED: the before server did not start" >&2
        cat "$work/before.log" >&2
        exit 2
    fi
    base=$server_url
    log=$work/before.log
    check before-alternatives -X POST -H 'Content-Type: application/json' --data-binary "@$body" "$base/v1/alternatives"
    run_wrk before-alternatives "$base/v1/alternatives" -s Benchmarks/http/alternatives.lua "${gzip[@]}"
    P5_DISTINCT=1 run_wrk before-distinct "$base/v1/alternatives" -s Benchmarks/http/alternatives.lua "${gzip[@]}"
fi

# Req/s, p99 (converted to ms), requests, non-2xx answers and socket errors from wrk's text output.
parse() { # file -> "rps p99_ms requests non2xx socket_errors"
    awk '
        function ms(t,   v) {
            v = t + 0
            if (t ~ /us$/) return v / 1000
            if (t ~ /ms$/) return v
            if (t ~ /m$/) return v * 60000
            if (t ~ /s$/) return v * 1000
            return v
        }
        /^ +99%/ { p99 = ms($2) }
        /requests in/ { requests = $1 }
        /^Requests\/sec:/ { rps = $2 }
        /Non-2xx or 3xx responses:/ { non2xx = $NF }
        /Socket errors:/ { gsub(",", ""); errors = $4 + $6 + $8 + $10 }
        END { printf "%s %s %s %d %d\n", rps, p99, requests, non2xx, errors }
    ' "$1"
}
read -r h_rps h_p99 h_req h_bad h_err < <(parse "$work/healthz.wrk")
read -r a_rps a_p99 a_req a_bad a_err < <(parse "$work/alternatives.wrk")
read -r d_rps d_p99 d_req d_bad d_err < <(parse "$work/distinct.wrk")
read -r i_rps i_p99 i_req i_bad i_err < <(parse "$work/identity.wrk")
cpu_per_request() { awk -v t="$(cat "$1")" -v n="$2" -v hz="$hz" 'BEGIN { printf "%.3f", (n > 0 ? 1000 * t / hz / n : 0) }'; }
h_cpu=$(cpu_per_request "$work/healthz.cpu" "$h_req")
a_cpu=$(cpu_per_request "$work/alternatives.cpu" "$a_req")
d_cpu=$(cpu_per_request "$work/distinct.cpu" "$d_req")
i_cpu=$(cpu_per_request "$work/identity.cpu" "$i_req")
read -r ds_rps ds_p99 ds_req ds_bad ds_err < <(parse "$work/distinct-standard.wrk")
read -r dm_rps dm_p99 dm_req dm_bad dm_err < <(parse "$work/distinct-summary.wrk")
ds_cpu=$(cpu_per_request "$work/distinct-standard.cpu" "$ds_req")
dm_cpu=$(cpu_per_request "$work/distinct-summary.cpu" "$dm_req")
if [[ -n ${BEFORE_SERVER_BIN:-} ]]; then
    read -r ba_rps ba_p99 ba_req ba_bad ba_err < <(parse "$work/before-alternatives.wrk")
    read -r bd_rps bd_p99 bd_req bd_bad bd_err < <(parse "$work/before-distinct.wrk")
    ba_cpu=$(cpu_per_request "$work/before-alternatives.cpu" "$ba_req")
    bd_cpu=$(cpu_per_request "$work/before-distinct.cpu" "$bd_req")
fi

echo
echo "P5: HTTP throughput, 127.0.0.1, wrk ${settings[*]} (same settings both routes), $N providers, log level $LOG_LEVEL"
echo "machine: $(nproc) CPU(s), $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//'); $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
echo "body: profile $PROFILE, request $REQUEST, date $DATE ($(wc -c <"$body") bytes); answers: healthz $(wc -c <"$work/healthz.response") bytes, alternatives $(wc -c <"$work/alternatives.response") bytes (full), $(wc -c <"$work/answer-standard.response") (standard), $(wc -c <"$work/answer-summary.response") (summary)"
echo
printf '| %-24s | %12s | %10s | %10s | %14s | %8s | %8s |\n' route "req/s" "p99 ms" requests "server CPU ms" non-2xx errors
printf '| %-24s | %12s | %10s | %10s | %14s | %8s | %8s |\n' ------------------------ -----------: ---------: ---------: -------------: -------: -------:
printf '| %-24s | %12s | %10.3f | %10s | %14s | %8d | %8d |\n' "GET /healthz" "$h_rps" "$h_p99" "$h_req" "$h_cpu" "$h_bad" "$h_err"
printf '| %-24s | %12s | %10.3f | %10s | %14s | %8d | %8d |\n' "POST /v1/alternatives" "$a_rps" "$a_p99" "$a_req" "$a_cpu" "$a_bad" "$a_err"
printf '| %-24s | %12s | %10.3f | %10s | %14s | %8d | %8d |\n' "  ... not compressed" "$i_rps" "$i_p99" "$i_req" "$i_cpu" "$i_bad" "$i_err"
printf '| %-24s | %12s | %10.3f | %10s | %14s | %8d | %8d |\n' "  ... every body distinct" "$d_rps" "$d_p99" "$d_req" "$d_cpu" "$d_bad" "$d_err"
printf '| %-24s | %12s | %10.3f | %10s | %14s | %8d | %8d |\n' "  ... distinct, standard" "$ds_rps" "$ds_p99" "$ds_req" "$ds_cpu" "$ds_bad" "$ds_err"
printf '| %-24s | %12s | %10.3f | %10s | %14s | %8d | %8d |\n' "  ... distinct, summary" "$dm_rps" "$dm_p99" "$dm_req" "$dm_cpu" "$dm_bad" "$dm_err"
if [[ -n ${BEFORE_SERVER_BIN:-} ]]; then
    printf '| %-24s | %12s | %10.3f | %10s | %14s | %8d | %8d |\n' "before: alternatives" "$ba_rps" "$ba_p99" "$ba_req" "$ba_cpu" "$ba_bad" "$ba_err"
    printf '| %-24s | %12s | %10.3f | %10s | %14s | %8d | %8d |\n' "before: ... distinct" "$bd_rps" "$bd_p99" "$bd_req" "$bd_cpu" "$bd_bad" "$bd_err"
fi
echo "(server CPU ms = the server process's user + system CPU time during the timed run ÷ requests completed;"
echo " rows send Accept-Encoding: gzip except 'not compressed';"
echo " the alternatives row repeats one body, as a client retrying or a cohort of identical profiles would, and is"
echo " answered from the catalog snapshot's answer cache after the first request; the distinct row changes the"
echo " profile id on every request, so every answer is evaluated and encoded afresh)"
echo

if ((h_bad + a_bad + d_bad + i_bad + ds_bad + dm_bad + h_err + a_err + d_err + i_err + ds_err + dm_err > 0)) \
    || [[ -z $h_rps || -z $a_rps || -z $d_rps || -z $i_rps || -z $ds_rps || -z $dm_rps ]] \
    || { [[ -n ${BEFORE_SERVER_BIN:-} ]] && { ((ba_bad + bd_bad + ba_err + bd_err > 0 || ba_req == 0 || bd_req == 0)) \
        || [[ -z $ba_rps || -z $bd_rps ]]; }; }; then
    echo "SANITY CHECK FAILED: wrk saw non-2xx answers or socket errors (outputs in $work/*.wrk)" >&2
    [[ -n ${KEEP_DIR:-} ]] || { cat "$work/healthz.wrk" "$work/alternatives.wrk" "$work/identity.wrk" "$work/distinct.wrk" >&2; }
    exit 2
fi
if ((h_req == 0 || a_req == 0 || d_req == 0 || i_req == 0 || ds_req == 0 || dm_req == 0)); then
    echo "SANITY CHECK FAILED: a route completed no request within $DURATION (lengthen DURATION)" >&2
    exit 2
fi

verdict=$(awk -v a="$a_rps" -v h="$h_rps" -v t="$TARGET" \
    'BEGIN { r = (h > 0 ? 100 * a / h : 0); printf "%.2f %s", r, (r >= t ? "PASS" : "FAIL") }')
read -r ratio result <<<"$verdict"
distinct_ratio=$(awk -v a="$d_rps" -v h="$h_rps" 'BEGIN { printf "%.2f", (h > 0 ? 100 * a / h : 0) }')
echo "ratio: alternatives / healthz = $ratio % of the trivial route's req/s (target >= $TARGET %): $result"
identity_ratio=$(awk -v a="$i_rps" -v h="$h_rps" 'BEGIN { printf "%.2f", (h > 0 ? 100 * a / h : 0) }')
echo "ratio: alternatives not compressed / healthz = $identity_ratio % (reported, not judged)"
echo "ratio: alternatives with every body distinct / healthz = $distinct_ratio % (no cache; reported, not judged)"
for row in "full:$d_rps:$d_p99" "standard:$ds_rps:$ds_p99" "summary:$dm_rps:$dm_p99"; do
    IFS=: read -r detail rps p99 <<<"$row"
    echo "distinct bodies, $detail answer: $rps req/s, p99 $p99 ms (target >= 2,500 req/s and p99 <= 20 ms):" \
        "$(awk -v r="$rps" -v p="$p99" 'BEGIN { print (r >= 2500 && p <= 20) ? "met" : "missed" }')"
done
[[ $result == PASS ]]
