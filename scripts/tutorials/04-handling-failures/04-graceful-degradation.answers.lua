-- Answer key for the exercises of tutorial 04-04 (graceful degradation).
-- Page: docs/tutorials/04-handling-failures/04-graceful-degradation.md
--
--   syslab-lua scripts/tutorials/04-handling-failures/04-graceful-degradation.answers.lua [--check] [--numbers]
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local t = tutorial.new("04-handling-failures/04-graceful-degradation (answers)")

-- The page's search API: 20 workers x 50 ms, 300/s then 600/s from 10 s to 20 s.
local function search(api_extra, deadline_propagation)
  local api = { servers = 20, service = { kind = "exponential", mean = 0.050 } }
  for k, v in pairs(api_extra or {}) do api[k] = v end
  local report = tutorial.simulate {
    system = {
      topology = { name = "search", route = "/search",
        nodes = { { id = "web", kind = "frontend" }, { id = "api", kind = "backend" } },
        edges = { { from = "web", to = "api" } } },
      nodes = { api = api },
      deadline_propagation = deadline_propagation,
    },
    workload = { executor = "ramping-arrival-rate", startRate = 300, timeout = "2s", stages = {
      { target = 300, duration = "10s" }, { target = 600, duration = "1s" }, { target = 600, duration = "9s" },
      { target = 300, duration = "1s" }, { target = 300, duration = "9s" } } },
    options = { seed = 5 },
  }
  return tutorial.series(report)
end

local function failed_share(rows, from, to)
  return tutorial.sum(rows, "failed", from, to) / math.max(1, tutorial.sum(rows, "completed", from, to))
end

t:step("Exercise 1: keep the unbounded queue, but propagate deadlines")
local rows = search(nil, true)
local overload, late = failed_share(rows, 10, 21), failed_share(rows, 25, 30)
t:say("failed: %.1f%% during the overload, %.1f%% in the last 5 s", overload * 100, late * 100)
t:number("ex1_overload_failed", tutorial.pct(overload))
t:number("ex1_late_failed", tutorial.pct(late))
t:claim("with deadlines propagated the API skips work whose client gave up, and recovers: under 1% fail in the last 5 s",
  tutorial.pct(late), late < 0.01)

t:step("Exercise 2: a bounded queue ten times longer (200)")
local long = search { queue = 200 }
local _, worst = tutorial.peak(long, "p99_ms")
t:say("worst per-second p99 %.0f ms; %.1f%% failed during the overload", worst, failed_share(long, 11, 20) * 100)
t:number("ex2_worst_p99", tutorial.ms(worst / 1000))
t:claim("a long queue admits requests only to make them wait: the worst per-second p99 passes 400 ms (200 queued / 400 per s = 0.5 s)",
  tutorial.ms(worst / 1000), worst > 400)
t:finish()
