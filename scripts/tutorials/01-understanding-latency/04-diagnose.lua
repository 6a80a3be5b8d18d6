-- Tutorial 01-04: find the cause, from traces and from the diagnosis.
-- Page: docs/tutorials/01-understanding-latency/04-diagnose.md
--
--   syslab-lua scripts/tutorials/01-understanding-latency/04-diagnose.lua [--check] [--numbers] [--html DIR]
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local syslab = require "syslab"
local tutorial = require "tutorial"
local shop = require "shop"
local t = tutorial.new("01-understanding-latency/04-diagnose")

t:step("The run of page 03, keeping the traces of requests slower than 2 s")
local report, r = tutorial.simulate(shop.test { delay_ms = 200, traces = { head = 0, slower_than = "2s", max = 20 } })
local traces = report:traces()
t:say("%d slow traces kept (the slowest requests of the window)", #traces)
t:claim("the run keeps slow traces to read", tutorial.count(#traces), #traces >= 5)

--- Each node's own time in a trace: its span minus the spans it waited on.
local function own_times(trace)
  local own, by_id = {}, {}
  for _, s in ipairs(trace.spans) do by_id[s.span_id] = s; own[s.node] = s.duration_ms end
  for _, s in ipairs(trace.spans) do
    local parent = s.parent_span_id and by_id[s.parent_span_id]
    if parent then own[parent.node] = own[parent.node] - s.duration_ms end
  end
  return own
end

t:step("Read one slow trace: the waterfall and its analysis")
local first = traces[1]
local trace = assert(syslab.tracing.from_json(syslab.json_encode(first)))
t:picture("04-diagnose-trace", trace:export("html"))
t:say("%s", (trace:export("waterfall", { width = 50 }):gsub("\n", "\n   ")))
local own = own_times(first)
local findings = trace:analyze().findings
t:say("the trace analysis, most severe first:")
for _, f in ipairs(findings) do t:say("  [%s] %s", f.severity, f.title) end
t:number("trace_ms", tutorial.ms(first.duration_ms / 1000))
t:number("trace_api_own", tutorial.ms(own.api / 1000))
t:number("trace_inventory_own", tutorial.ms(own.inventory / 1000))
t:number("trace_first_finding", findings[1].title)
t:claim("in a slow trace the API's own time is the largest (over 1 s): the span includes its wait for a thread",
  ("api %.0f ms, inventory %.0f ms"):format(own.api, own.inventory), own.api > 1000 and own.api > own.inventory)
t:claim("so the trace's analysis puts the API first (a slow-span finding)", findings[1].title,
  findings[1].rule == "slow-span" and findings[1].title:find("^api") ~= nil)
local inventory_slow = false
for _, f in ipairs(findings) do
  if f.rule == "slow-span" and f.title:find("^inventory") then inventory_slow = true; t:number("trace_inventory_finding", f.title) end
end
t:claim("the trace also shows inventory slower than its usual time", tostring(inventory_slow), inventory_slow)
local slow_inventory = 0
for _, tr in ipairs(traces) do
  if own_times(tr).inventory > 200 then slow_inventory = slow_inventory + 1 end
end
t:number("traces_kept", tutorial.count(#traces))
t:number("traces_inventory_slow", tutorial.count(slow_inventory))
t:claim("in most kept traces (over half) inventory's own time is over 200 ms (its usual is 30 ms)",
  ("%d of %d"):format(slow_inventory, #traces), slow_inventory > 0.5 * #traces)

t:step("The diagnosis: compare with the baseline, separate waiting from working")
local diagnosis = report:diagnosis()
for _, f in ipairs(diagnosis) do t:say("[%s %s %s %s] %s — %s", f.severity, f.role, f.kind, tostring(f.node), f.title, f.evidence) end
local root, next_finding = diagnosis[1], diagnosis[2]
t:number("root_title", root.title)
t:number("root_evidence", root.evidence)
t:number("root_tip", root.tip)
t:number("consequence_title", next_finding.title)
t:number("consequence_evidence", next_finding.evidence)
t:claim("the first finding is the root cause: inventory, latency-origin",
  ("%s %s %s"):format(root.role, root.kind, tostring(root.node)),
  root.role == "root-cause" and root.kind == "latency-origin" and root.node == "inventory")
t:claim("the second is its consequence: the API saturated",
  ("%s %s %s"):format(next_finding.role, next_finding.kind, tostring(next_finding.node)),
  next_finding.role == "consequence" and next_finding.kind == "saturation" and next_finding.node == "api")
local symptom
for _, f in ipairs(diagnosis) do if f.role == "symptom" and not symptom then symptom = f end end
t:number("symptom_title", symptom and symptom.title or "none")
t:claim("users' symptom is reported last, as a symptom, and critical",
  symptom and (symptom.severity .. " " .. symptom.title) or "none", symptom ~= nil and symptom.severity == "critical")
local blames_scenario = false
for _, f in ipairs(diagnosis) do
  if (f.title .. f.evidence):find("fixed-latency", 1, true) then blames_scenario = true end
end
t:claim("no finding names the injected scenario: the diagnosis reads observations only", tostring(blames_scenario), not blames_scenario)
t:finish()
