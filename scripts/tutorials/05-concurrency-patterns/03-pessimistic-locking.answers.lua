-- Answer key of 05-concurrency-patterns/03-pessimistic-locking (exercises 1 and 2).
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local t = tutorial.new("05-concurrency-patterns/03-pessimistic-locking (answers)")

local function run(contention, timeout)
  local _, r = tutorial.simulate {
    system = {
      topology = { name = "tickets", nodes = { { id = "api", kind = "backend" }, { id = "db", kind = "postgres" } },
                   edges = { { from = "api", to = "db" } } },
      nodes = { api = { servers = 256, service = "1ms" }, db = { servers = 64, service = 0.002 } },
    },
    workload = { executor = "constant-arrival-rate", rate = 300, duration = "120s" },
    scenarios = { { name = "lock-contention", params = { contention_probability = contention, hold_ms = 200,
                                                         lock_timeout_ms = timeout * 1000, target = { tags = { "db" } } } } },
    options = { seed = 54 },
  }
  return r
end

t:step("Exercise 1: a lock timeout that fails under 0.01% of requests")
-- 0.3 e^(-T / 0.2) < 1e-4  <=>  T > 0.2 ln(3000) = 1.60 s; round up to 2 s.
local bound = 0.2 * math.log(0.3 / 1e-4)
local r = run(0.3, 2)
local failed = r.requests.failed / r.requests.completed
t:number("ex1_bound", ("%.2f s"):format(bound))
t:number("ex1_failed", tutorial.pct(failed, 3))
t:claim("the bound is 0.2 ln(3000) = 1.60 s", ("%.2f s"):format(bound), math.abs(bound - 1.601) < 0.005)
t:claim("with a 2 s timeout under 0.01% fail", tutorial.pct(failed, 3), failed < 1e-4)

t:step("Exercise 2: p99 when only 5% of requests meet a held lock")
local want = 0.003 + 0.2 * math.log(100 * 0.05)   -- 3 ms of work (api and db) plus the wait
local s = run(0.05, 1)
t:number("ex2_pred", tutorial.ms(want))
t:number("ex2_p99", tutorial.ms(s.latency.p99))
t:claim("p99 is about 3 ms + 200 ms x ln 5 = " .. tutorial.ms(want) .. " (within 10%)", tutorial.ms(s.latency.p99),
        math.abs(s.latency.p99 - want) / want < 0.10)
t:finish()
