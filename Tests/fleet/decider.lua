-- One member of the fleet test (Tests/fleet): a registry attached to the
-- Redis store that decides for one request in a loop and prints each
-- decision as a line on stdout, like decider.c:
--
--   <unix seconds, microseconds> <store connected: 1 or 0> <scenario:kind,... or ->
--
-- Usage: syslab-lua decider.lua STORE_URL WORKSPACE [SECONDS]. It stops
-- after SECONDS (default 600) or when stdout is closed (or on SIGTERM).
local syslab = require "syslab"

local url, workspace, run_for = arg[1], arg[2], tonumber(arg[3] or "600")
assert(url and workspace, "usage: decider.lua STORE_URL WORKSPACE [SECONDS]")
local registry = assert(syslab.registry { store = url, workspace = workspace, instance = "lua-decider" })

local started = syslab.clock()
local request = { route = "/api/orders", method = "GET", component = "backend" }
while syslab.clock() - started < run_for do
  -- the registry's clock is the system clock: Unix seconds with a fraction
  local decided_at = registry:now()
  local effects = registry:decide(request)
  local store = registry:status().store
  local names = {}
  for _, e in ipairs(effects) do names[#names + 1] = e.scenario .. ":" .. e.kind end
  local line = ("%.6f %d %s\n"):format(decided_at, (store and store.connected) and 1 or 0,
    #names > 0 and table.concat(names, ",") or "-")
  if not io.stdout:write(line) or not io.stdout:flush() then break end
  syslab.sleep(0.01)
end
registry:close()
