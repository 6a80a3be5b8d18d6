-- Tutorial 02-04: a lost invalidation, and the TTL as a backstop.
-- Page: docs/tutorials/02-cache-strategies/04-invalidation.md
--
--   syslab-lua scripts/tutorials/02-cache-strategies/04-invalidation.lua [--check] [--numbers] [--html DIR]
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local t = tutorial.new("02-cache-strategies/04-invalidation")

local RATE, KEYS, RACE, DURATION = 50, 100, 0.001, 3600
local TTLS = { 60, 10, 2 }

-- A profile service with a cache-aside cache: TTL is the one knob. The
-- cache-invalidation-race scenario loses a write's invalidation to a
-- concurrent refill with probability RACE per request; the old value then
-- stays cached until the TTL ends it.
local function profiles(ttl, race)
  return {
    system = {
      topology = {
        name = "profiles", route = "/profiles/{id}",
        nodes = { { id = "api", kind = "backend" }, { id = "db", kind = "postgres" } },
        edges = { { from = "api", to = "db" } },
      },
      nodes = {
        api = { servers = 64, service = "2ms", cache = { keys = KEYS, zipf = 0, ttl = ttl, warm = false } },
        db = { servers = 16, service = { kind = "lognormal", mean = "10ms", stddev = "3ms" } },
      },
    },
    workload = { executor = "constant-arrival-rate", rate = RATE, duration = DURATION },
    scenarios = { { name = "cache-invalidation-race",
                    params = { race_probability = race or RACE, key_ttl_seconds = ttl, target = { tags = { "api" } } } } },
    options = { seed = 21, interval = "60s" },
  }
end

--- Renewal theory. Stale: a lost invalidation comes every 1/(rate x race)
--- seconds on average and the stale value then lives one TTL, so the share
--- of time (and, for Poisson arrivals, of reads) that is stale is
--- TTL / (TTL + 1/(rate x race)). Backend: a key is fetched, stays fresh one
--- TTL, then waits KEYS/rate on average for its next request, which misses.
local function predict(ttl, race)
  local gap = 1 / (RATE * (race or RACE))
  return ttl / (ttl + gap), KEYS / (ttl + KEYS / RATE)
end

local function measure(ttl, race)
  local report, r = tutorial.simulate(profiles(ttl, race))
  local api = tutorial.component(r, "api")
  return {
    report = report,
    stale = tutorial.effect_count(r, "cache-invalidation-race", "stale_read") / r.requests.completed,
    backend_rate = api.cache.backend_queries / DURATION,
  }
end

t:step("Predict, then measure: stale reads and database load for three TTLs")
t:say("%d reads/s over %d keys; a write's invalidation is lost once every %.0f s on average.", RATE, KEYS, 1 / (RATE * RACE))
t:say("%8s %22s %26s", "TTL", "stale reads (theory)", "backend queries/s (theory)")
local seen = {}
for _, ttl in ipairs(TTLS) do
  local stale_theory, backend_theory = predict(ttl)
  local m = measure(ttl)
  seen[ttl] = m
  -- the pictures: both ends of the trade-off
  if ttl == TTLS[1] or ttl == TTLS[#TTLS] then t:picture("04-invalidation-ttl-" .. ttl, m.report, { "components", "diagnosis" }) end
  t:say("%6d s %12.1f%% (%4.1f%%) %18.1f (%5.1f)", ttl, m.stale * 100, stale_theory * 100, m.backend_rate, backend_theory)
  t:number("stale_" .. ttl, tutorial.pct(m.stale))
  t:number("stale_theory_" .. ttl, tutorial.pct(stale_theory))
  t:number("backend_" .. ttl, tutorial.fixed(m.backend_rate, 1))
  t:number("backend_theory_" .. ttl, tutorial.fixed(backend_theory, 1))
  -- An hour holds only 45 to 160 lost invalidations, so the measured share is
  -- noisy: 25% is about three standard deviations of it.
  t:claim(("with a %d s TTL the share of stale reads is within 25%% of TTL / (TTL + 1/(rate x race))"):format(ttl),
    ("%.1f%% vs %.1f%%"):format(m.stale * 100, stale_theory * 100), math.abs(m.stale - stale_theory) <= 0.25 * stale_theory)
  t:claim(("with a %d s TTL the backend rate is within 5%% of KEYS / (TTL + KEYS/rate)"):format(ttl),
    ("%.1f/s vs %.1f/s"):format(m.backend_rate, backend_theory), math.abs(m.backend_rate - backend_theory) <= 0.05 * backend_theory)
end

t:step("The trade-off")
t:claim("shortening the TTL from 60 s to 2 s cuts stale reads at least fivefold",
  ("%.1f%% -> %.1f%%"):format(seen[60].stale * 100, seen[2].stale * 100), seen[2].stale * 5 <= seen[60].stale)
t:claim("and multiplies the database's read load at least tenfold",
  ("%.1f/s -> %.1f/s"):format(seen[60].backend_rate, seen[2].backend_rate), seen[2].backend_rate >= 10 * seen[60].backend_rate)
t:finish()
