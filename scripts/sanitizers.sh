#!/usr/bin/env bash
# The whole test suite under AddressSanitizer and/or ThreadSanitizer (issue "Hardening", item 2).
#
#   scripts/sanitizers.sh [address|thread|all]      (default: all; address first, then thread, one at a time)
#
# Each sanitizer builds in its own scratch path (.build-asan, .build-tsan; git-ignored) so it never disturbs the
# normal .build, then runs every test (`swift build --build-tests --sanitize=X` then `swift test --skip-build
# --sanitize=X`). The tests that start the real `backstop` binary (Tests/BackstopCLITests) get a binary built with
# the same sanitizer, and it inherits the options below, so its reports count too.
#
# Every report of every process (the test runner and each `backstop` it starts) is written to a file in
# $SANITIZER_REPORTS/<sanitizer>/ (default .build-sanitizer-reports/) via the sanitizer's log_path option: a test
# that swallows a child's stderr cannot hide a report. A sanitizer FAILs when `swift test` fails or when any report
# file exists; the script prints one verdict line per sanitizer, the first lines of each report, and exits 1 if any
# sanitizer failed (2 on a usage error or a build failure).
#
# A `backstop` child with a ThreadSanitizer report exits 66 (TSan's exitcode; the same number as EX_NOINPUT), so
# the test that ran it fails as well; the report file says why.
#
# Environment: SANITIZER_TIMEOUT (seconds for build + tests of one sanitizer, default 3600), SANITIZER_REPORTS
# (the report directory), SWIFT_TEST_ARGS (extra `swift test` arguments, e.g. "--filter BackstopServerTests").
#
# Time (2026-11-25, 2 cores shared with other builds, load average 5-9): address: cold build 26m49s, tests
# 3m02s-3m31s; thread: cold build 21m33s, tests 6m13s-6m55s; an incremental build after a source change 1-2 min.
# The cold builds (every dependency, NIO and swift-crypto's BoringSSL included, built again with the sanitizer)
# are the cost: cache .build-asan and .build-tsan between CI runs, or run this as its own job.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

which=${1:-all}
case $which in
    address | thread) sanitizers=("$which") ;;
    all) sanitizers=(address thread) ;;
    *)
        echo "usage: $0 [address|thread|all]" >&2
        exit 2
        ;;
esac

TIMEOUT=${SANITIZER_TIMEOUT:-3600}
REPORTS=${SANITIZER_REPORTS:-$root/.build-sanitizer-reports}
read -r -a extra_test_args <<<"${SWIFT_TEST_ARGS:-}"

bash scripts/bootstrap.sh

# AddressSanitizer. halt_on_error cannot be turned off for ASan (Swift does not compile with
# -fsanitize-recover=address), so the first error stops the process that made it.
#
# Leak detection (LeakSanitizer, part of ASan on Linux) stays ON, with the suppressions below. Without them the
# test runners report ~28,000 "leaked" blocks (3.6 MB), none allocated by Sources/ and none in the `backstop`
# processes the CLI tests start (those exit leak-free). Every entry is a root in a toolchain library or the test
# harness; LSan then treats what those roots hold as reachable, so a leak of our own that is not held by one of
# them is still reported. Patterns are substrings of a frame's (mangled) function or module name; a leading "$"
# cannot be written (it anchors the end of a pattern), hence the "s10Foundation…" forms.
lsan_suppressions=$REPORTS/lsan-suppressions.txt
mkdir -p "$REPORTS"
cat >"$lsan_suppressions" <<'EOF'
# XCTest's own runner objects, reported at exit even when no XCTest test runs (the suite is swift-testing only):
# https://github.com/swiftlang/swift-corelibs-xctest/issues/534 and #342.
leak:libXCTest.so
# URLSession.shared (ServeProcessTests' HTTP client) keeps its libcurl multi handle, easy handles and a weak
# side table for the life of the process; FoundationNetworking never tears it down.
leak:libcurl.so
leak:libFoundationNetworking.so
# Foundation.Process on Linux: a Process, its Pipes and FileHandles stay in a reference cycle with the run-loop
# source that watches the child (cf. swift-corelibs-foundation SR-6450, PR #2631), plus everything they hold
# (arguments, URLs). Only the tests create Processes.
leak:s10Foundation7ProcessC
leak:s10Foundation4PipeC
leak:s10Foundation10FileHandleC
# HummingbirdTesting's router test client: each test app's NIOAsyncTestingChannel / NIOAsyncTestingEventLoop
# (NIOEmbedded) and the Dispatch queue they own stay in a cycle after the test.
leak:HummingbirdTesting
leak:NIOEmbedded
# False positive: `static let` test fixtures holding an `indirect enum` (BadInputMatrix.Node). The global keeps
# the box pointer with the enum tag in its spare bits, which LSan's pointer scan does not recognise:
# https://github.com/llvm/llvm-project/issues/56751
leak:BadInputMatrixO7profile_WZ
leak:BadInputMatrixO7request_WZ
EOF
asan_options="log_path=$REPORTS/address/asan:detect_leaks=1:detect_stack_use_after_return=1"
export LSAN_OPTIONS="suppressions=$lsan_suppressions:print_suppressions=0"

# ThreadSanitizer. halt_on_error=0 so that one run collects every race (each one a report file), not only the
# first; the run still fails on any report (report files, and TSan's exitcode 66 at process exit).
# second_deadlock_stack=1 shows both stacks of a lock-order inversion. The suppressions file holds only races in
# dependencies or the runtime that are not ours (each entry says why).
tsan_options="log_path=$REPORTS/thread/tsan:halt_on_error=0:second_deadlock_stack=1"
if [[ -s scripts/tsan-suppressions.txt ]]; then
    tsan_options+=":suppressions=$root/scripts/tsan-suppressions.txt"
fi

elapsed() { # seconds -> "12m34s"
    printf '%dm%02ds' $(($1 / 60)) $(($1 % 60))
}

verdicts=()
failed=0
for sanitizer in "${sanitizers[@]}"; do
    case $sanitizer in
        address) scratch=.build-asan ;;
        thread) scratch=.build-tsan ;;
    esac
    reports=$REPORTS/$sanitizer
    rm -rf "$reports"
    mkdir -p "$reports"
    log=$REPORTS/$sanitizer.log
    start=$(date +%s)
    deadline=$((start + TIMEOUT))

    echo "== $sanitizer sanitizer: build ($scratch)"
    build_status=0
    timeout --signal=TERM --kill-after=30 "$TIMEOUT" \
        swift build --build-tests --sanitize="$sanitizer" --scratch-path "$scratch" || build_status=$?
    built=$(date +%s)
    if ((build_status != 0)); then
        verdicts+=("$sanitizer: BUILD FAILED (exit $build_status) after $(elapsed $((built - start)))")
        failed=2
        continue
    fi

    echo "== $sanitizer sanitizer: tests (output in $log, reports in $reports/)"
    remaining=$((deadline - built))
    ((remaining > 60)) || remaining=60
    test_status=0
    ASAN_OPTIONS=$asan_options TSAN_OPTIONS=$tsan_options \
        timeout --signal=TERM --kill-after=30 "$remaining" \
        swift test --skip-build --sanitize="$sanitizer" --scratch-path "$scratch" "${extra_test_args[@]}" \
        >"$log" 2>&1 || test_status=$?
    finished=$(date +%s)
    tail -5 "$log"

    report_files=("$reports"/*)
    [[ -e ${report_files[0]} ]] || report_files=()
    times="build $(elapsed $((built - start))), tests $(elapsed $((finished - built))), total $(elapsed $((finished - start)))"
    if ((test_status == 0 && ${#report_files[@]} == 0)); then
        verdicts+=("$sanitizer: PASS (swift test exit 0, no sanitizer report; $times)")
    else
        why="swift test exit $test_status"
        ((test_status == 124)) && why="timed out after ${TIMEOUT}s"
        verdicts+=("$sanitizer: FAIL ($why, ${#report_files[@]} report file(s) in $reports; $times)")
        ((failed != 0)) || failed=1
        for file in "${report_files[@]}"; do
            echo "---- $file"
            grep -m1 -E 'ERROR: (Address|Leak|Thread)Sanitizer|WARNING: ThreadSanitizer' "$file" || true
            grep -m12 -E '^ +#[0-9]+ ' "$file" || true
        done
        if ((test_status != 0)); then
            echo "---- failing tests:"
            grep -E '✘|error:|failed' "$log" | head -30 || true
        fi
    fi
done

echo
for verdict in "${verdicts[@]}"; do echo "$verdict"; done
exit "$failed"
