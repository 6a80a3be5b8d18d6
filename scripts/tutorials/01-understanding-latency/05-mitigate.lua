-- Tutorial 01-05: mitigate a slow dependency: timeout, fallback, circuit breaker.
-- Page: docs/tutorials/01-understanding-latency/05-mitigate.md
--
--   syslab-lua scripts/tutorials/01-understanding-latency/05-mitigate.lua [--check] [--numbers] [--html DIR]
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local shop = require "shop"
local t = tutorial.new("01-understanding-latency/05-mitigate")

local BREAKER = { failure_ratio = 0.5, window = 20, minimum_calls = 10, open_for = "2s", probes = 3 }
local VARIANTS = {
  { key = "none", label = "no policy" },
  { key = "timeout", label = "timeout 100 ms", edge = { timeout = "100ms" } },
  { key = "fallback", label = "+ fallback", edge = { timeout = "100ms", fallback = true } },
  { key = "breaker", label = "+ circuit breaker", edge = { timeout = "100ms", fallback = true, breaker = BREAKER } },
}

t:step("Page 03's incident (+200 ms on inventory, 20 s to 40 s) under four client policies on api->inventory")
t:say("%-20s %9s %9s %8s %9s %10s %10s", "policy", "p50", "p99", "failed", "timeouts", "fallbacks", "inv. busy")
local runs = {}
for _, v in ipairs(VARIANTS) do
  local report, r = tutorial.simulate(shop.test { delay_ms = 200, edges = v.edge and { ["api->inventory"] = v.edge } or nil })
  local before, during = r.phases[1], r.phases[2]
  local edge = tutorial.edge(during, "api->inventory")
  local m = { report = report, r = r, before = before, during = during, edge = edge,
              inventory = tutorial.component(during, "inventory"), api = tutorial.component(during, "api") }
  runs[v.key] = m
  t:say("%-20s %6.0f ms %6.0f ms %7.1f%% %9d %10d %9.1f%%", v.label, during.latency.p50 * 1000, during.latency.p99 * 1000,
    during.failure_rate * 100, edge.timeouts, edge.fallbacks, m.inventory.utilisation * 100)
  t:number(v.key .. "_p50", tutorial.ms(during.latency.p50))
  t:number(v.key .. "_p99", tutorial.ms(during.latency.p99))
  t:number(v.key .. "_failed", tutorial.pct(during.failure_rate))
  t:number(v.key .. "_inventory_util", tutorial.pct(m.inventory.utilisation))
  t:number(v.key .. "_api_util", tutorial.pct(m.api.utilisation))
end

t:step("A timeout: the API stops waiting after 100 ms")
local timeout = runs.timeout
t:claim("in the healthy phase no inventory call takes 100 ms: the timeout is above its normal latency",
  tutorial.count(tutorial.edge(timeout.before, "api->inventory").timeouts), tutorial.edge(timeout.before, "api->inventory").timeouts == 0)
t:claim("with the timeout the API stays out of saturation (under 80% busy) and p99 stays under 200 ms",
  ("%.1f%%, %.0f ms"):format(timeout.api.utilisation * 100, timeout.during.latency.p99 * 1000),
  timeout.api.utilisation < 0.8 and timeout.during.latency.p99 < 0.2)
t:claim("but every call now times out, so nearly every request fails (over 99%)", tutorial.pct(timeout.during.failure_rate),
  timeout.during.failure_rate > 0.99)
t:claim("and inventory is still saturated (over 95% busy): it keeps working on calls nobody waits for",
  tutorial.pct(timeout.inventory.utilisation), timeout.inventory.utilisation > 0.95)

t:step("A fallback: a timed-out call becomes a degraded answer")
local fallback = runs.fallback
t:number("fallback_count", tutorial.count(fallback.edge.fallbacks))
t:claim("with the fallback no request fails, and p99 stays under 200 ms",
  ("%s, %.0f ms"):format(tutorial.pct(fallback.during.failure_rate), fallback.during.latency.p99 * 1000),
  fallback.during.failure_rate == 0 and fallback.during.latency.p99 < 0.2)
t:claim("every degraded answer is a fallback the edge counts", ("%d fallbacks, %d timeouts"):format(fallback.edge.fallbacks, fallback.edge.timeouts),
  fallback.edge.fallbacks == fallback.edge.timeouts and fallback.edge.fallbacks > 0)

t:step("A circuit breaker: stop calling a dependency that keeps failing")
local breaker = runs.breaker
local spared = 1 - breaker.inventory.arrivals / fallback.inventory.arrivals
t:say("the breaker refused %d calls; inventory received %d calls instead of %d (%.1f%% spared)",
  breaker.edge.breaker_rejections, breaker.inventory.arrivals, fallback.inventory.arrivals, spared * 100)
t:number("breaker_rejections", tutorial.count(breaker.edge.breaker_rejections))
t:number("breaker_inventory_calls", tutorial.count(breaker.inventory.arrivals))
t:number("fallback_inventory_calls", tutorial.count(fallback.inventory.arrivals))
t:number("breaker_spared", tutorial.pct(spared))
t:claim("the open breaker spares inventory over 95% of its calls, and its utilisation drops under 5%",
  ("%s spared, %s busy"):format(tutorial.pct(spared), tutorial.pct(breaker.inventory.utilisation)),
  spared > 0.95 and breaker.inventory.utilisation < 0.05)
t:claim("refused calls fall back too: no request fails", tutorial.pct(breaker.during.failure_rate), breaker.during.failure_rate == 0)
t:claim("degraded answers skip inventory's 30 ms: p50 during the window is under the healthy p50",
  ("%.0f ms vs %.0f ms"):format(breaker.during.latency.p50 * 1000, breaker.before.latency.p50 * 1000),
  breaker.during.latency.p50 < breaker.before.latency.p50)
t:picture("05-mitigate", breaker.report)
t:finish()
