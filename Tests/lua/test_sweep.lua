-- Parameter sweeps from Lua: syslab.sweep's rows (the same on any number of
-- threads), the progress function and cancelling from it, Ctrl-C in
-- syslab-lua returning the finished rows, bad grids, and the helpers.
local syslab = require "syslab"

local checks = 0
local function check(cond, message)
  checks = checks + 1
  if not cond then error(message or "check failed", 2) end
end

local interpreter = (os.getenv("SYSLAB_BUILD") and os.getenv("SYSLAB_BUILD") .. "/syslab-lua") or arg[-1]

local test = {
  system = {
    topology = {
      name = "shop",
      nodes = { { id = "api", kind = "backend" }, { id = "db", kind = "postgres" } },
      edges = { { from = "api", to = "db" } },
    },
    nodes = { db = { servers = 4, service = { kind = "exponential", mean = "5ms" } } },
    edges = { ["api->db"] = { pool = { size = 4, wait_timeout = "500ms" } } },
  },
  workload = { executor = "constant-arrival-rate", rate = 200, duration = "5s" },
  scenarios = { { name = "slow-db-query", at = "2s", duration = "1s", params = { target = { tags = { "db" } } } } },
  options = { seed = 3 },
}
local grid = { ["workload.rate"] = { 100, 300 }, ["system.nodes.db.servers"] = { 2, 4, 8 } }

-- Rows, the same on one thread and on three ----------------------------------
local one = assert(syslab.sweep(test, grid, { replicas = 2, threads = 1, quiet = true }))
local three = assert(syslab.sweep(test, grid, { replicas = 2, threads = 3, quiet = true }))
check(#one == 12 and #three == 12, "12 rows")
check(one.cancelled == false and one.jobs == 12 and three.threads == 3)
for i = 1, #one do
  check(syslab.json_encode(one[i]) == syslab.json_encode(three[i]), "row " .. i .. " differs between 1 and 3 threads")
end
local first = one[1]
check(first.point == 1 and first.replica == 1 and first["system.nodes.db.servers"] == 2 and first["workload.rate"] == 100)
check(one[2].replica == 2 and one[2].seed ~= first.seed)
check(first.p99_ms >= first.p50_ms and first.failure_rate >= 0 and first.throughput > 0)
check(first["utilisation.db"] > 0 and first["pool_wait_ms.api->db"] >= 0)
-- Two database servers at 300/s are busier than eight.
check(one[3]["utilisation.db"] > one[11]["utilisation.db"], "utilisation follows the servers")

-- A list grid keeps its axes' order; a scenario parameter by name -------------
local listed = assert(syslab.sweep(test, {
  { path = "scenarios.slow-db-query.params.delay_ms", values = { 50, 400 } },
}, { quiet = true }))
check(#listed == 2 and listed[1]["scenarios.slow-db-query.params.delay_ms"] == 50)
check(listed[2].p99_ms > listed[1].p99_ms, "a slower query gives a higher p99")

-- The progress function; returning false cancels -----------------------------
local calls, last_total = 0, nil
local rows = assert(syslab.sweep(test, grid, {
  threads = 1, quiet = true,
  progress = function(done, total) calls = calls + 1; last_total = total; return done < 2 end,
}))
check(calls >= 1 and last_total == 6)
check(rows.cancelled == true and #rows >= 2 and #rows < 6, "cancelled with " .. #rows .. " rows")
for i = 1, #rows do
  check(syslab.json_encode(rows[i]) == syslab.json_encode(one[2 * rows[i].point - 1]), "a finished row equals the full sweep's")
end
local ok, err = pcall(syslab.sweep, test, grid, { quiet = true, progress = function() error("boom") end })
check(not ok and err:find("progress function failed", 1, true), tostring(err))

-- Bad grids and options: nil and a message, before anything runs --------------
local function refused(g, expected, options)
  local result, message = syslab.sweep(test, g, options or { quiet = true })
  check(result == nil and message and message:find(expected, 1, true), tostring(message) .. " (expected " .. expected .. ")")
end
refused({}, "grid is empty")
refused({ ["workload.rate"] = {} }, "empty list of values")
refused({ ["workload.rat"] = { 1 } }, "unknown field 'rat' in workload")
refused({ ["system.nodes.cache.servers"] = { 1 } }, "which is not a node")
refused({ ["system.nodes.db.servers"] = { "many" } }, "must be")
refused({ ["scenarios.cache-stampede.at"] = { 1 } }, "no entry named 'cache-stampede'")
refused({ ["options.seed"] = { 1, 2 } }, "use replicas")
refused({ ["workload.rate"] = 100 }, "must map to a list")
refused(grid, "replicas", { replicas = 0 })
refused(grid, "unknown field 'replica'", { replica = 2 })
check(not pcall(syslab.sweep, test, 5), "a grid that is not a table raises")
check(not pcall(syslab.sweep, test, grid, { progress = 5 }), "a progress that is not a function raises")

-- Helpers ------------------------------------------------------------------------
local single = {
  system = {
    topology = { name = "one", nodes = { { id = "api", kind = "backend" } } },
    nodes = { api = { servers = 1, service = "10ms" } },
  },
  workload = { executor = "constant-arrival-rate", rate = 330, duration = "10s" },
}
local found = assert(syslab.sweep_smallest(single, "system.nodes.api.servers", { 1, 2, 3, 4, 5, 6, 8 }, "p99_ms < 100", { replicas = 2 }))
check(found.value >= 4 and found.value <= 8, "smallest servers " .. tostring(found.value))
check(#found.steps <= 4 and found.steps[1].met == true)
local none = assert(syslab.sweep_smallest(single, "system.nodes.api.servers", { 1, 2 }, "p99_ms < 100"))
check(none.value == nil and #none.steps == 1)
local nothing, why = syslab.sweep_smallest(single, "system.nodes.api.servers", { 1, 2 }, "fast")
check(nothing == nil and why:find("condition", 1, true))
local empty, said = syslab.sweep_smallest(single, "system.nodes.api.servers", {}, "p99_ms < 100")
check(empty == nil and said:find("empty", 1, true), tostring(said))

local load = assert(syslab.sweep(single, { ["system.nodes.api.servers"] = { 4 }, ["workload.rate"] = { 100, 200, 250, 300, 330, 360, 380, 395 } }, { quiet = true }))
local knee = syslab.sweep_knee(load, "workload.rate", "p99_ms")
check(knee and knee.x >= 300 and knee.x <= 395, "knee at " .. tostring(knee and knee.x))
check(select(2, syslab.sweep_knee({ load[1] }, "workload.rate", "p99_ms")):find("at least 3", 1, true))

-- Ctrl-C in syslab-lua: the sweep stops and returns the runs that finished ------
local dir = os.tmpname()
os.remove(dir)
assert(os.execute("mkdir -p " .. dir))
local script = dir .. "/interrupt.lua"
local marker = dir .. "/started"
local f = assert(io.open(script, "w"))
f:write(([[
local syslab = require "syslab"
local test = {
  system = { topology = { name = "one", nodes = { { id = "api", kind = "backend" } } }, nodes = { api = { servers = 64, service = "5ms" } } },
  workload = { executor = "constant-arrival-rate", rate = 2000, duration = "1s" },
}
-- One short run, then one that would take many minutes.
local rows = syslab.sweep(test, { { path = "workload.duration", values = { "1s", "2h" } } }, {
  threads = 1, quiet = true,
  progress = function(done)
    if done >= 1 then local m = io.open(%q, "w"); m:write("1"); m:close() end
  end,
})
print(("cancelled=%%s rows=%%d jobs=%%d first=%%s"):format(tostring(rows.cancelled), #rows, rows.jobs, rows[1] and rows[1]["workload.duration"]))
]]):format(marker))
f:close()
local command = ([[
%s %s > %s/out.txt 2>&1 & pid=$!
i=0; while [ ! -s %s ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done
sleep 0.2; kill -INT $pid; wait $pid; echo "exit=$?" >> %s/out.txt
]]):format(interpreter, script, dir, marker, dir)
assert(os.execute(command))
local out = assert(io.open(dir .. "/out.txt")):read("a")
check(out:find("cancelled=true rows=1 jobs=2 first=1s", 1, true), "Ctrl-C output: " .. out)
check(out:find("exit=0", 1, true), "the script carries on after the interrupted sweep: " .. out)
os.execute("rm -rf " .. dir)

print(("test_sweep.lua: %d checks passed"):format(checks))
