#!/usr/bin/env python3
"""Make the hostile inputs of Benchmarks/hostile/run.sh (standard library only).

Subcommands:

* ``all-terms DIR``: rewrites every provider file in DIR (the output of Benchmarks/catalog/generate.py) so that it
  offers every term from 1 to 360 months, priced by its first ``<pricing>`` (its ``terms`` attribute removed, the
  other pricing elements dropped: loader rule L6 then holds). The rest of each file is kept as generated.
* ``many-attributes FILE COUNT``: writes a provider file whose root element carries COUNT extra attributes
  (``a0="0" a1="1" ...``) on top of a copy of providers/wechat-weilidai.xml.
* ``nested-number FILE DEPTH``: ``[`` x DEPTH, then DEPTH numbers, then ``]`` x DEPTH (a /v1/apr body).
* ``long-key FILE KEY_CHARS NUMBERS``: a /v1/quote body with a key of KEY_CHARS characters whose value is an array
  of NUMBERS fractional numbers, then ``"termMonths": 12.5``.
"""

from __future__ import annotations

import glob
import os
import sys
import xml.etree.ElementTree as ET

NS = "urn:backstop:provider:1"
Q = "{%s}" % NS
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def all_terms(directory: str) -> None:
    ET.register_namespace("", NS)
    files = sorted(glob.glob(os.path.join(directory, "*.xml")))
    for path in files:
        tree = ET.parse(path)
        root = tree.getroot()
        terms = root.find(Q + "terms")
        for term in list(terms):
            terms.remove(term)
        terms.text = None
        for months in range(1, 361):
            ET.SubElement(terms, Q + "term", {"months": str(months)})
        pricings = root.findall(Q + "pricing")
        pricings[0].attrib.pop("terms", None)
        for extra in pricings[1:]:
            root.remove(extra)
        tree.write(path, encoding="UTF-8", xml_declaration=True)
    print(f"{len(files)} providers now offer every term from 1 to 360 months", file=sys.stderr)


def many_attributes(path: str, count: int) -> None:
    with open(os.path.join(ROOT, "providers", "wechat-weilidai.xml"), encoding="utf-8") as handle:
        text = handle.read()
    attributes = " ".join(f'a{i}="{i}"' for i in range(count))
    marker = 'schemaVersion="1"'
    assert marker in text
    text = text.replace(marker, marker + " " + attributes, 1)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def nested_number(path: str, depth: int) -> None:
    with open(path, "w", encoding="ascii") as handle:
        handle.write("[" * depth + ",".join("1" for _ in range(depth)) + "]" * depth)


def long_key(path: str, key_chars: int, numbers: int) -> None:
    key = "k" * key_chars
    values = ",".join(f"0.{1 + i % 9}" for i in range(numbers))
    with open(path, "w", encoding="ascii") as handle:
        handle.write('{"amount": 5000, "%s": [%s], "termMonths": 12.5}' % (key, values))


def main() -> None:
    command, *arguments = sys.argv[1:] or ["help"]
    if command == "all-terms" and len(arguments) == 1:
        all_terms(arguments[0])
    elif command == "many-attributes" and len(arguments) == 2:
        many_attributes(arguments[0], int(arguments[1]))
    elif command == "nested-number" and len(arguments) == 2:
        nested_number(arguments[0], int(arguments[1]))
    elif command == "long-key" and len(arguments) == 3:
        long_key(arguments[0], int(arguments[1]), int(arguments[2]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
