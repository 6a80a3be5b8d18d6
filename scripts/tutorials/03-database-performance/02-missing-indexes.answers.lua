-- Answer key for the exercises of tutorial 03-02 (missing indexes).
-- Page: docs/tutorials/03-database-performance/02-missing-indexes.md
--
--   syslab-lua scripts/tutorials/03-database-performance/02-missing-indexes.answers.lua [--check] [--numbers]
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local t = tutorial.new("03-database-performance/02-missing-indexes (answers)")

local RATE, DB_SERVERS, QUERY, ROWS = 100, 8, 0.002, 200000

-- The page's search endpoint, with the growth and the scan rate as parameters.
local function utilisation_by_second(growth, scan)
  local report = tutorial.simulate {
    system = {
      topology = {
        name = "search", route = "/search",
        nodes = { { id = "api", kind = "backend" }, { id = "db", kind = "postgres" } },
        edges = { { from = "api", to = "db" } },
      },
      nodes = { api = { servers = 1000, service = "1ms" }, db = { servers = DB_SERVERS, service = QUERY } },
    },
    workload = { executor = "constant-arrival-rate", rate = RATE, duration = 20 },
    scenarios = { { name = "missing-index",
                    params = { table_rows = ROWS, scan_rows_per_second = scan, growth_rows_per_second = growth } } },
    options = { seed = 8 },
  }
  local rows = {}
  for _, row in ipairs(tutorial.series(report)) do
    if row.time_s <= 20 then rows[#rows + 1] = row end   -- the run's seconds, not the drain after it
  end
  return rows
end

local function saturation_time(growth, scan) return ((DB_SERVERS / RATE - QUERY) * scan - ROWS) / growth end

t:step("Exercise 1: the table grows twice as fast (40,000 rows/s); when does the database saturate?")
local t_star = saturation_time(40000, 5000000)
local rows = utilisation_by_second(40000, 5000000)
local before = rows[math.floor(t_star - 1.5)]       -- the second ending at least 1.5 s before
local first_after = math.ceil(t_star + 2)
local saturated = true
for i = first_after, #rows do saturated = saturated and rows[i].db_utilisation > 0.99 end
t:say("predicted t = %.2f s; utilisation %.0f%% in second %d; over 99%% in every second from %d: %s", t_star,
  before.db_utilisation * 100, before.time_s, first_after, tostring(saturated))
t:number("ex1_t_star", tutorial.fixed(t_star, 2) .. " s")
t:claim("saturation comes twice as early: under 95% busy in the second ending 1.5 s before it, over 99% in every second from 2 s after it",
  ("%.0f%% in second %d; saturated from second %d: %s"):format(before.db_utilisation * 100, before.time_s, first_after, tostring(saturated)),
  before.db_utilisation < 0.95 and saturated)

t:step("Exercise 2: disks twice as fast (10 M rows/s scanned); does the run survive?")
local t_fast = saturation_time(20000, 10000000)
local fast = utilisation_by_second(20000, 10000000)
local _, worst = tutorial.peak(fast, "db_utilisation")
t:say("predicted saturation at %.0f s (after this 20 s run); worst utilisation %.0f%%", t_fast, worst * 100)
t:number("ex2_t_star", tutorial.fixed(t_fast, 0) .. " s")
t:number("ex2_worst", tutorial.pct(worst, 0))
t:claim("faster disks postpone saturation beyond this run (its worst second under 95% busy)",
  tutorial.pct(worst), worst < 0.95 and t_fast > 20)
t:finish()
