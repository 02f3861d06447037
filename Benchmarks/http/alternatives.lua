-- wrk script for benchmark P5: every request is POST /v1/alternatives with a JSON body read once (per wrk
-- thread) from the file named by the environment variable P5_BODY, which Benchmarks/http/run.sh writes.
--
-- P5_DISTINCT=1 makes every body different (the profile's "id" becomes "p5-<thread>-<n>"), so no answer can come
-- from the server's answer cache: each request is evaluated and encoded afresh. The work per request is the same
-- (the id takes part in no rule).
--
--   P5_BODY=body.json wrk -t2 -c64 -d10s --latency -s Benchmarks/http/alternatives.lua http://127.0.0.1:PORT/v1/alternatives

local path = os.getenv("P5_BODY")
if path == nil or path == "" then
  error("alternatives.lua: set P5_BODY to the file holding the request body")
end
local file = assert(io.open(path, "rb"))
local body = file:read("*a")
file:close()

wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"

local distinct = os.getenv("P5_DISTINCT") == "1"
if distinct and not body:find('"id": *"[^"]*"') then
  error("alternatives.lua: P5_DISTINCT needs a profile with an \"id\" field")
end

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

local counter = 0
function request()
  if not distinct then
    return wrk.request()
  end
  counter = counter + 1
  local unique = body:gsub('"id": *"[^"]*"', '"id": "p5-' .. tostring(thread_number) .. '-' .. counter .. '"', 1)
  return wrk.format(nil, nil, nil, unique)
end
