#!/usr/bin/env bash
# API documentation: builds the DocC archives of `Backstop` (the umbrella module and its articles,
# Sources/Backstop/Backstop.docc) and `BackstopCore` (the API reference, Sources/BackstopCore/BackstopCore.docc)
# with swift-docc-plugin, and fails on any warning (an unresolved link, a missing page, …).
#
#   bash scripts/docs.sh          # into .build/docs
#   bash scripts/docs.sh DIR      # into DIR; its Backstop.doccarchive and BackstopCore.doccarchive are replaced
#
# Look at the result with a static web server, e.g.
#   python3 -m http.server --directory .build/docs/Backstop.doccarchive 8000
# then open http://localhost:8000/documentation/backstop (and .../BackstopCore.doccarchive for the reference).
set -euo pipefail
cd "$(dirname "$0")/.."

out="${1:-.build/docs}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

start=$(date +%s)
status=0
swift package --allow-writing-to-directory "$out" generate-documentation \
    --target Backstop --target BackstopCore \
    --output-path "$out" --warnings-as-errors 2>&1 | tee "$log" || status=$?
elapsed=$(($(date +%s) - start))

# docc turns its own warnings into errors; this also catches the compiler's and the plugin's. SwiftPM's note about
# unhandled files inside a dependency's checkout is not ours to fix and is ignored.
root="$(basename "$PWD" | tr '[:upper:]' '[:lower:]')"
warnings="$(grep -E 'warning:' "$log" | grep -vE "^warning: '[^']+': found [0-9]+ file\(s\) which are unhandled" || true)"
warnings+="$(grep -E "^warning: '$root': found [0-9]+ file\(s\) which are unhandled" "$log" || true)"

if [ "$status" -ne 0 ]; then
    echo "docs: generation failed (exit $status) after ${elapsed} s" >&2
    exit "$status"
fi
if [ -n "$warnings" ]; then
    echo "docs: warnings (fix them; the docs must build clean):" >&2
    echo "$warnings" >&2
    exit 1
fi
echo "docs: $out/Backstop.doccarchive and $out/BackstopCore.doccarchive, no warnings, ${elapsed} s"
