-- Tutorial 04-02: circuit breakers against a hanging dependency.
-- Page: docs/tutorials/04-handling-failures/02-circuit-breakers.md
--
--   syslab-lua scripts/tutorials/04-handling-failures/02-circuit-breakers.lua [--check] [--numbers] [--html DIR]
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local t = tutorial.new("04-handling-failures/02-circuit-breakers")

local BREAKER = { failure_ratio = 0.5, window = 20, minimum_calls = 10, open_for = "2s", probes = 3 }

-- An orders API (64 worker threads) calls a payment provider (about 50 ms).
-- From 10 s to 25 s the provider hangs: every call takes 5 s more. The API
-- gives up after 1 s.
local function orders(edge)
  return {
    system = {
      topology = { name = "orders", route = "/orders",
        nodes = { { id = "api", kind = "backend" }, { id = "payments", kind = "stripe" } },
        edges = { { from = "api", to = "payments" } } },
      nodes = { api = { servers = 64, service = "5ms" },
                payments = { servers = 100, service = { kind = "lognormal", mean = 0.050, stddev = 0.015 } } },
      edges = { ["api->payments"] = edge },
    },
    workload = { executor = "constant-arrival-rate", rate = 100, duration = "40s" },
    scenarios = { { name = "fixed-latency", at = "10s", duration = "15s",
                    params = { delay_ms = 5000, target = { tags = { "payments" } } } } },
    options = { seed = 7 },
  }
end

local function measure(edge)
  local report, r = tutorial.simulate(orders(edge))
  local before, during, after = r.phases[1], r.phases[2], r.phases[3]
  return { report = report, before = before, during = during, after = after,
           api = tutorial.component(during, "api"), payments = tutorial.component(during, "payments"),
           edge = tutorial.edge(during, "api->payments") }
end

t:step("The provider hangs; the API has a 1 s timeout and no breaker")
local plain = measure { timeout = "1s" }
t:say("during: p50 %.0f ms, p99 %.0f ms, %.1f%% failed; api %.1f%% busy, waiting %.2f s for a thread",
  plain.during.latency.p50 * 1000, plain.during.latency.p99 * 1000, plain.during.failure_rate * 100,
  plain.api.utilisation * 100, plain.api.mean_queue_wait)
t:number("plain_p50", tutorial.ms(plain.during.latency.p50))
t:number("plain_p99", tutorial.ms(plain.during.latency.p99))
t:number("plain_failed", tutorial.pct(plain.during.failure_rate))
t:number("plain_api_util", tutorial.pct(plain.api.utilisation))
t:number("plain_api_wait", tutorial.fixed(plain.api.mean_queue_wait, 2) .. " s")
t:number("plain_threads_needed", tutorial.count(100 * 1.005))
t:claim("each call holds an API thread for the whole 1 s timeout: 100/s x 1 s = 100 threads needed, 64 there: the API saturates (over 95% busy)",
  tutorial.pct(plain.api.utilisation), plain.api.utilisation > 0.95)
t:claim("requests wait over a second for a thread, and p99 passes 5 s",
  ("%.2f s, %.0f ms"):format(plain.api.mean_queue_wait, plain.during.latency.p99 * 1000),
  plain.api.mean_queue_wait > 1 and plain.during.latency.p99 > 5)

t:step("The same with a circuit breaker")
local cb = measure { timeout = "1s", breaker = BREAKER }
t:picture("02-circuit-breakers", cb.report)
local refused = cb.edge.breaker_rejections / (cb.edge.breaker_rejections + cb.edge.attempts)
t:say("during: p50 %.1f ms, p99 %.0f ms, %.1f%% failed; %d calls refused by the open breaker (%.1f%%), %d timed out; api %.1f%% busy",
  cb.during.latency.p50 * 1000, cb.during.latency.p99 * 1000, cb.during.failure_rate * 100, cb.edge.breaker_rejections,
  refused * 100, cb.edge.timeouts, cb.api.utilisation * 100)
t:number("cb_p50", tutorial.fixed(cb.during.latency.p50 * 1000, 1) .. " ms")
t:number("cb_p99", tutorial.ms(cb.during.latency.p99))
t:number("cb_failed", tutorial.pct(cb.during.failure_rate))
t:number("cb_refused", tutorial.count(cb.edge.breaker_rejections))
t:number("cb_refused_share", tutorial.pct(refused))
t:number("cb_timeouts", tutorial.count(cb.edge.timeouts))
t:number("cb_api_util", tutorial.pct(cb.api.utilisation))
t:number("plain_timeouts", tutorial.count(plain.edge.timeouts))
t:claim("the open breaker refuses over 90% of the calls at once", tutorial.pct(refused), refused > 0.9)
t:claim("the API stays out of saturation (under 20% busy) and fails fast: p50 under 10 ms",
  ("%.1f%%, %.1f ms"):format(cb.api.utilisation * 100, cb.during.latency.p50 * 1000),
  cb.api.utilisation < 0.2 and cb.during.latency.p50 < 0.01)
t:claim("only the probes wait for the timeout: p99 is about 1 s, not over 5 s",
  tutorial.ms(cb.during.latency.p99), cb.during.latency.p99 < 1.1)
local spared = 1 - cb.payments.arrivals / plain.payments.arrivals
t:number("cb_spared", tutorial.pct(spared))
t:claim("the provider receives over 90% fewer calls while it hangs", tutorial.pct(spared), spared > 0.9)

t:step("Recovery after the provider comes back at 25 s")
t:say("after-phase p99: %.0f ms without the breaker, %.0f ms with it (%.0f ms before the incident)",
  plain.after.latency.p99 * 1000, cb.after.latency.p99 * 1000, cb.before.latency.p99 * 1000)
t:number("plain_after_p99", tutorial.ms(plain.after.latency.p99))
t:number("cb_after_p99", tutorial.ms(cb.after.latency.p99))
t:number("before_p99", tutorial.ms(cb.before.latency.p99))
t:claim("with the breaker the after-phase p99 is within 20% of the healthy one; without it, over 10 times",
  ("%.0f ms and %.0f ms vs %.0f ms"):format(cb.after.latency.p99 * 1000, plain.after.latency.p99 * 1000, cb.before.latency.p99 * 1000),
  cb.after.latency.p99 < 1.2 * cb.before.latency.p99 and plain.after.latency.p99 > 10 * cb.before.latency.p99)

t:step("What the diagnosis says (with the breaker)")
local diagnosis = cb.report:diagnosis()
for _, f in ipairs(diagnosis) do t:say("[%s %s %s %s] %s", f.severity, f.role, f.kind, tostring(f.node), f.title) end
local root = diagnosis[1]
local breaker_finding
for _, f in ipairs(diagnosis) do if f.kind == "circuit-breaker" and not breaker_finding then breaker_finding = f end end
t:number("root_title", root.title)
t:number("breaker_title", breaker_finding and breaker_finding.title or "none")
t:claim("the first finding names the provider's latency as the root cause", ("%s %s %s"):format(root.role, root.kind, tostring(root.node)),
  root.role == "root-cause" and root.kind == "latency-origin" and root.node == "payments")
t:claim("the open breaker is a consequence of it", breaker_finding and (breaker_finding.role .. " " .. breaker_finding.title) or "none",
  breaker_finding ~= nil and breaker_finding.role == "consequence")
t:finish()
