-- 06-observability-driven-development/01-metrics-first: write the service
-- level objective before the change, as thresholds; read rate, errors and
-- duration percentiles (never the mean alone), check them against Little's
-- law, and let utilisation and service time point at the component.
-- docs/tutorials/06-observability-driven-development/01-metrics-first.md
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local t = tutorial.new("06-observability-driven-development/01-metrics-first")

-- The objective, written first: 99% of requests within 300 ms, under 1% failing.
local SLO = { http_req_duration = { "p(99)<300" }, http_req_failed = { "rate<0.01" } }

local function test(scenarios, edges)
  return {
    system = {
      topology = { name = "checkout",
                   nodes = { { id = "web", kind = "backend" }, { id = "orders", kind = "backend" }, { id = "db", kind = "postgres" } },
                   edges = { { from = "web", to = "orders" }, { from = "orders", to = "db" } } },
      nodes = { web = { service = "2ms" }, orders = { service = "5ms" },
                db = { service = { kind = "exponential", mean = "3ms" } } },
      edges = edges,
    },
    workload = { executor = "constant-arrival-rate", rate = 200, duration = "60s" },
    scenarios = scenarios,
    thresholds = SLO,
    options = { seed = 61 },
  }
end

-- From 20 s to 40 s, 3% of database calls stall for a Pareto tail of at least 500 ms.
local TAIL = { { name = "tail-latency", at = "20s", duration = "20s",
                 params = { base_ms = 0, tail_probability = 0.03, tail_ms = 500, target = { tags = { "db" } } } } }

t:step("Baseline: the objective holds")
local baseline_report, baseline = tutorial.simulate(test({}))
t:number("base_p50", tutorial.ms(baseline.latency.p50, 1))
t:number("base_p99", tutorial.ms(baseline.latency.p99, 1))
t:number("base_rate", ("%.0f/s"):format(baseline.requests.throughput))
t:claim("without the fault the objective holds (p99 < 300 ms, failures < 1%)", tutorial.ms(baseline.latency.p99, 1),
        baseline_report:passed())

t:step("A slow tail at the database")
local report, r = tutorial.simulate(test(TAIL))
t:picture("01-metrics-first-tail", report, { "phases", "latency" })
local before, during = tutorial.phase(r, "before"), tutorial.phase(r, "during tail-latency")
t:say("before: p50 %s, mean %s, p99 %s", tutorial.ms(before.latency.p50, 1), tutorial.ms(before.latency.mean, 1),
      tutorial.ms(before.latency.p99, 1))
t:say("during: p50 %s, mean %s, p99 %s", tutorial.ms(during.latency.p50, 1), tutorial.ms(during.latency.mean, 1),
      tutorial.ms(during.latency.p99, 1))
for _, name in ipairs({ "p50", "mean", "p99" }) do
  t:number("before_" .. name, tutorial.ms(before.latency[name], 1))
  t:number("during_" .. name, tutorial.ms(during.latency[name], 1))
end
t:claim("the median does not move (within 1 ms)", tutorial.ms(during.latency.p50 - before.latency.p50, 2),
        math.abs(during.latency.p50 - before.latency.p50) < 0.001)
t:claim("p99 jumps above 500 ms", tutorial.ms(during.latency.p99), during.latency.p99 > 0.5)
t:claim("the mean stays under 60 ms: an average hides the 3% who wait half a second",
        tutorial.ms(during.latency.mean, 1), during.latency.mean < 0.060)
t:claim("the objective is broken: the run's thresholds fail", tostring(report:passed()), report:passed() == false)

t:step("Check the metrics against each other: Little's law")
local rows = tutorial.series(report)
local in_flight, n = 0, 0
for _, row in ipairs(rows) do
  if row.time_s <= 60 then in_flight, n = in_flight + row.in_flight, n + 1 end
end
in_flight = in_flight / n
local lambda_w = r.requests.throughput * r.latency.mean
t:number("mean_in_flight", tutorial.fixed(in_flight, 2))
t:number("lambda_w", tutorial.fixed(lambda_w, 2))
t:claim("requests in flight (sampled each second) match throughput x mean latency (within 15%)",
        tutorial.fixed(in_flight, 2) .. " vs " .. tutorial.fixed(lambda_w, 2), math.abs(in_flight - lambda_w) / lambda_w < 0.15)

t:step("Find the component: service time per node, before and during")
local function service(phase, id) return tutorial.component(phase, id).mean_service end
local db_ratio = service(during, "db") / service(before, "db")
local orders_ratio = service(during, "orders") / service(before, "orders")
t:number("db_service_before", tutorial.ms(service(before, "db"), 1))
t:number("db_service_during", tutorial.ms(service(during, "db"), 1))
t:number("orders_service_during", tutorial.ms(service(during, "orders"), 1))
t:claim("the database's own time per call grows over fivefold", tutorial.fixed(db_ratio, 1) .. "x", db_ratio > 5)
t:claim("the services in front keep their own time (within 10%)", tutorial.fixed(orders_ratio, 2) .. "x",
        math.abs(orders_ratio - 1) < 0.10)

t:step("Mitigate: a 100 ms timeout and one retry on orders->db")
local fixed_report, fixed = tutorial.simulate(test(TAIL, { ["orders->db"] = { timeout = "100ms", retries = 1 } }))
t:picture("01-metrics-first-timeout", fixed_report, { "phases", "latency" })
local fixed_during = tutorial.phase(fixed, "during tail-latency")
t:number("fixed_p99", tutorial.ms(fixed_during.latency.p99))
t:number("fixed_failed", tutorial.pct(fixed_during.failure_rate, 2))
t:claim("the objective holds again during the fault", tutorial.ms(fixed_during.latency.p99) .. ", "
        .. tutorial.pct(fixed_during.failure_rate, 2) .. " failed", fixed_report:passed())
t:finish()
