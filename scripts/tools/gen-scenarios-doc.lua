-- Generates docs/scenarios.md from the scenario registry: every built-in
-- scenario (parameters, metrics, effects, learning notes) and the example
-- scenarios written in Lua under scripts/scenarios/.
--
--   syslab-lua scripts/tools/gen-scenarios-doc.lua            writes docs/scenarios.md
--   syslab-lua scripts/tools/gen-scenarios-doc.lua --check    exits 1 when docs/scenarios.md is stale
--   loadfile("scripts/tools/gen-scenarios-doc.lua")("--render", root)   returns the text (for tests)
local syslab = require "syslab"

local mode, root_arg = ...
local root = root_arg or ((arg and arg[0] or ""):match("^(.*)scripts/tools/") or "./")
local examples = { "gradual-brownout", "canary-bad-deploy", "regional-latency", "poison-message", "sliding-window-limit", "dependency-flap" }
local category_titles = {
  latency = "Latency", http = "HTTP", database = "Database", caching = "Caching",
  network = "API and network", concurrency = "Concurrency", resources = "Resources",
  performance = "Performance benchmarking", security = "Compliance and security",
  cost = "Cost optimisation", mobile = "Mobile and edge", ["ai-ml"] = "AI/ML workloads", ["event-sourcing"] = "Event sourcing",
}
-- A paragraph under a category's heading, where its scenarios share a behaviour worth stating once.
local category_intros = {
  performance = "These run the variants they compare for real when they are enabled, at the configured size, and export what they measured "
    .. "(`benchmark_operation_seconds{variant}`, `benchmark_slowdown_ratio`); decisions only hand out the cached cost of the slower variant. "
    .. "Enabling one takes as long as its measurement (milliseconds at the defaults). Costs measured on the running machine vary from run to run, "
    .. "so those effects are not reproducible from the seed alone; async-vs-sync-io and caching-layers are seeded models and are.\n",
  security = "These never weaken a host's security and never touch real data: they ask the host to present synthetic, attack-shaped "
    .. "requests to its own defences, or to log clearly fake PII where its scanner should find it, and count what happened; the host "
    .. "reports the status it answered a probe with (`syslab_registry_record_response`). What a host does for each: "
    .. "[effects.md, Security probes](effects.md#security-probes).\n",
  cost = "These price the waste they model with parameters (defaults near public cloud list prices) in "
    .. "`cloud_cost_dollars_total{resource}`, next to the latency or load the waste causes. "
    .. "uncompressed-payload and inefficient-serialization measure what they waste with real zlib and real encoders at enable.\n",
  mobile = "These model the phone's side of a request (its network, radio and app lifecycle) with the existing effect kinds, so a host "
    .. "or the simulator sees what a mobile user sees: round trips and throughput (`delay`, `bandwidth`), lost and abandoned requests "
    .. "(`drop`), retries and timeouts, refetches (`extra_queries`) and late, conflicting writes (`stale_read`, `lost_write`). "
    .. "`mobile_request_seconds{network}` is the time the phone waited, per network or link state. Aim one at mobile traffic with "
    .. "`target` (a route, a `mobile` component in the simulator, or a tag); `scripts/loadtests/mobile-edge.lua` runs them in the simulator.\n",
  ["ai-ml"] = "These model serving a model (loading, generation length, batching, accelerator memory and sharing) and the data it "
    .. "is fed (stale and drifting features, a mismatched version) with the existing effect kinds. A wrong prediction is an "
    .. "`inconsistent_read` of one row: the host marks the answer, the simulator counts it. Aim one at the model with `target` "
    .. "(the `llm-api` component in the simulator, or a route); `scripts/loadtests/ai-ml.lua` runs them in the simulator.\n",
}
local category_order = { "latency", "http", "database", "caching", "network", "concurrency", "resources", "performance", "security", "cost", "mobile", "ai-ml", "event-sourcing" }

local function cell(text)
  return (tostring(text):gsub("|", "\\|"):gsub("\n", " "))
end

local function number(n)
  if n == nil then return "" end
  if math.type(n) == "integer" then return tostring(n) end
  if n == math.floor(n) and math.abs(n) < 1e15 then return string.format("%d", n) end
  return tostring(n)
end

local function value(v)
  if type(v) == "string" then return "`" .. v .. "`" end
  if type(v) == "boolean" then return tostring(v) end
  return number(v)
end

local function render_scenario(out, s)
  out[#out + 1] = "### " .. s.name .. "\n"
  out[#out + 1] = "*" .. (category_titles[s.category] or s.category) .. "* · effects: "
    .. (#s.effects > 0 and ("`" .. table.concat(s.effects, "`, `") .. "`") or "any") .. "\n"
  out[#out + 1] = s.summary .. "\n"
  out[#out + 1] = "- **What happens:** " .. s.notes.what_happens
  out[#out + 1] = "- **How to observe:** " .. s.notes.how_to_observe
  out[#out + 1] = "- **How to mitigate:** " .. s.notes.how_to_mitigate .. "\n"
  local target = s.applicability
  if (target.route or target.method or target.component or #target.tags > 0) then
    local parts = {}
    if target.route then parts[#parts + 1] = "route `" .. target.route .. "`" end
    if target.method then parts[#parts + 1] = "method `" .. target.method .. "`" end
    if target.component then parts[#parts + 1] = "component `" .. target.component .. "`" end
    if #target.tags > 0 then parts[#parts + 1] = "tags `" .. table.concat(target.tags, "`, `") .. "`" end
    out[#out + 1] = "Applies by default to " .. table.concat(parts, ", ") .. ".\n"
  end
  out[#out + 1] = "| Parameter | Type | Default | Range | Unit | Description |"
  out[#out + 1] = "|---|---|---|---|---|---|"
  for _, p in ipairs(s.parameters) do
    local range = ""
    if p.choices then
      range = table.concat(p.choices, ", ")
    elseif p.min or p.max then
      range = number(p.min) .. " – " .. number(p.max)
    end
    out[#out + 1] = string.format("| `%s` | %s | %s | %s | %s | %s |", p.name, p.type, value(p.default), cell(range), cell(p.unit or ""), cell(p.help))
  end
  out[#out + 1] = ""
  out[#out + 1] = "| Metric | Type | Labels | Description |"
  out[#out + 1] = "|---|---|---|---|"
  for _, m in ipairs(s.metrics) do
    out[#out + 1] = string.format("| `%s` | %s | %s | %s |", m.name, m.type, table.concat(m.labels, ", "), cell(m.help))
  end
  out[#out + 1] = ""
end

local function render()
  local r = syslab.registry()
  local catalogue = r:catalogue()
  local by_category = {}
  for _, s in ipairs(catalogue) do
    by_category[s.category] = by_category[s.category] or {}
    table.insert(by_category[s.category], s)
  end
  local out = {
    "# Scenario catalogue",
    "",
    "<!-- Generated by scripts/tools/gen-scenarios-doc.lua from the registry; do not edit by hand. -->",
    "",
    string.format("%d built-in scenarios in %d categories, plus %d example scenarios written in Lua.", #catalogue, #category_order, #examples),
    "Enable one with its defaults or with parameters (`syslab_registry_enable(r, name, params_json, ttl)`,",
    "`registry:enable(name, params, ttl)`, `Registry.enable(name, params, ttl)`); the reserved parameter",
    "`target` narrows where it applies: `{\"route\": \"/api/*\", \"method\": \"POST\", \"component\": \"db\", \"tags\": [\"canary\"], \"probability\": 0.5}`",
    "(probability is drawn per request). Effects are described in [effects.md](effects.md).",
    "",
    "Every registry also exposes these framework metrics (see `syslab_registry_metrics_text`):",
    "",
    "| Metric | Type | Labels | Description |",
    "|---|---|---|---|",
    "| `simulator_scenarios_enabled` | gauge | | Scenarios currently enabled (expired ones are not counted). |",
    "| `simulator_scenarios_active_total` | counter | scenario | Times each scenario was enabled. |",
    "| `simulator_injections_total` | counter | scenario, effect | Effects handed out by decisions, by scenario and effect kind. |",
    "| `simulator_effect_duration_seconds` | histogram | scenario, effect | Wall time injected effects add to a request. |",
    "",
    "## Contents",
    "",
  }
  for _, c in ipairs(category_order) do
    local names = {}
    for _, s in ipairs(by_category[c] or {}) do names[#names + 1] = "[" .. s.name .. "](#" .. s.name .. ")" end
    out[#out + 1] = "- **" .. category_titles[c] .. "** (" .. #names .. "): " .. table.concat(names, ", ")
  end
  out[#out + 1] = "- **Written in Lua** (" .. #examples .. "): " .. table.concat((function()
    local links = {}
    for _, n in ipairs(examples) do links[#links + 1] = "[" .. n .. "](#" .. n .. ")" end
    return links
  end)(), ", ")
  out[#out + 1] = ""
  for _, c in ipairs(category_order) do
    out[#out + 1] = "## " .. category_titles[c] .. "\n"
    if category_intros[c] then out[#out + 1] = category_intros[c] end
    for _, s in ipairs(by_category[c] or {}) do render_scenario(out, s) end
  end
  out[#out + 1] = "## Written in Lua\n"
  out[#out + 1] = "These live in `scripts/scenarios/` as examples of user-defined scenarios. Load one with"
  out[#out + 1] = "`syslab_registry_load_lua(r, \"scripts/scenarios/<name>.lua\")`, `Registry.load_lua(path)`, or from Lua"
  out[#out + 1] = "`registry:define(dofile(path))`. They get the same validation, metrics and effect checks as built-ins.\n"
  for _, name in ipairs(examples) do
    assert(r:define(dofile(root .. "scripts/scenarios/" .. name .. ".lua")))
    render_scenario(out, r:scenario(name))
  end
  return table.concat(out, "\n")
end

if mode == "--render" then return render() end

local path = (mode ~= "--check" and mode) or root_arg or (root .. "docs/scenarios.md")
local text = render()
if mode == "--check" then
  local f = io.open(root .. "docs/scenarios.md", "r")
  local current = f and f:read("a") or ""
  if f then f:close() end
  if current ~= text then
    io.stderr:write("docs/scenarios.md is stale: run `make docs` (syslab-lua scripts/tools/gen-scenarios-doc.lua)\n")
    os.exit(1)
  end
  print("docs/scenarios.md is up to date")
else
  local f = assert(io.open(path, "w"))
  f:write(text)
  f:close()
  print("wrote " .. path)
end
