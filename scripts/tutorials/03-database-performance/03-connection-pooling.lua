-- Tutorial 03-03: sizing a connection pool with Little's law and Erlang C.
-- Page: docs/tutorials/03-database-performance/03-connection-pooling.md
--
--   syslab-lua scripts/tutorials/03-database-performance/03-connection-pooling.lua [--check] [--numbers] [--html DIR]
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local t = tutorial.new("03-database-performance/03-connection-pooling")

local RATE, HOLD, DURATION = 300, 0.020, 600
local SIZES = { 7, 8, 10 }

-- An API with a pool of connections to Postgres. A connection is held for
-- the whole query (exponential, mean HOLD); the database has servers to
-- spare, so the pool is the only place a query can wait.
local function api(pool_size, db_servers)
  return {
    system = {
      topology = {
        name = "accounts", route = "/accounts/{id}",
        nodes = { { id = "api", kind = "backend" }, { id = "db", kind = "postgres" } },
        edges = { { from = "api", to = "db" } },
      },
      nodes = { api = { servers = 2000, service = "1ms" },
                db = { servers = db_servers or 64, service = { kind = "exponential", mean = HOLD } } },
      edges = { ["api->db"] = { pool = { size = pool_size, wait_timeout = "1s" } } },
    },
    workload = { executor = "constant-arrival-rate", rate = RATE, duration = DURATION },
    options = { seed = 12, interval = "10s" },
  }
end

local function measure(pool_size)
  local report, r = tutorial.simulate(api(pool_size))
  local pool = tutorial.edge(r, "api->db").pool
  return { report = report, wait = pool.mean_wait, timeouts = pool.timeouts, in_use = pool.utilisation * pool_size, util = pool.utilisation,
           p99 = r.latency.p99, failure_rate = r.requests.failure_rate }
end

local load = RATE * HOLD   -- Little's law: connections busy on average = arrival rate x hold time
t:step("Little's law: how many connections are busy on average?")
t:say("L = lambda x W = %d/s x %.0f ms = %.1f connections", RATE, HOLD * 1000, load)
t:number("load", tutorial.fixed(load, 1))

t:step("A pool of exactly that size: 6 connections")
local exact = measure(6)
t:picture("03-connection-pooling-6", exact.report, { "latency", "components" })
t:say("mean wait %.0f ms, %d waits timed out after 1 s, p99 %.0f ms", exact.wait * 1000, exact.timeouts, exact.p99 * 1000)
t:number("exact_wait", tutorial.ms(exact.wait))
t:number("exact_timeouts", tutorial.count(exact.timeouts))
t:number("exact_p99", tutorial.ms(exact.p99))
t:number("exact_util", tutorial.pct(exact.util))
t:claim("a pool sized at the average load is busy nearly all the time (over 97%)", tutorial.pct(exact.util), exact.util > 0.97)
t:claim("a pool sized at the average load makes queries wait for hundreds of milliseconds, and some time out",
  ("mean wait %.0f ms, %d timeouts"):format(exact.wait * 1000, exact.timeouts), exact.wait > 0.1 and exact.timeouts > 0)

t:step("Erlang C: predict the wait for bigger pools, then measure")
t:say("%6s %14s %16s %16s %12s", "size", "P(wait)", "wait (Erlang C)", "wait (measured)", "busy (L)")
local seen = {}
for _, size in ipairs(SIZES) do
  local m = measure(size)
  seen[size] = m
  if size == SIZES[#SIZES] then t:picture("03-connection-pooling-" .. size, m.report, { "latency", "components" }) end
  local p_wait, predicted = tutorial.erlang_c(size, load), tutorial.mmc_wait(RATE, HOLD, size)
  t:say("%6d %13.1f%% %13.2f ms %13.2f ms %12.2f", size, p_wait * 100, predicted * 1000, m.wait * 1000, m.in_use)
  t:number("p_wait_" .. size, tutorial.pct(p_wait))
  t:number("wait_theory_" .. size, tutorial.fixed(predicted * 1000, 2) .. " ms")
  t:number("wait_" .. size, tutorial.fixed(m.wait * 1000, 2) .. " ms")
  t:number("p99_" .. size, tutorial.fixed(m.p99 * 1000, 1) .. " ms")
  t:claim(("a pool of %d: the mean wait is within 15%% of Erlang C's prediction"):format(size),
    ("%.2f ms vs %.2f ms"):format(m.wait * 1000, predicted * 1000), math.abs(m.wait - predicted) <= 0.15 * predicted)
  t:claim(("a pool of %d: connections in use average lambda x W = %.1f (Little's law, within 3%%)"):format(size, load),
    tutorial.fixed(m.in_use, 2), math.abs(m.in_use - load) <= 0.03 * load)
end
t:claim("two connections above the load (a pool of 8) cut the mean wait more than tenfold against a pool of 6",
  ("%.2f ms vs %.0f ms"):format(seen[8].wait * 1000, exact.wait * 1000), seen[8].wait * 10 < exact.wait)
t:claim("no query times out with a pool of 8 or more", ("%d, %d, %d"):format(seen[7].timeouts, seen[8].timeouts, seen[10].timeouts),
  seen[8].timeouts == 0 and seen[10].timeouts == 0)
t:finish()
