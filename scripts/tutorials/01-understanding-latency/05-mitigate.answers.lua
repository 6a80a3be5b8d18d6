-- Answer key for the exercises of tutorial 01-05 (mitigate).
-- Page: docs/tutorials/01-understanding-latency/05-mitigate.md
--
--   syslab-lua scripts/tutorials/01-understanding-latency/05-mitigate.answers.lua [--check] [--numbers]
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local shop = require "shop"
local t = tutorial.new("01-understanding-latency/05-mitigate (answers)")

local function run(edge)
  local _, r = tutorial.simulate(shop.test { delay_ms = 200, edges = { ["api->inventory"] = edge } })
  return r
end

t:step("Exercise 1: a 300 ms timeout (with the fallback)")
local long = run { timeout = "300ms", fallback = true }
local during = long.phases[2]
t:say("timeouts %d, p99 %.0f ms, api %.1f%% busy", tutorial.edge(during, "api->inventory").timeouts,
  during.latency.p99 * 1000, tutorial.component(during, "api").utilisation * 100)
t:number("ex1_timeouts", tutorial.count(tutorial.edge(during, "api->inventory").timeouts))
t:number("ex1_p99", tutorial.ms(during.latency.p99))
t:claim("a timeout above the slow calls' latency (230 ms) never fires, and the API saturates as before (p99 over 1 s)",
  ("%d timeouts, %.0f ms"):format(tutorial.edge(during, "api->inventory").timeouts, during.latency.p99 * 1000),
  tutorial.edge(during, "api->inventory").timeouts == 0 and during.latency.p99 > 1)

t:step("Exercise 2: the breaker open for 10 s instead of 2 s")
local function after_fallbacks(open_for)
  local r = run { timeout = "100ms", fallback = true,
                  breaker = { failure_ratio = 0.5, window = 20, minimum_calls = 10, open_for = open_for, probes = 3 } }
  return tutorial.edge(r.phases[3], "api->inventory").fallbacks, tutorial.component(r.phases[2], "inventory").arrivals
end
local short_after, short_calls = after_fallbacks("2s")
local long_after, long_calls = after_fallbacks("10s")
t:say("degraded answers after inventory recovered: %d (2 s) vs %d (10 s); inventory calls during the incident: %d vs %d",
  short_after, long_after, short_calls, long_calls)
t:number("ex2_after_2s", tutorial.count(short_after))
t:number("ex2_after_10s", tutorial.count(long_after))
t:number("ex2_calls_2s", tutorial.count(short_calls))
t:number("ex2_calls_10s", tutorial.count(long_calls))
t:claim("a longer open time sends fewer probes to the broken dependency during the incident",
  ("%d vs %d calls"):format(long_calls, short_calls), long_calls < short_calls)
-- After recovery the breaker may still be open: at most open_for (plus a probe's
-- timeout) of traffic gets degraded answers; where recovery falls in the cycle decides.
local bound_2, bound_10 = shop.RATE * (2 + 0.1), shop.RATE * (10 + 0.1)
t:number("ex2_bound_2s", tutorial.count(bound_2))
t:number("ex2_bound_10s", tutorial.count(bound_10))
t:claim("after recovery degraded answers last at most open_for plus a probe's timeout of traffic, for both settings",
  ("%d <= %.0f, %d <= %.0f"):format(short_after, bound_2, long_after, bound_10),
  short_after <= bound_2 and long_after <= bound_10)
t:finish()
