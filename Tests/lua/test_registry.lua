-- The registry from Lua: catalogue, enable/disable, validation messages,
-- expiry on a manual clock, Lua-defined scenarios, errors in apply.
local syslab = require "syslab"

local checks = 0
local function check(cond, message)
  checks = checks + 1
  if not cond then error(message or "check failed", 2) end
end

local r = syslab.registry { manual_clock = true, seed = 9 }
local names = r:list()
check(#names >= 3, "catalogue has the built-ins")
local found = {}
for _, n in ipairs(names) do found[n] = true end
check(found["fixed-latency"] and found["error-burst"] and found["variable-latency"], "built-ins listed")

-- validation: nil + message naming the parameter and range
local ok, err = r:enable("fixed-latency", { delay_ms = 70000 })
check(ok == nil and err:find("delay_ms", 1, true) and err:find("[0, 60000]", 1, true), err)
ok, err = r:enable("no-such")
check(ok == nil and err == "unknown scenario 'no-such'", err)
ok, err = r:enable("error-burst", { probability = "often" })
check(ok == nil and err:find("must be a number, got string", 1, true), err)
ok, err = r:enable("error-burst", { status_code = 503.5 })
check(ok == nil and err:find("integer", 1, true), err)
ok, err = r:enable("fixed-latency", { target = { colour = "red" } })
check(ok == nil and err:find("unknown target field 'colour'", 1, true), err)

-- misuse raises
local raised = not pcall(r.enable, r, 42)
check(raised, "enable(42) raises")
check(not pcall(r.enable, nil, "x"), "missing self raises")
check(not pcall(syslab.registry, { bogus = 1 }), "unknown option raises")

-- enable with TTL, status, expiry
check(r:enable("fixed-latency", { delay_ms = 25 }, 10))
local st = r:status()
check(#st.enabled == 1 and st.enabled[1].remaining_seconds == 10, "status shows expiry")
check(st.enabled[1].params.delay_ms == 25, "status shows params")
local effects = r:decide { route = "/" }
check(#effects == 1 and effects[1].kind == "delay" and math.abs(effects[1].seconds - 0.025) < 1e-12, "decide")
r:advance(9.5)
check(#r:status().enabled == 1, "not yet expired")
r:advance(0.5)
check(#r:status().enabled == 0, "expired at ttl")
check(#r:decide {} == 0, "no effects after expiry")

-- disable / reset
check(r:enable("error-burst", { probability = 1, status_code = 503 }))
effects = r:decide {}
check(effects[1].kind == "error" and effects[1].status == 503, "error-burst at p=1 always fails")
check(r:disable("error-burst"))
check(#r:decide {} == 0, "disabled")
check(r:enable("fixed-latency"))
check(r:reset())
check(#r:status().enabled == 0, "reset")

-- a Lua-defined scenario
check(r:define {
  name = "lua-jitter", category = "latency", summary = "uniform jitter from Lua",
  params = { { name = "max_ms", type = "number", default = 40, min = 0, max = 1000, unit = "ms" } },
  metrics = { { name = "lua_jitter_seconds", type = "histogram", help = "jitter", buckets = { 0.01, 0.1 } } },
  effects = { "delay" },
  apply = function(ctx, p)
    return { kind = "delay", seconds = ctx.rng:uniform(0, p.max_ms) / 1000 }
  end,
})
ok, err = r:enable("lua-jitter", { max_ms = 2000 })
check(ok == nil and err:find("max_ms", 1, true), err)
check(r:enable("lua-jitter", { max_ms = 100 }))
for _ = 1, 200 do
  local e = r:decide {}[1]
  check(e.scenario == "lua-jitter" and e.seconds >= 0 and e.seconds <= 0.1, "jitter within bounds")
end
check(r:scenario("lua-jitter").origin == "lua")

-- determinism: same seed, same draws
local function draws(seed)
  local reg = syslab.registry { seed = seed }
  reg:enable("variable-latency", { distribution = "pareto", mean_ms = 20 })
  local out = {}
  for i = 1, 20 do out[i] = reg:decide {}[1].seconds end
  return table.concat(out, ",")
end
check(draws(5) == draws(5), "same seed, same output")
check(draws(5) ~= draws(6), "different seed, different output")

-- bad definitions
ok, err = r:define { name = "Bad Name", apply = function() end }
check(ok == nil and err:find("kebab-case", 1, true), err)
ok, err = r:define { name = "no-apply" }
check(ok == nil and err:find("apply", 1, true), err)
ok, err = r:define { name = "bad-default", params = { { name = "n", type = "integer", default = 50, min = 0, max = 10 } },
  apply = function() end }
check(ok == nil and err:find("must be in [0, 10]", 1, true), err)
ok, err = r:define { name = "fixed-latency", apply = function() end }
check(ok == nil and err:find("built in", 1, true), err)

-- a Lua error inside apply is a clean error
r:define { name = "lua-broken", apply = function() error("deliberate failure") end }
r:enable("lua-broken")
ok, err = pcall(r.decide, r, {})
check(ok and err == nil or true) -- decide returns nil, message rather than raising
local result, message = r:decide {}
check(result == nil and message:find("deliberate failure", 1, true) and message:find("lua-broken", 1, true), message)
r:disable("lua-broken")

-- bad effects
r:define { name = "lua-bad-effect", apply = function() return { kind = "delay", seconds = "soon" } end }
r:enable("lua-bad-effect")
result, message = r:decide {}
check(result == nil and message:find("finite number", 1, true), message)
r:reset()

-- to-be-closed and close
do
  local scoped <close> = syslab.registry()
  check(tostring(scoped):find("syslab.Registry", 1, true))
end
local closed = syslab.registry()
closed:close()
check(not pcall(closed.list, closed), "closed registry raises")
check(tostring(closed) == "syslab.Registry (closed)")

-- invalid UTF-8
ok, err = pcall(r.enable, r, "fixed-latency\xff")
check(not ok and tostring(err):find("UTF-8", 1, true), tostring(err))

print(("test_registry.lua: %d passed, 0 failed"):format(checks))
