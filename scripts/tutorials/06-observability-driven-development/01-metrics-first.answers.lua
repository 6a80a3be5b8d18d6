-- Answer key of 06-observability-driven-development/01-metrics-first (exercises 1 and 2).
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local t = tutorial.new("06-observability-driven-development/01-metrics-first (answers)")

local function run(edges)
  return tutorial.simulate {
    system = {
      topology = { name = "checkout",
                   nodes = { { id = "web", kind = "backend" }, { id = "orders", kind = "backend" }, { id = "db", kind = "postgres" } },
                   edges = { { from = "web", to = "orders" }, { from = "orders", to = "db" } } },
      nodes = { web = { service = "2ms" }, orders = { service = "5ms" }, db = { service = { kind = "exponential", mean = "3ms" } } },
      edges = edges,
    },
    workload = { executor = "constant-arrival-rate", rate = 200, duration = "60s" },
    scenarios = { { name = "tail-latency", at = "20s", duration = "20s",
                    params = { base_ms = 0, tail_probability = 0.03, tail_ms = 500, target = { tags = { "db" } } } } },
    thresholds = { http_req_duration = { "p(99)<300" }, http_req_failed = { "rate<0.01" } },
    options = { seed = 62 },
  }
end

t:step("Exercise 1: which percentile sees a 3% tail?")
local _, r = run(nil)
local before, during = tutorial.phase(r, "before"), tutorial.phase(r, "during tail-latency")
t:number("ex1_p95_before", tutorial.ms(before.latency.p95, 1))
t:number("ex1_p95_during", tutorial.ms(during.latency.p95, 1))
t:number("ex1_p99_during", tutorial.ms(during.latency.p99))
t:claim("p95 stays under 2x its baseline: 97% of requests never meet the tail",
        tutorial.ms(before.latency.p95, 1) .. " -> " .. tutorial.ms(during.latency.p95, 1), during.latency.p95 < 2 * before.latency.p95)
t:claim("p99 lands in the tail (over 500 ms)", tutorial.ms(during.latency.p99), during.latency.p99 > 0.5)

t:step("Exercise 2: a timeout without a retry")
local _, s = run({ ["orders->db"] = { timeout = "100ms", retries = 0 } })
local d = tutorial.phase(s, "during tail-latency")
t:number("ex2_failed", tutorial.pct(d.failure_rate, 1))
t:claim("the tail becomes failures: about 3% fail (within 20%)", tutorial.pct(d.failure_rate, 1),
        math.abs(d.failure_rate - 0.03) / 0.03 < 0.20)
t:claim("three times the 1% the objective allows, for as long as the fault lasts", tutorial.pct(d.failure_rate, 1),
        d.failure_rate > 0.02)
t:finish()
