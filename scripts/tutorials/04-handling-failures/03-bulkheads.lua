-- Tutorial 04-03: bulkheads: one slow feature must not take every thread.
-- Page: docs/tutorials/04-handling-failures/03-bulkheads.md
--
--   syslab-lua scripts/tutorials/04-handling-failures/03-bulkheads.lua [--check] [--numbers] [--html DIR]
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local t = tutorial.new("04-handling-failures/03-bulkheads")

local RATE, DELAY, BULKHEAD = 200, 2.0, 15

-- A shop API with 50 worker threads serves two kinds of request at random,
-- half each: recommendations (about 40 ms) and checkout (about 30 ms). From
-- 10 s to 20 s recommendations takes 2 s longer.
local function shop(edge)
  return {
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
    workload = { executor = "constant-arrival-rate", rate = RATE, duration = "30s" },
    scenarios = { { name = "fixed-latency", at = "10s", duration = "10s",
                    params = { delay_ms = DELAY * 1000, target = { tags = { "recommendations" } } } } },
    options = { seed = 9 },
  }
end

local function measure(edge)
  local report, r = tutorial.simulate(shop(edge))
  local before, during = r.phases[1], r.phases[2]
  return { report = report, before = before, during = during, api = tutorial.component(during, "api"),
           checkout_before = tutorial.edge(before, "api->checkout").attempts,
           checkout_during = tutorial.edge(during, "api->checkout").attempts,
           recs = tutorial.edge(during, "api->recommendations") }
end

t:step("Predict: the threads recommendations needs while it is slow (Little's law)")
local needed = RATE / 2 * (DELAY + 0.040)
t:say("%d/s x %.2f s = %.0f threads for recommendations alone; the API has 50", RATE / 2, DELAY + 0.040, needed)
t:number("needed", tutorial.count(needed))

t:step("One shared pool of 50 threads")
local shared = measure { timeout = "3s" }
t:say("during: p50 %.0f ms, API queue wait %.2f s; checkout calls %d (%d in the 10 s before)",
  shared.during.latency.p50 * 1000, shared.api.mean_queue_wait, shared.checkout_during, shared.checkout_before)
t:number("shared_p50", tutorial.ms(shared.during.latency.p50))
t:number("shared_wait", tutorial.fixed(shared.api.mean_queue_wait, 2) .. " s")
t:number("shared_checkout", tutorial.count(shared.checkout_during))
t:number("checkout_before", tutorial.count(shared.checkout_before))
t:claim("recommendations' calls fill the shared pool: every request waits over a second for a thread",
  ("%.2f s"):format(shared.api.mean_queue_wait), shared.api.mean_queue_wait > 1)
t:claim("so checkout, which is healthy, gets under a third of its usual calls through in the window",
  ("%d vs %d"):format(shared.checkout_during, shared.checkout_before), shared.checkout_during < shared.checkout_before / 3)

t:step(("A bulkhead: at most %d calls in flight to recommendations"):format(BULKHEAD))
local walled = measure { timeout = "3s", bulkhead = BULKHEAD }
t:picture("03-bulkheads", walled.report)
local served = walled.recs.attempts / 10
local predicted_served = BULKHEAD / (DELAY + 0.040)
t:say("during: p50 %.1f ms, API queue wait %.4f s; checkout calls %d; recommendations: %d refused, %.1f/s served (Little: %d / %.2f s = %.1f/s)",
  walled.during.latency.p50 * 1000, walled.api.mean_queue_wait, walled.checkout_during, walled.recs.bulkhead_rejections,
  served, BULKHEAD, DELAY + 0.040, predicted_served)
t:number("walled_p50", tutorial.fixed(walled.during.latency.p50 * 1000, 1) .. " ms")
t:number("walled_wait", tutorial.fixed(walled.api.mean_queue_wait * 1000, 2) .. " ms")
t:number("walled_checkout", tutorial.count(walled.checkout_during))
t:number("walled_refused", tutorial.count(walled.recs.bulkhead_rejections))
t:number("walled_failed", tutorial.pct(walled.during.failure_rate))
t:number("walled_served", tutorial.fixed(served, 1))
t:number("predicted_served", tutorial.fixed(predicted_served, 1))
t:claim("with the bulkhead checkout gets its usual calls through (within 5%)",
  ("%d vs %d"):format(walled.checkout_during, walled.checkout_before),
  math.abs(walled.checkout_during - walled.checkout_before) <= 0.05 * walled.checkout_before)
t:claim("nobody waits for a thread (under 1 ms) and the median request is fast again (under 50 ms)",
  ("%.2f ms, %.1f ms"):format(walled.api.mean_queue_wait * 1000, walled.during.latency.p50 * 1000),
  walled.api.mean_queue_wait < 0.001 and walled.during.latency.p50 < 0.05)
t:claim("the compartment serves what Little's law allows: 15 calls / 2.04 s each (within 15%)",
  ("%.1f/s vs %.1f/s"):format(served, predicted_served), math.abs(served - predicted_served) <= 0.15 * predicted_served)
t:claim("the price: recommendations requests beyond the compartment fail fast (over 40% of all requests)",
  tutorial.pct(walled.during.failure_rate), walled.during.failure_rate > 0.4)
t:claim("in the healthy phase the bulkhead refuses nothing", tutorial.count(tutorial.edge(walled.before, "api->recommendations").bulkhead_rejections),
  tutorial.edge(walled.before, "api->recommendations").bulkhead_rejections == 0)

t:step("The diagnosis (with the bulkhead)")
local diagnosis = walled.report:diagnosis()
for _, f in ipairs(diagnosis) do t:say("[%s %s %s %s] %s", f.severity, f.role, f.kind, tostring(f.node), f.title) end
local root = diagnosis[1]
t:number("root_title", root.title)
t:claim("the first finding names recommendations' latency as the root cause", ("%s %s %s"):format(root.role, root.kind, tostring(root.node)),
  root.role == "root-cause" and root.kind == "latency-origin" and root.node == "recommendations")
t:finish()
