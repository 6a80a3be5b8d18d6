-- scripts/scenarios/dependency-flap.lua: down, up, down on a schedule.
local syslab = require "syslab"
local root = (arg and arg[0] or ""):match("^(.*)Tests/lua/") or "./"

local r = syslab.registry { manual_clock = true }
assert(r:define(dofile(root .. "scripts/scenarios/dependency-flap.lua")))
assert(r:enable("dependency-flap", { period_seconds = 60, down_seconds = 20, fail_ms = 5 }, 130))
local pattern = {}
for t = 0, 129 do
  local e = r:decide {}
  pattern[#pattern + 1] = #e > 0 and "x" or "."
  if #e > 0 then assert(e[2].kind == "error" and e[2].status == 503 and e[1].kind == "delay") end
  r:advance(1)
end
local expected = ("x"):rep(20) .. ("."):rep(40) .. ("x"):rep(20) .. ("."):rep(40) .. ("x"):rep(10)
assert(table.concat(pattern) == expected, table.concat(pattern))
assert(#r:decide {} == 0, "expired at its ttl")
assert(r:metrics():find('dependency_failures_total{scenario="dependency-flap"} 50\n', 1, true))
print("dependency-flap: ok")
