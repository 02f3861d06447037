#!/usr/bin/env python3
"""Generate random consumer-loan cash-flow schedules for benchmark P1 (APR / periodic IRR).

Each output line is one schedule seen from the lender: the first amount is the advance (negative), the
following ones are the monthly repayments, at t = 0, 1, 2, ... unit periods. Amounts are in yuan with at most
two decimals, separated by single spaces.

The mix imitates common Chinese consumer-credit pricing:

* equal instalments (等额本息): annual nominal rate 3-24 %, monthly rate = annual / 12, the payment is rounded
  to the fen, the interest of each row is rounded to the fen and the last row pays off whatever principal is
  left (last-row adjustment);
* card instalments (信用卡分期): a flat fee of 0.50-0.95 % per month of the *original* principal, principal
  split evenly (truncated to the fen), the rounding remainder paid in the last month;
* an upfront fee (服务费 / 砍头息) on some loans of either kind: 0.5-5 % of the principal (or a flat 50-2,000
  yuan), netted from the advance.

Everything is computed in integer fen, so the output depends on the seed alone (Python's `random` with a
fixed seed is reproducible across platforms and versions 3.2+).

Usage: generate.py [--count N] [--seed S] [--output FILE]
"""

from __future__ import annotations

import argparse
import random
import sys
from decimal import ROUND_HALF_UP, Decimal, getcontext

getcontext().prec = 50

FEN = Decimal(1)


def round_fen(value: Decimal) -> int:
    """Round an amount in fen (possibly fractional) half-up to a whole fen."""
    return int(value.quantize(FEN, rounding=ROUND_HALF_UP))


def equal_instalments(principal: int, months: int, annual_bp: int) -> list[int]:
    """Repayments (fen) of an equal-instalment loan; `annual_bp` is the annual rate in basis points."""
    r = Decimal(annual_bp) / Decimal(12 * 10_000)
    growth = (1 + r) ** months
    payment = round_fen(Decimal(principal) * r * growth / (growth - 1))
    balance = principal
    rows = []
    for month in range(1, months + 1):
        interest = round_fen(Decimal(balance) * r)
        if month == months:
            rows.append(balance + interest)  # last-row adjustment: clear the balance exactly
            balance = 0
        else:
            rows.append(payment)
            balance -= payment - interest
    return rows


def card_instalments(principal: int, months: int, fee_bp: int) -> list[int]:
    """Repayments (fen) of a card instalment plan with a flat monthly fee of `fee_bp` basis points of principal."""
    fee = round_fen(Decimal(principal) * fee_bp / 10_000)
    part = principal // months
    rows = [part + fee] * (months - 1)
    rows.append(principal - part * (months - 1) + fee)
    return rows


def fmt(fen: int) -> str:
    """Yuan with at most two decimals: 1234.5 -> '1234.50'; whole yuan are written without decimals."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}" if cents == 0 else f"{sign}{whole}.{cents:02d}"


def schedule(rng: random.Random) -> list[int]:
    principal = rng.randint(1_000_00, 200_000_00)  # fen
    months = rng.randint(3, 36)
    if rng.random() < 0.55:
        rows = equal_instalments(principal, months, annual_bp=rng.randint(300, 2400))
    else:
        rows = card_instalments(principal, months, fee_bp=rng.randint(50, 95))
    advance = principal
    if rng.random() < 0.2:
        if rng.random() < 0.7:
            upfront = round_fen(Decimal(principal) * rng.randint(50, 500) / 10_000)
        else:
            upfront = min(rng.randint(50, 2_000) * 100, principal // 10)
        advance -= upfront
    return [-advance] + rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000, help="number of schedules (default 100000)")
    parser.add_argument("--seed", type=int, default=20240601, help="random seed (default 20240601)")
    parser.add_argument("--output", default="-", help="output file (default: standard output)")
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("--count must be at least 1")

    rng = random.Random(args.seed)
    out = sys.stdout if args.output == "-" else open(args.output, "w", encoding="ascii", newline="\n")
    try:
        for _ in range(args.count):
            out.write(" ".join(fmt(a) for a in schedule(rng)))
            out.write("\n")
    finally:
        if out is not sys.stdout:
            out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
