-- scripts/scenarios/gradual-brownout.lua: errors and latency ramp linearly.
local syslab = require "syslab"
local root = (arg and arg[0] or ""):match("^(.*)Tests/lua/") or "./"

local r = syslab.registry { manual_clock = true, seed = 3 }
assert(r:define(dofile(root .. "scripts/scenarios/gradual-brownout.lua")))
assert(r:scenario("gradual-brownout").origin == "lua")
assert(r:enable("gradual-brownout", { ramp_seconds = 100, max_error_rate = 0.4, max_delay_ms = 1000 }))

local function window(n)
  local errors, delay = 0, 0
  for _ = 1, n do
    for _, e in ipairs(r:decide {}) do
      if e.kind == "error" then errors = errors + 1 else delay = e.seconds end
    end
  end
  return errors / n, delay
end

local rate, delay = window(2000)
assert(rate == 0 and delay == 0, "nothing at enable")
r:advance(50)
rate, delay = window(4000)
assert(math.abs(rate - 0.2) < 0.03, "half-way: half the maximum error rate, got " .. rate)
assert(math.abs(delay - 0.5) < 1e-9, "half-way: half the maximum delay")
r:advance(100)
rate, delay = window(4000)
assert(math.abs(rate - 0.4) < 0.03 and math.abs(delay - 1) < 1e-9, "stays at the maximum after the ramp")
local text = r:metrics()
assert(text:find('brownout_progress_ratio{scenario="gradual-brownout"} 1\n', 1, true), "progress gauge")
assert(text:find('http_injected_errors_total{scenario="gradual-brownout",status="503"}', 1, true), "errors counted")
assert(text:find('simulator_injections_total{scenario="gradual-brownout",effect="delay"} 8000\n', 1, true), "framework counts Lua effects")
print("gradual-brownout: ok")
