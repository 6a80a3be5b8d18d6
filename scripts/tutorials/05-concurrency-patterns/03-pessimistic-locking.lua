-- 05-concurrency-patterns/03-pessimistic-locking: row locks never lose an
-- update, but waiters hold connections and form the tail; the exponential
-- hold time predicts p99, the timeouts and (Little's law) the busy connections.
-- docs/tutorials/05-concurrency-patterns/03-pessimistic-locking.md
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local t = tutorial.new("05-concurrency-patterns/03-pessimistic-locking")

local RATE, CONTENTION, TIMEOUT, SERVICE = 300, 0.3, 1.0, 0.002

local function run(hold)
  local report, r = tutorial.simulate {
    system = {
      topology = { name = "tickets", nodes = { { id = "api", kind = "backend" }, { id = "db", kind = "postgres" } },
                   edges = { { from = "api", to = "db" } } },
      nodes = { api = { servers = 256, service = "1ms" }, db = { servers = 64, service = SERVICE } },
    },
    workload = { executor = "constant-arrival-rate", rate = RATE, duration = "60s" },
    scenarios = { { name = "lock-contention", params = { contention_probability = CONTENTION, hold_ms = hold * 1000,
                                                         lock_timeout_ms = TIMEOUT * 1000, target = { tags = { "db" } } } } },
    options = { seed = 53 },
  }
  return r, report
end

-- A waiter waits W ~ exponential(hold), cut at the timeout.
local function predictions(hold)
  return {
    p99 = SERVICE + hold * math.log(100 * CONTENTION),          -- P(wait > x) = c e^(-x/h) = 1%
    failed = CONTENTION * math.exp(-TIMEOUT / hold),            -- P(wait > timeout)
    busy = RATE * (SERVICE + CONTENTION * hold * (1 - math.exp(-TIMEOUT / hold))),  -- L = lambda W
  }
end

local function measure(name, hold)
  local r, report = run(hold)
  t:picture("03-pessimistic-locking-" .. name, report, { "summary", "components" })
  local want = predictions(hold)
  local db = tutorial.component(r, "db")
  local busy = db.utilisation * db.servers
  local failed = r.requests.failed / r.requests.completed
  t:say("hold %s: p99 %s (predicted %s), failed %s (predicted %s), busy connections %s (predicted %s)",
        tutorial.ms(hold), tutorial.ms(r.latency.p99), tutorial.ms(want.p99), tutorial.pct(failed, 2),
        tutorial.pct(want.failed, 2), tutorial.fixed(busy, 1), tutorial.fixed(want.busy, 1))
  t:number(name .. "_p99", tutorial.ms(r.latency.p99))
  t:number(name .. "_p99_pred", tutorial.ms(want.p99))
  t:number(name .. "_p50", tutorial.ms(r.latency.p50, 1))
  t:number(name .. "_failed", tutorial.pct(failed, 2))
  t:number(name .. "_failed_pred", tutorial.pct(want.failed, 2))
  t:number(name .. "_busy", tutorial.fixed(busy, 1))
  t:number(name .. "_busy_pred", tutorial.fixed(want.busy, 1))
  return r, want, failed, busy
end

t:step("Hot rows, locks held 200 ms on average")
local r, want, failed, busy = measure("long", 0.2)
t:claim("p99 is where 1% of requests wait: about " .. tutorial.ms(want.p99) .. " (within 10%)",
        tutorial.ms(r.latency.p99), math.abs(r.latency.p99 - want.p99) / want.p99 < 0.10)
t:claim("p50 is untouched (under 5 ms): 70% never wait", tutorial.ms(r.latency.p50, 1), r.latency.p50 < 0.005)
t:claim("about 0.2% of requests time out with 409 (between 0.1% and 0.3%)", tutorial.pct(failed, 2),
        failed > 0.001 and failed < 0.003 and (r.requests.by_status["409"] or 0) == r.requests.failed)
t:claim("waiters hold database connections: busy ones match Little's law (within 5%)",
        tutorial.fixed(busy, 1), math.abs(busy - want.busy) / want.busy < 0.05)
t:claim("no update is lost: the lock serialises writers", "0",
        tutorial.effect_count(r, "lock-contention", "lost_write") == 0 and tutorial.component(r, "db").anomalies == 0)

t:step("Mitigate: shorter transactions (locks held 50 ms)")
local s, want_s, failed_s, busy_s = measure("short", 0.05)
t:claim("p99 falls to about " .. tutorial.ms(want_s.p99) .. " (within 10%)", tutorial.ms(s.latency.p99),
        math.abs(s.latency.p99 - want_s.p99) / want_s.p99 < 0.10)
t:claim("no request times out", tutorial.pct(failed_s, 2), s.requests.failed == 0)
t:claim("busy connections fall to about " .. tutorial.fixed(want_s.busy, 1) .. " (within 5%)", tutorial.fixed(busy_s, 1),
        math.abs(busy_s - want_s.busy) / want_s.busy < 0.05)

t:finish()
