-- 06-observability-driven-development/02-structured-logging: one JSON line per
-- sampled request, carrying the trace and span ids of its trace; an error
-- line during a pool exhaustion leads to the trace that names the failing
-- component; sampling keeps every failure and a fraction of the rest.
-- docs/tutorials/06-observability-driven-development/02-structured-logging.md
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local syslab = require "syslab"
local t = tutorial.new("06-observability-driven-development/02-structured-logging")

local logs_path, traces_path = os.tmpname(), os.tmpname()

t:step("Run with logs and traces written")
-- The sampling policy is the mitigation for log volume: every failure and every
-- slow request, 1% of the rest.
local report = syslab.loadtest {
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
  options = { seed = 63, traces = { head = 0.01, errors = true, slower_than = "500ms", max = 5000 } },
  output = { logs = logs_path, traces = traces_path, quiet = true },
}
local r = report:table()

local lines = {}
for line in assert(io.open(logs_path)):lines() do lines[#lines + 1] = syslab.json_decode(line) end
local traces = syslab.json_decode(assert(io.open(traces_path)):read("a"))
os.remove(logs_path); os.remove(traces_path)
local by_id = {}
for _, trace in ipairs(traces) do by_id[trace.trace_id] = trace end

local levels = { info = 0, warn = 0, error = 0 }
local matched, errors_in_window = 0, 0
local first_error
for _, l in ipairs(lines) do
  levels[l.level] = levels[l.level] + 1
  local trace = by_id[l.trace_id]
  if trace then
    for _, span in ipairs(trace.spans) do
      if span.span_id == l.span_id and span.parent_span_id == nil then matched = matched + 1 end
    end
  end
  if l.level == "error" then
    first_error = first_error or l
    if l.scenarios[1] == "connection-pool-exhaustion" then errors_in_window = errors_in_window + 1 end
  end
end
t:say("%s requests, %s log lines: %d info, %d warn, %d error.", tutorial.count(r.requests.completed), tutorial.count(#lines),
      levels.info, levels.warn, levels.error)
t:number("requests", tutorial.count(r.requests.completed))
t:number("lines", tutorial.count(#lines))
t:number("info", tutorial.count(levels.info))
t:number("warn", tutorial.count(levels.warn))
t:number("error", tutorial.count(levels.error))
t:number("failed", tutorial.count(r.requests.failed))
t:claim("every log line names a written trace and its root span", matched .. " of " .. #lines, matched == #lines and #lines > 0)
t:claim("every failed request has its error line", levels.error .. " of " .. r.requests.failed,
        levels.error == r.requests.failed and r.requests.failed > 0)
t:claim("every error line comes from the pool exhaustion window", errors_in_window .. " of " .. levels.error,
        errors_in_window == levels.error)
local share = #lines / r.requests.completed
local quiet_lines = 0
for _, l in ipairs(lines) do if #l.scenarios == 0 then quiet_lines = quiet_lines + 1 end end
local quiet_requests = tutorial.phase(r, "before").requests + tutorial.phase(r, "after").requests
local quiet_share = quiet_lines / quiet_requests
t:number("volume", tutorial.pct(share, 1))
t:number("quiet_volume", tutorial.pct(quiet_share, 1))
t:claim("outside the outage the log holds about 1% of requests (the head sample)", tutorial.pct(quiet_share, 1),
        quiet_share > 0.005 and quiet_share < 0.02)

t:step("Follow an error line to its trace")
if not first_error then
  t:claim("the run logged an error line to follow", "none", false)
  t:finish()
end
t:say("%s", syslab.json_encode(first_error))
local trace = syslab.tracing.from_json(by_id[first_error.trace_id])
t:picture("02-structured-logging-trace", trace:export("html"), { "waterfall-panel", "analysis" })
if t.walking then print(trace:export("waterfall", { width = 40, ascii = true })) end
local origin
for _, f in ipairs(trace:analyze().findings) do
  if f.rule == "error-origin" then origin = f.evidence.components[1].node end
end
local failing
for _, span in ipairs(by_id[first_error.trace_id].spans) do
  if span.status.code == "error" and span.node == "orders-db" then failing = span end
end
t:number("first_error_msg", first_error.msg)
t:number("first_error_node", first_error.node)
t:number("origin", tostring(origin))
t:number("origin_wait", failing and ("%.0f ms"):format(failing.duration_ms) or "none")
t:claim("the line is written by the entry node, which only knows the request failed", first_error.node,
        first_error.node == "gateway" and first_error.status == 503)
t:claim("its trace's analysis names orders-db as where the failure started", tostring(origin), origin == "orders-db")
t:claim("the orders-db span says why: a 503 after the pool's full 1 s acquire timeout",
        failing and ("%.0f ms, %s"):format(failing.duration_ms, tostring(failing.attributes["http.response.status_code"])) or "none",
        failing ~= nil and math.abs(failing.duration_ms - 1000) < 1 and failing.attributes["http.response.status_code"] == 503)
t:finish()
