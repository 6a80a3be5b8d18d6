-- Tutorial 01-06: verify the mitigation with thresholds, several seeds and the diagnosis.
-- Page: docs/tutorials/01-understanding-latency/06-verify.md
--
--   syslab-lua scripts/tutorials/01-understanding-latency/06-verify.lua [--check] [--numbers]
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local shop = require "shop"
local t = tutorial.new("01-understanding-latency/06-verify")

local SLO = { http_req_duration = { "p(99)<500" }, http_req_failed = { "rate<0.01" } }
local MITIGATION = { ["api->inventory"] = { timeout = "100ms", fallback = true,
  breaker = { failure_ratio = 0.5, window = 20, minimum_calls = 10, open_for = "2s", probes = 3 } } }
local SEEDS = { 1, 2, 3, 4, 5 }

local function verdict(report)
  local parts = {}
  for _, th in ipairs(report:thresholds()) do
    parts[#parts + 1] = ("%s %s %s"):format(th.metric, th.expression or th.threshold or "?", th.ok and "ok" or "crossed")
  end
  return table.concat(parts, ", ")
end

t:step("The SLO as k6 thresholds: p99 under 500 ms, under 1% failed, over the whole run")
t:say("thresholds = { http_req_duration = { \"p(99)<500\" }, http_req_failed = { \"rate<0.01\" } }")
local passed_without, passed_with = 0, 0
local worst_with_p99, best_without_p99 = 0, math.huge
for _, seed in ipairs(SEEDS) do
  local without, r0 = tutorial.simulate(shop.test { delay_ms = 200, thresholds = SLO, seed = seed })
  local with, r1 = tutorial.simulate(shop.test { delay_ms = 200, thresholds = SLO, seed = seed, edges = MITIGATION })
  t:say("seed %d: without %s (p99 %.0f ms); with %s (p99 %.0f ms)", seed, without:passed() and "PASS" or "FAIL",
    r0.latency.p99 * 1000, with:passed() and "PASS" or "FAIL", r1.latency.p99 * 1000)
  if without:passed() then passed_without = passed_without + 1 end
  if with:passed() then passed_with = passed_with + 1 end
  worst_with_p99 = math.max(worst_with_p99, r1.latency.p99)
  best_without_p99 = math.min(best_without_p99, r0.latency.p99)
  if seed == 1 then
    t:number("without_verdict", verdict(without))
    t:number("with_verdict", verdict(with))
  end
end
t:number("seeds", tostring(#SEEDS))
t:number("worst_with_p99", tutorial.ms(worst_with_p99))
t:number("best_without_p99", tutorial.ms(best_without_p99))
t:claim(("without the mitigation the SLO fails on all %d seeds"):format(#SEEDS), ("%d passed"):format(passed_without), passed_without == 0)
t:claim(("with it the SLO holds on all %d seeds"):format(#SEEDS), ("%d passed"):format(passed_with), passed_with == #SEEDS)

t:step("No regression: the mitigation costs nothing while inventory is healthy")
local _, plain = tutorial.simulate(shop.test { seed = 1 })
local _, guarded = tutorial.simulate(shop.test { seed = 1, edges = MITIGATION })
t:say("healthy run: p99 %.1f ms without the policy, %.1f ms with it; %d fallbacks",
  plain.latency.p99 * 1000, guarded.latency.p99 * 1000, tutorial.edge(guarded, "api->inventory").fallbacks)
t:number("healthy_p99_plain", tutorial.fixed(plain.latency.p99 * 1000, 1) .. " ms")
t:number("healthy_p99_guarded", tutorial.fixed(guarded.latency.p99 * 1000, 1) .. " ms")
t:number("healthy_fallbacks", tutorial.count(tutorial.edge(guarded, "api->inventory").fallbacks))
t:claim("in a healthy run the policy changes p99 by under 2% and serves no degraded answer",
  ("%.1f ms vs %.1f ms, %d fallbacks"):format(guarded.latency.p99 * 1000, plain.latency.p99 * 1000, tutorial.edge(guarded, "api->inventory").fallbacks),
  math.abs(guarded.latency.p99 - plain.latency.p99) <= 0.02 * plain.latency.p99 and tutorial.edge(guarded, "api->inventory").fallbacks == 0)

t:step("The diagnosis of the mitigated incident: the cause is still there")
local report = tutorial.simulate(shop.test { delay_ms = 200, edges = MITIGATION })
t:picture("06-verify-mitigated", report, { "latency", "diagnosis" })
local diagnosis = report:diagnosis()
local worst = "info"
for _, f in ipairs(diagnosis) do
  t:say("[%s %s %s %s] %s", f.severity, f.role, f.kind, tostring(f.node), f.title)
  if f.severity ~= "info" then worst = f.severity end
end
local root = diagnosis[1]
t:number("mitigated_root", root.title)
t:number("mitigated_root_severity", root.severity)
local breaker_finding
for _, f in ipairs(diagnosis) do if f.kind == "circuit-breaker" and not breaker_finding then breaker_finding = f.title end end
t:number("mitigated_breaker", breaker_finding or "none")
t:claim("the first finding still names inventory's latency as the root cause", ("%s %s %s"):format(root.role, root.kind, tostring(root.node)),
  root.role == "root-cause" and root.kind == "latency-origin" and root.node == "inventory")
t:claim("and every finding is info: users no longer feel it, so nothing is a warning", worst, worst == "info")
t:claim("the open breaker is reported, so the degraded mode is visible", breaker_finding or "none", breaker_finding ~= nil)
t:finish()
