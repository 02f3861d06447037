#!/usr/bin/env python3
"""Compare two `backstop batch` outputs line by line (P4, before and after a change).

Prints how many lines differ and, for the differing lines, how often each JSON path differs (array indices
replaced by [] and, inside a list of refusals or warnings, the entry named by its provider), so a difference in
outputs is explained by what changed rather than only detected.

Usage: compare.py BEFORE.jsonl AFTER.jsonl
"""

from __future__ import annotations

import collections
import json
import re
import sys

PROVIDER = re.compile(r"gen-\d+-[a-z0-9-]+")


def flatten(value, path="$"):
    """Yield (path, leaf) pairs; lists of objects with a "provider" are keyed by it, lists of strings by value (so
    an added entry reads as one, not as every later index shifting)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from flatten(item, f"{path}.{key}")
    elif isinstance(value, list) and value and all(isinstance(item, str) for item in value):
        for item in value:
            yield f"{path}[={item}]", item
    elif isinstance(value, list):
        keyed = all(isinstance(item, dict) and "provider" in item for item in value) and value
        for index, item in enumerate(value):
            name = f"[{item['provider']}]" if keyed else f"[{index}]"
            yield from flatten(item, path + name)
        if not value:
            yield path, "[]"
    else:
        yield path, value


def pattern(path: str) -> str:
    """A path with provider names and indices generalised; a list entry named by value keeps the value."""
    path = re.sub(r"\[(?!=)[^\]]*\]", "[]", path)
    return PROVIDER.sub("<provider>", path)


def main() -> int:
    before_path, after_path = sys.argv[1], sys.argv[2]
    counts: collections.Counter[str] = collections.Counter()
    lines = differing = 0
    with open(before_path, encoding="utf-8") as before, open(after_path, encoding="utf-8") as after:
        for left, right in zip(before, after, strict=True):
            lines += 1
            if left == right:
                continue
            differing += 1
            a = dict(flatten(json.loads(left)))
            b = dict(flatten(json.loads(right)))
            changed = {pattern(p) + (" (added)" if p not in a else " (removed)" if p not in b else "")
                       for p in set(a) | set(b) if a.get(p, object()) != b.get(p, object())}
            counts.update(changed)
    print(f"{differing} of {lines} lines differ")
    for path, count in counts.most_common(25):
        print(f"  {count:8d}  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
