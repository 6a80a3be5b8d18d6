-- A cache stampede, and two fixes, side by side.
--
--   syslab-lua scripts/loadtests/cache-stampede.lua
--
-- A product API caches 1000 keys (Zipf-popular) for 30 s. The cache was
-- filled at start-up, so every key expires at the same instant: at 30 s all
-- requests miss together and the database receives a burst of identical
-- queries. Coalescing misses (single flight) and jittering the TTL each
-- flatten the spike.
local syslab = require "syslab"

local function run(label, cache)
  cache.keys, cache.zipf, cache.ttl = 1000, 1.1, "30s"
  local report = assert(syslab.simulate {
    system = {
      topology = {
        name = "products",
        nodes = { { id = "api", kind = "backend" }, { id = "db", kind = "postgres" } },
        edges = { { from = "api", to = "db" } },
      },
      nodes = {
        api = { servers = 400, service = "2ms", cache = cache },
        db = { servers = 50, service = { kind = "lognormal", mean = "100ms", stddev = "30ms" } },
      },
    },
    workload = { executor = "constant-arrival-rate", rate = 2000, duration = "50s" },
    options = { seed = 3 },
  })
  local r = report:table()
  local peak, peakAt, p99peak = 0, 0, 0
  local lines = {}
  for line in report:csv():gmatch("[^\n]+") do lines[#lines + 1] = line end
  local col = {}
  local i = 0
  for name in lines[1]:gmatch("[^,]+") do i = i + 1; col[name] = i end
  for k = 2, #lines do
    local f = {}
    for v in (lines[k] .. ","):gmatch("([^,]*),") do f[#f + 1] = v end
    local q = tonumber(f[col.api_backend_queries])
    if q > peak then peak, peakAt = q, tonumber(f[col.time_s]) end
    p99peak = math.max(p99peak, tonumber(f[col.p99_ms]))
  end
  local api = r.components[1]
  print(("%-34s hit ratio %5.1f%%   db queries: peak %5d/s at %2gs   worst p99 %8.1f ms   overall p99 %7.1f ms"):format(
    label, api.cache.hit_ratio * 100, peak, peakAt, p99peak, r.latency.p99 * 1000))
  return peak
end

print("2000 requests/s, 1000 keys, TTL 30 s, cache warmed at start-up:")
local herd = run("no protection (the stampede)", { coalesce = false, ttl_jitter = 0 })
local single = run("single flight (coalesced misses)", { coalesce = true, ttl_jitter = 0 })
local jitter = run("TTL jitter ±20%", { coalesce = false, ttl_jitter = 0.2 })
assert(single < herd and jitter < herd, "both fixes should flatten the spike")
