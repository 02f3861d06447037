-- wrk script for benchmark P5: every request is POST /v1/alternatives with the same JSON body.
-- The body is read once (per wrk thread) from the file named by the environment variable P5_BODY, which
-- Benchmarks/http/run.sh writes; the path comes from the URL given to wrk.
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
