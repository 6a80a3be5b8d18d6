-- Tutorial 01-01: the baseline of a healthy system.
-- Page: docs/tutorials/01-understanding-latency/01-baseline.md
--
--   syslab-lua scripts/tutorials/01-understanding-latency/01-baseline.lua [--check] [--numbers]
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local shop = require "shop"
local t = tutorial.new("01-understanding-latency/01-baseline")

t:step("Run the healthy shop: 300 checkouts/s for 60 s")
local report, r = tutorial.simulate(shop.test())
t:picture("01-baseline", report, { "latency", "components" })
local lat = r.latency
t:say("p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, mean %.1f ms; %.0f requests/s, %d failed",
  lat.p50 * 1000, lat.p95 * 1000, lat.p99 * 1000, lat["p99.9"] * 1000, lat.mean * 1000, r.requests.throughput, r.requests.failed)
t:number("p50", tutorial.fixed(lat.p50 * 1000, 1) .. " ms")
t:number("p95", tutorial.fixed(lat.p95 * 1000, 1) .. " ms")
t:number("p99", tutorial.fixed(lat.p99 * 1000, 1) .. " ms")
t:number("p999", tutorial.fixed(lat["p99.9"] * 1000, 1) .. " ms")
t:number("mean", tutorial.fixed(lat.mean * 1000, 1) .. " ms")
t:number("throughput", tutorial.count(r.requests.throughput))
t:number("path_time", tutorial.ms(shop.path_time()))
t:claim("no request fails", tutorial.count(r.requests.failed), r.requests.failed == 0)
t:claim("the median is within 10% of the sum of the service times along the path (nobody waits)",
  ("%.1f ms vs %.0f ms"):format(lat.p50 * 1000, shop.path_time() * 1000), math.abs(lat.p50 - shop.path_time()) <= 0.1 * shop.path_time())
t:claim("p99 is under twice the median: a healthy, narrow distribution",
  ("%.1f ms vs %.1f ms"):format(lat.p99 * 1000, lat.p50 * 1000), lat.p99 < 2 * lat.p50)

t:step("Little's law: requests in flight = arrival rate x time in the system")
local predicted_l = r.requests.throughput * lat.mean
local rows = tutorial.series(report)
local in_flight = 0
for _, row in ipairs(rows) do in_flight = in_flight + row.in_flight end
in_flight = in_flight / #rows
t:say("L = %.0f/s x %.1f ms = %.1f requests; the per-second series shows %.1f on average",
  r.requests.throughput, lat.mean * 1000, predicted_l, in_flight)
t:number("little_predicted", tutorial.fixed(predicted_l, 1))
t:number("little_measured", tutorial.fixed(in_flight, 1))
t:claim("the requests in flight match Little's law within 10%", ("%.1f vs %.1f"):format(in_flight, predicted_l),
  math.abs(in_flight - predicted_l) <= 0.1 * predicted_l)

t:step("The utilisation law: busy fraction = arrival rate x time a server is held / servers")
local api = tutorial.component(r, "api")
-- The API holds its worker for its own work and for both calls it makes.
local held = shop.SERVICE.api + shop.SERVICE.inventory + shop.SERVICE.db
local predicted_u = shop.RATE * held / shop.API_SERVERS
t:say("api: %d/s x %.0f ms / %d threads = %.1f%% predicted, %.1f%% measured", shop.RATE, held * 1000, shop.API_SERVERS,
  predicted_u * 100, api.utilisation * 100)
t:number("api_held", tutorial.ms(held))
t:number("api_util_predicted", tutorial.pct(predicted_u))
t:number("api_util", tutorial.pct(api.utilisation))
t:claim("the API's utilisation matches the utilisation law within 10%",
  ("%.1f%% vs %.1f%%"):format(api.utilisation * 100, predicted_u * 100), math.abs(api.utilisation - predicted_u) <= 0.1 * predicted_u)
local capacity = shop.API_SERVERS / held
t:number("api_capacity", tutorial.count(capacity))
t:say("the API saturates at %d threads / %.0f ms = %.0f requests/s", shop.API_SERVERS, held * 1000, capacity)

t:step("The diagnosis of a healthy run")
local serious = 0
for _, f in ipairs(report:diagnosis()) do
  if f.severity ~= "info" then serious = serious + 1 end
end
t:claim("the diagnosis finds nothing worth a warning in a healthy run", tutorial.count(serious) .. " warnings or worse", serious == 0)
t:finish()
