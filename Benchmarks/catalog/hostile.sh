#!/usr/bin/env bash
# The time and peak memory of `backstop providers validate` on each hostile XML document of
# Tests/BackstopCatalogTests/Fixtures/hostile/, one process per document, against a budget (default 2 s and 200 MB;
# see hostile.py). Release build unless BACKSTOP_BIN is set.
#
#   Benchmarks/catalog/hostile.sh [hostile.py options...]      e.g. --require-budget
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source scripts/lib.sh
BIN=$(release_backstop)
"${PYTHON:-python3}" Benchmarks/catalog/hostile.py --backstop "$BIN" "$@"
