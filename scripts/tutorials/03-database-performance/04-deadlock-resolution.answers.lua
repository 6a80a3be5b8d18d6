-- Answer key for the exercises of tutorial 03-04 (deadlock resolution).
-- Page: docs/tutorials/03-database-performance/04-deadlock-resolution.md
--
--   syslab-lua scripts/tutorials/03-database-performance/04-deadlock-resolution.answers.lua [--check] [--numbers]
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local t = tutorial.new("03-database-performance/04-deadlock-resolution (answers)")

-- The page's transfer service, with the deadlock probability and the retries as parameters; two minutes of traffic.
local function failure_rate(probability, max_retries)
  local _, r = tutorial.simulate {
    system = {
      topology = {
        name = "transfers", route = "/transfers", method = "POST",
        nodes = { { id = "api", kind = "backend" }, { id = "db", kind = "postgres" } },
        edges = { { from = "api", to = "db" } },
      },
      nodes = { api = { servers = 1000, service = "1ms" }, db = { servers = 32, service = 0.005 } },
    },
    workload = { executor = "constant-arrival-rate", rate = 200, duration = 120 },
    scenarios = { { name = "deadlock", params = { probability = probability, detection_ms = 200, max_retries = max_retries } } },
    options = { seed = 6 },
  }
  return r.requests.failure_rate, r.requests.completed
end

t:step("Exercise 1: one retry only (max_retries = 1) at a 5% deadlock rate")
local rate, n = failure_rate(0.05, 1)
t:say("predicted P^2 = 0.25%% of %d requests; measured %.3f%%", n, rate * 100)
t:number("ex1_rate", tutorial.pct(rate, 2))
t:claim("one retry leaves P^2 = 0.25% failing (within 50%: about 60 failures expected)", tutorial.pct(rate, 3),
  math.abs(rate - 0.0025) <= 0.5 * 0.0025)

t:step("Exercise 2: a hot spot makes 30% of attempts deadlock; do two retries still help?")
local hot = failure_rate(0.3, 2)
t:say("predicted P^3 = 2.7%%; measured %.2f%%", hot * 100)
t:number("ex2_rate", tutorial.pct(hot, 1))
t:claim("two retries still leave P^3 = 2.7% failing (within 20%)",
  tutorial.pct(hot, 2), math.abs(hot - 0.027) <= 0.2 * 0.027)
t:finish()
