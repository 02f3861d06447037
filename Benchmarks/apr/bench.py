#!/usr/bin/env python3
"""Benchmark P1: periodic IRR of many loan schedules, Backstop vs numpy-financial.

Reads the schedules that generate.py wrote, solves each with numpy_financial.irr (timed with
time.perf_counter around the solving loop only; parsing and conversion to numpy arrays are excluded), reads the
rates that `backstop bench apr` wrote for the same file, compares them schedule by schedule and prints

* a table: engine, schedules, seconds, schedules/s;
* the speed ratio Backstop / numpy-financial and PASS/FAIL against the target (default 100x);
* the agreement check: max |difference| of the periodic rate, count of differences > tolerance (default 1e-9),
  count of schedules where numpy-financial returns nan, and PASS/FAIL.

Time budget: numpy-financial runs in chunks of 1,000 schedules, in file order. If after a chunk more than
--budget seconds (default 60) have been spent on solving and at least --min-subset schedules (default 10,000)
are done, it stops there: its rate per second is then measured on that first subset (the file is random, so the
subset is representative) and the agreement check covers that subset only. Both are said in the output.

Exit status: 0 when the answers agree, 1 when any schedule disagrees (or Backstop's output does not match the
input), 2 on a usage error. The speed target alone does not change the exit status unless --require-target.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np
import numpy_financial as npf

CHUNK = 1_000


def parse_schedules(path: str) -> list[np.ndarray]:
    schedules = []
    with open(path, encoding="ascii") as handle:
        for number, line in enumerate(handle, 1):
            line = line.strip()
            if not line:
                continue
            try:
                schedules.append(np.array([float(x) for x in line.split(" ")], dtype=np.float64))
            except ValueError:
                sys.exit(f"{path}:{number}: expected space-separated numbers")
    return schedules


def read_rates(path: str) -> np.ndarray:
    with open(path, encoding="ascii") as handle:
        return np.array([float(line) for line in handle if line.strip()], dtype=np.float64)


def backstop_result(text: str) -> dict:
    """The JSON line printed by `backstop bench apr`, given inline or as a file name."""
    if not text.lstrip().startswith("{") and os.path.exists(text):
        with open(text, encoding="utf-8") as handle:
            text = handle.read()
    lines = [line for line in text.splitlines() if line.strip().startswith("{")]
    if not lines:
        sys.exit(f"no JSON line in --backstop-json: {text!r}")
    return json.loads(lines[-1])


def time_npf(schedules: list[np.ndarray], budget: float, min_subset: int) -> tuple[np.ndarray, int, float]:
    """Solve with npf.irr in chunks; returns (rates for the solved prefix, how many solved, seconds spent)."""
    rates = np.full(len(schedules), np.nan)
    irr = npf.irr
    spent = 0.0
    done = 0
    while done < len(schedules):
        end = min(done + CHUNK, len(schedules))
        chunk = schedules[done:end]
        out = [0.0] * len(chunk)
        started = time.perf_counter()
        for index, values in enumerate(chunk):
            out[index] = irr(values)
        spent += time.perf_counter() - started
        rates[done:end] = out
        done = end
        if spent > budget and done >= min_subset:
            break
    return rates[:done], done, spent


def blas_description() -> str:
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "threadpoolctl not installed (kernel unknown)"
    parts = []
    for lib in threadpool_info():
        if lib.get("user_api") == "blas":
            parts.append(
                f"{lib.get('internal_api')} {lib.get('version')}, kernel {lib.get('architecture')}, "
                f"{lib.get('num_threads')} threads"
            )
    return "; ".join(parts) or "no BLAS found by threadpoolctl"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", required=True, help="schedules file written by generate.py")
    parser.add_argument("--backstop-output", required=True, help="rates file written by `backstop bench apr --output`")
    parser.add_argument("--backstop-json", required=True, help="the JSON line `backstop bench apr` printed, or a file holding it")
    parser.add_argument("--budget", type=float, default=60.0, help="seconds of numpy-financial solving before it may stop on a subset (default 60)")
    parser.add_argument("--min-subset", type=int, default=10_000, help="fewest schedules numpy-financial solves (default 10000)")
    parser.add_argument("--tolerance", type=float, default=1e-9, help="largest allowed |difference| of periodic rates (default 1e-9)")
    parser.add_argument("--target", type=float, default=100.0, help="speed target, Backstop/numpy-financial (default 100)")
    parser.add_argument("--require-target", action="store_true", help="also exit 1 when the speed target is missed")
    parser.add_argument("--samples", type=int, default=5, help="how many disagreeing schedules to print (default 5)")
    args = parser.parse_args(argv)

    schedules = parse_schedules(args.input)
    total = len(schedules)
    backstop = backstop_result(args.backstop_json)
    backstop_rates = read_rates(args.backstop_output)
    if len(backstop_rates) != total or int(backstop["count"]) != total:
        print(
            f"FAIL: {args.input} has {total} schedules but Backstop solved {backstop['count']} "
            f"and wrote {len(backstop_rates)} rates",
            file=sys.stderr,
        )
        return 1

    blas_env = {name: os.environ[name] for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if name in os.environ}
    print(f"numpy {np.__version__}, numpy-financial {npf.__version__}; BLAS: {blas_description()}")
    if blas_env:
        print(f"note: {blas_env} is set; numpy may be running a slower kernel than this CPU supports")

    npf_rates, solved, npf_seconds = time_npf(schedules, args.budget, args.min_subset)
    npf_rate = solved / npf_seconds
    subset = solved < total

    b_seconds = float(backstop["seconds"])
    b_rate = float(backstop["perSecond"])

    print()
    print(f"{'engine':<28} {'schedules':>10} {'seconds':>10} {'schedules/s':>14}")
    print(f"{'Backstop (best of repeats)':<28} {total:>10} {b_seconds:>10.4f} {b_rate:>14,.0f}")
    label = "numpy-financial" + (" (subset)" if subset else "")
    print(f"{label:<28} {solved:>10} {npf_seconds:>10.4f} {npf_rate:>14,.0f}")
    if subset:
        print(
            f"note: numpy-financial timed on the first {solved} of {total} schedules (over the {args.budget:g} s "
            f"budget); its schedules/s is that subset's rate, the full file would take ~{total / npf_rate:.0f} s"
        )

    ratio = b_rate / npf_rate
    speed_ok = ratio >= args.target
    print()
    print(f"speed ratio Backstop / numpy-financial: {ratio:,.1f}x  (target >= {args.target:g}x): {'PASS' if speed_ok else 'FAIL'}")

    # Agreement, over the schedules numpy-financial solved.
    ours = backstop_rates[:solved]
    npf_nan = np.isnan(npf_rates)
    b_nan = np.isnan(ours)
    both = ~npf_nan & ~b_nan
    diff = np.abs(ours - npf_rates)
    max_diff = float(diff[both].max()) if both.any() else 0.0
    worst = int(np.argmax(np.where(both, diff, -1.0))) if both.any() else -1
    too_far = both & (diff > args.tolerance)
    only_backstop_nan = b_nan & ~npf_nan
    only_npf_nan = npf_nan & ~b_nan
    disagreeing = too_far | only_backstop_nan
    n_disagree = int(disagreeing.sum())

    scope = f"{solved} schedules" + (f" (the timed subset of {total})" if subset else "")
    print(f"agreement over {scope}:")
    print(f"  max |rate difference| (both finite): {max_diff:.3g}" + (f" at line {worst + 1}" if worst >= 0 else ""))
    print(f"  differences > {args.tolerance:g}: {int(too_far.sum())}")
    print(f"  numpy-financial nan: {int(npf_nan.sum())} (Backstop found a rate for {int(only_npf_nan.sum())} of them)")
    print(f"  Backstop nan where numpy-financial has a rate: {int(only_backstop_nan.sum())}")
    agree = n_disagree == 0
    print(f"agreement check: {'PASS' if agree else 'FAIL'} ({n_disagree} disagreeing)")

    samples = list(np.flatnonzero(disagreeing)[: args.samples]) + list(np.flatnonzero(only_npf_nan)[: args.samples])
    for index in samples:
        values = schedules[index]
        shown = " ".join(f"{v:.2f}" for v in values[:6]) + (" ..." if len(values) > 6 else "")
        print(
            f"  line {index + 1}: backstop {float(ours[index]):.17g} npf {float(npf_rates[index]):.17g} "
            f"({len(values)} flows: {shown})"
        )

    if not agree:
        return 1
    if args.require_target and not speed_ok:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
