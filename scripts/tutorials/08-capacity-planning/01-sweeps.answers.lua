-- Answer key of tutorial 08-01 (capacity planning with sweeps).
-- Page: docs/tutorials/08-capacity-planning/01-sweeps.md
--
--   syslab-lua scripts/tutorials/08-capacity-planning/01-sweeps.answers.lua [--check] [--numbers]
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local syslab = require "syslab"
local t = tutorial.new("08-capacity-planning/01-sweeps.answers")

local function checkout(rate, service)
  return {
    system = {
      topology = { name = "checkout", route = "/checkout", nodes = { { id = "checkout", kind = "backend" } } },
      nodes = { checkout = { servers = 8, service = { kind = "exponential", mean = service } } },
    },
    workload = { executor = "constant-arrival-rate", rate = rate, duration = 120 },
    options = { seed = 2026 },
  }
end

-- Erlang C's p99 of the response time (see the page's script).
local function p99_theory(lambda, service, c)
  local mu, a = 1 / service, lambda * service
  if a >= c then return math.huge end
  local C, theta = tutorial.erlang_c(c, a), c * mu - lambda
  local function tail(x)
    local both = math.abs(mu - theta) < 1e-9 and (1 + mu * x) * math.exp(-mu * x)
      or (mu * math.exp(-theta * x) - theta * math.exp(-mu * x)) / (mu - theta)
    return (1 - C) * math.exp(-mu * x) + C * both
  end
  local lo, hi = 0, 100
  for _ = 1, 200 do
    local mid = (lo + hi) / 2
    if tail(mid) > 0.01 then lo = mid else hi = mid end
  end
  return lo
end

local function plan(rate, service, target_ms, values)
  local found = assert(syslab.sweep_smallest(checkout(rate, service), "system.nodes.checkout.servers", values,
    ("p99_ms < %g"):format(target_ms), { replicas = 3 }))
  local theory
  for _, c in ipairs(values) do
    if p99_theory(rate, service, c) * 1000 < target_ms then theory = c; break end
  end
  return found.value, theory
end

t:step("Exercise 1: 400 requests/s, 20 ms, p99 under 110 ms")
local answer1, theory1 = plan(400, 0.020, 110, { 8, 9, 10, 11, 12, 13, 14, 16, 20 })
t:say("bisection: %s servers; Erlang C: %s", answer1, theory1)
t:number("ex1_answer", tostring(answer1))
t:number("ex1_theory", tostring(theory1))
t:claim("bisection and Erlang C agree at 400/s", ("%s vs %s"):format(answer1, theory1), answer1 ~= nil and answer1 == theory1)

t:step("Exercise 2: 300 requests/s, 10 ms, p99 under 55 ms")
local answer2, theory2 = plan(300, 0.010, 55, { 3, 4, 5, 6, 7, 8, 10, 12 })
t:say("bisection: %s servers; Erlang C: %s", answer2, theory2)
t:number("ex2_answer", tostring(answer2))
t:number("ex2_theory", tostring(theory2))
t:claim("bisection and Erlang C agree at 10 ms", ("%s vs %s"):format(answer2, theory2), answer2 ~= nil and answer2 == theory2)
t:finish()
