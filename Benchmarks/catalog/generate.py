#!/usr/bin/env python3
"""Generate a large provider catalog for benchmark P2 (catalog load, Backstop vs xmllint).

Every output file is a variation of one of the real provider descriptions in format version 1 (by default
`providers/testdata/v1-catalog/*.xml`, the shipped channels as they were before the catalog moved to version 2:
the same samples as before, so the same seed gives the same files), taken in turn, in name order: file i (1-based)
of sample `wechat-weilidai` is `gen-0000i-wechat-weilidai.xml`, with the id changed to match (rule L9) and new
names, limits, rates, fees, terms, pricing groups, eligibility thresholds and status dates. Everything the XSD and the loader rules L1-L9 require stays true:

* L1 the English name stays first, the Chinese one second; L2 the licence kind is kept, so an unlicensed sample
  stays without regulator and number (licensed ones sometimes gain a made-up `number`);
* L3 limits min <= max; L4 an interest keeps its kind (so dayCount and the two percents stay as they were) and
  both percents are scaled by the same factor, so min <= max; L5 the same for instalment fees;
* L6 a new set of offered terms is drawn, and the sample's pricing elements are reused as templates: those with
  `terms="..."` get consecutive, disjoint, non-empty groups of the new terms, and the one without (if any)
  covers the rest, at least one term; when there is no such default, the groups cover every term;
* L7 age min <= max; L8 status periods are re-dated in order, without overlap, until >= from;
* the XSD facets: percents with at most four decimals and <= 100, yuan with at most two, credit scores
  350-950, ages 18-100, ids at most 64 characters, text at most 200 characters.

Sources, comments and notes are kept (the notes get one sentence saying the entry is generated), so files are
about the size of the samples (2.7-4.5 KB). The output depends only on the samples, N and the seed: each file
uses its own `random.Random(f"{seed}:{i}")` (string seeds are stable across platforms and Python 3.2+).

Usage: generate.py [--count N] [--seed S] [--samples DIR] --output DIR
"""

from __future__ import annotations

import argparse
import datetime as dt
import glob
import os
import random
import sys
import xml.etree.ElementTree as ET
from decimal import ROUND_HALF_UP, Decimal

NS = "urn:backstop:provider:1"
Q = "{%s}" % NS

# Term lengths (months) a generated provider may offer; card and credit-line samples draw from short ones too.
TERM_POOL = [1, 3, 5, 6, 9, 10, 12, 18, 20, 24, 36, 48, 60]

ZH_SUFFIX = "甲乙丙丁戊己庚辛壬癸"
EN_FLAVOURS = ["Plus", "Lite", "Express", "Flex", "Prime", "Select", "Easy", "Smart"]


def q(tag: str) -> str:
    return Q + tag


def percent_text(value: Decimal) -> str:
    """A Percent: plain digits, at most four fraction digits, trailing zeros dropped."""
    value = value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def yuan_text(fen: int) -> str:
    """Yuan from fen: `1200` or `1234.5` style, at most two fraction digits."""
    whole, part = divmod(fen, 100)
    if part == 0:
        return str(whole)
    text = f"{whole}.{part:02d}"
    return text.rstrip("0")


def scaled_percents(rng: random.Random, low: str, high: str) -> tuple[str, str]:
    """Both bounds times one factor (0.7-1.3), capped at 100; min <= max is kept because rounding is monotonic."""
    factor = Decimal(rng.randint(70, 130)) / Decimal(100)
    new_low = min(Decimal(low) * factor, Decimal(100))
    new_high = min(Decimal(high) * factor, Decimal(100))
    # The per-mille wiggle on the upper bound only ever raises it.
    new_high = min(new_high * (1 + Decimal(rng.randint(0, 50)) / Decimal(1000)), Decimal(100))
    return percent_text(new_low), percent_text(new_high)


def add_days(date: dt.date, days: int) -> dt.date:
    return date + dt.timedelta(days=days)


def load_samples(directory: str) -> list[tuple[str, bytes]]:
    files = sorted(glob.glob(os.path.join(directory, "*.xml")))
    if not files:
        sys.exit(f"generate.py: no *.xml samples in {directory}")
    samples = []
    for path in files:
        with open(path, "rb") as handle:
            samples.append((os.path.basename(path)[: -len(".xml")], handle.read()))
    return samples


def parse(data: bytes) -> ET.Element:
    parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True))
    parser.feed(data)
    return parser.close()


def vary_terms(rng: random.Random, root: ET.Element) -> list[int]:
    """Draws a new set of offered terms (about as many as the sample had, sorted) and rewrites <terms>."""
    terms_el = root.find(q("terms"))
    old = [int(t.get("months")) for t in terms_el.findall(q("term"))]
    count = max(1, min(len(TERM_POOL), len(old) + rng.randint(-1, 1)))
    # Keep the sample's flavour: short-term samples (a 1-month term) keep 1 month.
    pool = [m for m in TERM_POOL if m != 1]
    chosen = set(rng.sample(pool, count - 1 if 1 in old else count))
    if 1 in old:
        chosen.add(1)
    months = sorted(chosen)
    source = terms_el.get("source")
    tail = terms_el.tail
    terms_el.clear()
    terms_el.set("source", source)
    terms_el.tail = tail
    for month in months:
        ET.SubElement(terms_el, q("term"), {"months": str(month)})
    return months


def vary_pricing(rng: random.Random, root: ET.Element, months: list[int]) -> None:
    """Reassigns the sample's pricing elements to the new terms (rule L6) and varies their figures."""
    children = list(root)
    pricing = [el for el in children if el.tag == q("pricing")]
    listed = [el for el in pricing if el.get("terms") is not None]
    default = [el for el in pricing if el.get("terms") is None]
    assert len(default) <= 1, "a sample has two pricing elements without terms"
    if default:
        # Leave at least one term to the default pricing.
        groups = rng.randint(0, min(len(listed), len(months) - 1))
        covered = rng.randint(groups, len(months) - 1) if groups else 0
        subset = months[:covered]
    else:
        groups = min(len(listed), len(months))
        subset = months
    # Split `subset` into `groups` consecutive non-empty runs.
    cuts = sorted(rng.sample(range(1, len(subset)), groups - 1)) if groups > 1 else []
    runs = [subset[a:b] for a, b in zip([0] + cuts, cuts + [len(subset)])] if groups else []
    keep = listed[:groups]
    for element, run in zip(keep, runs):
        element.set("terms", " ".join(str(m) for m in run))
    for element in listed[groups:]:
        root.remove(element)
    for element in keep + default:
        vary_pricing_figures(rng, element)


def vary_pricing_figures(rng: random.Random, pricing: ET.Element) -> None:
    for child in pricing:
        tag = child.tag
        if tag == q("interest") and child.get("kind") != "none":
            low, high = scaled_percents(rng, child.get("minPercent"), child.get("maxPercent"))
            child.set("minPercent", low)
            child.set("maxPercent", high)
            if child.get("kind") == "daily" and rng.random() < 0.3:
                child.set("dayCount", rng.choice(["actual/360", "actual/365"]))
        elif tag == q("installmentFee"):
            low, high = scaled_percents(rng, child.get("minPercent"), child.get("maxPercent"))
            child.set("minPercent", low)
            child.set("maxPercent", high)
        elif tag == q("interestFreeDays"):
            child.set("max", str(rng.choice([0, 15, 20, 30, 40, 45, 50, 56, 60])))
        elif tag == q("upfrontFee"):
            if child.get("percent") is not None:
                child.set("percent", percent_text(Decimal(rng.randint(50, 4000)) / Decimal(100)))
            else:
                child.set("amount", yuan_text(rng.randint(1, 2000) * 100))
        elif tag == q("membershipFee"):
            child.set("monthly", yuan_text(rng.choice([1990, 2900, 4900, 6900, 9900, 12800, 19900])))


def vary_eligibility(rng: random.Random, root: ET.Element) -> None:
    eligibility = root.find(q("eligibility"))
    for child in list(eligibility):
        tag = child.tag
        if tag == q("minCreditScore"):
            child.set("value", str(rng.randint(500, 720)))
        elif tag == q("maxOverdueCount"):
            child.set("value", str(rng.randint(0, 3) * (2 if child.get("months") == "24" else 1)))
        elif tag == q("maxDaysPastDue"):
            child.set("value", str(rng.choice([0, 15, 30, 60, 90, 180])))
        elif tag == q("age"):
            low = rng.randint(18, 25)
            child.set("min", str(low))
            if child.get("max") is not None:
                child.set("max", str(rng.randint(max(low, 45), 65)))
        elif tag == q("minMonthlyIncome"):
            child.set("value", yuan_text(rng.randint(10, 80) * 10000))
        elif tag == q("maxDebtToIncome"):
            child.set("percent", str(rng.choice([40, 45, 50, 55, 60, 65, 70, 75, 80])))


def vary_status(rng: random.Random, root: ET.Element) -> None:
    """Re-dates the periods in order: each starts after the previous one ends (rule L8)."""
    start = dt.date(2010, 1, 1) + dt.timedelta(days=rng.randint(0, 14 * 365))
    for period in root.find(q("status")).findall(q("period")):
        period.set("from", start.isoformat())
        length = rng.randint(30, 5 * 365)
        if period.get("until") is not None:
            until = add_days(start, length)
            period.set("until", until.isoformat())
            start = add_days(until, 1)
        else:
            start = add_days(start, length)


def generate_one(index: int, sample_id: str, data: bytes, seed: int) -> tuple[str, bytes]:
    rng = random.Random(f"{seed}:{index}")
    root = parse(data)
    new_id = f"gen-{index:05d}-{sample_id}"
    assert len(new_id) <= 64, new_id
    root.set("id", new_id)

    names = root.findall(q("name"))
    flavour = rng.choice(EN_FLAVOURS)
    names[0].text = f"{names[0].text} {flavour} (generated {index})"
    names[1].text = f"{names[1].text}·{ZH_SUFFIX[index % len(ZH_SUFFIX)]}{index}号"

    licence = root.find(q("licence"))
    if licence.get("kind") != "none" and rng.random() < 0.5:
        licence.set("number", f"GEN-{rng.randint(100000, 999999)}")

    limits = root.find(q("limits"))
    min_fen = rng.choice([1, 100, 300, 500, 600, 800, 1000, 2000, 3000]) * 100
    if rng.random() < 0.1:
        min_fen += rng.randint(1, 99)  # now and then an amount with fen
    max_fen = max(min_fen, rng.choice([5, 10, 20, 30, 50, 80, 100, 150, 200, 300, 500]) * 1000 * 100)
    limits.set("min", yuan_text(min_fen))
    limits.set("max", yuan_text(max_fen))

    months = vary_terms(rng, root)
    vary_pricing(rng, root, months)
    vary_eligibility(rng, root)
    vary_status(rng, root)

    retrieved = (dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(0, 330))).isoformat()
    for source in root.find(q("sources")).findall(q("source")):
        source.set("retrieved", retrieved)

    notes = root.find(q("notes"))
    notes.text = (
        f"{notes.text} GENERATED for benchmark P2 from {sample_id}.xml (variant {index}): "
        "names, figures, terms and dates are varied at random and describe no real offer."
    )

    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return new_id, ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def main() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10000, help="providers to write (default 10000)")
    parser.add_argument("--seed", type=int, default=20240602, help="random seed (default 20240602)")
    parser.add_argument(
        "--samples",
        default=os.path.join(here, "..", "..", "providers", "testdata", "v1-catalog"),
        help="directory of the version-1 sample provider files (default: providers/testdata/v1-catalog)",
    )
    parser.add_argument("--output", required=True, help="directory to write <id>.xml files into (created)")
    args = parser.parse_args()
    if not 1 <= args.count <= 99999:
        sys.exit("generate.py: --count must be 1..99999 (ids carry five digits)")

    ET.register_namespace("", NS)
    samples = load_samples(args.samples)
    os.makedirs(args.output, exist_ok=True)
    total = 0
    for index in range(1, args.count + 1):
        sample_id, data = samples[(index - 1) % len(samples)]
        new_id, text = generate_one(index, sample_id, data, args.seed)
        with open(os.path.join(args.output, new_id + ".xml"), "wb") as handle:
            handle.write(text)
        total += len(text)
    print(
        f"wrote {args.count} providers ({total / 1e6:.1f} MB, {total / args.count:.0f} bytes each on average) "
        f"from {len(samples)} samples to {args.output}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
