-- A wrk-style load test: the test table plus optional hooks, called like
-- wrk's: setup (before the run), init(args), request() per iteration,
-- response(status, latency_ms, cause) per response, done(summary, latency, report).
--
--   syslab-lua scripts/loadtests/retry-storm.lua [budget]
--
-- The payments service starts failing half of its calls at 15 s. Every
-- caller retries up to 3 times with no jitter and no budget, so each user
-- request reaches payments almost twice as often as before: the retry storm.
-- Pass "budget" to give the callers a 10% retry budget and full jitter: the
-- amplification drops to about 1.1, and more errors reach the users (the
-- failure-rate threshold then fails, and so does the exit status). A budget
-- protects the dependency, not the user: pair it with a fallback or a breaker.
local syslab = require "syslab"

local test = {
  system = {
    topology = {
      name = "payments",
      nodes = {
        { id = "web", kind = "frontend" },
        { id = "orders", kind = "backend" },
        { id = "payments", kind = "backend" },
        { id = "ledger", kind = "postgres" },
      },
      edges = {
        { from = "web", to = "orders" },
        { from = "orders", to = "payments", retries = 3, retry_backoff_ms = 20 },
        { from = "payments", to = "ledger" },
      },
    },
    nodes = {
      orders = { servers = 200, service = "5ms" },
      payments = { servers = 40, service = { kind = "exponential", mean = "20ms" } },
    },
  },
  workload = { executor = "constant-arrival-rate", rate = 400, duration = "45s" },
  scenarios = {
    { name = "error-burst", at = "15s", duration = "15s",
      params = { probability = 0.5, status_code = 503, target = { tags = { "payments" } } } },
  },
  thresholds = { http_req_failed = { "rate<0.05" } },
  options = { seed = 7 },
}

local statuses = {}

function init(args)
  if args[1] == "budget" then
    test.system.edges = {
      ["orders->payments"] = { retry = { budget = 0.1, jitter = "full" } },
    }
    print("callers retry within a 10% budget, with full jitter")
  else
    print("callers retry 3 times at once, with no budget (pass 'budget' to change that)")
  end
end

function response(status, latency_ms, cause)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, report)
  print(("wrk-style: %d requests in %.1f s of virtual time"):format(summary.requests, summary.duration / 1e6))
  for _, p in ipairs { 50, 90, 99, 99.9 } do
    print(("  latency p%-5g %10.2f ms"):format(p, latency:percentile(p) / 1000))
  end
  local codes = {}
  for status, n in pairs(statuses) do codes[#codes + 1] = ("%d=%d"):format(status, n) end
  table.sort(codes)
  print("  statuses: " .. table.concat(codes, " "))
  for _, phase in ipairs(report.phases) do
    local payments
    for _, c in ipairs(phase.components) do if c.id == "payments" then payments = c end end
    print(("  %-22s payments calls per request: %.2f"):format(phase.name, payments.arrivals / math.max(phase.requests, 1)))
  end
end

-- Runs with the hooks above (globals, as in wrk). A crossed threshold raises.
syslab.loadtest(test)
