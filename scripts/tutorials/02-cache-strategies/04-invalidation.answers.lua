-- Answer key for the exercises of tutorial 02-04 (invalidation).
-- Page: docs/tutorials/02-cache-strategies/04-invalidation.md
--
--   syslab-lua scripts/tutorials/02-cache-strategies/04-invalidation.answers.lua [--check] [--numbers]
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local t = tutorial.new("02-cache-strategies/04-invalidation (answers)")

local RATE, KEYS, RACE, DURATION = 50, 100, 0.001, 3600

-- The page's profile service with its cache TTL and the race probability as parameters.
local function run(ttl)
  local _, r = tutorial.simulate {
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
                    params = { race_probability = RACE, key_ttl_seconds = ttl, target = { tags = { "api" } } } } },
    options = { seed = 21, interval = "60s" },
  }
  return tutorial.effect_count(r, "cache-invalidation-race", "stale_read") / r.requests.completed,
         tutorial.component(r, "api").cache.backend_queries / DURATION
end

t:step("Exercise 1: the product owner accepts at most 10% stale reads; what is the longest TTL?")
-- share = TTL / (TTL + gap)  <=>  TTL = gap x share / (1 - share)
local gap = 1 / (RATE * RACE)
local ttl = gap * 0.1 / 0.9
local share = run(ttl)
t:say("gap between lost invalidations %.0f s -> TTL = %.0f x 0.1 / 0.9 = %.2f s; measured stale share %.1f%%", gap, gap, ttl, share * 100)
t:number("ex1_ttl", tutorial.fixed(ttl, 2) .. " s")
t:number("ex1_share", tutorial.pct(share))
t:claim("at that TTL the stale share is 10% (within 25%, the page's tolerance)", tutorial.pct(share), math.abs(share - 0.1) <= 0.025)

t:step("Exercise 2: the database can spare 10 reads/s for this cache; what is the shortest TTL, and how stale is it?")
-- backend = KEYS / (TTL + KEYS/RATE) <= 10  <=>  TTL >= KEYS/10 - KEYS/RATE
local shortest = KEYS / 10 - KEYS / RATE
local stale_predicted = shortest / (shortest + gap)
local stale, backend = run(shortest)
t:say("TTL = %d/10 - %d/%d = %.0f s: backend %.2f/s; stale share predicted %.1f%%, measured %.1f%%",
  KEYS, KEYS, RATE, shortest, backend, stale_predicted * 100, stale * 100)
t:number("ex2_ttl", tutorial.fixed(shortest, 0) .. " s")
t:number("ex2_backend", tutorial.fixed(backend, 2))
t:number("ex2_predicted", tutorial.pct(stale_predicted))
t:number("ex2_measured", tutorial.pct(stale))
t:claim("at that TTL the database gets 10 reads/s (within 5%)", tutorial.fixed(backend, 2) .. "/s", math.abs(backend - 10) <= 0.5)
t:claim("and the stale share is as predicted (within 25%)", ("%.1f%% vs %.1f%%"):format(stale * 100, stale_predicted * 100),
  math.abs(stale - stale_predicted) <= 0.25 * stale_predicted)
t:finish()
