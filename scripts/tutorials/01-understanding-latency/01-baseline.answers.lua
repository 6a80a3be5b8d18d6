-- Answer key for the exercises of tutorial 01-01 (baseline).
-- Page: docs/tutorials/01-understanding-latency/01-baseline.md
--
--   syslab-lua scripts/tutorials/01-understanding-latency/01-baseline.answers.lua [--check] [--numbers]
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local shop = require "shop"
local t = tutorial.new("01-understanding-latency/01-baseline (answers)")

local held = shop.SERVICE.api + shop.SERVICE.inventory + shop.SERVICE.db
local capacity = shop.API_SERVERS / held

local function at(rate)
  local report, r = tutorial.simulate(shop.test { rate = rate, duration = "20s" })
  local rows = tutorial.series(report)
  return r, rows[#rows].p99_ms / 1000, tutorial.component(r, "api").utilisation
end

t:step("Exercise 1: run just below and just above the API's predicted capacity")
local below_rate, above_rate = math.floor(0.9 * capacity), math.floor(1.1 * capacity)
local _, below_p99, below_util = at(below_rate)
local _, above_p99, above_util = at(above_rate)
t:say("%d/s: last-second p99 %.0f ms, api %.1f%% busy; %d/s: last-second p99 %.0f ms, api %.1f%% busy",
  below_rate, below_p99 * 1000, below_util * 100, above_rate, above_p99 * 1000, above_util * 100)
t:number("ex1_below_rate", tutorial.count(below_rate))
t:number("ex1_above_rate", tutorial.count(above_rate))
t:number("ex1_below_p99", tutorial.ms(below_p99))
t:number("ex1_above_p99", tutorial.ms(above_p99))
t:number("ex1_below_util", tutorial.pct(below_util))
t:claim("at 90% of the predicted capacity the API keeps up: the last second's p99 stays under 200 ms",
  tutorial.ms(below_p99), below_p99 < 0.2)
t:claim("at 110% the queue grows for the whole run: the last second's p99 is over 1 s",
  tutorial.ms(above_p99), above_p99 > 1)
t:finish()
