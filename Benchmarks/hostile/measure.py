#!/usr/bin/env python3
"""Benchmark H1 driver: sends a normal request and the four hostile cases to a running `backstop serve` and prints
the server's CPU time and memory for each (standard library only; run by Benchmarks/hostile/run.sh).

CPU is utime + stime of the server process (/proc/<pid>/stat, in clock ticks: 10 ms on Linux), read before and after
the requests of a case; a case that is cheap is repeated and the mean per request reported. Memory is the server's
resident set (VmRSS) after the case minus before it, and its peak so far (VmHWM, which only grows over the process's
life). A case passes when its CPU per request is under the absolute bound and within the ratio of the normal
request's (the normal request is counted as at least one clock tick).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import resource
import shutil
import subprocess
import sys
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
TICK_MS = 1000.0 / os.sysconf("SC_CLK_TCK")


def cpu_ms(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    # After the command name: state is field 3, utime field 14, stime field 15 (1-based over the whole line).
    return (int(fields[11]) + int(fields[12])) * TICK_MS


def memory_kib(pid: int) -> dict[str, int]:
    values = {}
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0])
    return values


class Server:
    def __init__(self, url: str, pid: int, token: str) -> None:
        parsed = urllib.parse.urlparse(url)
        self.host, self.port = parsed.hostname, parsed.port
        self.pid = pid
        self.token = token

    def request(self, method: str, path: str, body: bytes | None = None, timeout: float = 900) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if path == "/v1/admin/reload":
            headers["Authorization"] = "Bearer " + self.token
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        connection.close()
        return response.status, data


class Case:
    def __init__(self, name: str, statuses: list[int], cpu: float, repeats: int, rss: int, hwm: int, note: str):
        self.name, self.statuses, self.cpu, self.repeats = name, statuses, cpu, repeats
        self.rss, self.hwm, self.note = rss, hwm, note

    @property
    def per_request(self) -> float:
        return self.cpu / self.repeats


def measure(server: Server, name: str, send, repeats: int = 1, note: str = "") -> Case:
    before_memory = memory_kib(server.pid)
    before = cpu_ms(server.pid)
    statuses = [send() for _ in range(repeats)]
    after = cpu_ms(server.pid)
    after_memory = memory_kib(server.pid)
    case = Case(
        name,
        statuses,
        after - before,
        repeats,
        after_memory["VmRSS"] - before_memory["VmRSS"],
        after_memory["VmHWM"],
        note,
    )
    print(
        f"  {name}: {case.per_request:.1f} ms CPU per request ({repeats}x), RSS {case.rss:+d} KiB, "
        f"VmHWM {case.hwm} KiB, status {sorted(set(statuses))}",
        file=sys.stderr,
    )
    return case


def validate_cpu(binary: str, catalog: str) -> tuple[int, float]:
    """Runs `backstop providers validate` and returns its exit status and the CPU ms it used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    status = subprocess.run(
        [binary, "providers", "validate", "--catalog", catalog],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    ).returncode
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
    return status, used


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--catalog", required=True, help="the directory the server serves (changed by the run)")
    parser.add_argument("--inputs", required=True, help="directory with the generated inputs")
    parser.add_argument("--normal-repeats", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=3, help="repetitions of the hostile requests (a), (b)")
    parser.add_argument("--ratio", type=float, default=10)
    parser.add_argument("--limit-ms", type=float, default=50)
    args = parser.parse_args()
    server = Server(args.url, args.pid, args.token)
    inputs = args.inputs

    def post(path: str, file: str):
        with open(os.path.join(inputs, file), "rb") as handle:
            body = handle.read()
        return lambda: server.request("POST", path, body)[0]

    with open(os.path.join(ROOT, "examples", "profiles", "healthy.json"), "rb") as handle:
        profile = handle.read().decode()
    with open(os.path.join(ROOT, "examples", "requests", "cash-5000-12m.json"), "rb") as handle:
        request = handle.read().decode()
    normal_body = ('{"profile": %s, "request": %s, "date": "2026-11-25"}' % (profile, request)).encode()

    print("server CPU (utime+stime) and memory per case:", file=sys.stderr)
    results: list[tuple[Case, str]] = []
    normal = measure(
        server,
        "normal: POST /v1/alternatives (22 catalog providers and the 2 built-ins, answer cache off)",
        lambda: server.request("POST", "/v1/alternatives", normal_body)[0],
        repeats=args.normal_repeats,
    )
    reference = {
        "quote": measure(
            server,
            "reference: POST /v1/quote, a 12-month loan",
            lambda: server.request("POST", "/v1/quote", b'{"amount": 5000, "termMonths": 12, "rate": "0.05%/day"}')[0],
            repeats=args.normal_repeats,
        ),
        "listing": measure(
            server,
            "reference: GET /v1/providers (the 24 providers of the repository: 22 in the catalog, 2 built-in)",
            lambda: server.request("GET", "/v1/providers?date=2026-11-25")[0],
            repeats=1,
        ),
        "reload": measure(server, "reference: reload of the repository's catalog", lambda: server.request(
            "POST", "/v1/admin/reload")[0]),
    }
    results.append((measure(server, "(a) nested-number: POST /v1/apr", post("/v1/apr", "nested-number.json"),
                            repeats=args.repeats), ""))
    results.append((measure(server, "(b) long-key: POST /v1/quote", post("/v1/quote", "long-key.json"),
                            repeats=args.repeats), ""))

    # (c) a provider file whose root carries 50,000 attributes, in a copy of the catalog: reloaded (refused) ...
    hostile_file = os.path.join(args.catalog, "many-attributes.xml")
    shutil.copy(os.path.join(inputs, "many-attributes.xml"), hostile_file)
    results.append((measure(server, "(c) many-attributes: reload", lambda: server.request(
        "POST", "/v1/admin/reload")[0]), ""))
    # ... and validated by the CLI (its own process: CPU from the child's rusage, next to a normal validation).
    status, hostile_cpu = validate_cpu(args.binary, args.catalog)
    os.remove(hostile_file)
    normal_status, normal_cpu = validate_cpu(args.binary, args.catalog)
    print(
        f"  (c) many-attributes: backstop providers validate: {hostile_cpu:.1f} ms CPU (exit {status}); "
        f"the same catalog without the file: {normal_cpu:.1f} ms (exit {normal_status})",
        file=sys.stderr,
    )

    # (d) 500 providers offering every term from 1 to 360 months: the catalog is replaced and reloaded (the listing is
    # priced then, once), then listed.
    kept = os.path.join(inputs, "kept-catalog")
    os.makedirs(kept, exist_ok=True)
    for name in os.listdir(args.catalog):
        if name.endswith(".xml"):
            shutil.move(os.path.join(args.catalog, name), kept)
    for name in os.listdir(os.path.join(inputs, "all-terms")):
        if name.endswith(".xml"):
            shutil.copy(os.path.join(inputs, "all-terms", name), args.catalog)
    load = measure(server, "(d) 360-term catalog: reload (prices the listing once)", lambda: server.request(
        "POST", "/v1/admin/reload")[0])
    listing = measure(server, "(d) 360-term listing: GET /v1/providers, first after the reload", lambda: server.request(
        "GET", "/v1/providers?date=2026-11-25")[0])
    results.append((listing, ""))
    warm = measure(server, "(d) 360-term listing: the same GET again", lambda: server.request(
        "GET", "/v1/providers?date=2026-11-25")[0], repeats=5)
    other_day = measure(server, "(d) 360-term listing: GET for another date", lambda: server.request(
        "GET", "/v1/providers?date=2027-01-01")[0])

    floor = max(normal.per_request, TICK_MS)
    bound = min(args.limit_ms, args.ratio * floor)
    print("", file=sys.stderr)
    print(f"normal request: {normal.per_request:.2f} ms CPU; bound per hostile request: {bound:.1f} ms "
          f"(min of {args.limit_ms:.0f} ms and {args.ratio:.0f}x max(normal, one {TICK_MS:.0f} ms tick))")
    print(f"{'case':<62} {'CPU ms':>9} {'x normal':>9} {'RSS KiB':>9} {'VmHWM KiB':>10}  verdict")
    rows = [(normal, None)] + [(case, case.per_request <= bound) for case, _ in results]
    rows += [(other_day, other_day.per_request <= bound), (warm, None), (load, None)]
    rows += [(case, None) for case in reference.values()]
    failed = 0
    for case, verdict in rows:
        mark = "" if verdict is None else ("PASS" if verdict else "FAIL")
        failed += verdict is False
        print(f"{case.name:<62} {case.per_request:>9.1f} {case.per_request / floor:>9.1f} {case.rss:>+9d} "
              f"{case.hwm:>10d}  {mark}")
    print(f"validate (CLI, whole process): many-attributes catalog {hostile_cpu:.0f} ms (exit {status}), "
          f"without the file {normal_cpu:.0f} ms (exit {normal_status})")
    print(f"{len(results) + 1 - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
