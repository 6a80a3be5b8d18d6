-- Tutorial 01-02: inject a fixed delay into a dependency.
-- Page: docs/tutorials/01-understanding-latency/02-inject-latency.md
--
--   syslab-lua scripts/tutorials/01-understanding-latency/02-inject-latency.lua [--check] [--numbers]
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local shop = require "shop"
local t = tutorial.new("01-understanding-latency/02-inject-latency")

local DELAY = 0.100

t:step("fixed-latency: +100 ms on every inventory call from 20 s to 40 s")
local report, r = tutorial.simulate(shop.test { delay_ms = DELAY * 1000 })
t:picture("02-inject-latency", report, { "phases", "latency" })
local before, during, after = r.phases[1], r.phases[2], r.phases[3]
t:say("%-26s %9s %9s %9s", "phase", "p50", "p95", "p99")
for _, p in ipairs { before, during, after } do
  t:say("%-26s %6.1f ms %6.1f ms %6.1f ms", p.name, p.latency.p50 * 1000, p.latency.p95 * 1000, p.latency.p99 * 1000)
end
for _, q in ipairs { "p50", "p95", "p99" } do
  t:number("before_" .. q, tutorial.fixed(before.latency[q] * 1000, 1) .. " ms")
  t:number("during_" .. q, tutorial.fixed(during.latency[q] * 1000, 1) .. " ms")
  t:number("after_" .. q, tutorial.fixed(after.latency[q] * 1000, 1) .. " ms")
  local shift = during.latency[q] - before.latency[q]
  t:number("shift_" .. q, tutorial.ms(shift))
  t:claim(("%s shifts by the delay, 100 ms (within 10 ms)"):format(q), tutorial.ms(shift), math.abs(shift - DELAY) <= 0.010)
  t:claim(("%s after the window is back within 10%% of before"):format(q),
    ("%.1f ms vs %.1f ms"):format(after.latency[q] * 1000, before.latency[q] * 1000),
    math.abs(after.latency[q] - before.latency[q]) <= 0.1 * before.latency[q])
end
t:claim("no request fails", tutorial.count(r.requests.failed), r.requests.failed == 0)

t:step("What the delay costs in threads: Little's law and the utilisation law")
local api_before, api_during = tutorial.component(before, "api"), tutorial.component(during, "api")
local held = shop.SERVICE.api + shop.SERVICE.inventory + shop.SERVICE.db
local predicted = shop.RATE * (held + DELAY) / shop.API_SERVERS
t:say("api busy: %.1f%% before, %.1f%% during (predicted %d/s x %.0f ms / %d = %.1f%%)",
  api_before.utilisation * 100, api_during.utilisation * 100, shop.RATE, (held + DELAY) * 1000, shop.API_SERVERS, predicted * 100)
t:number("api_util_before", tutorial.pct(api_before.utilisation))
t:number("api_util_during", tutorial.pct(api_during.utilisation))
t:number("api_util_predicted", tutorial.pct(predicted))
t:number("threads_during", tutorial.fixed(api_during.utilisation * shop.API_SERVERS, 1))
t:claim("the API's utilisation during the window matches λ × (S + delay) / c within 10%",
  ("%.1f%% vs %.1f%%"):format(api_during.utilisation * 100, predicted * 100),
  math.abs(api_during.utilisation - predicted) <= 0.1 * predicted)
t:claim("the delay more than triples the API threads in use, though the API itself did nothing new",
  ("%.1f%% vs %.1f%%"):format(api_during.utilisation * 100, api_before.utilisation * 100),
  api_during.utilisation > 3 * api_before.utilisation)

t:step("Which node got slower? Each node's own work per call")
local inv_before, inv_during = tutorial.component(before, "inventory"), tutorial.component(during, "inventory")
t:say("inventory's own work: %.1f ms before, %.1f ms during; api's: %.1f ms, %.1f ms",
  inv_before.mean_service * 1000, inv_during.mean_service * 1000, api_before.mean_service * 1000, api_during.mean_service * 1000)
t:number("inventory_self_before", tutorial.fixed(inv_before.mean_service * 1000, 1) .. " ms")
t:number("inventory_self_during", tutorial.fixed(inv_during.mean_service * 1000, 1) .. " ms")
t:claim("inventory's own work per call rises by the delay (within 5 ms); the API's own work does not move (within 1 ms)",
  ("inventory +%.1f ms, api %+.1f ms"):format((inv_during.mean_service - inv_before.mean_service) * 1000,
    (api_during.mean_service - api_before.mean_service) * 1000),
  math.abs(inv_during.mean_service - inv_before.mean_service - DELAY) <= 0.005
    and math.abs(api_during.mean_service - api_before.mean_service) <= 0.001)
t:finish()
