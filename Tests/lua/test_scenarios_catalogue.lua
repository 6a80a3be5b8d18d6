-- The built-in catalogue from Lua, the metrics exposition (checked with
-- promtool), and the same validation, metrics and effect checks for
-- scenarios defined in Lua as for built-ins.
local syslab = require "syslab"
local root = (arg and arg[0] or ""):match("^(.*)Tests/lua/") or "./"

local kinds = {}
for _, k in ipairs(syslab.effect_kinds) do kinds[k] = true end
assert(#syslab.effect_kinds == 28 and kinds.delay and kinds.queue_wait and kinds.inconsistent_read and kinds.log_canary and kinds.foreign_object_probe)

-- 96 built-ins, each with parameters, a domain metric and notes.
local r = syslab.registry { manual_clock = true, seed = 1 }
local catalogue = r:catalogue()
assert(#catalogue == 96, "96 built-in scenarios, got " .. #catalogue)
for _, s in ipairs(catalogue) do
  assert(s.origin == "builtin" and #s.parameters >= 1 and #s.metrics >= 1, s.name)
  assert(#s.notes.what_happens > 0 and #s.notes.how_to_observe > 0 and #s.notes.how_to_mitigate > 0, s.name)
  for _, e in ipairs(s.effects) do assert(kinds[e], s.name .. " declares unknown effect " .. e) end
end

-- Every one enables with its defaults; with all of them on, decisions hand
-- out only known effect kinds.
for _, s in ipairs(catalogue) do assert(r:enable(s.name)) end
assert(#r:status().enabled == 96)
local seen = {}
for i = 1, 500 do
  local effects = assert(r:decide { route = "/api/orders", method = i % 2 == 0 and "GET" or "POST", component = "backend" })
  for _, e in ipairs(effects) do
    assert(kinds[e.kind], "unknown kind " .. tostring(e.kind))
    seen[e.scenario] = true
  end
  r:advance(0.05)
end
local count = 0
for _ in pairs(seen) do count = count + 1 end
assert(count >= 40, "most scenarios produced effects, got " .. count)

-- The Lua example scenarios join the same registry.
for _, file in ipairs { "gradual-brownout", "canary-bad-deploy", "regional-latency", "poison-message", "sliding-window-limit", "dependency-flap" } do
  local definition = dofile(root .. "scripts/scenarios/" .. file .. ".lua")
  assert(r:define(definition))
  assert(r:enable(definition.name))
end
for _ = 1, 200 do assert(r:decide { tags = { "canary", "region:eu" } }) end

-- The exposition passes promtool's checks (format and naming lint).
local text = r:metrics()
assert(text:find("# TYPE simulator_injections_total counter\n", 1, true))
assert(text:find("simulator_scenarios_enabled 102\n", 1, true))
local path = os.tmpname()
local f = assert(io.open(path, "w"))
f:write(text)
f:close()
local ok, how, code = os.execute("promtool check metrics < " .. path .. " > " .. path .. ".out 2>&1")
local out = io.open(path .. ".out"):read("a")
os.remove(path); os.remove(path .. ".out")
assert(ok, "promtool check metrics failed (" .. tostring(how) .. " " .. tostring(code) .. "):\n" .. out)

-- Validation parity for Lua-defined scenarios.
local function define(metric, extra)
  local d = { name = "lua-check", params = { { name = "x", type = "number", default = 1, min = 0, max = 2 } },
              metrics = { metric }, effects = { "delay" },
              apply = function(ctx) return { kind = "delay", seconds = 0.01 } end }
  for k, v in pairs(extra or {}) do d[k] = v end
  return r:define(d)
end
local ok2, err = define { name = "lua_check_total", type = "counter" }
assert(ok2 == nil and err:find("help text", 1, true), err)
ok2, err = define { name = "lua_checks", type = "counter", help = "h" }
assert(ok2 == nil and err:find("_total", 1, true), err)
ok2, err = define { name = "lua_wait_ms", type = "gauge", help = "h" }
assert(ok2 == nil and err:find("not 'ms'", 1, true), err)
ok2, err = define { name = "http_injected_latency_seconds", type = "gauge", help = "h", labels = { "scenario" } }
assert(ok2 == nil and err:find("declared by", 1, true), err)
ok2, err = define({ name = "lua_check_total", type = "counter", help = "h" }, { params = { { name = "target", type = "number", default = 1 } } })
assert(ok2 == nil and err:find("reserved", 1, true), err)

-- Recording mistakes and bad effects surface as errors of the decision.
local function decide_with(apply, effects)
  assert(r:reset())
  assert(r:define { name = "lua-check", metrics = { { name = "lua_check_total", type = "counter", help = "Checks.", labels = { "scenario" } } },
                    effects = effects or { "delay" }, apply = apply })
  assert(r:enable("lua-check"))
  return r:decide {}
end
local effects, message = decide_with(function(ctx) ctx.metrics:inc("nope_total"); return nil end)
assert(effects == nil and message:find("does not declare", 1, true), message)
effects, message = decide_with(function(ctx) ctx.metrics:set("lua_check_total", 1); return nil end)
assert(effects == nil and message:find("cannot set", 1, true), message)
effects, message = decide_with(function() return { kind = "error", status = 500 } end)
assert(effects == nil and message:find("declares only delay", 1, true), message)
effects, message = decide_with(function() return { kind = "delay", seconds = -1 } end)
assert(effects == nil and message:find("negative seconds", 1, true), message)
effects, message = decide_with(function() return { kind = "throttle" } end, { "throttle" })
assert(effects == nil and message:find("HTTP status", 1, true), message)
effects = assert(decide_with(function(ctx) ctx.metrics:inc("lua_check_total", 2); return { kind = "delay", seconds = 0.5 } end))
assert(effects[1].kind == "delay")
assert(r:metrics():find('lua_check_total{scenario="lua-check"} 2\n', 1, true))
assert(r:metrics():find('simulator_effect_duration_seconds_sum{scenario="lua-check",effect="delay"} 0.5\n', 1, true))
print("catalogue from Lua: ok")
