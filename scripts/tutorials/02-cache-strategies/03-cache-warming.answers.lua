-- Answer key for the exercises of tutorial 02-03 (cache warming).
-- Page: docs/tutorials/02-cache-strategies/03-cache-warming.md
--
--   syslab-lua scripts/tutorials/02-cache-strategies/03-cache-warming.answers.lua [--check] [--numbers]
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local t = tutorial.new("02-cache-strategies/03-cache-warming (answers)")

local KEYS, ZIPF = 20000, 1.0

-- The page's catalogue service, with the cache's TTL, jitter and the rate as parameters.
local function catalogue(cache, rate, duration)
  cache.keys, cache.zipf = KEYS, ZIPF
  return {
    system = {
      topology = {
        name = "catalogue", route = "/items/{id}",
        nodes = { { id = "api", kind = "backend" }, { id = "db", kind = "postgres" } },
        edges = { { from = "api", to = "db" } },
      },
      nodes = {
        api = { servers = 2000, service = "2ms", cache = cache },
        db = { servers = 20, service = { kind = "lognormal", mean = 0.020, stddev = 0.005 } },
      },
    },
    workload = { executor = "constant-arrival-rate", rate = rate, duration = duration },
    options = { seed = 11 },
  }
end

t:step("Exercise 1: a preloaded cache with a 10 s TTL; what happens at 10 s, and what does ±50% jitter change?")
local function worst_second(cache)
  local _, peak = tutorial.peak(tutorial.series(tutorial.simulate(catalogue(cache, 3000, 20))), "api_backend_queries")
  return peak
end
local synced = worst_second { warm = true, ttl = "10s" }
local jittered = worst_second { warm = true, ttl = "10s", ttl_jitter = 0.5 }
t:say("worst second: %d backend queries without jitter, %d with ±50%% jitter", synced, jittered)
t:number("ex1_synced", tutorial.count(synced))
t:number("ex1_jittered", tutorial.count(jittered))
t:claim("a preloaded cache without jitter expires all at once: the worst second exceeds the database's 1,000 queries/s",
  tutorial.count(synced), synced > 1000)
t:claim("±50% jitter keeps the worst second under half of that", ("%d vs %d"):format(jittered, synced), jittered * 2 < synced)

t:step("Exercise 2: predict the misses of the first 10,000 requests of a cold cache at 500 requests/s")
local weights, total = {}, 0
for k = 1, KEYS do weights[k] = k ^ -ZIPF; total = total + weights[k] end
local predicted = 0
for k = 1, KEYS do predicted = predicted + 1 - (1 - weights[k] / total) ^ 10000 end
local _, r = tutorial.simulate(catalogue({ warm = false, ttl = "10m" }, 500, 20))
local misses = tutorial.component(r, "api").cache.backend_queries
t:say("predicted %.0f distinct keys, measured %d misses", predicted, misses)
t:number("ex2_predicted", tutorial.count(predicted))
t:number("ex2_misses", tutorial.count(misses))
t:claim("the misses match the expected number of distinct keys within 5%", ("%d vs %.0f"):format(misses, predicted),
  math.abs(misses - predicted) <= 0.05 * predicted)
t:finish()
