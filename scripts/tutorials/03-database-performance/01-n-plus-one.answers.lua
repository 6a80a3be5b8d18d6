-- Answer key for the exercises of tutorial 03-01 (N+1 queries).
-- Page: docs/tutorials/03-database-performance/01-n-plus-one.md
--
--   syslab-lua scripts/tutorials/03-database-performance/01-n-plus-one.answers.lua [--check] [--numbers]
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local t = tutorial.new("03-database-performance/01-n-plus-one (answers)")

local ITEMS, QUERY, DB_SERVERS = 25, 0.002, 32

-- The page's order list, with the batch size and the rate as parameters.
local function measure(batch_size, rate)
  local _, r = tutorial.simulate {
    system = {
      topology = {
        name = "orders", route = "/orders",
        nodes = { { id = "api", kind = "backend" }, { id = "db", kind = "postgres" } },
        edges = { { from = "api", to = "db" } },
      },
      nodes = { api = { servers = 256, service = "1ms" }, db = { servers = DB_SERVERS, service = QUERY } },
    },
    workload = { executor = "constant-arrival-rate", rate = rate, duration = "20s" },
    scenarios = { { name = "n-plus-one-query",
                    params = { items = ITEMS, batch_size = batch_size, query_ms = QUERY * 1000, target = { tags = { "api" } } } } },
    options = { seed = 4 },
  }
  local db = tutorial.component(r, "db")
  return { queries = db.arrivals / r.requests.completed, p50 = r.latency.p50, p99 = r.latency.p99, util = db.utilisation }
end

t:step("Exercise 1: a DataLoader that batches 10 ids per query; predict queries and p50")
local ten = measure(10, 100)
local predicted = 1 + math.ceil(ITEMS / 10)
local predicted_p50 = 0.001 + predicted * QUERY
t:say("queries: predicted 1 + ceil(25/10) = %d, measured %.2f; p50 predicted %.1f ms, measured %.1f ms",
  predicted, ten.queries, predicted_p50 * 1000, ten.p50 * 1000)
t:number("ex1_queries", tutorial.fixed(ten.queries, 0))
t:number("ex1_p50", tutorial.fixed(ten.p50 * 1000, 1) .. " ms")
t:number("ex1_p50_predicted", tutorial.fixed(predicted_p50 * 1000, 1) .. " ms")
t:claim("batches of 10 make 4 queries per page", tutorial.fixed(ten.queries, 2), math.abs(ten.queries - predicted) < 0.01)
t:claim("p50 is 1 ms of API time plus 4 query times (within 10%)", ("%.1f ms vs %.1f ms"):format(ten.p50 * 1000, predicted_p50 * 1000),
  math.abs(ten.p50 - predicted_p50) <= 0.1 * predicted_p50)

t:step("Exercise 2: 700 pages/s, above the N+1 page's limit of 615/s")
local bug = measure(1, 700)
local fixed = measure(ITEMS, 700)
t:say("N+1: utilisation %.0f%%, p99 %.0f ms; batched: utilisation %.1f%%, p99 %.1f ms",
  bug.util * 100, bug.p99 * 1000, fixed.util * 100, fixed.p99 * 1000)
t:number("ex2_bug_util", tutorial.pct(bug.util, 0))
t:number("ex2_bug_p99", tutorial.ms(bug.p99))
t:number("ex2_fixed_util", tutorial.pct(fixed.util))
t:number("ex2_fixed_p99", tutorial.fixed(fixed.p99 * 1000, 1) .. " ms")
t:claim("above its limit the N+1 page saturates the database and p99 passes one second",
  ("%.0f%%, %.0f ms"):format(bug.util * 100, bug.p99 * 1000), bug.util > 0.99 and bug.p99 > 1)
t:claim("the batched page at the same rate keeps the database under 10% busy", tutorial.pct(fixed.util), fixed.util < 0.10)
t:finish()
