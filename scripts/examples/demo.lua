-- make demo: a simulated load test of a multi-tier system, with a failure
-- switched on mid-run. Everything runs in virtual time, deterministically:
-- the same seed prints the same numbers on every machine.
--
--   syslab-lua scripts/examples/demo.lua [--seed N] [--rate R] [--html report.html]
--
-- The system is the built-in "api-gateway-microservices" template (mobile →
-- gateway → users / orders / products services → their databases) under a
-- steady 300 requests per second for 60 s. From 20 s to 40 s the
-- connection-pool-exhaustion scenario hits the orders database: every query
-- must first get one of 10 connections, each held 100 ms, so the database
-- can serve at most 100 queries per second while 300 arrive.
local syslab = require "syslab"

local seed, rate, html_path = 1, 300, nil
for i = 1, #arg, 2 do
  if arg[i] == "--seed" then seed = assert(tonumber(arg[i + 1]), "--seed needs a number")
  elseif arg[i] == "--rate" then rate = assert(tonumber(arg[i + 1]), "--rate needs a number")
  elseif arg[i] == "--html" then html_path = assert(arg[i + 1], "--html needs a file name")
  else error("usage: demo.lua [--seed N] [--rate R] [--html report.html]", 0) end
end

local test = {
  system = {
    template = "api-gateway-microservices",
    nodes = {
      gateway = { servers = 512 },
      orders = { servers = 64 },
      ["orders-db"] = { servers = 32 },
    },
    edges = {
      -- The orders service's own pool of database connections, and its client policy.
      ["orders->orders-db"] = { pool = { size = 20, wait_timeout = "2s" }, timeout = "3s" },
    },
  },
  workload = { executor = "constant-arrival-rate", rate = rate, timeUnit = "1s", duration = "60s" },
  scenarios = {
    { name = "connection-pool-exhaustion", at = "20s", duration = "20s",
      params = { pool_size = 10, hold_ms = 100, acquire_timeout_ms = 1000, target = { tags = { "orders-db" } } } },
  },
  thresholds = {
    http_req_duration = { "p(99)<500" },
    http_req_failed = { "rate<0.01" },
  },
  options = { seed = seed, traces = { head = 0.001, errors = true, max = 20 } },
}

local function ms(seconds) return string.format("%7.1f ms", seconds * 1000) end
local function rule() print(string.rep("─", 78)) end

rule()
print("syslab demo: a load test in virtual time")
print("system:   api-gateway-microservices (mobile → gateway → users/orders/products → databases)")
print(("load:     %d requests/s for 60 s (open model: arrivals do not wait for answers)"):format(rate))
print("failure:  connection-pool-exhaustion on orders-db from 20 s to 40 s")
rule()

local started = syslab.clock()
local report = assert(syslab.simulate(test))
local wall = syslab.clock() - started
local r = report:table()

print()
print(report:summary())

rule()
print("The effect of the failure, phase by phase")
rule()
print(("%-22s %9s %8s %10s %10s %10s"):format("phase", "requests", "failed", "p50", "p95", "p99"))
for _, p in ipairs(r.phases) do
  print(("%-22s %9d %7.2f%% %s %s %s"):format(
    ("%s [%.0fs-%.0fs]"):format(p.name:gsub("^during .*", "during"), p.start, p["end"]), p.requests, p.failure_rate * 100,
    ms(p.latency.p50), ms(p.latency.p95), ms(p.latency.p99)))
end
local function edge(phase, id)
  for _, e in ipairs(phase.edges) do if e.id == id then return e end end
end
local function node(phase, id)
  for _, c in ipairs(phase.components) do if c.id == id then return c end end
end
print()
print(("%-34s %14s %14s %14s"):format("symptom", "before", "during", "after"))
local before, during, after = r.phases[1], r.phases[2], r.phases[3]
local function row(label, f)
  print(("%-34s %14s %14s %14s"):format(label, f(before), f(during), f(after)))
end
row("orders→orders-db pool wait (mean)", function(p) return ms(edge(p, "orders->orders-db").pool.mean_wait) end)
row("orders→orders-db pool in use", function(p) return ("%.0f%%"):format(edge(p, "orders->orders-db").pool.utilisation * 100) end)
row("orders service utilisation", function(p) return ("%.0f%%"):format(node(p, "orders").utilisation * 100) end)
row("orders service queue (mean)", function(p) return ("%.1f"):format(node(p, "orders").mean_queue) end)
row("orders-db wait for a connection", function(p) return ms(node(p, "orders-db").mean_queue_wait) end)
row("orders-db work per query (mean)", function(p) return ms(node(p, "orders-db").mean_service) end)

print()
print("Every 5 s of virtual time (the symptom appears, peaks, and drains):")
print(("%6s %8s %10s %10s %8s %16s"):format("time", "req/s", "p50", "p99", "failed", "pool wait (mean)"))
local lines = {}
for line in report:csv():gmatch("[^\n]+") do lines[#lines + 1] = line end
local header, col = {}, {}
for name in lines[1]:gmatch("[^,]+") do header[#header + 1] = name; col[name] = #header end
for i = 2, #lines do
  local f = {}
  for v in (lines[i] .. ","):gmatch("([^,]*),") do f[#f + 1] = v end
  local t = tonumber(f[col.time_s])
  if t and t % 5 == 0 and t <= 60 then
    print(("%5gs %8s %s %s %8s %16s"):format(t, f[col.completed], ms(tonumber(f[col.p50_ms]) / 1000),
      ms(tonumber(f[col.p99_ms]) / 1000), f[col.failed], ms(tonumber(f[col["orders->orders-db_pool_wait_ms"]]) / 1000)))
  end
end

print()
rule()
print(("simulated %d requests (%.0f s of virtual time) in %.2f s of wall time; seed %d"):format(
  r.requests.completed, r.duration, wall, seed))
if html_path then
  -- The same report as one self-contained page: charts, topology, diagnosis, a trace.
  local file = assert(io.open(html_path, "w"))
  assert(file:write(report:html()))
  assert(file:close())
  print("HTML report written to " .. html_path)
end
print("try: the same run with a bigger pool, a retry storm, or a cache stampede —")
print("     scripts/loadtests/*.lua, and docs/simulation.md for every option")
rule()
