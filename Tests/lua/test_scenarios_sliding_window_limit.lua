-- scripts/scenarios/sliding-window-limit.lua: at most `limit` per sliding window.
local syslab = require "syslab"
local root = (arg and arg[0] or ""):match("^(.*)Tests/lua/") or "./"

local r = syslab.registry { manual_clock = true }
assert(r:define(dofile(root .. "scripts/scenarios/sliding-window-limit.lua")))
assert(r:enable("sliding-window-limit", { limit = 5, window_seconds = 10 }))
for i = 1, 5 do
  assert(#r:decide {} == 0, "request " .. i .. " admitted")
  r:advance(1)
end
local e = r:decide {}  -- t = 5: five in the window
assert(e[1].kind == "throttle" and e[1].status == 429 and math.abs(e[1].seconds - 5) < 1e-9, "retry when the oldest leaves")
r:advance(5)  -- t = 10: the request from t = 0 left the window
assert(#r:decide {} == 0)
assert(r:decide {}[1].kind == "throttle", "full again")
-- Sustained 2 requests/s against 5 per 10 s: about a quarter admitted.
local admitted = 0
for _ = 1, 400 do
  r:advance(0.5)
  if #r:decide {} == 0 then admitted = admitted + 1 end
end
assert(math.abs(admitted - 100) <= 3, "admitted " .. admitted)
print("sliding-window-limit: ok")
