-- Answer key for the exercises of tutorial 04-02 (circuit breakers).
-- Page: docs/tutorials/04-handling-failures/02-circuit-breakers.md
--
--   syslab-lua scripts/tutorials/04-handling-failures/02-circuit-breakers.answers.lua [--check] [--numbers]
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local t = tutorial.new("04-handling-failures/02-circuit-breakers (answers)")

-- The page's orders API and its hanging payment provider.
local function during(edge)
  local _, r = tutorial.simulate {
    system = {
      topology = { name = "orders", route = "/orders",
        nodes = { { id = "api", kind = "backend" }, { id = "payments", kind = "stripe" } },
        edges = { { from = "api", to = "payments" } } },
      nodes = { api = { servers = 64, service = "5ms" },
                payments = { servers = 100, service = { kind = "lognormal", mean = 0.050, stddev = 0.015 } } },
      edges = { ["api->payments"] = edge },
    },
    workload = { executor = "constant-arrival-rate", rate = 100, duration = "40s" },
    scenarios = { { name = "fixed-latency", at = "10s", duration = "15s",
                    params = { delay_ms = 5000, target = { tags = { "payments" } } } } },
    options = { seed = 7 },
  }
  return r.phases[2], tutorial.edge(r.phases[2], "api->payments")
end

local function breaker(open_for)
  return { failure_ratio = 0.5, window = 20, minimum_calls = 10, open_for = open_for, probes = 3 }
end

t:step("Exercise 1: how many calls wait the full timeout, with the breaker open for 2 s or 6 s?")
local _, short = during { timeout = "1s", breaker = breaker("2s") }
local _, long = during { timeout = "1s", breaker = breaker("6s") }
t:say("timeouts during the 15 s: %d (open 2 s) vs %d (open 6 s)", short.timeouts, long.timeouts)
t:number("ex1_timeouts_2s", tutorial.count(short.timeouts))
t:number("ex1_timeouts_6s", tutorial.count(long.timeouts))
t:claim("a longer open time sends fewer probes, so fewer calls wait the full timeout",
  ("%d vs %d"):format(long.timeouts, short.timeouts), long.timeouts < short.timeouts)

t:step("Exercise 2: the breaker with a fallback")
local phase, edge = during { timeout = "1s", breaker = breaker("2s"), fallback = true }
t:say("%.2f%% of requests fail; %d fallbacks; p50 %.1f ms", phase.failure_rate * 100, edge.fallbacks, phase.latency.p50 * 1000)
t:number("ex2_failed", tutorial.pct(phase.failure_rate, 2))
t:number("ex2_fallbacks", tutorial.count(edge.fallbacks))
t:claim("with a fallback no request fails: refused and timed-out calls become degraded answers",
  tutorial.pct(phase.failure_rate, 2), phase.failure_rate == 0 and edge.fallbacks > 0)
t:finish()
