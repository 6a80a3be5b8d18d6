-- Simulation from Lua: syslab.queue, syslab.simulate and its report,
-- syslab.loadtest with wrk-style hooks and outputs, thresholds that fail the
-- run, Lua-defined scenarios, bad input, and the example scripts.
local syslab = require "syslab"

local checks = 0
local function check(cond, message)
  checks = checks + 1
  if not cond then error(message or "check failed", 2) end
end

local interpreter = (os.getenv("SYSLAB_BUILD") and os.getenv("SYSLAB_BUILD") .. "/syslab-lua") or arg[-1]

local function shell(command)
  local pipe = assert(io.popen(command .. " 2>&1"))
  local out = pipe:read("a")
  local ok, _, code = pipe:close()
  return out, ok and 0 or code
end

-- syslab.queue --------------------------------------------------------------
local q = assert(syslab.queue { lambda = 80, mu = 100, servers = 1, customers = 200000, seed = 4 })
check(math.abs(q.mean_w - 0.05) / 0.05 < 0.05, "M/M/1 mean W " .. q.mean_w)
check(q.n == 200000 and q.blocking == 0 and q.littles_law_error < 1e-9)
local bad, message = syslab.queue { lambda = 200, mu = 100, customers = 10 }
check(bad == nil and message:find("must be < 1", 1, true), message)
check(not pcall(syslab.queue, 5), "queue(5) raises")

-- syslab.simulate and the report --------------------------------------------
local test = {
  system = {
    topology = {
      name = "shop",
      nodes = { { id = "api", kind = "backend" }, { id = "db", kind = "postgres" } },
      edges = { { from = "api", to = "db" } },
    },
    nodes = { db = { servers = 8, service = { kind = "exponential", mean = "5ms" } } },
    edges = { ["api->db"] = { pool = { size = 5, wait_timeout = "500ms" } } },
  },
  workload = { executor = "constant-arrival-rate", rate = 300, duration = "30s" },
  scenarios = {
    { name = "fixed-latency", at = "10s", duration = "10s", params = { delay_ms = 15, target = { tags = { "db" } } } },
  },
  thresholds = { http_req_duration = { "p(99)<10000" } },
  options = { seed = 5, traces = { head = 0.01, errors = true } },
}
local report = assert(syslab.simulate(test))
check(tostring(report):find("syslab.LoadTestReport (shop", 1, true), tostring(report))
local t = report:table()
check(t.format == "syslab.loadtest" and t.version == 3)
check(#t.phases == 3 and t.phases[2].name == "during fixed-latency")
check(t.phases[2].edges[1].pool.mean_wait > 10 * t.phases[1].edges[1].pool.mean_wait, "pool wait climbs during the scenario")
check(report:passed() == true)
check(report:summary():find("http_req_duration", 1, true))
check(syslab.json_decode(report:json()).version == 3)
check(report:csv():match("^time_s,started,completed"))
local traces = report:traces()
check(#traces > 0 and #traces[1].spans >= 2, "sampled traces")
check(report:percentile(50) < report:percentile(99))
check(report:percentile(99, "uncorrected") <= report:percentile(99))
check(#report:thresholds() == 1 and report:thresholds()[1].ok)
check(type(report:diagnosis()) == "table")
check(not pcall(report.percentile, report, 200), "percentile out of range raises")
check(not pcall(report.summary, 42), "bad self raises")

-- Same seed, same numbers.
local again = assert(syslab.simulate(test)):table()
check(again.latency.p99 == t.latency.p99 and again.requests.completed == t.requests.completed)

-- Bad configuration: nil and a message naming the field.
local none, why = syslab.simulate { system = test.system, workload = { executor = "constant-arrival-rate", rate = 10 } }
check(none == nil and why:find("needs 'duration'", 1, true), why)
none, why = syslab.simulate { system = { template = "simple", nodes = { api = { servers = -1 } } }, workload = test.workload }
check(none == nil and why:find("system.nodes.api.servers", 1, true), why)
none, why = syslab.simulate { system = { template = "simple" }, workload = test.workload, scenarios = { { name = "nope" } } }
check(none == nil and why:find("unknown scenario 'nope'", 1, true), why)
check(not pcall(syslab.simulate, "text"), "simulate needs a table")
check(not pcall(syslab.simulate, test, "not a registry"), "second argument must be a registry")

-- A Lua-defined scenario from a registry drives the simulation.
local registry = syslab.registry()
registry:define {
  name = "lua-slowdown", category = "latency", summary = "adds 30 ms",
  effects = { "delay" },
  apply = function(ctx) return { kind = "delay", seconds = 0.03 } end,
}
local custom = assert(syslab.simulate({
  system = { template = "simple" },
  workload = { executor = "constant-arrival-rate", rate = 50, duration = "10s" },
  scenarios = { { name = "lua-slowdown", at = "5s", params = { target = { tags = { "db" } } } } },
}, registry)):table()
check(custom.injected.effects["lua-slowdown"].delay > 100)
check(custom.phases[2].latency.p50 - custom.phases[1].latency.p50 > 0.025, "the delay shows in p50")
check(#registry:status().enabled == 0, "the caller's registry is untouched")

-- syslab.loadtest with hooks and outputs -------------------------------------
local dir = os.tmpname()
os.remove(dir)
local json_path, csv_path, traces_path = dir .. ".json", dir .. ".csv", dir .. ".traces.json"
local seen = { setup = 0, init = 0, request = 0, response = 0, done = 0, statuses = {} }
local hooked = {
  system = test.system,
  workload = { executor = "constant-vus", vus = 4, duration = "5s" },
  options = { seed = 2 },
  output = { json = json_path, csv = csv_path, traces = traces_path, quiet = true },
  setup = function(spec)
    seen.setup = seen.setup + 1
    spec.workload.vus = 8            -- setup may change the test before it runs
  end,
  init = function(args) seen.init = seen.init + 1; seen.args = args end,
  request = function()
    seen.request = seen.request + 1
    return seen.request % 10 ~= 0    -- skip every tenth iteration
  end,
  response = function(status, latency_ms, cause)
    seen.response = seen.response + 1
    seen.statuses[status] = (seen.statuses[status] or 0) + 1
    check(latency_ms > 0 and cause == "ok")
  end,
  done = function(summary, latency, full)
    seen.done = seen.done + 1
    check(summary.requests == seen.response, "summary.requests counts responses")
    check(summary.duration > 4e6 and summary.duration < 6e6, "duration in microseconds")
    check(latency:percentile(50) <= latency:percentile(99) and latency.max >= latency.min)
    check(full.format == "syslab.loadtest")
  end,
}
local lt = syslab.loadtest(hooked)
check(seen.setup == 1 and seen.init == 1 and seen.done == 1, "each once-hook ran once")
check(type(seen.args) == "table")
check(seen.response > 1000 and seen.statuses[200] == seen.response)
check(lt:table().requests.dropped_iterations == seen.request // 10, "request() returning false skips the iteration")
check(syslab.json_decode(assert(io.open(json_path)):read("a")).format == "syslab.loadtest", "JSON summary written")
check(assert(io.open(csv_path)):read("l"):match("^time_s,"), "CSV written")
check(type(syslab.json_decode(assert(io.open(traces_path)):read("a"))) == "table", "traces written")
os.remove(json_path); os.remove(csv_path); os.remove(traces_path)

-- Structured logs: output.logs writes JSON Lines, report:logs() gives tables,
-- and every line's trace_id and span_id are those of a kept trace's root span.
local logs_path, logs_traces_path = dir .. ".logs.jsonl", dir .. ".logs-traces.json"
local logged = syslab.loadtest {
  system = test.system,
  workload = { executor = "constant-arrival-rate", rate = 100, duration = "20s" },
  scenarios = { { name = "error-burst", at = "10s", duration = "5s", params = { target = { tags = { "db" } } } } },
  options = { seed = 3, traces = { head = 0.02, errors = true, max = 30 } },
  output = { logs = logs_path, traces = logs_traces_path, quiet = true },
}
local written_traces = syslab.json_decode(assert(io.open(logs_traces_path)):read("a"))
local roots = {}
for _, trace in ipairs(written_traces) do
  for _, span in ipairs(trace.spans) do
    if span.parent_span_id == nil then roots[trace.trace_id] = span.span_id end
  end
end
local lines, failed_in_burst = 0, 0
for line in assert(io.open(logs_path)):lines() do
  lines = lines + 1
  check(line:sub(1, 7) == '{"ts":"', "a log line starts with its time: " .. line)
  local entry = syslab.json_decode(line)
  check(roots[entry.trace_id] ~= nil, "log line's trace_id is a written trace: " .. line)
  check(roots[entry.trace_id] == entry.span_id, "log line's span_id is its trace's root span")
  check(entry.ts:match("^%d%d%d%d%-%d%d%-%d%dT%d%d:%d%d:%d%d%.%d+Z$"), "RFC 3339 time")
  check(entry.node == "api" and type(entry.latency_ms) == "number" and type(entry.msg) == "string")
  if entry.level == "error" then
    check(entry.status >= 500 and entry.error ~= nil)
    if entry.scenarios[1] == "error-burst" then failed_in_burst = failed_in_burst + 1 end
  else
    check(entry.status == 200 and entry.error == nil and entry.level == "info")
  end
end
check(lines == #written_traces and lines > 0, "one log line per trace")
check(failed_in_burst > 0, "failed requests during the burst are logged as errors")
local listed = logged:logs()
check(#listed == lines and listed[1].trace_id ~= nil, "report:logs() lists the same lines")
os.remove(logs_path); os.remove(logs_traces_path)
local bad_output_ok, bad_output = pcall(syslab.loadtest, {
  system = test.system, workload = { executor = "constant-vus", vus = 1, duration = "1s" },
  output = { logs = 42, quiet = true } })
check(not bad_output_ok and tostring(bad_output):find("output.logs", 1, true), "a non-string output.logs is an error: " .. tostring(bad_output))

-- A crossed threshold raises, after the summary; a failing hook raises too.
local failing = {
  system = { template = "simple" },
  workload = { executor = "constant-arrival-rate", rate = 20, duration = "5s" },
  thresholds = { http_req_duration = { "p(99)<1" }, http_req_failed = { "rate<0.5" } },
  output = { quiet = true },
}
local ok, err = pcall(syslab.loadtest, failing)
check(not ok and err:find("thresholds crossed: http_req_duration: p(99)<1", 1, true), err)
check(not err:find("http_req_failed", 1, true), "only crossed thresholds are listed")
ok, err = pcall(syslab.loadtest, {
  system = { template = "simple" }, workload = failing.workload, output = { quiet = true },
  response = function() error("boom") end,
})
check(not ok and err:find("response hook failed", 1, true) and err:find("boom", 1, true), err)
ok, err = pcall(syslab.loadtest, { system = { template = "simple" }, workload = { executor = "nope" } })
check(not ok and err:find("executor must be one of", 1, true), err)

-- Scripts: exit status and output --------------------------------------------
local out, code = shell(interpreter .. " scripts/loadtests/checkout.lua")
check(code ~= 0, "checkout.lua crosses its thresholds and exits non-zero")
check(out:find("thresholds crossed", 1, true) and out:find("connection pool checkout->db is exhausted", 1, true), out)
check(not out:find("running [", 1, true), "no progress bar when stderr is not a terminal")
out, code = shell(interpreter .. " scripts/loadtests/retry-storm.lua")
check(code == 0, out)
check(out:find("during error-burst     payments calls per request: 1.8", 1, true), out)
out, code = shell(interpreter .. " scripts/loadtests/cache-stampede.lua")
check(code == 0 and out:find("single flight", 1, true), out)
out, code = shell(interpreter .. " scripts/loadtests/mobile-edge.lua")
check(code == 0 and out:find("flaky-mobile-network: delay", 1, true) and out:find("of requests fail from 20s to 40s", 1, true), out)
out, code = shell(interpreter .. " scripts/loadtests/mobile-edge.lua offline-first-sync")
check(code == 0 and out:find("offline-first-sync: delay", 1, true) and out:find("lost_write", 1, true), out)
out, code = shell(interpreter .. " scripts/loadtests/ai-ml.lua")
check(code == 0 and out:find("gpu-contention: delay", 1, true) and out:find("queue_wait", 1, true), out)
out, code = shell(interpreter .. " scripts/loadtests/ai-ml.lua inference-timeout")
check(code == 0 and out:find("inference-timeout: delay", 1, true) and out:find("of requests fail from 20s to 40s", 1, true), out)
-- Every mobile/edge and AI/ML scenario through its load-test example: the run
-- ends, and the scenario's effects reached the simulated calls.
local examples = {
  ["mobile-edge.lua"] = { "flaky-mobile-network", "battery-drain", "offline-first-sync", "3g-bandwidth-limit",
    "mobile-timeout", "cellular-vs-wifi", "app-background-kill", "poor-cellular-signal" },
  ["ai-ml.lua"] = { "model-serving-cold-start", "inference-timeout", "feature-store-lag", "gpu-contention",
    "model-version-mismatch", "batch-inference-delay", "feature-drift", "model-memory-oom" },
}
for script, names in pairs(examples) do
  for _, name in ipairs(names) do
    out, code = shell(interpreter .. " scripts/loadtests/" .. script .. " " .. name)
    local applied = out:match("\n%s*" .. name:gsub("%-", "%%-") .. ": ([^\n]+)")
    check(code == 0 and applied and applied:find("%a+ %d+"), script .. " " .. name .. ": " .. out)
  end
end
out, code = shell(interpreter .. " scripts/examples/demo.lua")
check(code == 0, out)
for _, needle in ipairs { "during [20s-40s]", "pool wait", "diagnosis", "injected (what the simulator applied" } do
  check(out:find(needle, 1, true), "demo output lacks " .. needle)
end
-- The demo's story, from evidence alone: the first finding is the pool
-- exhaustion at orders-db; the simulator's own record is apart from it.
local diagnosis = out:match("diagnosis %(from observations[^\n]*\n([^\n]*)")
check(diagnosis and diagnosis:find("pool exhaustion at orders-db", 1, true), "demo's first finding: " .. tostring(diagnosis))
check(not out:find("acted on", 1, true), "no finding reads what the simulator injected")

print(("test_simulation.lua: %d checks passed"):format(checks))
