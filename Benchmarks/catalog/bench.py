#!/usr/bin/env python3
"""Benchmark P2, second half: time `xmllint --noout --schema` on a generated catalog and compare with Backstop.

`run.sh` runs `backstop bench catalog` first and passes its JSON line here (--backstop-json). This script

1. checks the catalog with xmllint once, untimed (it also warms the page cache as Backstop's first load did):
   the exit status must be 0 and xmllint must say "<file> validates" for every file;
2. times xmllint REPEATS times (wall clock, `time.perf_counter` around the process, output to /dev/null) and
   keeps the fastest, like Backstop's best of REPEATS loads;
3. prints one table (engine, providers, seconds, providers/s), the ratio Backstop seconds / xmllint seconds and
   PASS or FAIL against the target (default 1.5x).

xmllint runs as ONE process over all files whenever the argument list fits in ARG_MAX (it does for 10,000 files:
it runs inside the catalog directory, so the arguments are bare file names); otherwise the files are split like
`xargs` would, the processes run one after another and their count is printed. Each process parses and compiles
the schema once, so a split adds that cost per process.

Exit status: 2 when a sanity check fails (xmllint rejects a file, Backstop did not load every provider);
1 when --require-target is given and the ratio misses the target; 0 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time


def arg_bytes(args: list[str]) -> int:
    """Bytes the kernel counts for an argument vector: each string, its NUL, and its pointer."""
    return sum(len(a.encode()) + 1 + 8 for a in args)


def split_commands(base: list[str], files: list[str]) -> list[list[str]]:
    """One command if it fits; otherwise as few as fit (like xargs), leaving room for the environment."""
    limit = os.sysconf("SC_ARG_MAX")
    env_size = sum(len(k) + len(v) + 2 + 8 for k, v in os.environ.items())
    budget = limit - env_size - 4096
    commands: list[list[str]] = []
    current = list(base)
    for name in files:
        if arg_bytes(current + [name]) > budget and len(current) > len(base):
            commands.append(current)
            current = list(base)
        current.append(name)
    commands.append(current)
    return commands


def run_all(commands: list[list[str]], cwd: str, capture: bool) -> tuple[int, str]:
    worst = 0
    log = []
    for command in commands:
        done = subprocess.run(
            command,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE if capture else subprocess.DEVNULL,
        )
        worst = max(worst, done.returncode)
        if capture:
            log.append(done.stderr.decode("utf-8", "replace"))
    return worst, "".join(log)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--catalog", required=True, help="the generated catalog directory")
    parser.add_argument("--schema", required=True, help="the XSD (the same one Backstop used)")
    parser.add_argument("--backstop-json", required=True, help="the line `backstop bench catalog` printed")
    parser.add_argument("--expected", type=int, required=True, help="providers generated")
    parser.add_argument("--repeats", type=int, default=3, help="timed xmllint runs, fastest kept (default 3)")
    parser.add_argument("--xmllint", default="xmllint")
    parser.add_argument("--target", type=float, default=1.5, help="PASS when Backstop s / xmllint s <= this")
    parser.add_argument("--require-target", action="store_true", help="exit 1 when the target is missed")
    args = parser.parse_args()

    catalog = os.path.abspath(args.catalog)
    schema = os.path.abspath(args.schema)
    files = sorted(name for name in os.listdir(catalog) if name.endswith(".xml"))
    with open(args.backstop_json) as handle:
        backstop = json.loads(handle.read().strip().splitlines()[-1])

    failures = []
    if len(files) != args.expected:
        failures.append(f"the catalog holds {len(files)} .xml files, {args.expected} were generated")
    if backstop["providers"] != args.expected:
        failures.append(f"Backstop loaded {backstop['providers']} providers, expected {args.expected}")

    commands = split_commands([args.xmllint, "--noout", "--schema", schema], files)
    processes = len(commands)
    print(
        f"xmllint: {processes} process{'es' if processes > 1 else ''} over {len(files)} files "
        f"(ARG_MAX {os.sysconf('SC_ARG_MAX')}, argument list {arg_bytes(commands[0])} bytes"
        f"{' for the first' if processes > 1 else ''})",
        file=sys.stderr,
    )

    # Sanity check, untimed: every file must validate.
    status, log = run_all(commands, catalog, capture=True)
    lines = log.splitlines()
    validated = sum(1 for line in lines if line.endswith(" validates"))
    rejected = [line for line in lines if "fails to validate" in line]
    if status != 0 or validated != len(files) or rejected:
        failures.append(
            f"xmllint: exit status {status}, {validated} of {len(files)} files validate, {len(rejected)} fail"
            + (f" (first: {rejected[0]})" if rejected else "")
        )
        for line in lines:
            if not line.endswith(" validates"):
                print("  " + line, file=sys.stderr)
                break

    timings = []
    for _ in range(max(1, args.repeats)):
        started = time.perf_counter()
        status, _ = run_all(commands, catalog, capture=False)
        timings.append(time.perf_counter() - started)
        if status != 0:
            failures.append(f"xmllint exited with status {status} in a timed run")
            break
    xmllint_seconds = min(timings)

    backstop_seconds = float(backstop["seconds"])
    rows = [
        ("Backstop (backstop bench catalog)", backstop["providers"], backstop_seconds),
        (f"xmllint --noout --schema ({processes} proc.)", len(files), xmllint_seconds),
    ]
    print()
    print(f"{'engine':<40} {'providers':>10} {'seconds':>10} {'providers/s':>12}")
    for engine, count, seconds in rows:
        print(f"{engine:<40} {count:>10} {seconds:>10.4f} {count / seconds:>12,.0f}")
    print(
        f"(best of {args.repeats} each; xmllint runs: {', '.join(f'{t:.4f}' for t in timings)} s)",
    )
    ratio = backstop_seconds / xmllint_seconds
    verdict = "PASS" if ratio <= args.target else "FAIL"
    print(f"ratio Backstop / xmllint (seconds): {ratio:.2f}x  target <= {args.target}x: {verdict}")

    if failures:
        print("SANITY CHECK FAILED:", file=sys.stderr)
        for failure in failures:
            print("  " + failure, file=sys.stderr)
        return 2
    print(f"sanity: xmllint validates all {len(files)} files (exit 0); Backstop loaded {backstop['providers']}")
    if args.require_target and verdict == "FAIL":
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
