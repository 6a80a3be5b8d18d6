-- 05-concurrency-patterns/04-distributed-locks: a lock on one hot key is a
-- single-server queue (M/M/1 predicts the wait); a lease bounds how long a
-- holder may keep it, and a holder that outlives its lease races the next
-- one unless the store checks a fencing token.
-- docs/tutorials/05-concurrency-patterns/04-distributed-locks.md
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local t = tutorial.new("05-concurrency-patterns/04-distributed-locks")

local HOLD = 0.010    -- mean critical section under the lock (exponential), seconds
local LEASE = 0.050   -- the lock's expiry (Redis SET key token NX PX 50)

-- The lock of one hot key: one holder at a time, so the "lock" node has one
-- server whose service time is the critical section. The write goes to db.
local function run(rate, overlap, protection)
  local scenarios = {}
  if overlap then
    scenarios[1] = { name = "double-write", params = { collision_probability = overlap, protection = protection,
                                                       target = { tags = { "db" } } } }
  end
  local report, r = tutorial.simulate {
    system = {
      topology = { name = "seat-booking",
                   nodes = { { id = "api", kind = "backend" }, { id = "lock", kind = "redis" }, { id = "db", kind = "postgres" } },
                   edges = { { from = "api", to = "lock" }, { from = "api", to = "db" } } },
      nodes = { lock = { servers = 1, service = { kind = "exponential", mean = HOLD } },
                db = { service = "2ms" } },
    },
    workload = { executor = "constant-arrival-rate", rate = rate, duration = "240s" },
    scenarios = scenarios,
    options = { seed = 54 },
  }
  return r, report
end

t:step("The lock is a queue: M/M/1")
local rate = 50
local rho = rate * HOLD
local wq = rho * HOLD / (1 - rho)
local r = run(rate)
local lock = tutorial.component(r, "lock")
t:say("%d requests/s x %s each: utilisation %.2f; M/M/1 predicts a mean wait of %s.", rate, tutorial.ms(HOLD), rho, tutorial.ms(wq, 1))
t:number("rho", tutorial.fixed(rho, 2))
t:number("wq_pred", tutorial.ms(wq, 1))
t:number("wq", tutorial.ms(lock.mean_queue_wait, 1))
t:number("lock_util", tutorial.pct(lock.utilisation, 1))
t:claim("the mean wait for the lock is " .. tutorial.ms(wq, 1) .. " (within 15%)", tutorial.ms(lock.mean_queue_wait, 1),
        math.abs(lock.mean_queue_wait - wq) / wq < 0.15)
t:claim("the lock is busy " .. tutorial.pct(rho, 0) .. " of the time (within 5%)", tutorial.pct(lock.utilisation, 1),
        math.abs(lock.utilisation - rho) / rho < 0.05)

local busy = run(90)
local wq90 = 0.9 * HOLD / 0.1
local lock90 = tutorial.component(busy, "lock")
t:number("wq90_pred", tutorial.ms(wq90))
t:number("wq90", tutorial.ms(lock90.mean_queue_wait))
t:claim("at 90 requests/s the wait grows more than fivefold (M/M/1: ninefold)",
        tutorial.ms(lock90.mean_queue_wait), lock90.mean_queue_wait > 5 * lock.mean_queue_wait)

t:step("The lease: a holder that outlives it races the next holder")
-- P(critical section > lease) for an exponential critical section.
local overlap = math.exp(-LEASE / HOLD)
t:number("overlap_pred", tutorial.pct(overlap, 2))
local raced, raced_report = run(rate, overlap, "none")
t:picture("04-distributed-locks-lease-race", raced_report, { "summary", "diagnosis" })
local writes = tutorial.component(raced, "db").arrivals
local lost = tutorial.effect_count(raced, "double-write", "lost_write") / writes
t:number("lost", tutorial.pct(lost, 2))
t:number("lost_count", tutorial.count(tutorial.effect_count(raced, "double-write", "lost_write")))
t:claim("about e^-5 = " .. tutorial.pct(overlap, 2) .. " of writes are lost (within 30%)", tutorial.pct(lost, 2),
        math.abs(lost - overlap) / overlap < 0.30)
t:claim("and nothing fails: the lock alone cannot tell", tutorial.count(raced.requests.failed), raced.requests.failed == 0)

t:step("Mitigate: fencing tokens")
local fenced, fenced_report = run(rate, overlap, "optimistic")
t:picture("04-distributed-locks-fenced", fenced_report, { "summary", "diagnosis" })
local rejected = fenced.requests.failed / fenced.requests.completed
t:number("fenced_409", tutorial.pct(rejected, 2))
t:claim("with a fencing token checked by the store no write is lost", "0",
        tutorial.effect_count(fenced, "double-write", "lost_write") == 0)
t:claim("the stale holder's write is refused with 409 instead (within 30% of the overlap share)", tutorial.pct(rejected, 2),
        math.abs(rejected - overlap) / overlap < 0.30 and (fenced.requests.by_status["409"] or 0) == fenced.requests.failed)

t:finish()
