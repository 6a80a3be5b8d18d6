-- Answer key of 06-observability-driven-development/04-alerting-best-practices (exercises 1 and 2).
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local t = tutorial.new("06-observability-driven-development/04-alerting-best-practices (answers)")

local root = dir .. "/../../.."
local RULES = root .. "/observability/loadtest-rules.yml"
local TOOL = root .. "/tools/report_to_promtool.py"

local report = tutorial.simulate {
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
local csv_path, test_path, rules_path = os.tmpname(), os.tmpname(), os.tmpname()
local f = assert(io.open(csv_path, "w"))
f:write(report:csv())
f:close()

local function promtool_test(rules, expectations)
  local args = ""
  for _, e in ipairs(expectations) do args = args .. " --expect '" .. e .. "'" end
  if not os.execute(("python3 %s %s --interval 15s --label system=shop --rules %s%s -o %s"):format(
      TOOL, csv_path, rules, args, test_path)) then
    return false
  end
  return os.execute("promtool test rules " .. test_path .. " > /dev/null 2>&1") and true or false
end

t:step("Exercise 1: the error-ratio page without its `for`")
local text = assert(io.open(RULES)):read("a")
-- The first `for: 1m` in the file is LoadTestErrorRatioHigh's.
local edited, n = text:gsub("for: 1m", "for: 0s", 1)
f = assert(io.open(rules_path, "w"))
f:write(edited)
f:close()
local first = promtool_test(rules_path, { "2m15s=" })
t:claim("with for: 0s nothing fires at 2m15s: one outage scrape in a one-minute window is under 5%",
        first and "passed" or "failed", n == 1 and first)
local early = promtool_test(rules_path, { "2m30s=LoadTestErrorRatioHigh" })
t:claim("the page fires at 2m30s, the second scrape of the outage", early and "passed" or "failed", early)
local original = promtool_test(RULES, { "2m30s=", "3m30s=LoadTestErrorRatioHigh,LoadTestLatencyP99High,LoadTestPoolWaitHigh{edge=api->db}" })
t:claim("with for: 1m it waits until 3m30s, a minute later", original and "passed" or "failed", original)

t:step("Exercise 2: alerts outlive the outage")
local late = promtool_test(RULES, { "4m15s=LoadTestErrorRatioHigh,LoadTestLatencyP99High,LoadTestPoolWaitHigh{edge=api->db}" })
t:claim("15 s after the pool recovers, the pages and the ticket still fire (their 1 m windows still hold the outage)",
        late and "passed" or "failed", late)
os.remove(csv_path); os.remove(test_path); os.remove(rules_path)
t:finish()
