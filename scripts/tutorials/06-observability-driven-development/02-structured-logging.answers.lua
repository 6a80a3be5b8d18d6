-- Answer key of 06-observability-driven-development/02-structured-logging (exercises 1 and 2).
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local syslab = require "syslab"
local t = tutorial.new("06-observability-driven-development/02-structured-logging (answers)")

local function run(head)
  return tutorial.simulate {
    system = {
      topology = { name = "shop",
                   nodes = { { id = "gateway", kind = "api-gateway" }, { id = "orders", kind = "backend" },
                             { id = "orders-db", kind = "postgres" } },
                   edges = { { from = "gateway", to = "orders" }, { from = "orders", to = "orders-db" } } },
      nodes = { orders = { servers = 512 }, ["orders-db"] = { service = { kind = "exponential", mean = "4ms" } } },
      edges = { ["orders->orders-db"] = { pool = { size = 200, wait_timeout = "2s" } } },
    },
    workload = { executor = "constant-arrival-rate", rate = 100, duration = "60s" },
    scenarios = { { name = "connection-pool-exhaustion", at = "20s", duration = "20s",
                    params = { pool_size = 10, hold_ms = 200, acquire_timeout_ms = 1000, target = { tags = { "orders-db" } } } } },
    options = { seed = 63, traces = { head = head, errors = true, slower_than = "500ms", max = 5000 } },
  }
end

t:step("Exercise 1: the slowest successful request, and its critical path")
local report = run(0.01)
local slowest
for _, l in ipairs(report:logs()) do
  if l.level == "warn" and (not slowest or l.latency_ms > slowest.latency_ms) then slowest = l end
end
if not slowest then
  t:claim("the run logged a slow successful request", "none", false)
  t:finish()
end
local trace
for _, tr in ipairs(report:traces()) do
  if tr.trace_id == slowest.trace_id then trace = syslab.tracing.from_json(tr) end
end
local path
for _, f in ipairs(trace:analyze().findings) do
  -- Its title names the span that dominates the path: "<node> (<kind>) dominates the critical path: ...".
  if f.rule == "critical-path" then path = f.title:match("^(%S+) %(") end
end
t:number("ex1_latency", ("%.0f ms"):format(slowest.latency_ms))
t:number("ex1_path", tostring(path))
t:claim("the slowest successful request took over 500 ms, during the exhaustion", ("%.0f ms"):format(slowest.latency_ms),
        slowest.latency_ms > 500 and slowest.scenarios[1] == "connection-pool-exhaustion")
t:claim("orders-db dominates its critical path: it waited there for a connection", tostring(path), path == "orders-db")

t:step("Exercise 2: no head sampling")
local quiet = run(0)
local levels = { info = 0, warn = 0, error = 0 }
for _, l in ipairs(quiet:logs()) do levels[l.level] = levels[l.level] + 1 end
local failed = quiet:table().requests.failed
t:number("ex2_lines", tutorial.count(levels.info + levels.warn + levels.error))
t:claim("no info line is left", tostring(levels.info), levels.info == 0)
t:claim("and no failure is lost", levels.error .. " of " .. failed, levels.error == failed and failed > 0)
t:finish()
