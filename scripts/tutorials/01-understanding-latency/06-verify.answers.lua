-- Answer key for the exercises of tutorial 01-06 (verify).
-- Page: docs/tutorials/01-understanding-latency/06-verify.md
--
--   syslab-lua scripts/tutorials/01-understanding-latency/06-verify.answers.lua [--check] [--numbers]
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local shop = require "shop"
local t = tutorial.new("01-understanding-latency/06-verify (answers)")

local SLO = { http_req_duration = { "p(99)<500" }, http_req_failed = { "rate<0.01" } }
local MITIGATION = { ["api->inventory"] = { timeout = "100ms", fallback = true,
  breaker = { failure_ratio = 0.5, window = 20, minimum_calls = 10, open_for = "2s", probes = 3 } } }

local function both(opts)
  opts.thresholds = SLO
  local without, r0 = tutorial.simulate(shop.test(opts))
  opts.edges = MITIGATION
  local with, r1 = tutorial.simulate(shop.test(opts))
  return without:passed(), r0.requests.failure_rate, with:passed(), r1.requests.failure_rate
end

t:step("Exercise 1: another failure, half of inventory's calls fail (error-burst) from 20 s to 40 s")
local ok0, failed0, ok1, failed1 = both { scenario = { name = "error-burst", at = "20s", duration = "20s",
  params = { probability = 0.5, target = { tags = { "inventory" } } } } }
t:say("without: %s, %.1f%% failed; with: %s, %.2f%% failed", ok0 and "PASS" or "FAIL", failed0 * 100, ok1 and "PASS" or "FAIL", failed1 * 100)
t:number("ex1_failed_without", tutorial.pct(failed0))
t:number("ex1_failed_with", tutorial.pct(failed1, 2))
t:claim("without the policy the SLO fails; with it, it holds (the fallback absorbs errors as well as timeouts)",
  ("%s, %s"):format(ok0 and "pass" or "fail", ok1 and "pass" or "fail"), not ok0 and ok1)

t:step("Exercise 2: the same incident at 450 requests/s (a busy day)")
local ok2, _, ok3 = both { delay_ms = 200, rate = 450 }
t:say("without: %s; with: %s", ok2 and "PASS" or "FAIL", ok3 and "PASS" or "FAIL")
t:claim("the mitigated shop keeps its SLO at 1.5 times the traffic", ok3 and "pass" or "fail", ok3 and not ok2)
t:finish()
