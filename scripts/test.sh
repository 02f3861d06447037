#!/usr/bin/env bash
# The whole test suite, as CI runs it: dependencies, formatting, a warnings-as-errors build, every test.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh

echo "== swift format lint"
swift format lint --strict --recursive Package.swift Sources Tests

echo "== build (warnings are errors)"
swift build --build-tests -Xswiftc -warnings-as-errors

echo "== tests"
swift test --skip-build
