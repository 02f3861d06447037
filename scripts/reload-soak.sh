#!/usr/bin/env bash
# Reload under load (issue "Hardening", item 4): the release `backstop-server` under 64 concurrent connections on
# loopback for at least DURATION seconds (default 30) while RELOADS catalog reloads (default 1,000) alternate valid
# and invalid catalogs. It stops by itself once both are done (bounded by TIMEOUT) and exits 0 only if every check
# passed.
#
#   scripts/reload-soak.sh                     (from anywhere; it changes to the repository root itself)
#
# Setup. Four complete catalog directories in a temporary directory, each a copy of providers/ (XSD, caps and all):
#   A     the repository's catalog, unchanged;
#   B     A without one provider (REMOVED, default zhaolian-haoqidai, the top-ranked alternative of the body below):
#         valid, a different hash, 13 providers instead of 14;
#   bad1  A with one provider file cut in half (not well-formed XML): must be refused;
#   bad2  A with one provider's id changed so that it no longer matches its file name (rule L9): must be refused.
# The server runs `backstop-server --port 0 --catalog WORK/current --json-layout compact` with
# BACKSTOP_ADMIN_TOKEN set, where `current` is a symlink to one of the four. A swap points a new symlink at the
# next directory and renames it over `current` (rename(2): atomic). The server reads the directory only while it
# reloads, and the reloader swaps only between reloads (it waits for each reload's answer before the next swap),
# so every load reads one complete directory. (A swap *during* a load would be safe too: the loader resolves the
# link once before it reads anything - CatalogLoaderTests.aSymbolicLinkToTheCatalogIsResolvedOnceBeforeReading.)
#
# Load: wrk (Debian package, installed with apt-get only if missing) with CONNECTIONS - AUDIT_CONNECTIONS
# connections (default 60) plus a Python client with AUDIT_CONNECTIONS keep-alive connections (default 4): 64
# concurrent connections POSTing /v1/alternatives (examples/profiles/late-repayment.json +
# examples/requests/cash-5000-12m.json, "date": "2026-11-25", Accept-Encoding: identity). One request in
# DISTINCT_EVERY (default 4) carries a profile id never used before (a cache miss: evaluated afresh); the others
# cycle through 3 fixed ids (answered from the serving snapshot's answer cache after the first request per
# snapshot). Every reload starts an empty cache, so both paths run throughout; at this reload rate a snapshot
# seldom lives long enough for its cache to warm up (a valid reload every ~0.3 s against ~0.4 s answers under this
# load), so expect only a few per cent of hits (4 % measured) - the wrk line of the report counts them.
#   - wrk's Lua response() callback looks at EVERY answer: the status, every "sha256:…" string in the body (there
#     must be exactly one, the catalog's hash), the provider count next to it, whether REMOVED appears, and the
#     Backstop-Answer-Cache header; it tallies them per key, and done() writes the tallies.
#   - The Python client parses EVERY answer it gets as JSON and checks: catalog.hash is a valid catalog's hash; the
#     providers named in alternatives + ineligible are exactly that catalog's providers plus the two built-ins;
#     the hash was the serving catalog at some moment between sending the request and reading the answer (the
#     reload timeline is known to the same process, so a stale snapshot would be caught).
# Reloads (at the same time, in the Python process): RELOADS reloads cycling B, bad1, A, bad2, B, … each one a
# symlink swap then POST /v1/admin/reload with the bearer token, paced to spread over DURATION (back to back when
# slower). A valid catalog must answer 200 "reloaded" with its hash; an invalid one 422 "refused", with the last
# good catalog's hash and at least one error. The valid hashes are A's (from /readyz at the start) and B's.
#
# Checks (all must pass; FAIL lines name the ones that did not): no non-2xx answer and no socket error or timeout
# (all requests are valid); every answer names exactly one hash, which is A's or B's, with that catalog's
# providers; every reload answered as expected and exactly two hashes were ever valid; the server still answers
# /healthz and /readyz, which names the last successfully loaded catalog; /metrics counts every reload and every
# refusal; SIGTERM stops the server with exit status 0.
#
# Environment: DURATION (seconds of load at least, default 30), RELOADS (default 1000), CONNECTIONS (default 64),
# AUDIT_CONNECTIONS (default 4), THREADS (wrk -t, default 2), DISTINCT_EVERY (default 4), REMOVED (default
# zhaolian-haoqidai), TIMEOUT (seconds for the whole run, build included, default 900; the load + reload phase
# stops 30 s before it and fails if RELOADS were not all done by then),
# LOG_LEVEL (the server's, default warning), PYTHON (default python3), BACKSTOP_SERVER_BIN (use this backstop-server
# instead of building the release one; or BACKSTOP_BIN, a backstop with backstop-server beside it), KEEP_DIR (keep the catalogs, the server log, wrk's output and tallies there).
# Exit status: 0 every check passed, 1 a check failed, 2 setup failed (build, server start, tools), 124 TIMEOUT.
#
# Time: the load lasts until both DURATION has passed and all RELOADS are done. A reload takes 10-40 ms on an idle
# server but 130-150 ms (p50) under this load on 2 shared cores, so with the defaults the load ran 143-157 s
# (2026-11-25, other builds running on the machine), about 2.5 min in all once the release binary is built.
set -euo pipefail
self="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
cd "$(dirname "$self")/.."

# The whole run, build included, is bounded by TIMEOUT: the script runs itself again under timeout(1), which
# signals the whole process group (this script, wrk, Python and the server, which stops gracefully) when time is up.
TIMEOUT=${TIMEOUT:-900}
if [[ -z ${RELOAD_SOAK_DEADLINE:-} ]]; then
    RELOAD_SOAK_DEADLINE=$(($(date +%s) + TIMEOUT))
    export RELOAD_SOAK_DEADLINE
    exec timeout --signal=TERM --kill-after=20 "$TIMEOUT" bash "$self" "$@"
fi

DURATION=${DURATION:-30}
RELOADS=${RELOADS:-1000}
CONNECTIONS=${CONNECTIONS:-64}
AUDIT_CONNECTIONS=${AUDIT_CONNECTIONS:-4}
THREADS=${THREADS:-2}
DISTINCT_EVERY=${DISTINCT_EVERY:-4}
REMOVED=${REMOVED:-zhaolian-haoqidai}
LOG_LEVEL=${LOG_LEVEL:-warning}
PYTHON=${PYTHON:-python3}
PROFILE=examples/profiles/late-repayment.json
REQUEST=examples/requests/cash-5000-12m.json
DATE=2026-11-25
script_start=$(date +%s)

if ((AUDIT_CONNECTIONS < 1 || AUDIT_CONNECTIONS >= CONNECTIONS)); then
    echo "AUDIT_CONNECTIONS must be from 1 to CONNECTIONS - 1" >&2
    exit 2
fi
wrk_connections=$((CONNECTIONS - AUDIT_CONNECTIONS))

source scripts/lib.sh
apt_install_missing wrk:wrk curl:curl
BIN=$(release_backstop_server)

use_work_directory A B bad1 bad2 current

# The four catalogs.
cp -R providers "$work/A"
[[ -f $work/A/$REMOVED.xml ]] || { echo "REMOVED=$REMOVED: no providers/$REMOVED.xml" >&2; exit 2; }
cp -R "$work/A" "$work/B"
rm "$work/B/$REMOVED.xml"
cp -R "$work/A" "$work/bad1"
victim=$work/bad1/jd-jintiao.xml
head -c "$(($(wc -c <"$victim") / 2))" "$victim" >"$victim.half"
mv "$victim.half" "$victim"
cp -R "$work/A" "$work/bad2"
sed -i 's/id="wechat-weilidai"/id="wechat-weilidai-2"/' "$work/bad2/wechat-weilidai.xml"
grep -q 'id="wechat-weilidai-2"' "$work/bad2/wechat-weilidai.xml" || { echo "could not corrupt bad2" >&2; exit 2; }
ln -s A "$work/current"

# The request body.
body=$work/body.json
printf '{"profile": %s, "request": %s, "date": "%s"}\n' "$(cat "$PROFILE")" "$(cat "$REQUEST")" "$DATE" >"$body"

# wrk's script: see the header. Tallies go to $SOAK_OUT as "count<TAB>key" lines, then "summary" lines.
cat >"$work/soak.lua" <<'LUA'
local function read(path)
  local file = assert(io.open(path, "rb"))
  local text = file:read("*a")
  file:close()
  return text
end
local body = read(os.getenv("SOAK_BODY"))
local every = tonumber(os.getenv("SOAK_DISTINCT_EVERY"))
local removed = '"provider":"' .. os.getenv("SOAK_REMOVED") .. '"'
assert(body:find('"id": *"[^"]*"'), "the profile needs an id")

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept-Encoding"] = "identity"

local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

local function with_id(id)
  return (body:gsub('"id": *"[^"]*"', '"id": "' .. id .. '"', 1))
end

local shared = {}
function init(args)
  for k = 1, 3 do shared[k] = wrk.format(nil, nil, nil, with_id("soak-shared-" .. k)) end
end

local counter = 0
function request()
  counter = counter + 1
  if counter % every == 0 then
    return wrk.format(nil, nil, nil, with_id("soak-wrk-" .. thread_number .. "-" .. counter))
  end
  return shared[counter % 3 + 1]
end

tally = {}
function response(status, headers, text)
  local key
  if status ~= 200 then
    key = "status=" .. status
  else
    local hashes, first = 0, "none"
    for hash in text:gmatch("sha256:%x+") do
      hashes = hashes + 1
      if hashes == 1 then first = hash end
    end
    local providers = text:match('"catalog":{"hash":"sha256:%x+","providers":(%d+)}') or "?"
    local cache = headers["Backstop-Answer-Cache"] or headers["backstop-answer-cache"] or "?"
    key = "status=200 hash=" .. first .. " hashes=" .. hashes .. " providers=" .. providers ..
      " removed=" .. (text:find(removed, 1, true) and "present" or "absent") .. " cache=" .. cache
  end
  tally[key] = (tally[key] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    for key, count in pairs(thread:get("tally") or {}) do merged[key] = (merged[key] or 0) + count end
  end
  local out = assert(io.open(os.getenv("SOAK_OUT"), "w"))
  for key, count in pairs(merged) do out:write(count, "\t", key, "\n") end
  local e = summary.errors
  out:write(string.format("summary\trequests=%d duration_us=%d bytes=%d connect=%d read=%d write=%d status=%d timeout=%d p50_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
  out:close()
end
LUA

# The server.
token=$("$PYTHON" -c 'import secrets; print(secrets.token_hex(24))')
log=$work/server.log
if ! BACKSTOP_ADMIN_TOKEN=$token start_backstop_server "$log" "$log" "$BIN" --port 0 --catalog "$work/current" \
    --json-layout compact --log-level "$LOG_LEVEL"; then
    echo "SETUP FAILED: the server did not start; its output:" >&2
    cat "$log" >&2
    exit 2
fi
base=$server_url
echo "server: $BIN at $base (pid $server_pid), catalog $work/current -> A" >&2

# Load, reloads and checks (Python, standard library). Its last line is the verdict; exit 0 only if all passed.
# It must be done 30 s before the global deadline, to leave time for the checks and the graceful stop.
phase=$((RELOAD_SOAK_DEADLINE - $(date +%s) - 30))
if ((phase < DURATION + 10)); then
    echo "SETUP FAILED: only $phase s left of TIMEOUT=$TIMEOUT for a $DURATION s soak" >&2
    exit 2
fi
soak_status=0
SOAK_BODY=$body SOAK_DISTINCT_EVERY=$DISTINCT_EVERY SOAK_REMOVED=$REMOVED SOAK_OUT=$work/wrk.tally \
    timeout --signal=TERM --kill-after=10 "$((phase + 20))" \
    "$PYTHON" - "$base" "$work" "$token" "$DURATION" "$RELOADS" "$wrk_connections" "$AUDIT_CONNECTIONS" \
    "$THREADS" "$DISTINCT_EVERY" "$REMOVED" "$phase" <<'PY' || soak_status=$?
import http.client, json, os, re, signal, subprocess, sys, threading, time, urllib.parse

base, work, token = sys.argv[1], sys.argv[2], sys.argv[3]
duration, reloads, wrk_connections, audit_connections, threads, distinct_every = map(int, sys.argv[4:10])
removed, timeout = sys.argv[10], int(sys.argv[11])
url = urllib.parse.urlsplit(base)
host, port = url.hostname, url.port
failures = []
def fail(message):
    failures.append(message)

def request(connection, method, path, body=None, headers=None):
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    return response.status, response.read()

def catalog_ids(directory):
    return {name[:-4] for name in os.listdir(directory) if name.endswith(".xml")}
built_ins = {"huabei", "jiebei"}
ids = {"A": catalog_ids(f"{work}/A"), "B": catalog_ids(f"{work}/B")}

# The catalog serving at the start is A.
control = http.client.HTTPConnection(host, port, timeout=30)
status, data = request(control, "GET", "/readyz")
if status != 200:
    print(f"FAIL: /readyz answered {status} at the start"); sys.exit(1)
hash_a = json.loads(data)["catalog"]["hash"]
valid = {hash_a: "A"}          # hash -> catalog name, grows with each successful reload

# The reload timeline (monotonic seconds): (sent, answered, serving hash after it).
timeline = []
timeline_lock = threading.Lock()
stop = threading.Event()

body_template = json.load(open(os.environ["SOAK_BODY"]))
def body_with(profile_id):
    document = dict(body_template)
    document["profile"] = dict(document["profile"], id=profile_id)
    return json.dumps(document).encode()
shared_bodies = [body_with(f"soak-shared-{k}") for k in (1, 2, 3)]

audit = {"requests": 0, "non2xx": {}, "errors": [], "hashes": {}, "checked": 0}
audit_lock = threading.Lock()

def allowed_hashes(sent, answered):
    """Hashes that served at some moment in [sent, answered]."""
    with timeline_lock:
        events = list(timeline)
    before = hash_a
    allowed = set()
    for reload_sent, reload_answered, after in events:
        if reload_answered <= sent:
            before = after
        elif reload_sent < answered:
            allowed.add(after)
    allowed.add(before)
    return allowed

def auditor(number):
    connection = http.client.HTTPConnection(host, port, timeout=30)
    headers = {"Content-Type": "application/json", "Accept-Encoding": "identity"}
    n = 0
    while not stop.is_set():
        n += 1
        body = body_with(f"soak-audit-{number}-{n}") if n % distinct_every == 0 else shared_bodies[n % 3]
        sent = time.monotonic()
        try:
            status, data = request(connection, "POST", "/v1/alternatives", body, headers)
        except Exception as error:  # noqa: BLE001 - every error is a failure here
            with audit_lock:
                audit["errors"].append(repr(error))
            connection.close()
            connection = http.client.HTTPConnection(host, port, timeout=30)
            continue
        answered = time.monotonic()
        problem = None
        digest = None
        if status != 200:
            with audit_lock:
                audit["requests"] += 1
                audit["non2xx"][status] = audit["non2xx"].get(status, 0) + 1
            continue
        try:
            document = json.loads(data)
            digest = document["catalog"]["hash"]
            names = {entry["provider"] for entry in document["alternatives"] + document["ineligible"]}
            raw = len(re.findall(rb"sha256:[0-9a-f]+", data))
            if raw != 1:
                problem = f"answer names {raw} hashes"
            elif digest not in valid:
                problem = f"answer names {digest}, never a valid catalog"
            elif names != ids[valid[digest]] | built_ins:
                problem = (f"answer under {valid[digest]}'s hash names other providers: "
                           f"{sorted(names ^ (ids[valid[digest]] | built_ins))}")
            elif document["catalog"]["providers"] != len(ids[valid[digest]]):
                problem = f"answer under {valid[digest]}'s hash counts {document['catalog']['providers']} providers"
            elif digest not in allowed_hashes(sent, answered):
                problem = f"answer names {valid[digest]}'s hash, which was not serving during the request"
        except (ValueError, KeyError, TypeError) as error:
            problem = f"answer is not the expected JSON: {error!r}"
        with audit_lock:
            audit["requests"] += 1
            audit["checked"] += 1
            if digest is not None:
                audit["hashes"][digest] = audit["hashes"].get(digest, 0) + 1
            if problem and len(audit["errors"]) < 20:
                audit["errors"].append(problem)
            elif problem:
                audit["errors"].append("…")
    connection.close()

# Start the load: wrk, then the auditors.
wrk_log = open(f"{work}/wrk.out", "w")
wrk = subprocess.Popen(
    ["wrk", f"-t{threads}", f"-c{wrk_connections}", f"-d{timeout + 30}s", "--timeout", "10s",
     "-s", f"{work}/soak.lua", f"{base}/v1/alternatives"],
    stdout=wrk_log, stderr=subprocess.STDOUT)
auditors = [threading.Thread(target=auditor, args=(k,), daemon=True) for k in range(audit_connections)]
for thread in auditors:
    thread.start()
load_start = time.monotonic()
deadline = load_start + timeout - 20   # leaves time to stop wrk and the auditors within the phase
time.sleep(1)  # let every connection open before the first reload

# The reloads: B, bad1, A, bad2, ...
cycle = [("B", True), ("bad1", False), ("A", True), ("bad2", False)]
authorization = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
outcomes = {"reloaded": 0, "refused": 0, "unexpected": 0}
reload_seconds = []
serving = hash_a
reload_start = time.monotonic()
for i in range(reloads):
    if time.monotonic() > deadline:
        fail(f"timeout: only {i} of {reloads} reloads before the deadline (TIMEOUT)")
        break
    if wrk.poll() is not None:
        fail(f"wrk exited early (status {wrk.returncode}) after {i} reloads")
        break
    name, good = cycle[i % 4]
    link = f"{work}/current.next"
    if os.path.lexists(link):
        os.unlink(link)
    os.symlink(name, link)
    os.replace(link, f"{work}/current")        # rename(2): atomic
    sent = time.monotonic()
    try:
        status, data = request(control, "POST", "/v1/admin/reload", b"", authorization)
    except Exception as error:  # noqa: BLE001
        fail(f"reload {i} ({name}): {error!r}")
        control.close()
        control = http.client.HTTPConnection(host, port, timeout=30)
        continue
    answered = time.monotonic()
    reload_seconds.append(answered - sent)
    try:
        answer = json.loads(data)
        digest = (answer.get("catalog") or {}).get("hash")
    except ValueError:
        answer, digest = {}, None
    if good:
        if status == 200 and answer.get("status") == "reloaded" and digest:
            outcomes["reloaded"] += 1
            if valid.setdefault(digest, name) != name:
                fail(f"reload {i}: {name} has the hash of {valid[digest]}")
            serving = digest
            with timeline_lock:
                timeline.append((sent, answered, digest))
        else:
            outcomes["unexpected"] += 1
            fail(f"reload {i} ({name}, valid) answered {status} {data[:300]!r}")
    else:
        if status == 422 and answer.get("status") == "refused" and digest == serving and answer.get("errors"):
            outcomes["refused"] += 1
        else:
            outcomes["unexpected"] += 1
            fail(f"reload {i} ({name}, invalid) answered {status} {data[:300]!r} (serving {serving})")
    # Pace: spread the reloads over the duration; back to back when slower.
    wait = reload_start + (i + 1) * duration / reloads - time.monotonic()
    if wait > 0:
        time.sleep(wait)
reload_end = time.monotonic()

# Keep the load on until DURATION has passed, then stop everything.
while time.monotonic() < load_start + duration and time.monotonic() < deadline:
    time.sleep(0.1)
load_end = time.monotonic()
stop.set()
for thread in auditors:
    thread.join(timeout=12)
wrk.send_signal(signal.SIGINT)   # wrk stops, prints its summary and runs done()
try:
    wrk.wait(timeout=15)
except subprocess.TimeoutExpired:
    wrk.kill()
    fail("wrk did not stop on SIGINT")
wrk_log.close()

# wrk's tallies.
tally, summary = {}, {}
try:
    for line in open(os.environ["SOAK_OUT"]):
        count, key = line.rstrip("\n").split("\t", 1)
        if count == "summary":
            summary = dict(item.split("=") for item in key.split())
        else:
            tally[key] = int(count)
except FileNotFoundError:
    fail("wrk wrote no tallies (see wrk.out)")
    print(open(f"{work}/wrk.out").read())

wrk_requests = sum(tally.values())
wrk_non2xx = sum(count for key, count in tally.items() if not key.startswith("status=200 "))
wrk_hashes, cache, mixed = {}, {"hit": 0, "miss": 0}, 0
for key, count in tally.items():
    if not key.startswith("status=200 "):
        fail(f"wrk: {count} answer(s) with {key}")
        continue
    fields = dict(item.split("=", 1) for item in key.split())
    digest = fields["hash"]
    wrk_hashes[digest] = wrk_hashes.get(digest, 0) + count
    cache[fields["cache"]] = cache.get(fields["cache"], 0) + count
    catalog = valid.get(digest)
    if fields["hashes"] != "1":
        fail(f"wrk: {count} answer(s) name {fields['hashes']} hashes")
    elif catalog is None:
        fail(f"wrk: {count} answer(s) name {digest}, never a valid catalog")
    elif fields["providers"] != str(len(ids[catalog])):
        fail(f"wrk: {count} answer(s) under {catalog}'s hash count {fields['providers']} providers")
    elif (fields["removed"] == "present") != (removed in ids[catalog]):
        fail(f"wrk: {count} answer(s) under {catalog}'s hash with {removed} {fields['removed']}")
    else:
        continue
    mixed += count
socket_errors = {k: int(summary.get(k, 0)) for k in ("connect", "read", "write", "timeout")}
if sum(socket_errors.values()):
    fail(f"wrk: socket errors {socket_errors}")
mixed += len(audit["errors"])
if audit["errors"]:
    fail(f"auditor: {len(audit['errors'])} problem(s), first: {audit['errors'][:5]}")
if audit["non2xx"]:
    fail(f"auditor: non-2xx answers {audit['non2xx']}")
if wrk_requests == 0 or audit["checked"] == 0:
    fail("no answers were checked")

# The valid hashes: A's and B's, nothing else.
if sorted(valid.values()) != ["A", "B"]:
    fail(f"valid catalogs: {valid} (expected exactly A and B)")
expected_good = sum(1 for i in range(reloads) if cycle[i % 4][1])
if outcomes["reloaded"] != expected_good or outcomes["refused"] != reloads - expected_good:
    fail(f"reloads: {outcomes} (expected {expected_good} reloaded, {reloads - expected_good} refused)")
if load_end - load_start < duration:
    fail(f"load ran {load_end - load_start:.1f} s, less than {duration} s")

# The server afterwards.
try:
    status, data = request(control, "GET", "/healthz")
    if status != 200:
        fail(f"/healthz answered {status} at the end")
    status, data = request(control, "GET", "/readyz")
    final = json.loads(data)["catalog"]["hash"] if status == 200 else None
    if status != 200 or final != serving:
        fail(f"/readyz answered {status} {data[:200]!r} at the end, expected {serving}")
    status, data = request(control, "GET", "/metrics")
    metrics = dict(re.findall(r"^(backstop_catalog_(?:reloads|load_errors)_total) (\d+)", data.decode(), re.M))
    expected = {"backstop_catalog_reloads_total": str(1 + outcomes["reloaded"]),
                "backstop_catalog_load_errors_total": str(outcomes["refused"])}
    if metrics != expected:
        fail(f"/metrics counts {metrics}, expected {expected}")
except Exception as error:  # noqa: BLE001
    fail(f"the server does not answer at the end: {error!r}")
    final = None

def short(digest):
    return f"{valid.get(digest, '?')} {digest[:19]}…" if digest else "none"
load_seconds = load_end - load_start
served = wrk_requests + audit["requests"]
reload_seconds.sort()
def pct(values, q):
    return values[min(len(values) - 1, int(q * len(values)))] * 1000 if values else 0
print()
print(f"Reload under load: {wrk_connections + audit_connections} connections "
      f"(wrk -t{threads} -c{wrk_connections} + {audit_connections} parsing every answer) on {base}")
print(f"load: {load_seconds:.1f} s; requests served: {served} ({served / load_seconds:.0f} req/s): "
      f"wrk {wrk_requests} (cache hit {cache.get('hit', 0)}, miss {cache.get('miss', 0)}; "
      f"p50 {int(summary.get('p50_us', 0)) / 1000:.1f} ms, p99 {int(summary.get('p99_us', 0)) / 1000:.1f} ms), "
      f"auditor {audit['requests']} (every one parsed)")
print(f"non-2xx: {wrk_non2xx + sum(audit['non2xx'].values())}; socket errors: {sum(socket_errors.values())}, "
      f"auditor errors: {len(audit['errors'])}")
print(f"reloads: {sum(outcomes.values())} of {reloads} in {reload_end - reload_start:.1f} s: "
      f"{outcomes['reloaded']} reloaded (200), {outcomes['refused']} refused (422), "
      f"{outcomes['unexpected']} unexpected; reload latency p50 {pct(reload_seconds, 0.5):.0f} ms, "
      f"p99 {pct(reload_seconds, 0.99):.0f} ms, max {pct(reload_seconds, 1.0):.0f} ms")
print(f"valid catalogs: " + ", ".join(f"{name} = {digest}" for digest, name in sorted(valid.items(), key=lambda x: x[1])))
seen = {}
for source in (wrk_hashes, audit["hashes"]):
    for digest, count in source.items():
        seen[digest] = seen.get(digest, 0) + count
print("hashes in answers: " + ", ".join(f"{short(d)} x {c}" for d, c in sorted(seen.items(), key=lambda x: -x[1]))
      + f" -> {'a subset of the valid ones' if set(seen) <= set(valid) else 'NOT a subset of the valid ones'}")
print(f"every answer names exactly one hash, a valid one, with that catalog's providers: "
      f"{'NO' if mixed else 'yes'} ({wrk_requests - wrk_non2xx} wrk answers by their bytes, "
      f"{audit['checked']} auditor answers parsed as JSON{', each hash serving during its request' if not audit['errors'] else ''})")
print(f"end: /readyz names {short(final)} (last reload loaded {short(serving)})")
for message in failures:
    print(f"FAIL: {message}")
print(f"soak: {'PASS' if not failures else 'FAIL'}")
sys.exit(0 if not failures else 1)
PY

if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "FAIL: the server died; from its output:"
    tail -20 "$log"
    exit 1
fi
# A graceful stop: SIGTERM, exit status 0 within 15 s.
kill -TERM "$server_pid"
stopped=
for _ in $(seq 150); do
    kill -0 "$server_pid" 2>/dev/null || { stopped=1; break; }
    sleep 0.1
done
server_status=0
if [[ -n $stopped ]]; then
    wait "$server_pid" || server_status=$?
    server_pid=
    echo "server: SIGTERM -> exit $server_status"
else
    echo "FAIL: the server did not stop within 15 s of SIGTERM"
    server_status=timeout
fi
echo "wall time: $(($(date +%s) - script_start)) s"
if ((soak_status == 0)) && [[ $server_status == 0 ]]; then
    echo "RELOAD SOAK: PASS"
    exit 0
fi
((soak_status != 124)) || echo "FAIL: the load + reload phase did not end in time (TIMEOUT=$TIMEOUT)"
echo "RELOAD SOAK: FAIL"
exit 1
