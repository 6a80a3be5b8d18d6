-- Answer key for the exercises of tutorial 01-02 (inject latency).
-- Page: docs/tutorials/01-understanding-latency/02-inject-latency.md
--
--   syslab-lua scripts/tutorials/01-understanding-latency/02-inject-latency.answers.lua [--check] [--numbers]
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local shop = require "shop"
local t = tutorial.new("01-understanding-latency/02-inject-latency (answers)")

t:step("Exercise 1: tail-latency on inventory (2% of calls wait 1 s or more)")
local _, r = tutorial.simulate(shop.test { scenario = { name = "tail-latency", at = "20s", duration = "20s",
  params = { base_ms = 0, tail_probability = 0.02, tail_ms = 1000, target = { tags = { "inventory" } } } } })
local before, during = r.phases[1], r.phases[2]
t:say("p50 %.1f -> %.1f ms; p99 %.0f -> %.0f ms", before.latency.p50 * 1000, during.latency.p50 * 1000,
  before.latency.p99 * 1000, during.latency.p99 * 1000)
t:number("ex1_p50_before", tutorial.fixed(before.latency.p50 * 1000, 1) .. " ms")
t:number("ex1_p50_during", tutorial.fixed(during.latency.p50 * 1000, 1) .. " ms")
t:number("ex1_p99_before", tutorial.ms(before.latency.p99))
t:number("ex1_p99_during", tutorial.ms(during.latency.p99))
t:number("ex1_mean_during", tutorial.ms(during.latency.mean))
t:claim("p99 rises from under 100 ms to over 1 s while p50 stays under 50 ms",
  ("p99 %.0f -> %.0f ms, p50 %.1f ms"):format(before.latency.p99 * 1000, during.latency.p99 * 1000, during.latency.p50 * 1000),
  before.latency.p99 < 0.1 and during.latency.p99 > 1 and during.latency.p50 < 0.05)

t:step("Exercise 2: the largest delay the API absorbs at 300 requests/s")
local held = shop.SERVICE.api + shop.SERVICE.inventory + shop.SERVICE.db
local limit = shop.API_SERVERS / shop.RATE - held    -- λ (S + d) = c
t:say("λ (S + d) = c gives d = %d / %d - %.3f = %.0f ms", shop.API_SERVERS, shop.RATE, held, limit * 1000)
t:number("ex2_limit", tutorial.ms(limit))
local function during_p99(delay_ms)
  local _, run = tutorial.simulate(shop.test { delay_ms = delay_ms })
  return run.phases[2].latency.p99
end
local under, over = during_p99(150), during_p99(190)
t:say("+150 ms: p99 %.0f ms; +190 ms: p99 %.0f ms", under * 1000, over * 1000)
t:number("ex2_p99_150", tutorial.ms(under))
t:number("ex2_p99_190", tutorial.ms(over))
t:claim("+150 ms (under the limit) only shifts p99 by about the delay: under 300 ms", tutorial.ms(under), under < 0.3)
t:claim("+190 ms (over the limit) saturates the API: p99 over 1 s", tutorial.ms(over), over > 1)
t:finish()
