-- Very large input traces (issue 9): wall time to read, render and analyse
-- them. Before the fix a 30,000-span chain took 19.5 s as a waterfall, 50,000
-- sibling spans 32.1 s to analyse, and a 100,000-span chain crashed (stack
-- overflow in the critical path). Prints one line per measurement.
--   syslab-lua bench/tracing/big_traces.lua
local syslab = require "syslab"
local tracing = syslab.tracing

local function id(n) return string.format("%016x", n + 1) end

-- n spans: "chain" (span i calls span i+1) or "siblings" (one root, n-1 children).
local function trace_json(n, shape)
  local parts = {}
  for i = 0, n - 1 do
    local parent, start, finish
    if shape == "chain" then
      parent = i > 0 and ('"' .. id(i - 1) .. '"') or "null"
      start, finish = i * 1000, 2 * n * 1000 - i * 1000
    else
      parent = i > 0 and ('"' .. id(0) .. '"') or "null"
      start, finish = i > 0 and 1000 or 0, i > 0 and 2000 or 10000
    end
    parts[#parts + 1] = string.format(
      '{"span_id":"%s","parent_span_id":%s,"name":"op%d","service":"s%d","start_ns":%d,"end_ns":%d}',
      id(i), parent, i, i, start, finish)
  end
  return '{"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","spans":[' .. table.concat(parts, ",") .. "]}"
end

local function timed(label, reference, f)
  local start = syslab.clock()
  local out = f()
  local elapsed = syslab.clock() - start
  print(string.format("%-44s %8.3f s   %s", label, elapsed, reference))
  return out
end

print(string.format("%-44s %10s   %s", "measurement", "wall", "before the fix"))
for _, case in ipairs {
  { 30000, "chain", { waterfall = "19.5 s" } },
  { 100000, "chain", { analysis = "crashed (stack overflow)" } },
  { 50000, "siblings", { analysis = "32.1 s" } },
} do
  local n, shape, reference = case[1], case[2], case[3]
  local text = trace_json(n, shape)
  local name = string.format("%d-span %s", n, shape)
  local trace = timed(name .. ": read (from_json)", "", function() return assert(tracing.from_json(text)) end)
  timed(name .. ": waterfall", reference.waterfall or "", function() return trace:export("waterfall") end)
  timed(name .. ": svg", "", function() return trace:export("svg") end)
  timed(name .. ": spans-table", "", function() return trace:export("spans-table") end)
  timed(name .. ": analysis", reference.analysis or "", function() return trace:export("analysis-json") end)
end
