#!/usr/bin/env bash
# The whole test suite, as CI runs it: dependencies, formatting, a warnings-as-errors build, every test.
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

echo "== tests"
swift test --skip-build
