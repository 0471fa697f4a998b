-- wrk script for corridor's OSRM-compatible route endpoint (bench/load/run.sh,
-- tests/load/load_test.sh).
--
--   wrk -t2 -c16 -d10s -s bench/load/route.lua http://127.0.0.1:PORT -- PATHS
--
-- PATHS holds one request path a line (/route/v1/driving/LON,LAT;LON,LAT,
-- optionally ?scenario=NAME), made by bench/load/paths.sh from a fixed list
-- of pairs, each checked once to answer 200. Every thread sends the paths in
-- order, starting at its own offset, and counts the answers by status: 200,
-- 400 (NoRoute, NoSegment: a pair that no longer routes) and anything else.
-- done() prints one line that the runners parse:
--
--   LOAD requests=N seconds=S rps=R p50_ms=A p90_ms=B p99_ms=C max_ms=D
--        ok=N2xx s400=N other=N non2xx=N connect=N read=N write=N timeout=N
--
-- non2xx and the socket errors are wrk's own counters (summary.errors).

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local paths = {}
local i = 1
ok, s400, other = 0, 0, 0

function init(args)
  local file = args[1] or os.getenv("CORRIDOR_LOAD_PATHS")
  if not file then
    error("route.lua: give the paths file after --")
  end
  for line in io.lines(file) do
    if line ~= "" then
      table.insert(paths, line)
    end
  end
  if #paths == 0 then
    error("route.lua: no paths in " .. file)
  end
  -- Spread the threads over the list so they do not send the same pair.
  i = (id * 7919) % #paths + 1
end

function request()
  local p = paths[i]
  i = i % #paths + 1
  return wrk.format("GET", p)
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok = ok + 1
  elseif status == 400 then
    s400 = s400 + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local n_ok, n_400, n_other = 0, 0, 0
  for _, t in ipairs(threads) do
    n_ok = n_ok + (t:get("ok") or 0)
    n_400 = n_400 + (t:get("s400") or 0)
    n_other = n_other + (t:get("other") or 0)
  end
  local e = summary.errors
  local s = summary.duration / 1e6
  io.write(string.format(
    "LOAD requests=%d seconds=%.2f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f " ..
    "ok=%d s400=%d other=%d non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, s, summary.requests / s,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    n_ok, n_400, n_other, e.status, e.connect, e.read, e.write, e.timeout))
end
