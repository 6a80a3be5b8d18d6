-- The HTML pages from Lua: report:html(), output = { html = ... } in a load
-- test, trace:export("html"), names that try to break out of the page, bad
-- output paths, and the demo's report (`demo.lua --html`).
local syslab = require "syslab"

local checks = 0
local function check(cond, message)
  checks = checks + 1
  if not cond then error(message or "check failed", 2) end
end

local interpreter = (os.getenv("SYSLAB_BUILD") and os.getenv("SYSLAB_BUILD") .. "/syslab-lua") or arg[-1]

local function count(haystack, needle)
  local n, at = 0, 1
  while true do
    local found = haystack:find(needle, at, true)
    if not found then return n end
    n, at = n + 1, found + 1
  end
end

local function read(path)
  local f = assert(io.open(path, "rb"))
  local text = f:read("a")
  f:close()
  return text
end

local hostile = "<script>alert('lua')</script>"
local test = {
  system = {
    topology = {
      name = hostile,
      nodes = { { id = "api", kind = "backend", label = "\"><img src=x>" }, { id = "db", kind = "postgres" } },
      edges = { { from = "api", to = "db" } },
    },
  },
  workload = { executor = "constant-arrival-rate", rate = 50, duration = "15s" },
  scenarios = { { name = "error-burst", at = "5s", duration = "5s", params = { target = { tags = { "db" } } } } },
  thresholds = { http_req_failed = { "rate<0.5" } },
  options = { seed = 4, traces = { head = 0.05, errors = true, max = 5 } },
}

-- report:html() ---------------------------------------------------------------
local report = assert(syslab.simulate(test))
local html = report:html()
check(html:sub(1, 15) == "<!DOCTYPE html>", "a whole document")
check(not html:find("<script", 1, true), "no script element")
check(not html:find("<img", 1, true), "the label stays text")
check(html:find("&lt;script&gt;alert(&#39;lua&#39;)&lt;/script&gt;", 1, true), "the name is escaped")
local rows = -1
for _ in report:csv():gmatch("\n") do rows = rows + 1 end
check(rows >= 15, "one row per second")
for _, series in ipairs { "p50", "p95", "p99" } do
  check(count(html, ('class="pt" data-series="%s"'):format(series)) == rows, "one " .. series .. " point per interval")
end
check(count(html, '<li data-severity=') == #report:diagnosis(), "every finding is shown")
check(html:find('data-node="db" data-kind="postgres" data-injected="true"', 1, true), "db is marked injected")
check(html:find('data-node="api" data-kind="backend" data-injected="false"', 1, true), "api is not")
check(not pcall(report.html, 5), "html on something else raises")

-- output = { html = ... } -------------------------------------------------------
local function with_output(output)
  local copy = {}
  for k, v in pairs(test) do copy[k] = v end
  copy.output = output
  return copy
end
local path = os.tmpname()
local written = syslab.loadtest(with_output { html = path, quiet = true })
check(read(path) == written:html(), "output.html holds the report's page")
os.remove(path)

local function loadtest_error(output)
  local ok, message = pcall(syslab.loadtest, with_output(output))
  check(not ok, "loadtest with a bad output raises")
  return tostring(message)
end
local message = loadtest_error { html = "/nonexistent-dir/report.html", quiet = true }
check(message:find("cannot write '/nonexistent-dir/report.html'", 1, true), message)
message = loadtest_error { html = 5, quiet = true }
check(message:find("output.html", 1, true), message)
message = loadtest_error { html = "bad\xff\xfe.html", quiet = true }
check(message:find("UTF-8", 1, true), message)

-- trace:export("html") ----------------------------------------------------------
local trace = assert(syslab.tracing.generate { template = "simple", variant = "error", seed = 42 })
local page = trace:export("html")
check(page:sub(1, 15) == "<!DOCTYPE html>")
for _, id in ipairs { "service-map", "waterfall", "spans-table", "analysis" } do
  check(page:find('id="' .. id .. '"', 1, true), "the trace page has #" .. id)
end
check(count(page, 'class="wf-row"') == #trace:spans(), "one waterfall row per span")
local found = false
for _, format in ipairs(syslab.tracing.formats) do found = found or format == "html" end
check(found, "html is listed in tracing.formats")

-- the demo's report -------------------------------------------------------------
local demo_path = os.tmpname()
local pipe = assert(io.popen(("%s scripts/examples/demo.lua --html %s 2>&1"):format(interpreter, demo_path)))
local out = pipe:read("a")
check(pipe:close(), "demo.lua --html runs: " .. out)
check(out:find("HTML report written to " .. demo_path, 1, true), "the demo says where the report is")
local demo = read(demo_path)
os.remove(demo_path)
check(demo:find('data-node="orders-db" data-kind="postgres" data-injected="true"', 1, true), "orders-db is the injected node")
check(count(demo, 'data-injected="true" data-failing') == 2, "only orders-db is injected (diagram and table)")

print(("test_report_html.lua: %d checks passed"):format(checks))
