-- 06-observability-driven-development/04-alerting-best-practices: page on
-- symptoms, ticket the causes, wait out `for`, and test the rules like code:
-- observability/loadtest-rules.yml against the series of a simulated outage,
-- through tools/report_to_promtool.py and `promtool test rules`.
-- docs/tutorials/06-observability-driven-development/04-alerting-best-practices.md
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local t = tutorial.new("06-observability-driven-development/04-alerting-best-practices")

local root = dir .. "/../../.."
local RULES = root .. "/observability/loadtest-rules.yml"
local TOOL = root .. "/tools/report_to_promtool.py"

t:step("Simulate an outage: six minutes, the database's pool exhausted from 2m to 4m")
local report, r = tutorial.simulate {
  system = {
    topology = { name = "shop", nodes = { { id = "api", kind = "backend" }, { id = "db", kind = "postgres" } },
                 edges = { { from = "api", to = "db" } } },
    nodes = { api = { servers = 512 }, db = { service = { kind = "exponential", mean = "5ms" } } },
    edges = { ["api->db"] = { pool = { size = 40, wait_timeout = "2s" } } },
  },
  workload = { executor = "constant-arrival-rate", rate = 80, duration = "6m" },
  scenarios = { { name = "connection-pool-exhaustion", at = "2m", duration = "2m",
                  params = { pool_size = 10, hold_ms = 200, acquire_timeout_ms = 1000, target = { tags = { "db" } } } } },
  options = { seed = 12, interval = "15s", traces = { head = 0, errors = false } },
}
t:picture("04-alerting-outage", report, { "latency", "components" })
local before, during = tutorial.phase(r, "before"), tutorial.phase(r, "during connection-pool-exhaustion")
local db_during = tutorial.component(during, "db")
t:number("before_p99", tutorial.ms(before.latency.p99, 1))
t:number("during_p99", tutorial.ms(during.latency.p99))
t:number("during_failed", tutorial.pct(during.failure_rate, 1))
t:number("db_util_during", tutorial.pct(db_during.utilisation, 1))
t:claim("users feel it: over 5% of requests fail and p99 passes 500 ms during the outage",
        tutorial.pct(during.failure_rate, 1) .. ", " .. tutorial.ms(during.latency.p99),
        during.failure_rate > 0.05 and during.latency.p99 > 0.5)
t:claim("while the database looks idle (under 90% busy): a page on its saturation would stay silent",
        tutorial.pct(db_during.utilisation, 1), db_during.utilisation < 0.9)

t:step("Turn the time series into Prometheus series and test the rules")
local csv_path, test_path = os.tmpname(), os.tmpname()
local f = assert(io.open(csv_path, "w"))
f:write(report:csv())
f:close()
local function promtool_test(expectations)
  local args = ""
  for _, e in ipairs(expectations) do args = args .. " --expect '" .. e .. "'" end
  local convert = ("python3 %s %s --interval 15s --label system=shop --rules %s%s -o %s"):format(
    TOOL, csv_path, RULES, args, test_path)
  if not os.execute(convert) then return false, "report_to_promtool.py failed" end
  local pipe = assert(io.popen("promtool test rules " .. test_path .. " 2>&1"))
  local out = pipe:read("a")
  local ok = pipe:close()
  if t.walking then t:say("promtool: %s", (out:gsub("%s+$", ""):gsub("\n", "\n   "))) end
  return ok and true or false, out
end

-- Pages for the symptoms, a ticket for the cause; nothing before, nothing after,
-- and nothing yet 30 s into the outage, because every rule waits out its `for`.
local FIRING = "LoadTestErrorRatioHigh,LoadTestLatencyP99High,LoadTestPoolWaitHigh{edge=api->db}"
local ok = promtool_test({ "1m45s=", "2m30s=", "3m45s=" .. FIRING, "5m45s=" })
t:claim("promtool: the two pages and the pool ticket fire at 3m45s, nothing at 1m45s, 2m30s or 5m45s",
        ok and "passed" or "failed", ok)
local wrong = promtool_test({ "3m45s=" })
t:claim("a wrong expectation (silence during the outage) fails the test", wrong and "passed" or "failed", not wrong)
local saturated = promtool_test({ "3m45s=" .. FIRING .. ",LoadTestNodeSaturated{node=db}" })
t:claim("and so does expecting the saturation alert", saturated and "passed" or "failed", not saturated)
os.remove(csv_path); os.remove(test_path)
t:finish()
