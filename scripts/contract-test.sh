#!/usr/bin/env bash
# Contract test of the HTTP service: starts `backstop-server` (what `backstop serve` runs) on a free loopback port and runs schemathesis
# (property-based tests generated from docs/openapi.yaml) against every operation. It fails when the server answers
# 5xx or dies, answers a status the spec does not document, answers a body that does not match its schema or a
# content type the spec does not list, or takes longer than the per-request timeout.
#
# Usage: scripts/contract-test.sh            (from anywhere; runs from the repository root)
# Environment:
#   BACKSTOP_SERVER_BIN     a built backstop-server binary (default: the one beside BACKSTOP_BIN when that is set,
#                           else `swift build --product backstop-server`)
#   BACKSTOP_BIN            a built backstop binary with backstop-server beside it
#   CONTRACT_MAX_EXAMPLES   test cases per operation (default 100)
#   CONTRACT_SEED           schemathesis seed, to replay a run (default: random, printed)
#   CONTRACT_SPEC           the OpenAPI document (default docs/openapi.yaml)
#   CONTRACT_REPORT_DIR     where the JUnit report and server logs go (default .build/contract-test)
#   PYTHON                  the Python 3.11+ interpreter (default python3)
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION="4.32.5"
PYTHON="${PYTHON:-python3}"
MAX_EXAMPLES="${CONTRACT_MAX_EXAMPLES:-100}"
REQUEST_TIMEOUT=10
RUN_TIMEOUT=300
SPEC="${CONTRACT_SPEC:-docs/openapi.yaml}"
REPORT_DIR="${CONTRACT_REPORT_DIR:-.build/contract-test}"
mkdir -p "$REPORT_DIR"

# --- schemathesis ------------------------------------------------------------------------------------------------
# Pinned: the CLI's flags change between releases. 4.32.5 installs on Python 3.11 and later.
installed="$("$PYTHON" -c 'import importlib.metadata as m; print(m.version("schemathesis"))' 2>/dev/null || true)"
if [[ "$installed" != "$SCHEMATHESIS_VERSION" ]]; then
    echo "== installing schemathesis $SCHEMATHESIS_VERSION (found: ${installed:-none})"
    "$PYTHON" -m pip install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" \
        || "$PYTHON" -m pip install -q --disable-pip-version-check --break-system-packages \
            "schemathesis==$SCHEMATHESIS_VERSION"
fi
echo "== schemathesis $("$PYTHON" -c 'import importlib.metadata as m; print(m.version("schemathesis"))')"

# --- the server --------------------------------------------------------------------------------------------------
if [[ -z "${BACKSTOP_SERVER_BIN:-}" ]]; then
    if [[ -n "${BACKSTOP_BIN:-}" ]]; then
        BACKSTOP_SERVER_BIN="$(dirname "$BACKSTOP_BIN")/backstop-server"
    else
        echo "== swift build --product backstop-server"
        swift build --product backstop-server
        BACKSTOP_SERVER_BIN="$(swift build --product backstop-server --show-bin-path)/backstop-server"
    fi
fi
[[ -x "$BACKSTOP_SERVER_BIN" ]] || { echo "contract-test: no executable at $BACKSTOP_SERVER_BIN" >&2; exit 1; }

TOKEN="$("$PYTHON" -c 'import secrets; print(secrets.token_hex(24))')"
SERVER_OUT="$REPORT_DIR/server.stdout"
SERVER_ERR="$REPORT_DIR/server.log"
: >"$SERVER_OUT"
: >"$SERVER_ERR"
source scripts/lib.sh
server_pid=""
trap stop_backstop_server EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "== starting $BACKSTOP_SERVER_BIN --port 0 --catalog providers"
if ! BACKSTOP_ADMIN_TOKEN="$TOKEN" start_backstop_server "$SERVER_OUT" "$SERVER_ERR" "$BACKSTOP_SERVER_BIN" \
    --host 127.0.0.1 --port 0 --catalog providers; then
    echo "contract-test: the server did not start" >&2
    tail -n 40 "$SERVER_ERR" >&2
    exit 1
fi
URL=$server_url
echo "== listening on $URL"

"$PYTHON" - "$URL/readyz" <<'EOF'
import sys, time, urllib.request
deadline = time.monotonic() + 30
while True:
    try:
        with urllib.request.urlopen(sys.argv[1], timeout=2) as response:
            if response.status == 200:
                print("== ready:", response.read().decode().replace("\n", " "))
                break
    except Exception:
        pass
    if time.monotonic() > deadline:
        sys.exit("contract-test: /readyz did not answer 200 within 30 s")
    time.sleep(0.2)
EOF

# --- the run -----------------------------------------------------------------------------------------------------
seed_args=()
[[ -n "${CONTRACT_SEED:-}" ]] && seed_args=(--seed "$CONTRACT_SEED")

# Keep schemathesis's cache (failures it replays first on the next run) out of the work tree.
CONFIG="$REPORT_DIR/schemathesis.toml"
printf '[cache]\ndirectory = "%s"\n' "$(cd "$REPORT_DIR" && pwd)/cache" >"$CONFIG"

echo "== schemathesis run $SPEC --url $URL (max $MAX_EXAMPLES examples, ${REQUEST_TIMEOUT}s per request)"
status=0
timeout --signal=INT --kill-after=30 "$RUN_TIMEOUT" \
    "$PYTHON" -m schemathesis.cli --config-file "$CONFIG" run "$SPEC" \
    --url "$URL" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --phases examples,coverage,fuzzing \
    --max-examples "$MAX_EXAMPLES" \
    --request-timeout "$REQUEST_TIMEOUT" \
    --header "Authorization: Bearer $TOKEN" \
    --workers 1 \
    --suppress-health-check all \
    --report junit,har --report-junit-path "$REPORT_DIR/junit.xml" --report-har-path "$REPORT_DIR/requests.har" \
    --output-sanitize true \
    "${seed_args[@]}" || status=$?

# One line for the operations tested, in the plain "N passed, N failed" form CI logs are read by.
"$PYTHON" - "$REPORT_DIR/junit.xml" <<'EOF' || true
import sys, xml.etree.ElementTree as ET
cases = list(ET.parse(sys.argv[1]).getroot().iter("testcase"))
failed = [c.get("name") for c in cases if c.find("failure") is not None or c.find("error") is not None]
print(f"contract: {len(cases) - len(failed)} passed, {len(failed)} failed")
for name in failed:
    print(f"  failed: {name}")
EOF

if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "contract-test: FAILED: the server died during the run (every request sent: $REPORT_DIR/requests.har)" >&2
    if grep -q -E "runtime failure|Fatal error" "$SERVER_ERR"; then
        grep -m 1 -E "runtime failure|Fatal error" "$SERVER_ERR" >&2
        grep -A 8 "crashed:" "$SERVER_ERR" | grep -E "crashed:| at /.*/Sources/" | head -n 8 >&2 || true
    else
        tail -n 40 "$SERVER_ERR" >&2
    fi
    server_pid=""
    exit 1
fi
if [[ $status -ne 0 ]]; then
    echo "contract-test: FAILED (schemathesis exit $status); server log: $SERVER_ERR" >&2
    exit "$status"
fi
echo "contract-test: passed"
