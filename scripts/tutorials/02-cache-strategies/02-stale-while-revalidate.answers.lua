-- Answer key for the exercises of tutorial 02-02 (stale-while-revalidate).
-- Page: docs/tutorials/02-cache-strategies/02-stale-while-revalidate.md
--
--   syslab-lua scripts/tutorials/02-cache-strategies/02-stale-while-revalidate.answers.lua [--check] [--numbers]
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local syslab = require "syslab"
local tutorial = require "tutorial"
local t = tutorial.new("02-cache-strategies/02-stale-while-revalidate (answers)")

local RATE, DURATION = 200, 60

-- The page's live decision path: Poisson arrivals through registry:decide.
local function decisions(ttl, recompute, protection)
  local registry = syslab.registry { manual_clock = true, seed = 1 }
  assert(registry:enable("cache-stampede", { key_ttl_seconds = ttl, recompute_ms = recompute * 1000,
                                              protection = protection, target = { tags = { "api" } } }))
  local arrivals = syslab.random(7)
  local now, seen = 0, { requests = 0, waited = 0, stale = 0 }
  while true do
    local gap = arrivals:exponential(1 / RATE)
    if now + gap >= DURATION then break end
    registry:advance(gap)
    now = now + gap
    seen.requests = seen.requests + 1
    for _, e in ipairs(registry:decide { route = "/home", method = "GET", component = "backend", tags = { "api" } }) do
      if e.kind == "delay" then seen.waited = seen.waited + 1 end
      if e.kind == "stale_read" then seen.stale = seen.stale + 1 end
    end
  end
  registry:close()
  return seen
end

t:step("Exercise 1: the recompute takes 1 s instead of 0.5 s; predict the stale answers per minute")
local predicted = RATE * 1.0 * math.ceil(DURATION / 5)
local swr = decisions(5, 1.0, "stale_while_revalidate")
t:say("predicted rate x recompute x windows = %d x 1 s x %d = %d; measured %d", RATE, math.ceil(DURATION / 5), predicted, swr.stale)
t:number("ex1_predicted", tutorial.count(predicted))
t:number("ex1_stale", tutorial.count(swr.stale))
t:claim("stale answers double with the recompute time (within 10% of the prediction)",
  ("%d vs %d"):format(swr.stale, predicted), math.abs(swr.stale - predicted) <= 0.1 * predicted)

t:step("Exercise 2: TTL 1 s, recompute 0.5 s: what share of requests waits under single flight?")
local single = decisions(1, 0.5, "single_flight")
local share = single.waited / single.requests
t:say("%d of %d requests waited: %.1f%% (the recompute covers half of every TTL)", single.waited, single.requests, share * 100)
t:number("ex2_share", tutorial.pct(share))
t:claim("about half of the requests wait (recompute / TTL = 50%, within 5 points)", tutorial.pct(share),
  math.abs(share - 0.5) <= 0.05)
t:finish()
