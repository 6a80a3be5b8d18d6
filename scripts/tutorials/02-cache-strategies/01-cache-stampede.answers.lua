-- Answer key for the exercises of tutorial 02-01 (the cache stampede).
-- Page: docs/tutorials/02-cache-strategies/01-cache-stampede.md
--
--   syslab-lua scripts/tutorials/02-cache-strategies/01-cache-stampede.answers.lua [--check] [--numbers]
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local t = tutorial.new("02-cache-strategies/01-cache-stampede (answers)")

local KEYS = 200

-- The page's system, with the request rate as a parameter.
local function products(cache, rate)
  cache.keys, cache.zipf, cache.ttl, cache.warm = KEYS, 1.1, 10, true
  return {
    system = {
      topology = {
        name = "products", route = "/products/{id}",
        nodes = { { id = "api", kind = "backend" }, { id = "db", kind = "postgres" } },
        edges = { { from = "api", to = "db" } },
      },
      nodes = {
        api = { servers = 2000, service = "2ms", cache = cache },
        db = { servers = 50, service = { kind = "lognormal", mean = 0.100, stddev = 0.030 } },
      },
    },
    workload = { executor = "constant-arrival-rate", rate = rate or 5000, duration = "25s" },
    options = { seed = 3 },
  }
end

local function peak_queries(test)
  local report = tutorial.simulate(test)
  local _, peak = tutorial.peak(tutorial.series(report), "api_backend_queries")
  return peak
end

t:step("Exercise 1: jitter the TTL by ±20% instead of coalescing")
local herd = peak_queries(products { coalesce = false })
local jitter = peak_queries(products { coalesce = false, ttl_jitter = 0.2 })
t:say("worst second: %d queries without jitter, %d with ±20%% jitter", herd, jitter)
t:number("ex1_herd", tutorial.count(herd))
t:number("ex1_jitter", tutorial.count(jitter))
t:claim("±20% jitter spreads the expiries over 4 s and cuts the worst second's queries by more than half",
  ("%d -> %d"):format(herd, jitter), jitter * 2 < herd)

t:step("Exercise 2: double the traffic to 10,000 requests/s")
local herd2 = peak_queries(products({ coalesce = false }, 10000))
local single2 = peak_queries(products({ coalesce = true }, 10000))
t:say("worst second: %d queries without protection, %d with single flight", herd2, single2)
t:number("ex2_herd", tutorial.count(herd2))
t:number("ex2_single", tutorial.count(single2))
t:claim("without protection the herd grows with the traffic", ("%d at 5,000/s, %d at 10,000/s"):format(herd, herd2), herd2 > herd)
t:claim("with single flight the worst second stays at most one query per key", ("%d queries, %d keys"):format(single2, KEYS),
  single2 <= KEYS)
t:finish()
