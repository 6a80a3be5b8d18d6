-- scripts/scenarios/regional-latency.lua: latency by region tag.
local syslab = require "syslab"
local root = (arg and arg[0] or ""):match("^(.*)Tests/lua/") or "./"

local r = syslab.registry { seed = 5 }
assert(r:define(dofile(root .. "scripts/scenarios/regional-latency.lua")))
assert(r:enable("regional-latency", { us_ms = 10, eu_ms = 100, ap_ms = 200, spread = 0.2 }))
local function mean(tags)
  local sum = 0
  for _ = 1, 3000 do sum = sum + r:decide { tags = tags }[1].seconds end
  return sum / 3000
end
assert(math.abs(mean {} - 0.010) < 0.001, "untagged = home region")
assert(math.abs(mean { "region:eu" } - 0.100) < 0.003)
assert(math.abs(mean { "tier:gold", "region:ap" } - 0.200) < 0.006)
local text = r:metrics()
assert(text:find('region_latency_seconds_count{scenario="regional-latency",region="eu"} 3000\n', 1, true))
assert(text:find('region_latency_seconds_count{scenario="regional-latency",region="ap"} 3000\n', 1, true))
-- Same seed, same draws.
local function first(seed)
  local reg = syslab.registry { seed = seed }
  assert(reg:define(dofile(root .. "scripts/scenarios/regional-latency.lua")))
  assert(reg:enable("regional-latency"))
  return reg:decide { tags = { "region:eu" } }[1].seconds
end
assert(first(9) == first(9) and first(9) ~= first(10))
print("regional-latency: ok")
