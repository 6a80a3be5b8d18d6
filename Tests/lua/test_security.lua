-- Security probes from Lua: a probe effect is handed out, the host reports
-- the status it answered, and the outcome shows in the metrics.
local syslab = require "syslab"

local r = syslab.registry { manual_clock = true, seed = 4 }
assert(r:enable("csrf-attack", { probability = 1, variant = "cross_site_origin" }))
local effects = assert(r:decide { route = "/api/orders", method = "POST" })
assert(#effects == 1 and effects[1].kind == "csrf_probe" and effects[1].amount == 3 and effects[1].scenario == "csrf-attack")

-- The host's CSRF check refused it.
assert(r:record_response("csrf-attack", 403))
local text = r:metrics()
assert(text:find('security_probe_responses_total{scenario="csrf-attack",outcome="refused"} 1\n', 1, true), text)
assert(text:find('security_probes_total{scenario="csrf-attack"} 1\n', 1, true))

-- Mistakes come back as nil, message.
local ok, err = r:record_response("csrf-attack", 42)
assert(ok == nil and err:find("[100, 599]", 1, true), err)
ok, err = r:record_response("csrf-attack", 403.5)
assert(ok == nil and err:find("status code", 1, true), err)
ok, err = r:record_response("no-such", 403)
assert(ok == nil and err:find("unknown scenario", 1, true), err)
assert(not pcall(r.record_response, r, "csrf-attack"), "a missing status is misuse")

-- PII canaries are numbered for the host to format.
assert(r:enable("pii-leak", { probability = 1 }))
effects = assert(r:decide {})
local canary
for _, e in ipairs(effects) do if e.kind == "log_canary" then canary = e end end
assert(canary and canary.amount >= 1 and canary.amount <= 999999 and canary.amount == math.floor(canary.amount))
print("security probes from Lua: ok")
