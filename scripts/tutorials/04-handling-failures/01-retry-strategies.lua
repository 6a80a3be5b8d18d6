-- Tutorial 04-01: retry strategies: amplification, budgets, one layer.
-- Page: docs/tutorials/04-handling-failures/01-retry-strategies.md
--
--   syslab-lua scripts/tutorials/04-handling-failures/01-retry-strategies.lua [--check] [--numbers] [--html DIR]
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local t = tutorial.new("04-handling-failures/01-retry-strategies")

local RATE, RETRIES = 100, 2

-- Checkout payments: gateway -> api -> payments. `edges` are the retry
-- policies; payments fails with `probability` from 10 s to 20 s.
local function payments(edges, probability)
  return {
    system = {
      topology = {
        name = "payments", route = "/pay",
        nodes = { { id = "gateway", kind = "api-gateway" }, { id = "api", kind = "backend" },
                  { id = "payments", kind = "backend" } },
        edges = { { from = "gateway", to = "api" }, { from = "api", to = "payments" } },
      },
      nodes = { gateway = { servers = 1024, service = "1ms" }, api = { servers = 256, service = "5ms" },
                payments = { servers = 64, service = { kind = "lognormal", mean = 0.020, stddev = 0.005 } } },
      edges = edges,
    },
    workload = { executor = "constant-arrival-rate", rate = RATE, duration = "30s" },
    scenarios = { { name = "error-burst", at = "10s", duration = "10s",
                    params = { probability = probability, status_code = 503, target = { tags = { "payments" } } } } },
    options = { seed = 4 },
  }
end

local function retry(extra)
  local policy = { retries = RETRIES, retry = { backoff = "10ms" } }
  for k, v in pairs(extra or {}) do policy.retry[k] = v end
  return policy
end

--- Calls reaching payments per request started in the failure window, and the window's phase.
local function amplification(test)
  local report, r = tutorial.simulate(test)
  local during = r.phases[2]
  return tutorial.component(during, "payments").arrivals / during.started, during, report, r
end

--- Expected attempts of a call retried r times when each attempt fails with probability p.
local function attempts(p, r)
  if p >= 1 then return r + 1 end
  return (1 - p ^ (r + 1)) / (1 - p)
end

t:step("An outage: payments fails every call; two retries at the API and two at the gateway")
local both = { ["gateway->api"] = retry(), ["api->payments"] = retry() }
local outage, outage_phase, outage_report, outage_r = amplification(payments(both, 1))
t:picture("01-retry-strategies", outage_report)
local product = (1 + RETRIES) * (1 + RETRIES)
t:say("payments receives %.2f calls per request (predicted (1 + %d) x (1 + %d) = %d); %.1f%% of requests fail",
  outage, RETRIES, RETRIES, product, outage_phase.failure_rate * 100)
t:number("outage_amplification", tutorial.fixed(outage, 2))
t:number("outage_product", tostring(product))
t:number("outage_calls", tutorial.count(tutorial.component(outage_phase, "payments").arrivals))
t:claim("in an outage, retries at two layers multiply payments' load by the product of the attempts, 3 x 3 = 9 (within 2%)",
  tutorial.fixed(outage, 2), math.abs(outage - product) <= 0.02 * product)
t:number("outage_failure_rate", tutorial.pct(outage_phase.failure_rate))
t:claim("and almost every request still fails (over 95%; the last ones retry after the outage ends)",
  tutorial.pct(outage_phase.failure_rate), outage_phase.failure_rate > 0.95)

t:step("What the diagnosis sees")
local diagnosis = outage_report:diagnosis()
for _, f in ipairs(diagnosis) do t:say("[%s %s %s %s] %s", f.severity, f.role, f.kind, tostring(f.node), f.title) end
local root = diagnosis[1]
t:number("root_title", root.title)
t:claim("the first finding names payments as the error origin", ("%s %s %s"):format(root.role, root.kind, tostring(root.node)),
  root.role == "root-cause" and root.kind == "error-origin" and root.node == "payments")
local retry_findings = {}
for _, f in ipairs(diagnosis) do
  if f.kind == "retries" and f.role == "consequence" and f.start == outage_phase.start then retry_findings[#retry_findings + 1] = f.title end
end
t:number("retry_findings", table.concat(retry_findings, "; "))
t:claim("the retries at both layers follow as its consequences in the outage window", tutorial.count(#retry_findings), #retry_findings == 2)

t:step("A partial failure: half the calls fail")
local half, half_phase = amplification(payments(both, 0.5))
local api_attempts = attempts(0.5, RETRIES)
local api_fails = 0.5 ^ (RETRIES + 1)
local predicted = attempts(api_fails, RETRIES) * api_attempts
t:say("the API makes %.3f attempts per call and fails %.1f%% of calls; the gateway retries those: %.3f x %.3f = %.3f predicted, %.3f measured",
  api_attempts, api_fails * 100, attempts(api_fails, RETRIES), api_attempts, predicted, half)
t:number("half_api_attempts", tutorial.fixed(api_attempts, 2))
t:number("half_api_fails", tutorial.pct(api_fails))
t:number("half_predicted", tutorial.fixed(predicted, 2))
t:number("half_amplification", tutorial.fixed(half, 2))
t:number("half_failure_rate", tutorial.pct(half_phase.failure_rate, 2))
t:claim("payments' load matches the product of the expected attempts per layer (within 5%)",
  ("%.3f vs %.3f"):format(half, predicted), math.abs(half - predicted) <= 0.05 * predicted)
t:claim("retries hide a 50% failure rate from users (under 1% fail), at twice the load",
  tutorial.pct(half_phase.failure_rate, 2), half_phase.failure_rate < 0.01)

t:step("Defences: retry at one layer only, or a retry budget")
local one = amplification(payments({ ["api->payments"] = retry() }, 1))
local budget = { ["gateway->api"] = retry { budget = 0.1 }, ["api->payments"] = retry { budget = 0.1 } }
local budgeted, budget_phase = amplification(payments(budget, 1))
local budget_half, budget_half_phase = amplification(payments(budget, 0.5))
t:say("outage: one layer %.2f calls per request, budget of 10%% at both %.2f; half failing with the budget: %.2f, %.1f%% fail",
  one, budgeted, budget_half, budget_half_phase.failure_rate * 100)
t:number("one_layer", tutorial.fixed(one, 2))
t:number("budgeted", tutorial.fixed(budgeted, 2))
t:number("budget_half", tutorial.fixed(budget_half, 2))
t:number("budget_half_failure_rate", tutorial.pct(budget_half_phase.failure_rate))
t:claim("retrying at one layer only caps an outage's amplification at 1 + retries = 3 (within 2%)",
  tutorial.fixed(one, 2), math.abs(one - 3) <= 0.06)
t:claim("a 10% retry budget at each layer keeps the outage's amplification under 1.1 x 1.1 + 2%",
  tutorial.fixed(budgeted, 2), budgeted <= 1.21 * 1.02)
t:claim("the budget's price: with half the calls failing, far more requests fail than with unlimited retries (over 10 times)",
  ("%s vs %s"):format(tutorial.pct(budget_half_phase.failure_rate), tutorial.pct(half_phase.failure_rate, 2)),
  budget_half_phase.failure_rate > 10 * half_phase.failure_rate)
t:finish()
