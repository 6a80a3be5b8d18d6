-- Answer key for the exercises of tutorial 04-03 (bulkheads).
-- Page: docs/tutorials/04-handling-failures/03-bulkheads.md
--
--   syslab-lua scripts/tutorials/04-handling-failures/03-bulkheads.answers.lua [--check] [--numbers]
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local t = tutorial.new("04-handling-failures/03-bulkheads (answers)")

-- The page's shop API (two request kinds sharing 50 threads).
local function run(edge)
  local _, r = tutorial.simulate {
    system = {
      topology = { name = "shop-api", route = "/shop",
        nodes = { { id = "api", kind = "backend" }, { id = "recommendations", kind = "backend" },
                  { id = "checkout", kind = "backend" } },
        edges = { { from = "api", to = "recommendations" }, { from = "api", to = "checkout" } } },
      nodes = { api = { servers = 50, service = "5ms", balance = "random" },
                recommendations = { servers = 200, service = { kind = "lognormal", mean = 0.040, stddev = 0.010 } },
                checkout = { servers = 200, service = { kind = "lognormal", mean = 0.030, stddev = 0.010 } } },
      edges = { ["api->recommendations"] = edge },
    },
    workload = { executor = "constant-arrival-rate", rate = 200, duration = "30s" },
    scenarios = { { name = "fixed-latency", at = "10s", duration = "10s",
                    params = { delay_ms = 2000, target = { tags = { "recommendations" } } } } },
    options = { seed = 9 },
  }
  return r
end

t:step("Exercise 1: the bulkhead with a fallback (recommendations are optional)")
local r = run { timeout = "3s", bulkhead = 15, fallback = true }
local during = r.phases[2]
t:say("%.2f%% of requests fail; %d fallbacks", during.failure_rate * 100, tutorial.edge(during, "api->recommendations").fallbacks)
t:number("ex1_failed", tutorial.pct(during.failure_rate, 2))
t:number("ex1_fallbacks", tutorial.count(tutorial.edge(during, "api->recommendations").fallbacks))
t:claim("no request fails: refused recommendation calls become pages without recommendations",
  tutorial.pct(during.failure_rate, 2), during.failure_rate == 0)

t:step("Exercise 2: a bulkhead sized at the healthy average, 100/s x 40 ms = 4")
local tight = run { timeout = "3s", bulkhead = 4 }
local refused = tutorial.edge(tight.phases[1], "api->recommendations").bulkhead_rejections
local calls = tutorial.edge(tight.phases[1], "api->recommendations").attempts + refused
t:say("in the healthy 10 s it refuses %d of %d calls (%.1f%%)", refused, calls, refused / calls * 100)
t:number("ex2_refused", tutorial.count(refused))
t:number("ex2_refused_share", tutorial.pct(refused / calls))
t:claim("a compartment sized at the average load refuses healthy calls (over 5%): size it for the peaks",
  tutorial.pct(refused / calls), refused / calls > 0.05)
-- A bulkhead is a loss system (M/G/c/c): a call finding every slot taken is
-- refused, with the probability Erlang B gives (it holds for any service
-- distribution): B(c, a) by the recurrence B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)).
local function erlang_b(c, a)
  local b = 1
  for k = 1, c do b = a * b / (k + a * b) end
  return b
end
local a = 100 * (0.040 + 0.0)   -- offered load: calls per second x seconds each
local predicted = erlang_b(4, a)
t:number("ex2_erlang_b", tutorial.pct(predicted))
t:claim("Erlang B predicts the refused share (within 15%)", ("%.1f%% vs %.1f%%"):format(refused / calls * 100, predicted * 100),
  math.abs(refused / calls - predicted) <= 0.15 * predicted)
t:finish()
