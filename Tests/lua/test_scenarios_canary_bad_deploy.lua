-- scripts/scenarios/canary-bad-deploy.lua: only canary-tagged requests suffer.
local syslab = require "syslab"
local root = (arg and arg[0] or ""):match("^(.*)Tests/lua/") or "./"

local r = syslab.registry { seed = 4 }
assert(r:define(dofile(root .. "scripts/scenarios/canary-bad-deploy.lua")))
assert(r:enable("canary-bad-deploy", { error_rate = 0.5, status_code = 502, extra_ms = 100 }))
local failed = 0
for _ = 1, 4000 do
  assert(#r:decide { route = "/", tags = { "stable" } } == 0, "stable traffic is untouched")
  local effects = r:decide { route = "/", tags = { "eu", "canary" } }
  assert(effects[1].kind == "delay" and math.abs(effects[1].seconds - 0.1) < 1e-12)
  if effects[2] then
    assert(effects[2].kind == "error" and effects[2].status == 502)
    failed = failed + 1
  end
end
assert(math.abs(failed / 4000 - 0.5) < 0.04, "half the canary requests fail, got " .. failed)
assert(r:metrics():find('canary_failed_requests_total{scenario="canary-bad-deploy"} ' .. failed .. "\n", 1, true))
-- The target can still be narrowed further when enabling.
assert(r:enable("canary-bad-deploy", { target = { route = "/checkout" } }))
assert(#r:decide { route = "/", tags = { "canary" } } == 0)
assert(#r:decide { route = "/checkout", tags = { "canary" } } >= 1)
print("canary-bad-deploy: ok")
