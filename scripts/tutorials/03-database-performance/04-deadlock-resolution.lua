-- Tutorial 03-04: deadlocks: victims, detection time and retries.
-- Page: docs/tutorials/03-database-performance/04-deadlock-resolution.md
--
--   syslab-lua scripts/tutorials/03-database-performance/04-deadlock-resolution.lua [--check] [--numbers] [--html DIR]
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local t = tutorial.new("03-database-performance/04-deadlock-resolution")

local RATE, P, QUERY, DB_SERVERS, DURATION = 200, 0.05, 0.005, 32, 120

-- A transfer service: each request runs one transaction on Postgres. The
-- deadlock scenario makes an attempt a deadlock victim with probability P;
-- the database notices after detection_ms (Postgres's deadlock_timeout) and
-- aborts it; the application retries a victim up to max_retries times.
local function transfers(detection_ms, max_retries)
  return {
    system = {
      topology = {
        name = "transfers", route = "/transfers", method = "POST",
        nodes = { { id = "api", kind = "backend" }, { id = "db", kind = "postgres" } },
        edges = { { from = "api", to = "db" } },
      },
      nodes = { api = { servers = 1000, service = "1ms" }, db = { servers = DB_SERVERS, service = QUERY } },
    },
    workload = { executor = "constant-arrival-rate", rate = RATE, duration = DURATION },
    scenarios = { { name = "deadlock", params = { probability = P, detection_ms = detection_ms, max_retries = max_retries } } },
    options = { seed = 6 },
  }
end

local function measure(detection_ms, max_retries)
  local report, r = tutorial.simulate(transfers(detection_ms, max_retries))
  local db = tutorial.component(r, "db")
  return {
    report = report,
    victims = tutorial.effect_count(r, "deadlock", "lock_wait") / r.requests.completed,
    failure_rate = r.requests.failure_rate, failed = r.requests.failed,
    p90 = r.latency.p90, p99 = r.latency.p99, busy = db.utilisation * DB_SERVERS,
  }
end

t:step("Deadlocks with no retry: every victim is an error")
local none = measure(1000, 0)
t:picture("04-deadlock-no-retry", none.report, { "latency", "components" })
t:say("%.1f%% of transactions were victims; failure rate %.2f%%; p90 %.1f ms, p99 %.0f ms",
  none.victims * 100, none.failure_rate * 100, none.p90 * 1000, none.p99 * 1000)
t:number("none_victims", tutorial.pct(none.victims))
t:number("none_failures", tutorial.pct(none.failure_rate, 2))
t:number("none_p90", tutorial.fixed(none.p90 * 1000, 1) .. " ms")
t:number("none_p99", tutorial.ms(none.p99))
t:claim("about 5% of transactions become deadlock victims (within 20%)", tutorial.pct(none.victims),
  math.abs(none.victims - P) <= 0.2 * P)
t:claim("without retries the failure rate is the victim rate (within 20% of 5%)", tutorial.pct(none.failure_rate, 2),
  math.abs(none.failure_rate - P) <= 0.2 * P)
t:claim("p90 is untouched while p99 includes the 1 s detection time",
  ("p90 %.1f ms, p99 %.0f ms"):format(none.p90 * 1000, none.p99 * 1000), none.p90 < 0.050 and none.p99 >= 1.0)

t:step("Mitigation 1: retry deadlock victims (max_retries = 2)")
local retried = measure(1000, 2)
t:say("failure rate %.3f%% (%d failed); theory: a request fails only if all 3 attempts are victims, P^3 = %.4f%%",
  retried.failure_rate * 100, retried.failed, P ^ 3 * 100)
t:number("retry_failures", tutorial.pct(retried.failure_rate, 3))
t:number("retry_failed", tutorial.count(retried.failed))
t:number("p_cubed", tutorial.pct(P ^ 3, 4))
t:claim("retrying victims twice cuts the failure rate below 0.1% (theory: P^3)", tutorial.pct(retried.failure_rate, 3),
  retried.failure_rate < 0.001)
-- Little's law on the database: busy servers = arrival rate x time each
-- request holds one. A victim holds its server for the detection time; each
-- retry runs the query once more.
local victims_per_request = P + P ^ 2 + P ^ 3            -- attempts that deadlock (at most 3)
local retries_per_request = P + P ^ 2                    -- retries (at most 2)
local predicted_busy = RATE * (QUERY * (1 + retries_per_request) + victims_per_request * 1.0)
t:say("database servers busy: %.2f (Little's law predicts %.2f: most of it is victims waiting for the detector)",
  retried.busy, predicted_busy)
t:number("busy", tutorial.fixed(retried.busy, 1))
t:number("busy_predicted", tutorial.fixed(predicted_busy, 1))
t:claim("victims waiting for detection hold database servers as Little's law predicts (within 15%)",
  ("%.2f vs %.2f"):format(retried.busy, predicted_busy), math.abs(retried.busy - predicted_busy) <= 0.15 * predicted_busy)

t:step("Mitigation 2: detect sooner (deadlock_timeout 1 s -> 200 ms)")
local fast = measure(200, 2)
t:picture("04-deadlock-retry-fast-detection", fast.report, { "latency", "components" })
t:say("p99 %.0f ms (was %.0f ms)", fast.p99 * 1000, retried.p99 * 1000)
t:number("retry_p99", tutorial.ms(retried.p99))
t:number("fast_p99", tutorial.ms(fast.p99))
t:claim("a 200 ms detection time cuts p99 to under 25% of the 1 s detection's",
  ("%.0f ms vs %.0f ms"):format(fast.p99 * 1000, retried.p99 * 1000), fast.p99 < 0.25 * retried.p99)
t:finish()
