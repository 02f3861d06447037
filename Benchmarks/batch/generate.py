#!/usr/bin/env python3
"""Writes N synthetic user profiles as JSON Lines for benchmark P4 (`backstop batch`).

Deterministic for a seed. The profiles spread over the ranges the rules look at (credit score, overdue history,
cash-out flags, identity, income and debt, accounts, service states), and one line in every 500 carries its own
request, so both input shapes are exercised. Written in a streaming way: memory does not grow with N.

    generate.py --count 1000000 --seed 20240607 --output profiles.jsonl
"""
import argparse
import json
import random
import sys

STATES = ["open", "open", "open", "restricted", "closed"]
IDENTITIES = ["verified", "verified", "verified", "verified", "unverified", "expired-document", "mismatch", "suspected-impersonation"]
ACCOUNTS = ["alipay", "wechat", "jd", "meituan", "bank"]


def profile(rng: random.Random, number: int) -> dict:
    score = rng.randint(350, 950)
    overdue12 = rng.choice([0, 0, 0, 0, 1, 2, 3, 5])
    return {
        "id": f"p-{number:07d}",
        "age": rng.randint(18, 70),
        "creditScore": score,
        "creditScore90DaysAgo": max(350, min(950, score + rng.randint(-60, 40))),
        "repayment": {
            "overdueCount12m": overdue12,
            "overdueCount24m": overdue12 + rng.choice([0, 0, 1, 2]),
            "worstDaysPastDue": 0 if overdue12 == 0 else rng.choice([3, 15, 30, 45, 90]),
            "currentOverdueAmount": 0 if rng.random() < 0.9 else rng.randint(1, 5000),
        },
        "cashOutFlags12m": rng.choice([0, 0, 0, 0, 0, 1, 2]),
        "identity": rng.choice(IDENTITIES),
        "monthlyIncome": rng.randrange(2000, 60000, 100),
        "monthlyDebtPayments": rng.randrange(0, 20000, 50),
        "accounts": sorted(rng.sample(ACCOUNTS, rng.randint(1, len(ACCOUNTS)))),
        "services": {"huabei": rng.choice(STATES), "jiebei": rng.choice(STATES)},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20240607)
    parser.add_argument("--output", default="-", help="file to write, - for standard output")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    out = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8")
    write = out.write
    for number in range(1, args.count + 1):
        item = profile(rng, number)
        if number % 500 == 0:
            item = {
                "profile": item,
                "request": {"amount": rng.randrange(1000, 50000, 500), "termMonths": rng.choice([3, 6, 12, 24])},
            }
        write(json.dumps(item, separators=(",", ":")))
        write("\n")
    if out is not sys.stdout:
        out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
