-- Answer key of 05-concurrency-patterns/04-distributed-locks (exercises 1 and 2).
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local t = tutorial.new("05-concurrency-patterns/04-distributed-locks (answers)")

local function run(rate, overlap)
  local _, r = tutorial.simulate {
    system = {
      topology = { name = "seat-booking",
                   nodes = { { id = "api", kind = "backend" }, { id = "lock", kind = "redis" }, { id = "db", kind = "postgres" } },
                   edges = { { from = "api", to = "lock" }, { from = "api", to = "db" } } },
      nodes = { lock = { servers = 1, service = { kind = "exponential", mean = 0.010 } }, db = { service = "2ms" } },
    },
    workload = { executor = "constant-arrival-rate", rate = rate, duration = "240s" },
    scenarios = { { name = "double-write", params = { collision_probability = overlap, target = { tags = { "db" } } } } },
    options = { seed = 55 },
  }
  return r
end

t:step("Exercise 1: a lease that overlaps under 1 in 10,000 holders")
-- e^(-lease / 10 ms) < 1e-4  <=>  lease > 10 ms x ln(10,000) = 92 ms
local lease = 0.010 * math.log(1e4)
local r = run(50, math.exp(-0.1 / 0.010))
local lost = tutorial.effect_count(r, "double-write", "lost_write") / tutorial.component(r, "db").arrivals
t:number("ex1_lease", tutorial.ms(lease))
t:number("ex1_lost", tutorial.pct(lost, 3))
t:number("ex1_lost_count", tutorial.count(tutorial.effect_count(r, "double-write", "lost_write")))
t:claim("the bound is 10 ms x ln(10,000) = 92 ms", tutorial.ms(lease), math.abs(lease - 0.0921) < 0.0005)
t:claim("with a 100 ms lease races become rare: under 0.05% of writes, against 0.67% with 50 ms",
        tutorial.pct(lost, 3), lost < 5e-4)

t:step("Exercise 2: the rate at which the mean wait for the lock reaches 40 ms")
-- rho x 10 ms / (1 - rho) = 40 ms  <=>  rho = 0.8  <=>  80 requests/s
local s = run(80, 0)
local wait = tutorial.component(s, "lock").mean_queue_wait
t:number("ex2_wait", tutorial.ms(wait, 1))
t:claim("at 80 requests/s the mean wait is about 40 ms (within 25%)", tutorial.ms(wait, 1), math.abs(wait - 0.040) / 0.040 < 0.25)
t:finish()
