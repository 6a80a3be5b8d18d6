-- Appends per second and replay events per second of the order store.
-- syslab-lua bench/orders/bench_orders.lua DIR ORDERS
local syslab = require "syslab"
local dir, count = arg[1], tonumber(arg[2] or "2000")
local address = { line1 = "1 Main St", city = "Lyon", postcode = "69001", country = "FR" }

local function run(mode)
  local store = assert(syslab.orders.open(("%s/%s.db"):format(dir, mode), { projections = mode }))
  local start = syslab.clock()
  for i = 1, count do
    local id = "o-" .. i
    assert(store:place { order_id = id, customer_id = "c", amount = 100 + i, currency = "EUR", address = address, sku = "book" })
    assert(store:pay(id))
    assert(store:ship(id))
  end
  local seconds = syslab.clock() - start
  local events = 3 * count
  print(("appends, projections %-6s: %6d events in %6.2f s = %8.0f events/s (%.2f ms per command)"):format(
    mode, events, seconds, events / seconds, seconds / events * 1000))
  return store
end

run("inline"):close()
local store = run("manual")
local caught_start = syslab.clock()
assert(store:catch_up())
local caught = syslab.clock() - caught_start
print(("catch-up of both projections:    %6d events in %6.2f s = %8.0f events/s per projection"):format(
  3 * count, caught, 3 * count / caught))
local rebuilt = assert(store:rebuild())
for _, name in ipairs { "order_summary", "analytics" } do
  local r = rebuilt[name]
  print(("replay (rebuild) %-14s: %6d events in %6.2f s = %8.0f events/s"):format(name, r.events, r.seconds, r.events_per_second))
end
store:close()
