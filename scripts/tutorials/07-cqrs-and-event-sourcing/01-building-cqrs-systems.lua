-- Building CQRS systems: the order store, its four failure scenarios, and a rebuild.
-- docs/tutorials/07-cqrs-and-event-sourcing/01-building-cqrs-systems.md
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local syslab = require "syslab"
local t = tutorial.new("07-cqrs-and-event-sourcing/01-building-cqrs-systems")

local folder = assert(io.popen("mktemp -d /tmp/syslab-tutorial-cqrs-XXXXXX")):read("l")
local path = folder .. "/orders.db"
local registry = syslab.registry { seed = 7 }
local address = { line1 = "1 Main St", city = "Lyon", postcode = "69001", country = "FR" }
local function order(id, amount)
  return { order_id = id, customer_id = "c-1", amount = amount or 2500, currency = "EUR", address = address, sku = "book" }
end
local function metric(store, pattern) return tonumber(store:metrics():match(pattern) or "0") end

t:step("Commands write events; projections are read models kept from them")
local store = assert(syslab.orders.open(path, { snapshot_every = 2, projection_budget_ms = 5, saga_backoff_ms = 1 }, registry))
for i = 1, 20 do
  local id = "o-" .. i
  assert(store:place(order(id, 1000 + i)))
  assert(store:pay(id))
  if i % 4 ~= 0 then assert(store:ship(id)) else assert(store:cancel(id, "out of stock")) end
end
local status = store:status()
local day = store:analytics()[1]
t:say("%d events for %d orders; analytics: %d placed, %d shipped, %d cancelled, revenue %d cents",
  status.events, status.orders, day.placed, day.shipped, day.cancelled, day.revenue)
t:number("events_first", tostring(status.events))
t:number("revenue_first", tostring(day.revenue))
local expected_revenue = 0
for i = 1, 20 do if i % 4 ~= 0 then expected_revenue = expected_revenue + 1000 + i end end
t:claim("cancelling a paid order refunds it, so revenue counts only the 15 shipped orders",
  tostring(day.revenue), day.revenue == expected_revenue)
t:claim("with nothing injected the projections are not behind the log",
  tostring(store:lag().order_summary.lag_events) .. " events", store:lag().order_summary.lag_events == 0)
local _, conflict = store:ship("o-4", 2)
t:claim("a command that expects a stale version is refused, not applied",
  tostring(conflict), conflict ~= nil and conflict:find("expected version 2", 1, true) ~= nil)

t:step("event-replay-lag: projections apply each event 20 ms slower")
assert(registry:enable("event-replay-lag", { apply_delay_ms = 20 }))
for i = 21, 30 do assert(store:place(order("o-" .. i))) end
local lag = store:lag().order_summary.lag_events
t:number("lag_events", tostring(lag))
t:say("the log has the 10 new orders; the read model has none: lag %d events, %.2f s", lag, store:lag().order_summary.lag_seconds)
t:claim("every command succeeds but the read model falls 10 events behind",
  tostring(lag) .. " events", lag == 10)
t:claim("a query of the read model is stale while the log is current",
  tostring(store:order("o-21")) .. " vs " .. store:state("o-21").status,
  store:order("o-21") == nil and store:state("o-21").status == "placed")
assert(registry:disable("event-replay-lag"))
assert(store:catch_up())
t:claim("with the scenario off, one catch-up empties the lag",
  tostring(store:lag().order_summary.lag_events), store:lag().order_summary.lag_events == 0)

t:step("event-ordering-issue: events reach the projections out of order")
local reader = assert(syslab.orders.open(path, { projections = "manual" }, registry))
for i = 31, 50 do
  local id = "o-" .. i
  assert(reader:place(order(id))); assert(reader:pay(id)); assert(reader:ship(id))
end
assert(registry:enable("event-ordering-issue", { reorder_probability = 0.5, max_displacement = 3 }))
local progress = assert(reader:catch_up())
local held = progress.order_summary.out_of_order
t:number("held_back", tostring(held))
t:say("%d events arrived ahead of their order's next version and were held until the gap closed", held)
assert(registry:disable("event-ordering-issue"))
local incremental = syslab.json_encode(reader:orders())
assert(reader:rebuild("order_summary"))
t:claim("the projection caught reordered events by version",
  tostring(held), held > 0)
t:claim("and its rows equal a rebuild from the log: nothing applied out of order",
  "equal: " .. tostring(syslab.json_encode(reader:orders()) == incremental), syslab.json_encode(reader:orders()) == incremental)
reader:close()

t:step("snapshot-corruption: snapshots are torn when written")
assert(registry:enable("snapshot-corruption", { on = "write", keep_fraction = 0.5 }))
local before = metric(store, "orders_snapshot_corruptions_total (%d+)")
for i = 51, 60 do
  local id = "o-" .. i
  assert(store:place(order(id))); assert(store:pay(id)); assert(store:ship(id))
end
local caught = metric(store, "orders_snapshot_corruptions_total (%d+)") - before
t:number("snapshots_caught", tostring(caught))
assert(registry:disable("snapshot-corruption"))
local all_shipped = true
for i = 51, 60 do all_shipped = all_shipped and store:state("o-" .. i).status == "shipped" end
t:claim("every torn snapshot is caught by its checksum when the order is next loaded",
  tostring(caught), caught == 10)
t:claim("and the orders are still right: replayed from the log", tostring(all_shipped), all_shipped)

t:step("saga-compensation-failure: the refund of a saga keeps failing")
assert(store:set_stock("book", 0))
local compensated = assert(store:saga(order("s-1")))
assert(registry:enable("saga-compensation-failure"))
local stuck = assert(store:saga(order("s-2")))
assert(registry:disable("saga-compensation-failure"))
local flagged = store:order("s-2")
local attempts = metric(store, 'orders_saga_step_retries_total{step="compensate_refund"} (%d+)')
t:number("refund_attempts", tostring(attempts))
t:say("s-1: %s (stock was short: refunded and cancelled); s-2: %s at step %s", compensated.status, stuck.status, stuck.step)
t:say("s-2 is flagged: %s", tostring(flagged.flag_reason))
t:claim("short stock is compensated: the order is refunded and cancelled",
  compensated.status .. ", " .. store:order("s-1").status, compensated.status == "compensated" and store:order("s-1").status == "cancelled")
t:claim("a compensation that fails 3 times ends dead-lettered, with the order flagged",
  stuck.status .. ", flagged " .. tostring(flagged.flagged) .. ", " .. attempts .. " attempts",
  stuck.status == "dead_lettered" and flagged.flagged == true and attempts == 3)

t:step("Rebuild: the read models are a function of the log")
local summaries, analytics = syslab.json_encode(store:orders()), syslab.json_encode(store:analytics())
local rebuilt = assert(store:rebuild())
local events = store:status().events
t:number("events_replayed", tostring(rebuilt.order_summary.events))
t:say("replayed %d events into order_summary in %.3f s", rebuilt.order_summary.events, rebuilt.order_summary.seconds)
t:claim("a rebuild replays every event of the log",
  tostring(rebuilt.order_summary.events) .. " of " .. events, rebuilt.order_summary.events == events)
t:claim("and gives the same read models as the incremental updates",
  "equal: " .. tostring(syslab.json_encode(store:orders()) == summaries and syslab.json_encode(store:analytics()) == analytics),
  syslab.json_encode(store:orders()) == summaries and syslab.json_encode(store:analytics()) == analytics)
t:claim("PRAGMA integrity_check is ok", store:integrity(), store:integrity() == "ok")
store:close()
os.execute("rm -rf " .. folder)
t:finish()
