-- scripts/scenarios/poison-message.lua: bounded retries, then dead-lettering.
local syslab = require "syslab"
local root = (arg and arg[0] or ""):match("^(.*)Tests/lua/") or "./"

local r = syslab.registry { seed = 6 }
assert(r:define(dofile(root .. "scripts/scenarios/poison-message.lua")))
assert(r:enable("poison-message", { poison_rate = 1, max_retries = 3, retry_ms = 100 }))
local e = r:decide {}
assert(#e == 2, "retry then error")
assert(e[1].kind == "retry" and e[1].amount == 3 and math.abs(e[1].seconds - 0.4) < 1e-12)
assert(e[2].kind == "error" and e[2].status == 422)
assert(r:enable("poison-message", { poison_rate = 0.05, max_retries = 0 }))
local poisoned = 0
for _ = 1, 10000 do
  local effects = r:decide {}
  if #effects > 0 then
    assert(#effects == 1 and effects[1].kind == "error", "no retries configured")
    poisoned = poisoned + 1
  end
end
assert(math.abs(poisoned / 10000 - 0.05) < 0.01)
assert(r:metrics():find('dead_lettered_messages_total{scenario="poison-message"} ' .. (poisoned + 1) .. "\n", 1, true))
print("poison-message: ok")
