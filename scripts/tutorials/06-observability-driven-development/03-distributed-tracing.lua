-- 06-observability-driven-development/03-distributed-tracing: head sampling
-- keeps a fraction of every request and so almost none of the slow ones;
-- tail sampling keeps every slow one; a slow trace's critical path names
-- the dependency; a timeout with a fallback takes the slow traces away.
-- docs/tutorials/06-observability-driven-development/03-distributed-tracing.md
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local syslab = require "syslab"
local t = tutorial.new("06-observability-driven-development/03-distributed-tracing")

local SLOW_MS = 250

local function run(traces, edges)
  local report = tutorial.simulate {
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
  return report
end

-- Requests slower than SLOW_MS in a report's logs, and those kept by head sampling.
local function slow(report)
  local all, by_head = 0, 0
  for _, l in ipairs(report:logs()) do
    if l.latency_ms >= SLOW_MS then
      all = all + 1
      if l.sampled_by:find("head", 1, true) then by_head = by_head + 1 end
    end
  end
  return all, by_head
end

t:step("Count the slow requests: trace every one")
local every = run({ head = 1, errors = false, max = 100000 })
local slow_total = slow(every)
t:number("slow_total", tutorial.count(slow_total))
t:say("%s of %s requests took %d ms or more.", tutorial.count(slow_total), tutorial.count(#every:logs()), SLOW_MS)

t:step("Head sampling at 1% plus tail sampling of slow requests")
local sampled = run({ head = 0.01, slower_than = SLOW_MS .. "ms", errors = true, max = 5000 })
local kept, kept_by_head = slow(sampled)
local traces = sampled:traces()
t:number("kept_traces", tutorial.count(#traces))
t:number("slow_by_head", tutorial.count(kept_by_head))
t:number("slow_kept", tutorial.count(kept))
t:claim("head sampling alone keeps almost none of the slow requests (under 5%)",
        kept_by_head .. " of " .. slow_total, kept_by_head < 0.05 * slow_total)
t:claim("tail sampling keeps every one of them", kept .. " of " .. slow_total, kept == slow_total and slow_total > 0)
t:claim("while the store holds under 40% of the requests", tutorial.pct(#traces / #every:logs(), 1),
        #traces < 0.4 * #every:logs())

t:step("Read one slow trace: its critical path")
local slowest
for _, tr in ipairs(traces) do
  if not slowest or tr.duration_ms > slowest.duration_ms then slowest = tr end
end
local trace = syslab.tracing.from_json(slowest)
t:picture("03-distributed-tracing-slowest", trace:export("html"), { "waterfall-panel", "analysis" })
if t.walking then print(trace:export("waterfall", { width = 40, ascii = true })) end
local path
for _, f in ipairs(trace:analyze().findings) do
  -- Its title names the span that dominates the path: "<node> (<kind>) dominates the critical path: ...".
  if f.rule == "critical-path" then path = f.title:match("^(%S+) %(") end
end
t:number("slowest_ms", ("%.0f ms"):format(slowest.duration_ms))
t:number("critical_path", tostring(path))
t:claim("payments dominates the slowest trace's critical path", tostring(path), path == "payments")

t:step("Mitigate: a 100 ms timeout on orders->payments with a fallback")
local fixed = run({ head = 1, errors = false, max = 100000 },
                  { ["orders->payments"] = { timeout = "100ms", fallback = true } })
local slow_after = slow(fixed)
local fallbacks = tutorial.edge(fixed:table(), "orders->payments").fallbacks
t:number("slow_after", tutorial.count(slow_after))
t:number("fallbacks", tutorial.count(fallbacks))
t:claim("no request is slower than " .. SLOW_MS .. " ms any more", tutorial.count(slow_after), slow_after == 0)
t:claim("the slow payments calls are answered by the fallback", tutorial.count(fallbacks), fallbacks > 0.9 * slow_total)
t:finish()
