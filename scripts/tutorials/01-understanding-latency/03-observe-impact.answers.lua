-- Answer key for the exercises of tutorial 01-03 (observe impact).
-- Page: docs/tutorials/01-understanding-latency/03-observe-impact.md
--
--   syslab-lua scripts/tutorials/01-understanding-latency/03-observe-impact.answers.lua [--check] [--numbers]
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local shop = require "shop"
local t = tutorial.new("01-understanding-latency/03-observe-impact (answers)")

local held = shop.SERVICE.api + shop.SERVICE.inventory + shop.SERVICE.db

t:step("Exercise 1: the traffic the shop survives with +200 ms on inventory")
local limit = shop.API_SERVERS / (held + 0.200)
t:say("λ = c / (S + d) = %d / %.3f s = %.0f requests/s", shop.API_SERVERS, held + 0.2, limit)
t:number("ex1_limit", tutorial.count(limit))
local function during_p99(rate)
  local _, r = tutorial.simulate(shop.test { delay_ms = 200, rate = rate })
  return r.phases[2].latency.p99
end
local low, high = math.floor(limit * 0.95), math.ceil(limit * 1.05)
local low_p99, high_p99 = during_p99(low), during_p99(high)
t:say("%d/s: p99 %.0f ms; %d/s: p99 %.0f ms", low, low_p99 * 1000, high, high_p99 * 1000)
t:number("ex1_low", tutorial.count(low))
t:number("ex1_high", tutorial.count(high))
t:number("ex1_low_p99", tutorial.ms(low_p99))
t:number("ex1_high_p99", tutorial.ms(high_p99))
t:claim("5% under that rate p99 stays under 500 ms; 5% over it, p99 passes 1 s",
  ("%.0f ms, %.0f ms"):format(low_p99 * 1000, high_p99 * 1000), low_p99 < 0.5 and high_p99 > 1)

t:step("Exercise 2: give the API 128 threads instead of 64")
local function run(api_servers, inventory_servers)
  local test = shop.test { delay_ms = 200 }
  test.system.nodes.api.servers = api_servers
  test.system.nodes.inventory.servers = inventory_servers
  local _, r = tutorial.simulate(test)
  local during = r.phases[2]
  return during.latency.p99, tutorial.component(during, "inventory").utilisation
end
local p99, inventory_util = run(128, 64)
local inventory_needed = shop.RATE * (shop.SERVICE.inventory + 0.200)
t:say("p99 during the window %.0f ms; inventory %.1f%% busy (it needs %d x 230 ms = %.0f of its 64 servers)",
  p99 * 1000, inventory_util * 100, shop.RATE, inventory_needed)
t:number("ex2_p99", tutorial.ms(p99))
t:number("ex2_inventory_util", tutorial.pct(inventory_util))
t:number("ex2_inventory_needed", tutorial.fixed(inventory_needed, 0))
t:claim("with 128 API threads the queue moves into inventory: it is over 98% busy and p99 is still over 1 s",
  ("%.1f%%, %.0f ms"):format(inventory_util * 100, p99 * 1000), inventory_util > 0.98 and p99 > 1)
local both_p99 = run(128, 128)
t:number("ex2_both_p99", tutorial.ms(both_p99))
t:claim("with 128 threads at both the delay is only a shift: p99 under 400 ms", tutorial.ms(both_p99), both_p99 < 0.4)
t:finish()
