-- Answer key for the exercises of tutorial 02-04 (invalidation).
-- Page: docs/tutorials/02-cache-strategies/04-invalidation.md
--
--   syslab-lua scripts/tutorials/02-cache-strategies/04-invalidation.answers.lua [--check] [--numbers]
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local t = tutorial.new("02-cache-strategies/04-invalidation (answers)")

local RATE, KEYS, DURATION = 100, 200, 3600

-- The page's profile service with its cache TTL and the race probability as parameters.
local function stale_share(ttl, race)
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
                    params = { race_probability = race, key_ttl_seconds = ttl, target = { tags = { "api" } } } } },
    options = { seed = 21 },
  }
  return tutorial.effect_count(r, "cache-invalidation-race", "stale_read") / r.requests.completed
end

t:step("Exercise 1: the product owner accepts at most 10% stale reads; what is the longest TTL?")
-- share = TTL / (TTL + gap)  <=>  TTL = gap x share / (1 - share)
local gap = 1 / (RATE * 0.0005)
local ttl = gap * 0.1 / 0.9
local share = stale_share(ttl, 0.0005)
t:say("gap between lost invalidations %.0f s -> TTL = %.0f x 0.1 / 0.9 = %.2f s; measured stale share %.1f%%", gap, gap, ttl, share * 100)
t:number("ex1_ttl", tutorial.fixed(ttl, 2) .. " s")
t:number("ex1_share", tutorial.pct(share))
t:claim("at that TTL the stale share is 10% (within 15%)", tutorial.pct(share), math.abs(share - 0.1) <= 0.015)

t:step("Exercise 2: a delayed second delete makes lost invalidations ten times rarer; stale share at a 60 s TTL?")
local predicted = 60 / (60 + 1 / (RATE * 0.00005))
local measured = stale_share(60, 0.00005)
t:say("predicted 60 / (60 + %.0f) = %.1f%%, measured %.1f%%", 1 / (RATE * 0.00005), predicted * 100, measured * 100)
t:number("ex2_predicted", tutorial.pct(predicted))
t:number("ex2_measured", tutorial.pct(measured))
t:claim("the stale share falls to the predicted value (within 20%)", ("%.1f%% vs %.1f%%"):format(measured * 100, predicted * 100),
  math.abs(measured - predicted) <= 0.2 * predicted)
t:finish()
