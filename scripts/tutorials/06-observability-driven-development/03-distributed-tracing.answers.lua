-- Answer key of 06-observability-driven-development/03-distributed-tracing (exercises 1 and 2).
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local t = tutorial.new("06-observability-driven-development/03-distributed-tracing (answers)")

local function run(traces, edges)
  return tutorial.simulate {
    system = {
      topology = { name = "checkout",
                   nodes = { { id = "gateway", kind = "api-gateway" }, { id = "orders", kind = "backend" },
                             { id = "payments", kind = "backend" }, { id = "orders-db", kind = "postgres" } },
                   edges = { { from = "gateway", to = "orders" }, { from = "orders", to = "orders-db" },
                             { from = "orders", to = "payments" } } },
      nodes = { payments = { service = { kind = "exponential", mean = "20ms" } },
                ["orders-db"] = { service = { kind = "exponential", mean = "4ms" } } },
      edges = edges,
    },
    workload = { executor = "constant-arrival-rate", rate = 100, duration = "60s" },
    scenarios = { { name = "fixed-latency", at = "20s", duration = "20s",
                    params = { delay_ms = 300, target = { tags = { "payments" } } } } },
    options = { seed = 64, traces = traces },
  }
end

t:step("Exercise 1: the head fraction that keeps about 100 slow requests")
local every = run({ head = 1, errors = false, max = 100000 })
local slow = 0
for _, l in ipairs(every:logs()) do if l.latency_ms >= 250 then slow = slow + 1 end end
local fraction = 100 / slow
local sampled = run({ head = fraction, errors = false, max = 100000 })
local kept = 0
for _, l in ipairs(sampled:logs()) do if l.latency_ms >= 250 then kept = kept + 1 end end
t:number("ex1_fraction", tutorial.pct(fraction, 1))
t:number("ex1_kept", tostring(kept))
t:number("ex1_total", tutorial.count(#sampled:logs()))
t:claim("head = 100 / slow requests keeps about 100 of them (within 25%)", tostring(kept), math.abs(kept - 100) / 100 < 0.25)
t:claim("at the price of tracing that fraction of every request", tutorial.count(#sampled:logs()),
        #sampled:logs() > 0.8 * fraction * #every:logs())

t:step("Exercise 2: a green request with a red span")
local fixed = run({ head = 1, errors = false, max = 100000 }, { ["orders->payments"] = { timeout = "100ms", fallback = true } })
local hidden
for _, tr in ipairs(fixed:traces()) do
  local root_ok, payments_timeout = false, false
  for _, span in ipairs(tr.spans) do
    if span.parent_span_id == nil then root_ok = span.status.code ~= "error" end
    if span.node == "payments" and span.status.code == "error" then payments_timeout = true end
  end
  if root_ok and payments_timeout then hidden = tr break end
end
t:claim("a request that succeeded carries a failed payments span (the caller gave up at 100 ms; the fallback answered)",
        hidden and hidden.trace_id or "none", hidden ~= nil)
t:finish()
