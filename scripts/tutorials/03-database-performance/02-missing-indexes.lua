-- Tutorial 03-02: a missing index, a table that grows, and the day it falls over.
-- Page: docs/tutorials/03-database-performance/02-missing-indexes.md
--
--   syslab-lua scripts/tutorials/03-database-performance/02-missing-indexes.lua [--check] [--numbers] [--html DIR]
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local t = tutorial.new("03-database-performance/02-missing-indexes")

local RATE, DB_SERVERS, QUERY = 100, 8, 0.002
local ROWS, SCAN, GROWTH = 200000, 5000000, 20000   -- rows, rows scanned per second, rows added per second
local DURATION = 20

-- A search endpoint whose WHERE clause has no index: each query scans the
-- whole table (the missing-index scenario adds rows / scan rate to it), and
-- the table grows while we watch. `index_at` ends the scan when the index exists.
local function search(index_at)
  return {
    system = {
      topology = {
        name = "search", route = "/search",
        nodes = { { id = "api", kind = "backend" }, { id = "db", kind = "postgres" } },
        edges = { { from = "api", to = "db" } },
      },
      nodes = { api = { servers = 1000, service = "1ms" }, db = { servers = DB_SERVERS, service = QUERY } },
    },
    workload = { executor = "constant-arrival-rate", rate = RATE, duration = DURATION },
    scenarios = { { name = "missing-index", at = 0, duration = index_at,
                    params = { table_rows = ROWS, scan_rows_per_second = SCAN, growth_rows_per_second = GROWTH } } },
    options = { seed = 8 },
  }
end

--- The scan time when the table has grown for `s` seconds.
local function scan_time(s) return (ROWS + GROWTH * s) / SCAN end

t:step("Watch query time follow the table size")
local report = tutorial.simulate(search(nil))
t:picture("02-missing-index", report, { "latency", "components" })
-- The run's seconds (the series goes on while the last requests drain).
local rows = {}
for _, row in ipairs(tutorial.series(report)) do
  if row.time_s <= DURATION then rows[#rows + 1] = row end
end
t:say("%6s %12s %16s %12s", "second", "table rows", "p50 (predicted)", "db busy")
local worst_early_error = 0
for _, row in ipairs(rows) do
  local mid = row.time_s - 0.5   -- the middle of the interval
  local predicted = (QUERY + scan_time(mid)) * 1000 + 1
  t:say("%6d %12s %7.1f (%5.1f) ms %10.0f%%", row.time_s, tutorial.count(ROWS + GROWTH * mid), row.p50_ms, predicted,
    row.db_utilisation * 100)
  if row.time_s <= 5 then worst_early_error = math.max(worst_early_error, math.abs(row.p50_ms - predicted) / predicted) end
end
t:number("scan_start", tutorial.ms(scan_time(0)))
t:number("p50_second_1", tutorial.fixed(rows[1].p50_ms, 1) .. " ms")
t:number("p50_second_5", tutorial.fixed(rows[5].p50_ms, 1) .. " ms")
t:claim("while the database keeps up, p50 is the scan time of the table's current size (within 10%, first 5 s)",
  ("worst error %.1f%%"):format(worst_early_error * 100), worst_early_error <= 0.10)

t:step("Predict when it falls over: busy servers = rate x query time reaches the server count")
-- The utilisation law: the database is saturated once RATE x (QUERY + scan) >= DB_SERVERS.
local saturating_scan = DB_SERVERS / RATE - QUERY
local t_star = (saturating_scan * SCAN - ROWS) / GROWTH
t:say("saturation when scan time reaches %d / %d - %.3f = %.3f s, i.e. %s rows, at t = %.1f s",
  DB_SERVERS, RATE, QUERY, saturating_scan, tutorial.count(saturating_scan * SCAN), t_star)
t:number("t_star", tutorial.fixed(t_star, 1) .. " s")
t:number("rows_star", tutorial.count(saturating_scan * SCAN))
-- Before: the second that ends 3.5 s before the predicted moment.
local before = rows[math.floor(t_star - 3.5)]
-- After: every second from 3 s after it to the end of the run.
local first_after = math.ceil(t_star + 3)
local busy_after, climbing = true, true
for i = first_after, #rows do
  busy_after = busy_after and rows[i].db_utilisation > 0.99
  if i > first_after then climbing = climbing and rows[i].p50_ms > rows[i - 1].p50_ms end
end
t:number("before_second", tostring(before.time_s))
t:number("util_before_star", tutorial.pct(before.db_utilisation, 0))
t:number("p50_before_star", tutorial.ms(before.p50_ms / 1000))
t:number("first_after", tostring(first_after))
t:number("p50_first_after", tutorial.ms(rows[first_after].p50_ms / 1000))
t:number("p50_last", tutorial.ms(rows[#rows].p50_ms / 1000))
t:number("queue_last", tutorial.fixed(rows[#rows].db_queue, 0))
t:claim("well before the predicted moment the database has room (under 90% busy)",
  tutorial.pct(before.db_utilisation) .. " in second " .. before.time_s, before.db_utilisation < 0.90)
t:claim("from three seconds after it the database is saturated every second, its queue grows and p50 climbs every second",
  ("seconds %d-%d: busy > 99%%: %s, p50 climbing: %s (%.0f ms -> %.0f ms), queue %.0f -> %.0f"):format(first_after, #rows,
    tostring(busy_after), tostring(climbing), rows[first_after].p50_ms, rows[#rows].p50_ms,
    rows[first_after].db_queue, rows[#rows].db_queue),
  busy_after and climbing and first_after < #rows and rows[#rows].db_queue > rows[first_after].db_queue)

t:step("The fix: create the index at 6 s (the scenario ends; lookups take the normal query time)")
local fixed_report, fixed = tutorial.simulate(search(6))
t:picture("02-missing-index-fixed", fixed_report, { "phases", "latency" })
local during = tutorial.phase(fixed, "during missing-index")
local after_index = tutorial.phase(fixed, "after")
t:say("p99 while scanning %.1f ms, after the index %.1f ms", during.latency.p99 * 1000, after_index.latency.p99 * 1000)
t:number("fixed_p99_during", tutorial.fixed(during.latency.p99 * 1000, 1) .. " ms")
t:number("fixed_p99_after", tutorial.fixed(after_index.latency.p99 * 1000, 1) .. " ms")
t:claim("after the index p99 falls below 10 ms", tutorial.fixed(after_index.latency.p99 * 1000, 1) .. " ms",
  after_index.latency.p99 < 0.010)
t:finish()
