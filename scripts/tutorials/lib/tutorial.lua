-- The tutorials' shared module: how a tutorial script runs, the claims its
-- page makes, the numbers its page quotes, and small readers of a report.
--
-- A script loads it relative to its own path (no install needed):
--
--   local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
--   package.path = dir .. "/../lib/?.lua;" .. package.path
--   local tutorial = require "tutorial"
--   local t = tutorial.new("02-cache-strategies/01-cache-stampede")
--
-- and is run in one of three ways (docs/tutorials/README.md):
--
--   syslab-lua <script>             a readable walk-through, step by step
--   syslab-lua <script> --check     assert every claim; exit 1 naming each failed
--                                   claim and the value measured
--   syslab-lua <script> --numbers   print the page's named numbers as JSON
--                                   (claims are asserted here too: numbers from a
--                                   run whose claims fail never reach a page)
--   syslab-lua <script> --html DIR  also write the HTML reports the page shows as
--                                   pictures into DIR (tools/tutorial_images.sh
--                                   renders them to PNG)
--
-- Both flags together assert the claims and print the numbers.
local syslab = require "syslab"

local tutorial = {}

local Tutorial = {}
Tutorial.__index = Tutorial

--- A tutorial run for `page` ("<series>/<page>"), reading the script's
--- arguments (default: the global `arg`).
function tutorial.new(page, args)
  args = args or arg or {}
  local t = setmetatable({
    page = page, checking = false, printing_numbers = false,
    claims = {}, numbers = {}, step_count = 0, html_dir = nil,
  }, Tutorial)
  local i = 1
  while i <= #args do
    local a = args[i]
    if a == "--html" and args[i + 1] then
      t.html_dir = args[i + 1]
      i = i + 1
    elseif a == "--check" then
      t.checking = true
    elseif a == "--numbers" then
      t.printing_numbers = true
    else
      io.stderr:write(("usage: syslab-lua %s [--check] [--numbers] [--html DIR]\nunknown argument: %s\n")
        :format(args[0] or page, tostring(a)))
      os.exit(2)
    end
    i = i + 1
  end
  t.walking = not (t.checking or t.printing_numbers)
  return t
end

--- Starts a numbered step of the walk-through.
function Tutorial:step(title)
  self.step_count = self.step_count + 1
  if self.walking then print(("\n%d. %s"):format(self.step_count, title)) end
end

--- A line of the walk-through (string.format arguments).
function Tutorial:say(fmt, ...)
  if self.walking then print("   " .. fmt:format(...)) end
end

--- Records a number the page quotes, as the text the page shows ("120 ms"),
--- and returns the text. Names are unique per page: [A-Za-z0-9_]+.
function Tutorial:number(name, text)
  assert(type(name) == "string" and name:match("^[%w_]+$"), "number name must match [A-Za-z0-9_]+: " .. tostring(name))
  assert(self.numbers[name] == nil, "number recorded twice: " .. name)
  assert(type(text) == "string", "number " .. name .. " must be given as its text")
  self.numbers[name] = text
  return text
end

--- A claim the page makes: `text` as the page states it, `measured` what the
--- run saw (text), `holds` whether the claim is true for this run.
function Tutorial:claim(text, measured, holds)
  assert(type(text) == "string" and type(measured) == "string", "claim(text, measured, holds)")
  self.claims[#self.claims + 1] = { text = text, measured = measured, holds = holds and true or false }
  if self.walking then
    print(("   %s %s  (measured: %s)"):format(holds and "[holds]" or "[FAILS]", text, measured))
  end
  return holds
end

--- A page the tutorial shows as a picture: `page` is a report (its
--- report:html() is used) or an HTML text (a trace's trace:export("html")).
--- With `--html DIR`, writes it to DIR/<name>.html (the page embeds
--- images/<name>-1280.png); otherwise does nothing. Names are [A-Za-z0-9_-]+.
--- `panels` (optional) lists the ids of the page's panels the picture shows,
--- e.g. { "phases", "latency" }: the picture keeps the lesson in view and the
--- PNG small. They go to DIR/<name>.panels for tools/tutorial_images.sh.
function Tutorial:picture(name, page, panels)
  assert(type(name) == "string" and name:match("^[%w_%-]+$"), "picture name must match [A-Za-z0-9_-]+: " .. tostring(name))
  assert(panels == nil or (type(panels) == "table" and #panels > 0), "picture panels must be a non-empty list of panel ids")
  for _, id in ipairs(panels or {}) do
    assert(type(id) == "string" and id:match("^[%w_%-]+$"), "panel id must match [A-Za-z0-9_-]+: " .. tostring(id))
  end
  if not self.html_dir then return end
  local function write(path, text)
    local file, err = io.open(path, "w")
    if not file then error("cannot write " .. path .. ": " .. tostring(err), 3) end
    file:write(text)
    file:close()
  end
  write(self.html_dir .. "/" .. name .. ".html", type(page) == "string" and page or page:html())
  if panels then write(self.html_dir .. "/" .. name .. ".panels", table.concat(panels, ",") .. "\n") end
end

--- Ends the run: prints the numbers or the verdict, and exits non-zero when a
--- claim failed (in every mode).
function Tutorial:finish()
  local failed = {}
  for _, c in ipairs(self.claims) do
    if not c.holds then failed[#failed + 1] = c end
  end
  for _, c in ipairs(failed) do
    io.stderr:write(("%s: claim failed: %s (measured: %s)\n"):format(self.page, c.text, c.measured))
  end
  if #self.claims == 0 then
    io.stderr:write(self.page .. ": the script made no claim\n")
    os.exit(1)
  end
  if #failed > 0 then os.exit(1) end
  if self.printing_numbers then
    io.write(syslab.json_encode(self.numbers, true), "\n")
  elseif self.checking then
    print(("ok %s: %d claims hold"):format(self.page, #self.claims))
  else
    print(("\nAll %d claims of this page hold for this run."):format(#self.claims))
  end
  os.exit(0)
end

-- Formatting ---------------------------------------------------------------

--- Seconds as milliseconds text: 0.1234 -> "123 ms" (digits after the point optional).
function tutorial.ms(seconds, digits)
  return ("%." .. (digits or 0) .. "f ms"):format(seconds * 1000)
end

--- A fraction as a percentage: 0.0123 -> "1.2%".
function tutorial.pct(fraction, digits)
  return ("%." .. (digits or 1) .. "f%%"):format(fraction * 100)
end

--- An integer with thousands separators: 12345 -> "12,345".
function tutorial.count(n)
  local s = ("%d"):format(math.floor(n + 0.5))
  local sign, digits = s:match("^(-?)(%d+)$")
  digits = digits:reverse():gsub("(%d%d%d)", "%1,"):reverse():gsub("^,", "")
  return sign .. digits
end

--- A number with a fixed count of decimals: fixed(2.345, 1) -> "2.3".
function tutorial.fixed(x, digits)
  return ("%." .. (digits or 1) .. "f"):format(x)
end

-- Queueing theory ------------------------------------------------------------

--- Erlang C: the probability that an arrival waits at an M/M/c station with
--- `c` servers and offered load `a` = arrival rate x mean service time
--- (Erlangs). 1 when a >= c (the queue grows without bound).
function tutorial.erlang_c(c, a)
  if a >= c then return 1 end
  local term, sum = 1, 1            -- a^k / k!, summed for k = 0 .. c-1
  for k = 1, c - 1 do term = term * a / k; sum = sum + term end
  local last = term * a / c / (1 - a / c)   -- a^c / c! / (1 - rho)
  return last / (sum + last)
end

--- Mean wait in the queue of an M/M/c station (seconds): C(c, a) / (c mu - lambda).
function tutorial.mmc_wait(lambda, mean_service, c)
  local a = lambda * mean_service
  if a >= c then return math.huge end
  return tutorial.erlang_c(c, a) / (c / mean_service - lambda)
end

-- Reading a report -----------------------------------------------------------

--- Runs a load test quietly (syslab.simulate); an invalid test is an error.
function tutorial.simulate(test, registry)
  local report, err = syslab.simulate(test, registry)
  if not report then error("simulation failed: " .. tostring(err), 2) end
  return report, report:table()
end

--- The report's time series as rows: { {time_s = 1, p99_ms = ..., ...}, ... }.
--- Numeric fields are numbers; others ("n/a", scenario names) stay text.
function tutorial.series(report)
  local lines = {}
  for line in report:csv():gmatch("[^\n]+") do lines[#lines + 1] = line end
  local names = {}
  for name in (lines[1] .. ","):gmatch("([^,]*),") do names[#names + 1] = name end
  local rows = {}
  for i = 2, #lines do
    local row, k = {}, 0
    for v in (lines[i] .. ","):gmatch("([^,]*),") do
      k = k + 1
      if names[k] then row[names[k]] = tonumber(v) or v end
    end
    rows[#rows + 1] = row
  end
  return rows
end

--- The row of `rows` whose `column` is largest, and that value.
function tutorial.peak(rows, column)
  local best, value = nil, -math.huge
  for _, r in ipairs(rows) do
    local v = r[column]
    if type(v) == "number" and v > value then best, value = r, v end
  end
  return best, value
end

--- Sums `column` over the rows whose time_s lies in (from, to].
function tutorial.sum(rows, column, from, to)
  local total = 0
  for _, r in ipairs(rows) do
    if r.time_s > from and r.time_s <= to and type(r[column]) == "number" then total = total + r[column] end
  end
  return total
end

local function find(list, field, value, what)
  for _, item in ipairs(list or {}) do
    if item[field] == value then return item end
  end
  error(("no %s %q in the report"):format(what, value), 3)
end

--- The phase of a report table by name ("before", "during <scenario>", "after").
function tutorial.phase(result, name) return find(result.phases, "name", name, "phase") end

--- A component (node) of a report table, or of one of its phases, by id.
function tutorial.component(result, id) return find(result.components, "id", id, "component") end

--- An edge of a report table, or of one of its phases, by id ("api->db").
function tutorial.edge(result, id) return find(result.edges, "id", id, "edge") end

--- How many effects of `kind` a scenario handed out over the run (0 when none),
--- from the report's `injected` section (what the simulator applied).
function tutorial.effect_count(result, scenario, kind)
  local effects = result.injected and result.injected.effects
  local by_kind = effects and effects[scenario]
  return by_kind and by_kind[kind] or 0
end

return tutorial
