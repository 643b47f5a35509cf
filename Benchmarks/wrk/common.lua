-- Shared by the scenario scripts: the token header, prepared requests, and one machine-readable result line for
-- bench.py.
wrk.headers["Authorization"] = os.getenv("BENCH_AUTH")
IMAGES = tonumber(os.getenv("BENCH_IMAGES") or "100000")

function image_id(i)
  return string.format("00000000-0000-4000-8000-%012x", i)
end

-- wrk shares the machine's cores with the server it drives, so the requests are formatted before the run rather
-- than in Lua for every request: each thread formats BENCH_PREPARED of them (default: one per seeded image) with
-- `make_path` (which may use math.random) in init, which wrk runs before its clock starts, and sends them in turn.
local prepared, count, index, next_path = {}, 0, 0, nil

function vary_path(make_path)
  next_path = make_path
  request = function()
    index = index % count + 1
    return prepared[index]
  end
end

function setup(thread)
  thread:set("seed", math.random(1, 1000000))
end

function init(args)
  math.randomseed(tonumber(seed) or os.time())
  if next_path then
    count = tonumber(os.getenv("BENCH_PREPARED") or "") or IMAGES
    for i = 1, count do prepared[i] = wrk.format(nil, next_path()) end
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    'BENCHJSON {"rps": %.2f, "ok_rps": %.2f, "p50_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f, "requests": %d, ' ..
    '"errors": %d, "non2xx": %d, "timeouts": %d}\n',
    summary.requests / secs, (summary.requests - e.status) / secs,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.requests, e.connect + e.read + e.write + e.timeout, e.status, e.timeout))
end
