-- Answer key of docs/tutorials/07-cqrs-and-event-sourcing/01-building-cqrs-systems.md
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local syslab = require "syslab"
local t = tutorial.new("07-cqrs-and-event-sourcing/01-building-cqrs-systems")

local folder = assert(io.popen("mktemp -d /tmp/syslab-tutorial-cqrs-XXXXXX")):read("l")
local address = { line1 = "1 Main St", city = "Lyon", postcode = "69001", country = "FR" }
local function order(id)
  return { order_id = id, customer_id = "c-1", amount = 2500, currency = "EUR", address = address, sku = "book" }
end

t:step("Exercise 1: a budget of 50 ms, events 20 ms slower: how many events per command?")
-- The catch-up applies events while their delays fit in the budget: 20 + 20 = 40 <= 50, a third would be 60.
local registry = syslab.registry { seed = 1 }
local store = assert(syslab.orders.open(folder .. "/one.db", { projection_budget_ms = 50 }, registry))
assert(registry:enable("event-replay-lag", { apply_delay_ms = 20 }))
for i = 1, 5 do assert(store:place(order("a-" .. i))) end
local applied = store:lag().order_summary.position
t:number("applied_with_budget", tostring(applied))
t:claim("two events per catch-up at most, and each command adds one: the projection keeps up",
  tostring(applied) .. " of 5", applied == 5)
store:close()

t:step("Exercise 2: saga_max_attempts = 5: how many refund attempts before the saga gives up?")
registry = syslab.registry { seed = 1 }
store = assert(syslab.orders.open(folder .. "/two.db", { saga_max_attempts = 5, saga_backoff_ms = 1 }, registry))
assert(store:set_stock("book", 0))
assert(registry:enable("saga-compensation-failure"))
local saga = assert(store:saga(order("b-1")))
local attempts = tonumber(store:metrics():match('orders_saga_step_retries_total{step="compensate_refund"} (%d+)'))
t:number("attempts_with_five", tostring(attempts))
t:claim("five attempts, then dead-lettered", saga.status .. " after " .. attempts, saga.status == "dead_lettered" and attempts == 5)
store:close()
os.execute("rm -rf " .. folder)
t:finish()
