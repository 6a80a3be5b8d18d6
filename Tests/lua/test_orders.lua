-- The order store from Lua: commands, queries, the scenarios acting on it,
-- misuse, and scripts/examples/orders.lua run end to end.
local syslab = require "syslab"
local root = (arg and arg[0] or ""):match("^(.*)Tests/lua/") or "./"

local checks = 0
local function check(cond, message)
  checks = checks + 1
  if not cond then error(message or "check failed", 2) end
end

local function run(command)
  local pipe = assert(io.popen(command))
  local out = pipe:read("a")
  local ok = pipe:close()
  return out, ok
end

local dir = run("mktemp -d /tmp/syslab-lua-orders-XXXXXX"):gsub("%s+$", "")
local path = dir .. "/orders.db"
local address = { line1 = "1 Main St", city = "Lyon", postcode = "69001", country = "FR" }
local function order(id, extra)
  local t = { order_id = id, customer_id = "c-1", amount = 2500, currency = "EUR", address = address, sku = "book" }
  for k, v in pairs(extra or {}) do t[k] = v end
  return t
end

-- Commands and queries.
local registry = syslab.registry { seed = 3 }
local store = assert(syslab.orders.open(path, { snapshot_every = 2, saga_backoff_ms = 1 }, registry))
check(tostring(store):find("syslab.OrderStore", 1, true))
local placed = assert(store:place(order("o-1")))
check(placed.version == 1 and placed.events[1].type == "OrderPlaced")
check(store:pay("o-1", 1).version == 2)
local none, why = store:ship("o-1", 1)
check(none == nil and why:find("expected version 1", 1, true), why)
check(store:ship("o-1").version == 3)
check(store:order("o-1").status == "shipped")
check(#store:history("o-1") == 3)
check(store:analytics()[1].revenue == 2500)
check(store:lag().order_summary.lag_events == 0)
check(store:integrity() == "ok")

-- Hostile input: nil and a message for bad values, a raise for misuse.
local bad, message = store:place(order("o-2", { amount = -5 }))
check(bad == nil and message:find("positive", 1, true), message)
bad, message = store:place(order("bad id"))
check(bad == nil and message:find("order id", 1, true), message)
bad, message = store:cancel("o-1")
check(bad == nil and message:find("shipped", 1, true), message)
check(not pcall(store.place, store, "not a table"))
check(not pcall(store.pay, "not a store", "o-1"))
check(not pcall(syslab.orders.open, path, { snapshot_every = 0 }))
bad, message = syslab.orders.open("/nonexistent-folder/orders.db")
check(bad == nil and message:find("cannot open", 1, true), message)

-- event-replay-lag through the store's registry: reads go stale, then recover.
local slow = assert(syslab.orders.open(dir .. "/slow.db", { projection_budget_ms = 5 }))
assert(slow:registry():enable("event-replay-lag", { apply_delay_ms = 20 }))
for i = 1, 3 do assert(slow:place(order("l-" .. i))) end
check(slow:lag().order_summary.lag_events == 3, "lag in events")
check(slow:order("l-1") == nil, "the read model has not seen the order")
check(slow:state("l-1").status == "placed", "the log has")
assert(slow:registry():disable("event-replay-lag"))
assert(slow:catch_up())
check(slow:lag().order_summary.lag_events == 0)
check(slow:metrics():find('orders_projection_lag_events{projection="order_summary"} 0', 1, true))
slow:close()
check(not pcall(slow.lag, slow), "a closed store raises")

-- The saga, and a restart in the middle of one.
assert(store:set_stock("book", 1))
local saga = assert(store:saga(order("s-1"), 2))
check(saga.status == "running" and saga.step == "reserve_stock")
store:close()
store = assert(syslab.orders.open(path, { saga_backoff_ms = 1 }, registry))
local resumed = assert(store:resume_sagas())
check(#resumed == 1 and resumed[1].status == "completed")
check(store:stock("book") == 0 and store:order("s-1").status == "shipped")
check(store:saga_status("s-1").status == "completed")
local rebuilt = assert(store:rebuild("order_summary"))
check(rebuilt.order_summary.events == 6)

-- The orders_* metrics pass promtool's checks, in the registry's exposition too.
local text = store:metrics()
check(registry:metrics():find("orders_events_appended_total", 1, true), "the registry's exposition carries the store's metrics")
for _, name in ipairs { "orders_events_appended_total", "orders_event_append_rate", "orders_projection_lag_seconds",
                        "orders_snapshots_written_total", "orders_saga_duration_seconds_bucket", "orders_replay_duration_seconds_bucket" } do
  check(text:find(name, 1, true), name .. " is exposed")
end
local exposition = dir .. "/metrics.txt"
local f = assert(io.open(exposition, "w"))
f:write(text)
f:close()
local lint, lint_ok = run("promtool check metrics < " .. exposition .. " 2>&1")
check(lint_ok, "promtool check metrics: " .. lint)
store:close()

-- The example script runs its story and exits 0.
local lua = os.getenv("SYSLAB_BUILD") and (os.getenv("SYSLAB_BUILD") .. "/syslab-lua") or "syslab-lua"
local out, ok = run(("%s %sscripts/examples/orders.lua %s/story.db 2>&1"):format(lua, root, dir))
check(ok, out)
check(out:find("dead_lettered", 1, true) and out:find("integrity_check: ok", 1, true), out)

os.execute("rm -rf " .. dir)
print(("test_orders.lua: %d checks passed"):format(checks))
