-- Quickstart: list the catalogue, enable a scenario with a time-to-live,
-- watch its status, and watch it expire.
--   syslab-lua scripts/examples/quickstart.lua [ttl_seconds]
local syslab = require "syslab"

local ttl = tonumber(arg and arg[1]) or 2
local registry = syslab.registry()

print(("libsyslab %s — %d scenarios in the catalogue:"):format(syslab.version, #registry:list()))
for _, s in ipairs(registry:catalogue()) do
  print(("  %-28s %-12s %s"):format(s.name, s.category, s.summary))
end

local function show_status(label)
  local status = registry:status()
  if #status.enabled == 0 then
    print(("[%s] no scenario enabled"):format(label))
  end
  for _, e in ipairs(status.enabled) do
    print(("[%s] %s enabled with %s, expires in %.1f s"):format(
      label, e.name, syslab.json_encode(e.params), e.remaining_seconds))
  end
end

print(("\nenable fixed-latency (delay_ms = 150) for %g s"):format(ttl))
assert(registry:enable("fixed-latency", { delay_ms = 150 }, ttl))
show_status("t=0")

local effects = registry:decide { route = "/api/orders", method = "GET" }
for _, e in ipairs(effects) do
  print(("  a request to GET /api/orders gets: %s %.3f s (from %s)"):format(e.kind, e.seconds, e.scenario))
end

print("\na bad parameter is refused with a message:")
print("  ", select(2, registry:enable("fixed-latency", { delay_ms = 999999 })))

-- Wait for the expiry on the real clock.
print(("\nwaiting %g s ..."):format(ttl))
syslab.sleep(ttl + 0.05)
show_status(("t=%gs"):format(ttl))
print(("  requests now get %d effects"):format(#registry:decide { route = "/api/orders" }))
