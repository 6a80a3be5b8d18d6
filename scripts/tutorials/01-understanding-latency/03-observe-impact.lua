-- Tutorial 01-03: observe the impact of a delay that saturates the caller.
-- Page: docs/tutorials/01-understanding-latency/03-observe-impact.md
--
--   syslab-lua scripts/tutorials/01-understanding-latency/03-observe-impact.lua [--check] [--numbers] [--html DIR]
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local shop = require "shop"
local t = tutorial.new("01-understanding-latency/03-observe-impact")

local DELAY = 0.200
local held = shop.SERVICE.api + shop.SERVICE.inventory + shop.SERVICE.db

t:step("Predict: +200 ms on inventory at 300 requests/s")
local needed = shop.RATE * (held + DELAY)          -- threads the API would need (Little's law)
local capacity = shop.API_SERVERS / (held + DELAY) -- requests/s the API can finish (utilisation law)
local growth = shop.RATE - capacity                -- the backlog grows by this much per second
local backlog = growth * 20                        -- ... for the 20 s of the window
local last_wait = backlog / capacity               -- the last arrivals wait for the backlog ahead of them
t:say("threads needed %.1f > %d: the API finishes at most %.0f requests/s while %d arrive;", needed, shop.API_SERVERS, capacity, shop.RATE)
t:say("the backlog grows %.0f/s, to %.0f after 20 s, a wait of %.1f s for the last arrivals", growth, backlog, last_wait)
t:number("needed", tutorial.fixed(needed, 1))
t:number("capacity", tutorial.count(capacity))
t:number("growth", tutorial.count(growth))
t:number("backlog_predicted", tutorial.count(backlog))
t:number("wait_predicted", tutorial.fixed(last_wait, 1) .. " s")

t:step("Run it and read the per-second series")
local report, r = tutorial.simulate(shop.test { delay_ms = DELAY * 1000 })
t:picture("03-observe-impact", report)
local rows = tutorial.series(report)
local before, during, after = r.phases[1], r.phases[2], r.phases[3]
t:say("%6s %9s %9s %10s %8s", "second", "p50", "p99", "in flight", "api busy")
for _, row in ipairs(rows) do
  if row.time_s >= 18 and row.time_s <= 44 and row.time_s % 2 == 0 then
    t:say("%6d %6.0f ms %6.0f ms %10d %7.0f%%", row.time_s, row.p50_ms, row.p99_ms, row.in_flight, row.api_utilisation * 100)
  end
end
local _, peak_in_flight = tutorial.peak(rows, "in_flight")
local last_second = rows[40]
t:number("during_p50", tutorial.ms(during.latency.p50))
t:number("during_p99", tutorial.ms(during.latency.p99))
t:number("before_p99", tutorial.ms(before.latency.p99))
t:number("p99_second_21", tutorial.ms(rows[21].p99_ms / 1000))
t:number("p99_second_40", tutorial.ms(last_second.p99_ms / 1000))
t:number("peak_in_flight", tutorial.count(peak_in_flight))
t:number("api_util_during", tutorial.pct(tutorial.component(during, "api").utilisation))
t:claim("p99 during the window rises from under 100 ms to over 1 s, for a 200 ms delay",
  ("%.0f ms -> %.0f ms"):format(before.latency.p99 * 1000, during.latency.p99 * 1000),
  before.latency.p99 < 0.1 and during.latency.p99 > 1)
t:claim("the API's threads are all busy during the window (over 98%)",
  tutorial.pct(tutorial.component(during, "api").utilisation), tutorial.component(during, "api").utilisation > 0.98)
t:claim("the per-second p99 keeps growing through the window: the last second's is over 5 times the first's",
  ("%.0f ms vs %.0f ms"):format(last_second.p99_ms, rows[21].p99_ms), last_second.p99_ms > 5 * rows[21].p99_ms)
t:claim("the last second's p99 agrees with the predicted wait plus the path (within 25%)",
  ("%.0f ms vs %.0f ms"):format(last_second.p99_ms, (last_wait + held + DELAY) * 1000),
  math.abs(last_second.p99_ms / 1000 - (last_wait + held + DELAY)) <= 0.25 * (last_wait + held + DELAY))
t:claim("the requests in flight peak near the predicted backlog plus the 64 threads (within 25%)",
  ("%d vs %.0f"):format(peak_in_flight, backlog + shop.API_SERVERS),
  math.abs(peak_in_flight - (backlog + shop.API_SERVERS)) <= 0.25 * (backlog + shop.API_SERVERS))
t:claim("no request fails: they are only late", tutorial.count(r.requests.failed), r.requests.failed == 0)

t:step("Recovery: the backlog drains after the delay ends")
local recovered_at
for _, row in ipairs(rows) do
  if row.time_s > 40 and not recovered_at and row.p99_ms < 2 * before.latency.p99 * 1000 then recovered_at = row.time_s end
end
t:say("the per-second p99 is back under twice the baseline's in second %s", tostring(recovered_at))
t:number("recovered_at", tostring(recovered_at))
t:number("after_p99", tutorial.ms(after.latency.p99))
t:claim("the per-second p99 is back under twice the baseline's within 3 s of the window's end",
  tostring(recovered_at), recovered_at ~= nil and recovered_at <= 43)
t:finish()
