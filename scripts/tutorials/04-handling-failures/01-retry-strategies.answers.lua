-- Answer key for the exercises of tutorial 04-01 (retry strategies).
-- Page: docs/tutorials/04-handling-failures/01-retry-strategies.md
--
--   syslab-lua scripts/tutorials/04-handling-failures/01-retry-strategies.answers.lua [--check] [--numbers]
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local syslab = require "syslab"
local tutorial = require "tutorial"
local t = tutorial.new("04-handling-failures/01-retry-strategies (answers)")

-- dependency-flap is a scenario written in Lua (scripts/scenarios/): load it into a registry.
local registry = syslab.registry()
assert(registry:define(dofile(dir .. "/../../scenarios/dependency-flap.lua")))

-- The page's payments chain, retrying at the API only; payments is down
-- 0.5 s out of every 5 s (a crash loop) for the whole run.
local function flapping(retry)
  local report, r = tutorial.simulate({
    system = {
      topology = {
        name = "payments", route = "/pay",
        nodes = { { id = "gateway", kind = "api-gateway" }, { id = "api", kind = "backend" },
                  { id = "payments", kind = "backend" } },
        edges = { { from = "gateway", to = "api" }, { from = "api", to = "payments" } },
      },
      nodes = { gateway = { servers = 1024, service = "1ms" }, api = { servers = 256, service = "5ms" },
                payments = { servers = 64, service = { kind = "lognormal", mean = 0.020, stddev = 0.005 } } },
      edges = { ["api->payments"] = { retries = 3, retry = retry } },
    },
    workload = { executor = "constant-arrival-rate", rate = 100, duration = "30s" },
    scenarios = { { name = "dependency-flap", params = { period_seconds = 5, down_seconds = 0.5, fail_ms = 5,
                                                           target = { tags = { "payments" } } } } },
    options = { seed = 4 },
  }, registry)
  return r.requests.failure_rate, r.latency.p99, report
end

t:step("Exercise 1: three quick retries (1, 2, 4 ms) against a 0.5 s outage every 5 s")
local quick, quick_p99 = flapping { backoff = "1ms" }
t:say("%.1f%% of requests fail; p99 %.0f ms", quick * 100, quick_p99 * 1000)
t:number("ex1_quick_failures", tutorial.pct(quick))
t:claim("quick retries all land inside the outage: about the outage's share of requests fail (over 7%)",
  tutorial.pct(quick), quick > 0.07)

t:step("Exercise 1: exponential backoff, 100 ms doubling (100 + 200 + 400 ms outlasts the outage)")
local backoff, backoff_p99 = flapping { backoff = "100ms", multiplier = 2 }
t:say("%.2f%% of requests fail; p99 %.0f ms", backoff * 100, backoff_p99 * 1000)
t:number("ex1_backoff_failures", tutorial.pct(backoff, 2))
t:number("ex1_backoff_p99", tutorial.ms(backoff_p99))
t:claim("retries spread over 700 ms ride out a 500 ms outage: under 0.5% fail", tutorial.pct(backoff, 2), backoff < 0.005)
t:claim("the price is latency: p99 over 300 ms for the requests that waited", tutorial.ms(backoff_p99), backoff_p99 > 0.3)

t:step("Exercise 2: the same backoff with full jitter (each wait uniform in [0, backoff])")
local jitter = flapping { backoff = "100ms", multiplier = 2, jitter = "full" }
t:say("%.1f%% of requests fail", jitter * 100)
t:number("ex2_jitter_failures", tutorial.pct(jitter))
t:claim("full jitter shortens the total wait, so more retries land inside the outage than without jitter",
  ("%s vs %s"):format(tutorial.pct(jitter), tutorial.pct(backoff, 2)), jitter > backoff)
t:finish()
