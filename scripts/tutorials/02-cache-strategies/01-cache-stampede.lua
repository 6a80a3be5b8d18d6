-- Tutorial 02-01: the cache stampede, and single flight.
-- Page: docs/tutorials/02-cache-strategies/01-cache-stampede.md
--
--   syslab-lua scripts/tutorials/02-cache-strategies/01-cache-stampede.lua [--check] [--numbers] [--html DIR]
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local t = tutorial.new("02-cache-strategies/01-cache-stampede")

local KEYS, TTL, RATE = 200, 10, 5000
local DB_SERVERS, DB_MEAN = 50, 0.100

-- The product API: an in-process cache of 200 Zipf-popular keys in front of
-- Postgres. `cache` is the only thing the runs below change.
local function products(cache)
  cache.keys, cache.zipf, cache.ttl, cache.warm = KEYS, 1.1, TTL, true
  return {
    system = {
      topology = {
        name = "products", route = "/products/{id}",
        nodes = { { id = "api", kind = "backend" }, { id = "db", kind = "postgres" } },
        edges = { { from = "api", to = "db" } },
      },
      nodes = {
        api = { servers = 2000, service = "2ms", cache = cache },
        db = { servers = DB_SERVERS, service = { kind = "lognormal", mean = DB_MEAN, stddev = 0.030 } },
      },
    },
    workload = { executor = "constant-arrival-rate", rate = RATE, duration = "25s" },
    options = { seed = 3 },
  }
end

--- What a run shows: per-second backend queries and p99 around the expiry.
local function measure(report, r)
  local rows = tutorial.series(report)
  local _, peak_queries = tutorial.peak(rows, "api_backend_queries")
  local _, worst_p99 = tutorial.peak(rows, "p99_ms")
  local _, db_peak_util = tutorial.peak(rows, "db_utilisation")
  local api = tutorial.component(r, "api")
  return {
    report = report, rows = rows,
    before_queries = tutorial.sum(rows, "api_backend_queries", 0, TTL),
    -- the first expiry window: from the expiry until just before the refilled keys expire again
    window_queries = tutorial.sum(rows, "api_backend_queries", TTL - 1, 2 * TTL - 1),
    -- p99 in the last full second before the keys expire
    p99_before = rows[TTL].p99_ms,
    peak_queries = peak_queries, worst_p99 = worst_p99 / 1000, db_peak_util = db_peak_util,
    backend = api.cache.backend_queries, coalesced = api.cache.coalesced, hit_ratio = api.cache.hit_ratio,
  }
end

t:step("The stampede: a warm cache whose keys all expire together")
t:say("%d requests/s, %d keys (Zipf 1.1), TTL %d s, filled at start-up; Postgres: %d servers, ~%d ms per query.",
  RATE, KEYS, TTL, DB_SERVERS, DB_MEAN * 1000)
local herd = measure(tutorial.simulate(products { coalesce = false }))
t:picture("01-cache-stampede-herd", herd.report, { "latency", "components" })
local capacity = DB_SERVERS / DB_MEAN   -- the utilisation law: servers / service time
t:say("database capacity = servers / service time = %d / %.1f s = %d queries/s", DB_SERVERS, DB_MEAN, capacity)
t:say("queries in the first %d s: %d; in the worst second: %d; worst per-second p99: %.0f ms (it was %.1f ms)",
  TTL, herd.before_queries, herd.peak_queries, herd.worst_p99 * 1000, herd.p99_before)

t:number("capacity", tutorial.count(capacity))
t:number("herd_peak_queries", tutorial.count(herd.peak_queries))
t:number("herd_p99_before", tutorial.fixed(herd.p99_before, 1) .. " ms")
t:number("herd_worst_p99", tutorial.ms(herd.worst_p99))
t:number("herd_backend_total", tutorial.count(herd.backend))
t:number("herd_db_peak_util", tutorial.pct(herd.db_peak_util, 0))

t:claim("while the cache is warm the database receives no query", tutorial.count(herd.before_queries),
  herd.before_queries == 0)
t:number("herd_per_key", tutorial.fixed(herd.window_queries / KEYS, 1))
t:claim("in the expiry window the database receives over twice as many queries as there are keys (the same key is fetched many times)",
  tutorial.count(herd.window_queries) .. " queries vs " .. tutorial.count(KEYS) .. " keys", herd.window_queries > 2 * KEYS)
t:claim("the herd asks for more than the database can serve in a second",
  tutorial.count(herd.peak_queries) .. " vs capacity " .. tutorial.count(capacity), herd.peak_queries > capacity)
t:claim("the database is saturated during the stampede (utilisation over 95% in its worst second)",
  tutorial.pct(herd.db_peak_util), herd.db_peak_util > 0.95)
t:claim("the worst per-second p99 is more than 20 times the p99 before the expiry",
  ("%.0f ms vs %.1f ms"):format(herd.worst_p99 * 1000, herd.p99_before), herd.worst_p99 * 1000 > 20 * herd.p99_before)

t:step("The fix: single flight (coalesce concurrent misses of a key)")
t:say("cache = { ..., coalesce = true }: the first miss of a key queries, later misses wait for its answer.")
local single = measure(tutorial.simulate(products { coalesce = true }))
t:picture("01-cache-stampede-single-flight", single.report, { "latency", "components" })
t:say("queries in the worst second: %d; coalesced misses: %d; worst per-second p99: %.0f ms",
  single.peak_queries, single.coalesced, single.worst_p99 * 1000)
t:number("single_peak_queries", tutorial.count(single.peak_queries))
t:number("single_coalesced", tutorial.count(single.coalesced))
t:number("single_worst_p99", tutorial.ms(single.worst_p99))
t:number("single_backend_total", tutorial.count(single.backend))
t:number("single_db_peak_util", tutorial.pct(single.db_peak_util, 0))

t:number("single_window_queries", tutorial.count(single.window_queries))
t:number("herd_window_queries", tutorial.count(herd.window_queries))
t:claim("single flight cuts backend queries to at most one per key per expiry window",
  tutorial.count(single.window_queries) .. " queries in the first window, " .. tutorial.count(KEYS) .. " keys",
  single.window_queries <= KEYS and single.coalesced > 0)
t:claim("with single flight the database stays below its capacity",
  tutorial.pct(single.db_peak_util) .. " utilisation at worst", single.db_peak_util < 0.95)
t:claim("single flight cuts the worst per-second p99 to under a fifth of the stampede's",
  ("%.0f ms vs %.0f ms"):format(single.worst_p99 * 1000, herd.worst_p99 * 1000), single.worst_p99 < herd.worst_p99 / 5)
t:claim("but the requests waiting for a refill still wait a query time: the worst per-second p99 stays above 100 ms",
  tutorial.ms(single.worst_p99), single.worst_p99 > DB_MEAN)

t:finish()
