-- Answer key of 05-concurrency-patterns/02-optimistic-locking (exercises 1 and 2).
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local t = tutorial.new("05-concurrency-patterns/02-optimistic-locking (answers)")

local function run(rows, retries)
  local _, r = tutorial.simulate {
    system = {
      topology = { name = "inventory", nodes = { { id = "api", kind = "backend" }, { id = "db", kind = "postgres" } },
                   edges = { { from = "api", to = "db" } } },
      nodes = { api = { service = "1ms" }, db = { service = { kind = "exponential", mean = "3ms" } } },
    },
    workload = { executor = "constant-arrival-rate", rate = 200, duration = "60s" },
    scenarios = { { name = "optimistic-locking-collision",
                    params = { concurrent_writers = 8, hot_rows = rows, max_retries = retries, retry_ms = 10,
                               target = { tags = { "db" } } } } },
    options = { seed = 53 },
  }
  return r
end

t:step("Exercise 1: how many retries keep failures under 0.1% on ten hot rows?")
local p = 1 - 0.9 ^ 7
local retries = math.ceil(math.log(0.001) / math.log(p)) - 1   -- p^(r+1) <= 0.001
local r = run(10, retries)
local failed = r.requests.failed / r.requests.completed
t:number("ex1_retries", tostring(retries))
t:number("ex1_failed", tutorial.pct(failed, 2))
t:number("ex1_p99", tutorial.ms(r.latency.p99, 0))
t:claim(retries .. " retries keep failures under 0.1%", tutorial.pct(failed, 2), failed < 0.001)
t:claim("and the tail pays: p99 above 50 ms", tutorial.ms(r.latency.p99, 0), r.latency.p99 > 0.050)

t:step("Exercise 2: how many rows keep conflicts under 1% with eight writers?")
-- 1 - (1 - 1/n)^7 < 0.01  <=>  n > 1 / (1 - 0.99^(1/7))
local rows = math.floor(1 / (1 - 0.99 ^ (1 / 7))) + 1
local s = run(rows, 3)
local retried = tutorial.effect_count(s, "optimistic-locking-collision", "retry") / s.requests.completed
t:number("ex2_rows", tostring(rows))
t:number("ex2_retried", tutorial.pct(retried, 2))
t:claim(rows .. " rows keep conflicts at about 1% (within 20%)", tutorial.pct(retried, 2), math.abs(retried - 0.01) < 0.002)
t:finish()
