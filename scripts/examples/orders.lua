-- A short story of the order store (CQRS and event sourcing on SQLite):
--   syslab-lua scripts/examples/orders.lua DBPATH
-- Places, pays and ships orders; shows the projections; corrupts a snapshot and
-- recovers by replaying the log; runs a saga whose stock is short, so it
-- compensates; then one whose compensation keeps failing, so it is
-- dead-lettered and the order flagged; ends with a rebuild. Exits 0.
local syslab = require "syslab"

local path = arg and arg[1]
if not path then
  io.stderr:write("usage: syslab-lua scripts/examples/orders.lua DBPATH (a new or existing file)\n")
  os.exit(2)
end
os.remove(path); os.remove(path .. "-wal"); os.remove(path .. "-shm")

local store = assert(syslab.orders.open(path, { snapshot_every = 2, saga_backoff_ms = 1 }))
local registry = store:registry()
local address = { line1 = "1 Main St", city = "Lyon", postcode = "69001", country = "FR" }
local function order(id, amount, sku)
  return { order_id = id, customer_id = "c-" .. id, amount = amount, currency = "EUR", address = address, sku = sku or "book" }
end

print("1. Commands append events; projections follow.")
for i = 1, 3 do assert(store:place(order("o-" .. i, 1000 * i))) end
assert(store:pay("o-1")); assert(store:ship("o-1")); assert(store:pay("o-2"))
for _, o in ipairs(store:orders()) do
  print(("   %-4s %-8s %6d %s (version %d)"):format(o.order_id, o.status, o.amount, o.currency, o.version))
end
local day = store:analytics()[1]
print(("   analytics %s: %d placed, %d paid, %d shipped, revenue %d %s"):format(day.day, day.placed, day.paid, day.shipped, day.revenue, day.currency))
local conflict, why = store:pay("o-3", 0)
assert(conflict == nil)
print("   a command with a stale expected version: " .. why)

print("2. A damaged snapshot is caught by its checksum and the order replayed.")
assert(store:damage_snapshot("o-1").damaged)
assert(store:state("o-1").status == "shipped")
local corrupt = store:metrics():match("orders_snapshot_corruptions_total (%d+)")
print("   state of o-1 from the log: shipped; snapshot corruptions detected: " .. corrupt)
assert(tonumber(corrupt) >= 1)

print("3. A saga whose stock is short compensates (refund, cancel).")
assert(store:set_stock("book", 0))
local saga = assert(store:saga(order("s-1", 4200)))
local s1 = store:order("s-1")
print(("   saga %s: %s; order %s, refunded %d"):format(saga.order_id, saga.status, s1.status, s1.refunded))
assert(saga.status == "compensated" and s1.status == "cancelled")

print("4. saga-compensation-failure: the refund keeps failing; dead-lettered and flagged.")
assert(registry:enable("saga-compensation-failure"))
saga = assert(store:saga(order("s-2", 4200)))
local s2 = store:order("s-2")
print(("   saga %s: %s after %s; flagged: %s"):format(saga.order_id, saga.status, saga.step, tostring(s2.flagged)))
assert(saga.status == "dead_lettered" and s2.flagged)
assert(registry:disable("saga-compensation-failure"))

print("5. Rebuild the projections from the log.")
local before = syslab.json_encode(store:orders())
local rebuilt = assert(store:rebuild())
print(("   order_summary: %d events in %.4f s; analytics: %d events"):format(
  rebuilt.order_summary.events, rebuilt.order_summary.seconds, rebuilt.analytics.events))
assert(syslab.json_encode(store:orders()) == before, "a rebuild gives the same read model")
assert(store:integrity() == "ok")
print("   read model unchanged; integrity_check: ok")
store:close()
