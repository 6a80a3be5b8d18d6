-- Answer key of 05-concurrency-patterns/01-race-conditions (exercises 1 and 2).
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local t = tutorial.new("05-concurrency-patterns/01-race-conditions (answers)")

local function test(rate, p, protection, hold_ms)
  return {
    system = {
      topology = { name = "balances", nodes = { { id = "api", kind = "backend" }, { id = "db", kind = "postgres" } },
                   edges = { { from = "api", to = "db" } } },
      nodes = { api = { service = "1ms" }, db = { service = { kind = "exponential", mean = "2ms" } } },
    },
    workload = { executor = "constant-arrival-rate", rate = rate, duration = "60s" },
    scenarios = { { name = "double-write", params = { collision_probability = p, protection = protection,
                                                      lock_hold_ms = hold_ms, target = { tags = { "db" } } } } },
    options = { seed = 52 },
  }
end

t:step("Exercise 1: twice the traffic")
-- The hot row now sees 200 writes/s: P = 0.5 * (1 - e^(-200 * 0.002)).
local p2 = 0.5 * (1 - math.exp(-200 * 0.002))
local _, r = tutorial.simulate(test(400, p2, "none", 50))
local share = tutorial.effect_count(r, "double-write", "lost_write") / tutorial.component(r, "db").arrivals
t:number("ex1_predicted", tutorial.pct(p2, 1))
t:number("ex1_measured", tutorial.pct(share, 1))
t:claim("doubling the rate takes the lost share from 9.06% to about " .. tutorial.pct(p2, 1) .. " (within 10%)",
        tutorial.pct(share, 1), math.abs(share - p2) / p2 < 0.10)

t:step("Exercise 2: pessimistic locking")
local p = 0.5 * (1 - math.exp(-100 * 0.002))
local _, locked = tutorial.simulate(test(200, p, "pessimistic", 20))
t:number("ex2_p50", tutorial.ms(locked.latency.p50, 1))
t:number("ex2_p99", tutorial.ms(locked.latency.p99, 1))
t:claim("with a row lock nothing is lost and nothing fails", tutorial.count(locked.requests.failed),
        tutorial.effect_count(locked, "double-write", "lost_write") == 0 and locked.requests.failed == 0)
t:claim("the 9% of requests that wait 20 ms for the lock put p99 above 20 ms while p50 stays under 10 ms",
        tutorial.ms(locked.latency.p50, 1) .. " / " .. tutorial.ms(locked.latency.p99, 1),
        locked.latency.p99 > 0.020 and locked.latency.p50 < 0.010)
t:finish()
