-- Tutorial 03-01: N+1 queries, and batching.
-- Page: docs/tutorials/03-database-performance/01-n-plus-one.md
--
--   syslab-lua scripts/tutorials/03-database-performance/01-n-plus-one.lua [--check] [--numbers] [--html DIR]
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local syslab = require "syslab"
local tutorial = require "tutorial"
local t = tutorial.new("03-database-performance/01-n-plus-one")

local RATE, ITEMS, QUERY, DB_SERVERS = 100, 25, 0.002, 32

-- An order list page: the API loads a list of orders, then (the bug) each
-- order's customer with its own query. The n-plus-one-query scenario on the
-- API adds ceil(items / batch_size) queries to the database per request.
local function orders(batch_size, rate)
  return {
    system = {
      topology = {
        name = "orders", route = "/orders",
        nodes = { { id = "api", kind = "backend" }, { id = "db", kind = "postgres" } },
        edges = { { from = "api", to = "db" } },
      },
      nodes = { api = { servers = 256, service = "1ms" },
                db = { servers = DB_SERVERS, service = QUERY } },
    },
    workload = { executor = "constant-arrival-rate", rate = rate or RATE, duration = "20s" },
    scenarios = batch_size and { {
      name = "n-plus-one-query",
      params = { items = ITEMS, batch_size = batch_size, query_ms = QUERY * 1000, target = { tags = { "api" } } },
    } } or nil,
    options = { seed = 4 },
  }
end

local function measure(batch_size, rate)
  local report, r = tutorial.simulate(orders(batch_size, rate))
  local db = tutorial.component(r, "db")
  return { report = report, queries = db.arrivals / r.requests.completed, p50 = r.latency.p50, p99 = r.latency.p99,
           util = db.utilisation, failed = r.requests.failure_rate }
end

--- Queries per request and the time they add: one list query plus
--- ceil(items / batch) follow-ups, run one after another.
local function queries(batch) return 1 + math.ceil(ITEMS / batch) end

t:step("Baseline: one query per page")
local base = measure(nil)
t:say("queries per request %.2f, p50 %.1f ms, database utilisation %.1f%%", base.queries, base.p50 * 1000, base.util * 100)
t:number("base_p50", tutorial.fixed(base.p50 * 1000, 1) .. " ms")
t:claim("without the bug each page costs one query", tutorial.fixed(base.queries, 2), math.abs(base.queries - 1) < 0.01)

t:step("The bug: one query per order (N+1 with N = 25)")
local bug = measure(1)
t:picture("01-n-plus-one-bug", bug.report, { "summary", "components" })
local predicted_p50 = base.p50 + (queries(1) - 1) * QUERY
local predicted_util = RATE * queries(1) * QUERY / DB_SERVERS
t:say("queries per request %.2f, p50 %.1f ms (predicted %.1f ms), database utilisation %.1f%% (predicted %.1f%%)",
  bug.queries, bug.p50 * 1000, predicted_p50 * 1000, bug.util * 100, predicted_util * 100)
t:number("bug_queries", tutorial.fixed(bug.queries, 0))
t:number("bug_p50", tutorial.fixed(bug.p50 * 1000, 1) .. " ms")
t:number("bug_p50_predicted", tutorial.fixed(predicted_p50 * 1000, 1) .. " ms")
t:number("bug_util", tutorial.pct(bug.util))
t:number("bug_util_predicted", tutorial.pct(predicted_util))
t:claim("with N+1 each page costs N+1 = 26 queries", tutorial.fixed(bug.queries, 2), math.abs(bug.queries - queries(1)) < 0.01)
t:claim("p50 grows by N x the query time (within 10% of the prediction)",
  ("%.1f ms vs %.1f ms"):format(bug.p50 * 1000, predicted_p50 * 1000), math.abs(bug.p50 - predicted_p50) <= 0.1 * predicted_p50)
t:claim("database utilisation matches the utilisation law, rate x queries x query time / servers, within 10%",
  ("%.1f%% vs %.1f%%"):format(bug.util * 100, predicted_util * 100), math.abs(bug.util - predicted_util) <= 0.1 * predicted_util)

t:step("The same bug in a live service: the scenario's metrics")
-- What the middleware of a real service would expose after 100 requests with the bug on.
local registry = syslab.registry { seed = 1 }
assert(registry:enable("n-plus-one-query", { items = ITEMS, batch_size = 1, query_ms = QUERY * 1000 }))
for _ = 1, 100 do registry:decide { route = "/orders", method = "GET", component = "postgres", tags = { "db" } } end
local metrics = registry:metrics()
registry:close()
local total = tonumber(metrics:match('db_queries_total{scenario="n%-plus%-one%-query"} ([%d%.e+]+)'))
local observed = tonumber(metrics:match('db_queries_per_request_sum{scenario="n%-plus%-one%-query"} ([%d%.e+]+)'))
t:say("after 100 requests: db_queries_total %s, db_queries_per_request sum %s", tostring(total), tostring(observed))
t:number("live_total", tutorial.count(total or 0))
t:claim("a live service's metrics show the same count: db_queries_total is 26 per request",
  tostring(total) .. " after 100 requests", total == 100 * queries(1) and observed == total)

t:step("The fix: fetch the customers in one IN (...) query (batch_size = 25)")
local fixed = measure(ITEMS)
t:picture("01-n-plus-one-batched", fixed.report, { "summary", "components" })
t:say("queries per request %.2f, p50 %.1f ms", fixed.queries, fixed.p50 * 1000)
t:number("fixed_queries", tutorial.fixed(fixed.queries, 0))
t:number("fixed_p50", tutorial.fixed(fixed.p50 * 1000, 1) .. " ms")
t:claim("batching brings a page back to two queries", tutorial.fixed(fixed.queries, 2), math.abs(fixed.queries - 2) < 0.01)
t:claim("batching cuts p50 at least fourfold", ("%.1f ms -> %.1f ms"):format(bug.p50 * 1000, fixed.p50 * 1000),
  fixed.p50 * 4 <= bug.p50)

t:step("Why it matters at scale: the rate at which the N+1 page saturates the database")
local max_rate = DB_SERVERS / (queries(1) * QUERY)
t:say("servers / (queries per page x query time) = %d / (%d x %.3f s) = %.0f pages/s", DB_SERVERS, queries(1), QUERY, max_rate)
t:number("max_rate_bug", tutorial.count(max_rate))
t:number("max_rate_fixed", tutorial.count(DB_SERVERS / (queries(ITEMS) * QUERY)))
local near = measure(1, 0.9 * max_rate)
t:say("at 90%% of it (%.0f pages/s): p99 %.0f ms, utilisation %.0f%%", 0.9 * max_rate, near.p99 * 1000, near.util * 100)
t:number("near_rate", tutorial.count(0.9 * max_rate))
t:number("near_p99", tutorial.ms(near.p99))
t:claim("at 90% of that rate, with a tenth of the database still idle, the N+1 page's p99 is already over 1.5 times the p99 at 100 pages/s",
  ("%.0f ms vs %.0f ms"):format(near.p99 * 1000, bug.p99 * 1000), near.p99 > 1.5 * bug.p99)
t:number("bug_p99", tutorial.ms(bug.p99))
t:finish()
