-- Answer key for the exercises of tutorial 03-03 (connection pooling).
-- Page: docs/tutorials/03-database-performance/03-connection-pooling.md
--
--   syslab-lua scripts/tutorials/03-database-performance/03-connection-pooling.answers.lua [--check] [--numbers]
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local t = tutorial.new("03-database-performance/03-connection-pooling (answers)")

local RATE, HOLD = 300, 0.020

-- The page's API, with the pool size and the database's servers as parameters.
local function run(pool_size, db_servers)
  local _, r = tutorial.simulate {
    system = {
      topology = {
        name = "accounts", route = "/accounts/{id}",
        nodes = { { id = "api", kind = "backend" }, { id = "db", kind = "postgres" } },
        edges = { { from = "api", to = "db" } },
      },
      nodes = { api = { servers = 2000, service = "1ms" },
                db = { servers = db_servers, service = { kind = "exponential", mean = HOLD } } },
      edges = { ["api->db"] = { pool = { size = pool_size, wait_timeout = "1s" } } },
    },
    workload = { executor = "constant-arrival-rate", rate = RATE, duration = 600 },
    options = { seed = 12, interval = "10s" },
  }
  return tutorial.edge(r, "api->db").pool, tutorial.component(r, "db")
end

local load = RATE * HOLD
t:step("Exercise 1: square-root staffing, size = load + sqrt(load), rounded up")
local size = math.ceil(load + math.sqrt(load))
local pool = run(size, 64)
local predicted = tutorial.mmc_wait(RATE, HOLD, size)
t:say("size = ceil(%.1f + %.2f) = %d: P(wait) %.1f%%, wait predicted %.2f ms, measured %.2f ms",
  load, math.sqrt(load), size, tutorial.erlang_c(size, load) * 100, predicted * 1000, pool.mean_wait * 1000)
t:number("ex1_size", tostring(size))
t:number("ex1_p_wait", tutorial.pct(tutorial.erlang_c(size, load)))
t:number("ex1_wait", tutorial.fixed(pool.mean_wait * 1000, 2) .. " ms")
t:claim("the measured wait matches Erlang C within 15%", ("%.2f ms vs %.2f ms"):format(pool.mean_wait * 1000, predicted * 1000),
  math.abs(pool.mean_wait - predicted) <= 0.15 * predicted)

t:step("Exercise 2: a pool of 32 in front of a database that runs 8 queries at once")
local big_pool, db = run(32, 8)
local db_predicted = tutorial.mmc_wait(RATE, HOLD, 8)
t:say("pool wait %.3f ms; the database's own queue wait %.2f ms (Erlang C for 8 servers: %.2f ms)",
  big_pool.mean_wait * 1000, db.mean_queue_wait * 1000, db_predicted * 1000)
t:number("ex2_pool_wait", tutorial.fixed(big_pool.mean_wait * 1000, 3) .. " ms")
t:number("ex2_db_wait", tutorial.fixed(db.mean_queue_wait * 1000, 2) .. " ms")
t:number("ex2_db_predicted", tutorial.fixed(db_predicted * 1000, 2) .. " ms")
t:claim("a pool larger than the database's concurrency does not remove the wait, it moves it into the database",
  ("pool %.3f ms, database %.2f ms vs %.2f ms predicted"):format(big_pool.mean_wait * 1000, db.mean_queue_wait * 1000, db_predicted * 1000),
  big_pool.mean_wait < 0.0001 and math.abs(db.mean_queue_wait - db_predicted) <= 0.15 * db_predicted)
t:finish()
