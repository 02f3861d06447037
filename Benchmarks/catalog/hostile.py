#!/usr/bin/env python3
"""Benchmark: the time and memory `backstop providers validate` takes on each hostile XML document.

The hostile documents are Tests/BackstopCatalogTests/Fixtures/hostile/ (see its README.md; templates are filled in
as the tests fill them: @PORT@ a loopback listener's port, @FIFO@ a FIFO's path, @REPEAT:<count>:<text>@ streamed).
Each document is validated by a process of its own, so its wall time and peak resident memory (ru_maxrss of that
process, from wait4) are the document's alone. The budgets (default 2 s and 200 MB a document) used to be asserted
inside the test suite, where the whole test process's memory and a loaded machine made them noise; the tests now
assert the limits the loader enforces (XMLLimits), and this reports the cost.

Whether each document is refused as the README says is the tests' business, not this script's. Exit status: 1 when
--require-budget is given and a document is over a budget; 0 otherwise.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

REPEAT = re.compile(r"@REPEAT:(\d+):([^@]*)@")


def fill(template: str, target: str, port: int, fifo: str) -> None:
    """Writes a template with its placeholders replaced, streaming @REPEAT@ runs in 1 MiB chunks."""
    text = template.replace("@PORT@", str(port)).replace("@FIFO@", fifo)
    with open(target, "wb") as out:
        position = 0
        for match in REPEAT.finditer(text):
            out.write(text[position : match.start()].encode())
            unit = match.group(2).encode()
            count = int(match.group(1))
            per_chunk = max(1, (1 << 20) // max(1, len(unit)))
            while count > 0:
                n = min(per_chunk, count)
                out.write(unit * n)
                count -= n
            position = match.end()
        out.write(text[position:].encode())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backstop", required=True, help="the backstop binary")
    parser.add_argument("--fixtures", default="Tests/BackstopCatalogTests/Fixtures/hostile")
    parser.add_argument("--schema", default="providers/schema/provider-1.xsd")
    parser.add_argument("--seconds", type=float, default=2.0, help="time budget per document")
    parser.add_argument("--megabytes", type=float, default=200.0, help="peak resident memory budget per document")
    parser.add_argument("--require-budget", action="store_true", help="exit 1 when a document is over a budget")
    args = parser.parse_args()

    files = sorted(name for name in os.listdir(args.fixtures) if name != "README.md")
    over = []
    print(f"{'document':50} {'exit':>4} {'seconds':>8} {'peak MB':>8}")
    for name in files:
        work = tempfile.mkdtemp(prefix="backstop-hostile-")
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            listener.bind(("127.0.0.1", 0))
            listener.listen(16)
            fifo = os.path.join(work, "secret")
            os.mkfifo(fifo, 0o600)
            target = os.path.join(work, name.removesuffix(".template"))
            source = os.path.join(args.fixtures, name)
            if name.endswith(".template"):
                with open(source, encoding="utf-8") as handle:
                    fill(handle.read(), target, listener.getsockname()[1], fifo)
            else:
                shutil.copyfile(source, target)
            command = [args.backstop, "providers", "validate", target, "--schema", args.schema]
            start = time.perf_counter()
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            _, status, usage = os.wait4(process.pid, 0)
            seconds = time.perf_counter() - start
            megabytes = usage.ru_maxrss / 1024  # kilobytes on Linux
            code = os.waitstatus_to_exitcode(status)
            flag = ""
            if seconds > args.seconds or megabytes > args.megabytes:
                over.append(name)
                flag = "  OVER BUDGET"
            print(f"{name:50} {code:>4} {seconds:>8.3f} {megabytes:>8.1f}{flag}")
        finally:
            listener.close()
            shutil.rmtree(work, ignore_errors=True)
    print(f"{len(files) - len(over)} of {len(files)} documents within {args.seconds} s and {args.megabytes} MB")
    return 1 if over and args.require_budget else 0


if __name__ == "__main__":
    sys.exit(main())
