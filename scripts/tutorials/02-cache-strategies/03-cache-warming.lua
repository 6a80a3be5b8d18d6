-- Tutorial 02-03: a cold start against a preloaded cache, and ramping traffic.
-- Page: docs/tutorials/02-cache-strategies/03-cache-warming.md
--
--   syslab-lua scripts/tutorials/02-cache-strategies/03-cache-warming.lua [--check] [--numbers] [--html DIR]
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local t = tutorial.new("02-cache-strategies/03-cache-warming")

local KEYS, ZIPF, RATE, DURATION = 20000, 1.0, 3000, 20
local DB_SERVERS, DB_MEAN = 20, 0.020

-- A catalogue service that has just been deployed: its in-process cache is
-- either empty (warm = false) or preloaded (warm = true) before it takes traffic.
local function catalogue(warm, workload)
  return {
    system = {
      topology = {
        name = "catalogue", route = "/items/{id}",
        nodes = { { id = "api", kind = "backend" }, { id = "db", kind = "postgres" } },
        edges = { { from = "api", to = "db" } },
      },
      nodes = {
        api = { servers = 2000, service = "2ms",
                cache = { keys = KEYS, zipf = ZIPF, ttl = "10m", warm = warm } },
        db = { servers = DB_SERVERS, service = { kind = "lognormal", mean = DB_MEAN, stddev = 0.005 } },
      },
    },
    workload = workload or { executor = "constant-arrival-rate", rate = RATE, duration = DURATION },
    options = { seed = 11 },
  }
end

local function measure(report, r)
  local rows = tutorial.series(report)
  local first = rows[1]
  local _, worst_p99 = tutorial.peak(rows, "p99_ms")
  local _, db_peak = tutorial.peak(rows, "db_utilisation")
  local api = tutorial.component(r, "api")
  return {
    report = report,
    first_hit_ratio = 1 - first.api_backend_queries / math.max(1, first.api_arrivals),
    first_misses = first.api_backend_queries,
    worst_p99 = worst_p99 / 1000, db_peak = db_peak, p99 = r.latency.p99,
    backend = api.cache.backend_queries, requests = r.requests.completed, failed = r.requests.failed,
  }
end

--- Distinct keys among n requests with Zipf popularity: each key k (popularity
--- p_k) has been asked for at least once with probability 1 - (1 - p_k)^n.
local function expected_distinct(n)
  local weights, total = {}, 0
  for k = 1, KEYS do weights[k] = k ^ -ZIPF; total = total + weights[k] end
  local distinct = 0
  for k = 1, KEYS do distinct = distinct + 1 - (1 - weights[k] / total) ^ n end
  return distinct
end

local capacity = DB_SERVERS / DB_MEAN
t:step("A cold start: the new instance takes full traffic with an empty cache")
t:say("%d requests/s over %d keys (Zipf %.1f); Postgres: %d servers x %.0f ms = %d queries/s at most.",
  RATE, KEYS, ZIPF, DB_SERVERS, DB_MEAN * 1000, capacity)
local cold = measure(tutorial.simulate(catalogue(false)))
t:picture("03-cache-warming-cold", cold.report, { "latency", "components" })
t:say("hit ratio in the first second %.1f%%, database utilisation at worst %.0f%%, worst per-second p99 %.0f ms",
  cold.first_hit_ratio * 100, cold.db_peak * 100, cold.worst_p99 * 1000)
t:number("capacity", tutorial.count(capacity))
t:number("cold_first_hit", tutorial.pct(cold.first_hit_ratio, 0))
t:number("cold_first_misses", tutorial.count(cold.first_misses))
t:number("cold_db_peak", tutorial.pct(cold.db_peak, 0))
t:number("cold_worst_p99", tutorial.ms(cold.worst_p99))
t:claim("in its first second the cold cache misses more often than it hits",
  tutorial.pct(cold.first_hit_ratio) .. " hits", cold.first_hit_ratio < 0.5)
t:claim("the misses of a cold start saturate the database (over 95% utilisation)",
  tutorial.pct(cold.db_peak), cold.db_peak > 0.95)
t:claim("the cold start's worst per-second p99 exceeds half a second",
  tutorial.ms(cold.worst_p99), cold.worst_p99 > 0.5)

t:step("The fix: preload the cache before taking traffic (warm = true)")
local warm = measure(tutorial.simulate(catalogue(true)))
t:say("backend queries during the run: %d; p99 %.1f ms", warm.backend, warm.p99 * 1000)
t:number("warm_p99", tutorial.fixed(warm.p99 * 1000, 1) .. " ms")
t:claim("a preloaded cache sends no query to the database while its entries are fresh",
  tutorial.count(warm.backend), warm.backend == 0)
t:claim("the warm start's p99 stays under 10 ms", tutorial.fixed(warm.p99 * 1000, 1) .. " ms", warm.p99 < 0.010)

t:step("Another fix: let organic traffic warm the cache by ramping it up")
local ramp = { executor = "ramping-arrival-rate", startRate = 100,
               stages = { { target = RATE, duration = "10s" }, { target = RATE, duration = "10s" } } }
local ramped = measure(tutorial.simulate(catalogue(false, ramp)))
t:picture("03-cache-warming-ramped", ramped.report, { "latency", "components" })
local predicted = expected_distinct(ramped.requests)
t:say("cold cache, traffic ramped from 100 to %d requests/s over 10 s: database at worst %.0f%%, worst p99 %.0f ms",
  RATE, ramped.db_peak * 100, ramped.worst_p99 * 1000)
t:say("theory: %d requests touch %.0f distinct keys (sum over keys of 1 - (1 - p_k)^n); the cache missed %d times",
  ramped.requests, predicted, ramped.backend)
t:number("ramp_db_peak", tutorial.pct(ramped.db_peak, 0))
t:number("ramp_worst_p99", tutorial.ms(ramped.worst_p99))
t:number("ramp_requests", tutorial.count(ramped.requests))
t:number("ramp_predicted", tutorial.count(predicted))
t:number("ramp_backend", tutorial.count(ramped.backend))
t:claim("ramping the traffic keeps the database below saturation",
  tutorial.pct(ramped.db_peak), ramped.db_peak < 0.95)
t:claim("ramping cuts the worst per-second p99 to under a tenth of the cold start's",
  ("%.0f ms vs %.0f ms"):format(ramped.worst_p99 * 1000, cold.worst_p99 * 1000), ramped.worst_p99 < cold.worst_p99 / 10)
t:claim("with the database unsaturated, misses match the predicted number of distinct keys within 5%",
  tutorial.count(ramped.backend) .. " vs " .. tutorial.count(predicted), math.abs(ramped.backend - predicted) <= 0.05 * predicted)
t:finish()
