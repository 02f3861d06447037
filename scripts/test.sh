#!/usr/bin/env bash
# The whole test suite, as CI runs it: dependencies, formatting, a warnings-as-errors build, every test, the HTTP
# contract test, a minute of fuzzing per fuzz target and the reload-under-load soak.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh

echo "== swift format lint"
swift format lint --strict --recursive Package.swift Sources Tests examples

echo "== build (warnings are errors)"
swift build --build-tests -Xswiftc -warnings-as-errors

echo "== library examples (a separate package depending on Backstop by path)"
swift build --package-path examples/library -Xswiftc -warnings-as-errors
examples/library/.build/debug/recommend providers | tee /tmp/backstop-recommend.txt
grep -q "^Best: " /tmp/backstop-recommend.txt
examples/library/.build/debug/custom-provider providers | tee /tmp/backstop-plugin.txt
grep -q "acme-payroll-loan" /tmp/backstop-plugin.txt

echo "== release build smoke test (Swift 6.3.1 once miscompiled the aggregator at -O only)"
swift build -c release --product backstop
.build/release/backstop alternatives --profile examples/profiles/late-repayment.json \
    --request examples/requests/cash-5000-12m.json --date 2026-11-25 --format csv | tee /tmp/backstop-release.csv
test "$(cut -d, -f2 /tmp/backstop-release.csv | sed 1d | sort | uniq -d | wc -l)" -eq 0
grep -q "^1,zhaolian-haoqidai," /tmp/backstop-release.csv

echo "== tests"
swift test --skip-build

echo "== HTTP contract (schemathesis against the release server, fixed seed so a failure can be replayed)"
CONTRACT_SEED="${CONTRACT_SEED:-20261125}" BACKSTOP_BIN=.build/release/backstop bash scripts/contract-test.sh

echo "== fuzzing (every target ${FUZZ_SECONDS:-60} s, two at a time, after replaying its regressions; docs/fuzzing.md)"
FUZZ_JOBS=2 bash scripts/fuzz.sh all "${FUZZ_SECONDS:-60}"

echo "== reload under load (release server, 64 connections, >= 30 s, 1,000 reloads valid/invalid; scripts/reload-soak.sh)"
BACKSTOP_BIN=.build/release/backstop bash scripts/reload-soak.sh
