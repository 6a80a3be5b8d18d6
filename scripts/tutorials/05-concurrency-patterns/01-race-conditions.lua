-- 05-concurrency-patterns/01-race-conditions: a read-modify-write race loses
-- updates without a single error, so latency and error metrics cannot see it;
-- optimistic concurrency turns each lost update into a visible 409.
-- docs/tutorials/05-concurrency-patterns/01-race-conditions.md
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local t = tutorial.new("05-concurrency-patterns/01-race-conditions")

-- A balance service: each request reads an account row, adds to it and writes it back.
local RATE = 200            -- requests per second
local HOT_SHARE = 0.5       -- half of them update the same hot account
local WINDOW = 0.002        -- seconds between the read and the write (the race window)

-- Another write to the hot row lands inside a window with probability 1 - e^(-lambda * w).
local hot_rate = RATE * HOT_SHARE
local p_hot = 1 - math.exp(-hot_rate * WINDOW)
local p = HOT_SHARE * p_hot   -- per request: it must hit the hot row, and be overtaken

local function test(protection)
  local scenarios = {}
  if protection then
    scenarios[1] = { name = "double-write", params = { collision_probability = p, protection = protection,
                                                       target = { tags = { "db" } } } }
  end
  return {
    system = {
      topology = { name = "balances", nodes = { { id = "api", kind = "backend" }, { id = "db", kind = "postgres" } },
                   edges = { { from = "api", to = "db" } } },
      nodes = { api = { service = "1ms" }, db = { service = { kind = "exponential", mean = "2ms" } } },
    },
    workload = { executor = "constant-arrival-rate", rate = RATE, duration = "60s" },
    scenarios = scenarios,
    options = { seed = 51 },
  }
end

t:step("Predict how often two writers overlap")
t:say("%d requests/s, %s of them on one hot row: %d writes/s there, each with a %s read-modify-write window.",
      RATE, tutorial.pct(HOT_SHARE, 0), hot_rate, tutorial.ms(WINDOW))
t:say("P(another write inside the window) = 1 - e^(-%d x %g) = %s; per request %s.",
      hot_rate, WINDOW, tutorial.pct(p_hot, 2), tutorial.pct(p, 2))
t:number("hot_rate", ("%d"):format(hot_rate))
t:number("p_hot", tutorial.pct(p_hot, 2))
t:number("p_request", tutorial.pct(p, 2))

t:step("Run without the race, then with it (no protection)")
local _, base = tutorial.simulate(test(nil))
local race_report, race = tutorial.simulate(test("none"))
t:picture("01-race-conditions-none", race_report, { "summary", "diagnosis" })
local writes = tutorial.component(race, "db").arrivals
local lost = tutorial.effect_count(race, "double-write", "lost_write")
local lost_share = lost / writes
t:say("%s writes, %s of them lost (%s); %s requests failed.", tutorial.count(writes), tutorial.count(lost),
      tutorial.pct(lost_share, 2), tutorial.count(race.requests.failed))
t:number("writes", tutorial.count(writes))
t:number("lost", tutorial.count(lost))
t:number("lost_share", tutorial.pct(lost_share, 2))
t:number("p99_base", tutorial.ms(base.latency.p99, 1))
t:number("p99_race", tutorial.ms(race.latency.p99, 1))
t:claim("about " .. tutorial.pct(p, 2) .. " of writes are lost (within 15% of the prediction)",
        tutorial.pct(lost_share, 2), math.abs(lost_share - p) / p < 0.15)
t:claim("not one request fails while updates vanish", tutorial.count(race.requests.failed), race.requests.failed == 0)
t:claim("p99 latency does not move (within 2%)",
        tutorial.ms(base.latency.p99, 1) .. " -> " .. tutorial.ms(race.latency.p99, 1),
        math.abs(race.latency.p99 - base.latency.p99) / base.latency.p99 < 0.02)
t:claim("only the database's anomaly count shows the race",
        tutorial.count(tutorial.component(race, "db").anomalies), tutorial.component(race, "db").anomalies == lost and lost > 0)

t:step("Mitigate: a version check turns lost updates into 409s")
local optimistic_report, optimistic = tutorial.simulate(test("optimistic"))
t:picture("01-race-conditions-optimistic", optimistic_report, { "summary", "diagnosis" })
local conflict_share = optimistic.requests.failed / optimistic.requests.completed
t:say("With optimistic protection: %s lost, %s of requests answered 409.",
      tutorial.count(tutorial.effect_count(optimistic, "double-write", "lost_write")), tutorial.pct(conflict_share, 2))
t:number("conflict_share", tutorial.pct(conflict_share, 2))
t:claim("no update is lost with a version check", "0",
        tutorial.effect_count(optimistic, "double-write", "lost_write") == 0)
t:claim("the same share now fails visibly with 409 (within 15% of the prediction)",
        tutorial.pct(conflict_share, 2),
        math.abs(conflict_share - p) / p < 0.15 and (optimistic.requests.by_status["409"] or 0) == optimistic.requests.failed)

t:finish()
