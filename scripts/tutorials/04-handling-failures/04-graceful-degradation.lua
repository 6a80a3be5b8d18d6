-- Tutorial 04-04: graceful degradation: fallbacks, and shedding load.
-- Page: docs/tutorials/04-handling-failures/04-graceful-degradation.md
--
--   syslab-lua scripts/tutorials/04-handling-failures/04-graceful-degradation.lua [--check] [--numbers] [--html DIR]
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local t = tutorial.new("04-handling-failures/04-graceful-degradation")

-- Part 1. A product page: the API reads the catalogue (required), then the
-- reviews (optional). From 10 s to 20 s the reviews service is down.
local function product_page(reviews_edge)
  return {
    system = {
      topology = { name = "product-page", route = "/products/{id}",
        nodes = { { id = "api", kind = "backend" }, { id = "catalog", kind = "postgres" }, { id = "reviews", kind = "backend" } },
        edges = { { from = "api", to = "catalog" }, { from = "api", to = "reviews" } } },
      nodes = { api = { servers = 200, service = "5ms" },
                catalog = { servers = 64, service = { kind = "lognormal", mean = 0.010, stddev = 0.003 } },
                reviews = { servers = 64, service = { kind = "lognormal", mean = 0.020, stddev = 0.005 } } },
      edges = { ["api->reviews"] = reviews_edge },
    },
    workload = { executor = "constant-arrival-rate", rate = 200, duration = "30s" },
    scenarios = { { name = "error-burst", at = "10s", duration = "10s",
                    params = { probability = 1, status_code = 503, target = { tags = { "reviews" } } } } },
    options = { seed = 11 },
  }
end

t:step("Reviews go down; the product page depends on them")
local _, hard = tutorial.simulate(product_page({ timeout = "200ms" }))
t:say("%.1f%% of product pages fail while reviews are down", hard.phases[2].failure_rate * 100)
t:number("hard_failed", tutorial.pct(hard.phases[2].failure_rate))
t:claim("without a fallback an optional feature's outage fails every page (over 99%)",
  tutorial.pct(hard.phases[2].failure_rate), hard.phases[2].failure_rate > 0.99)

t:step("A fallback: render the page without reviews")
local soft_report, soft = tutorial.simulate(product_page({ timeout = "200ms", fallback = true }))
local during = soft.phases[2]
local degraded = tutorial.edge(during, "api->reviews").fallbacks
t:say("%.2f%% fail; %d pages served without reviews (%.1f%% of the window's pages); p99 %.0f ms",
  during.failure_rate * 100, degraded, degraded / during.requests * 100, during.latency.p99 * 1000)
t:number("soft_failed", tutorial.pct(during.failure_rate, 2))
t:number("soft_degraded", tutorial.count(degraded))
t:number("soft_degraded_share", tutorial.pct(degraded / during.requests))
t:claim("with the fallback no page fails, and every page of the window is a degraded one (over 99%)",
  ("%s failed, %s degraded"):format(tutorial.pct(during.failure_rate, 2), tutorial.pct(degraded / during.requests)),
  during.failure_rate == 0 and degraded / during.requests > 0.99)
local diagnosis = soft_report:diagnosis()
for _, f in ipairs(diagnosis) do t:say("[%s %s %s %s] %s", f.severity, f.role, f.kind, tostring(f.node), f.title) end
t:number("root_title", diagnosis[1].title)
t:number("root_severity", diagnosis[1].severity)
t:claim("the diagnosis still names reviews as the error origin", ("%s %s %s"):format(diagnosis[1].role, diagnosis[1].kind, tostring(diagnosis[1].node)),
  diagnosis[1].role == "root-cause" and diagnosis[1].kind == "error-origin" and diagnosis[1].node == "reviews")

-- Part 2. A search API with 20 workers, 50 ms each (capacity 400/s), gets
-- 300/s, then 600/s from 10 s to 20 s, then 300/s again. Clients give up after 2 s.
local function search(api_extra, deadline_propagation)
  local api = { servers = 20, service = { kind = "exponential", mean = 0.050 } }
  for k, v in pairs(api_extra or {}) do api[k] = v end
  return {
    system = {
      topology = { name = "search", route = "/search",
        nodes = { { id = "web", kind = "frontend" }, { id = "api", kind = "backend" } },
        edges = { { from = "web", to = "api" } } },
      nodes = { api = api },
      deadline_propagation = deadline_propagation,
    },
    workload = { executor = "ramping-arrival-rate", startRate = 300, timeout = "2s", stages = {
      { target = 300, duration = "10s" }, { target = 600, duration = "1s" }, { target = 600, duration = "9s" },
      { target = 300, duration = "1s" }, { target = 300, duration = "9s" } } },
    options = { seed = 5 },
  }
end

--- Failed share of the requests completed in the seconds (from, to].
local function failed_share(rows, from, to)
  return tutorial.sum(rows, "failed", from, to) / math.max(1, tutorial.sum(rows, "completed", from, to))
end

t:step("Overload with an unbounded queue")
local capacity = 20 / 0.050
t:say("capacity = 20 workers / 50 ms = %d requests/s; 600/s arrive for 10 s", capacity)
t:number("capacity", tutorial.count(capacity))
local queued_report = tutorial.simulate(search())
local queued = tutorial.series(queued_report)
local queued_overload, queued_late = failed_share(queued, 10, 21), failed_share(queued, 25, 30)
t:say("failed: %.1f%% during the overload, %.1f%% in the last 5 s (back at 300/s)", queued_overload * 100, queued_late * 100)
t:number("queued_overload_failed", tutorial.pct(queued_overload))
t:number("queued_late_failed", tutorial.pct(queued_late))
t:claim("after the overload ends the unbounded queue keeps failing requests: over 95% fail in the last 5 s, at a load the API can carry",
  tutorial.pct(queued_late), queued_late > 0.95)

t:step("Shedding load: a bounded queue of 20 (0.05 s of work) rejects the excess at once")
local shed_report = tutorial.simulate(search { queue = 20 })
t:picture("04-graceful-degradation", shed_report)
local shed = tutorial.series(shed_report)
local shed_overload, shed_late = failed_share(shed, 11, 20), failed_share(shed, 25, 30)
local predicted = 1 - capacity / 600
local _, shed_worst_p99 = tutorial.peak(shed, "p99_ms")
t:say("shed: %.1f%% during the overload (utilisation law: 1 - 400/600 = %.1f%%), %.1f%% in the last 5 s; worst per-second p99 %.0f ms",
  shed_overload * 100, predicted * 100, shed_late * 100, shed_worst_p99)
t:number("shed_overload_failed", tutorial.pct(shed_overload))
t:number("shed_predicted", tutorial.pct(predicted))
t:number("shed_worst_p99", tutorial.ms(shed_worst_p99 / 1000))
t:claim("the bounded queue sheds about the excess, 1 - capacity / arrivals (within 20%)",
  ("%.1f%% vs %.1f%%"):format(shed_overload * 100, predicted * 100), math.abs(shed_overload - predicted) <= 0.2 * predicted)
t:claim("the requests it admits stay fast (per-second p99 under 500 ms throughout)", tutorial.ms(shed_worst_p99 / 1000), shed_worst_p99 < 500)
t:claim("and it recovers as soon as the load drops: no failures in the last 5 s", tutorial.pct(shed_late), shed_late == 0)
t:finish()
