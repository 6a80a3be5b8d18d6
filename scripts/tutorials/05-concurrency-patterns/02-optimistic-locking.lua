-- 05-concurrency-patterns/02-optimistic-locking: version checks are free when
-- conflicts are rare and costly on hot rows; the collision formula predicts
-- both, and sharding the hot row is the fix.
-- docs/tutorials/05-concurrency-patterns/02-optimistic-locking.md
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local t = tutorial.new("05-concurrency-patterns/02-optimistic-locking")

local WRITERS, RETRIES, RETRY_MS = 8, 3, 10

-- One of the other writers-1 touches my row with probability 1 - (1 - 1/rows)^(writers - 1).
local function collision(rows) return 1 - (1 - 1 / rows) ^ (WRITERS - 1) end

local function run(rows)
  local report, r = tutorial.simulate {
    system = {
      topology = { name = "inventory", nodes = { { id = "api", kind = "backend" }, { id = "db", kind = "postgres" } },
                   edges = { { from = "api", to = "db" } } },
      nodes = { api = { service = "1ms" }, db = { service = { kind = "exponential", mean = "3ms" } } },
    },
    workload = { executor = "constant-arrival-rate", rate = 200, duration = "60s" },
    scenarios = { { name = "optimistic-locking-collision",
                    params = { concurrent_writers = WRITERS, hot_rows = rows, max_retries = RETRIES, retry_ms = RETRY_MS,
                               target = { tags = { "db" } } } } },
    options = { seed = 52 },
  }
  local n = r.requests.completed
  return r, tutorial.effect_count(r, "optimistic-locking-collision", "retry") / n, r.requests.failed / n, report
end

t:step("Ten hot rows, eight writers")
local p = collision(10)
local hot, retried, failed, hot_report = run(10)
t:picture("02-optimistic-locking-10-rows", hot_report, { "summary", "diagnosis" })
t:say("P(conflict) = 1 - (1 - 1/10)^7 = %s; after %d retries a request fails with P^%d = %s.",
      tutorial.pct(p, 1), RETRIES, RETRIES + 1, tutorial.pct(p ^ (RETRIES + 1), 1))
t:number("p_hot", tutorial.pct(p, 1))
t:number("fail_pred", tutorial.pct(p ^ (RETRIES + 1), 1))
t:number("retried_hot", tutorial.pct(retried, 1))
t:number("failed_hot", tutorial.pct(failed, 1))
t:number("p50_hot", tutorial.ms(hot.latency.p50, 1))
t:number("p99_hot", tutorial.ms(hot.latency.p99, 1))
t:claim("about " .. tutorial.pct(p, 0) .. " of requests retry at least once (within 5%)",
        tutorial.pct(retried, 1), math.abs(retried - p) / p < 0.05)
t:claim("about " .. tutorial.pct(p ^ (RETRIES + 1), 1) .. " fail with 409 after " .. RETRIES .. " retries (within 10%)",
        tutorial.pct(failed, 1), math.abs(failed - p ^ (RETRIES + 1)) / p ^ (RETRIES + 1) < 0.10
          and (hot.requests.by_status["409"] or 0) == hot.requests.failed)
t:claim("p99 carries three retries (over " .. 3 * RETRY_MS .. " ms) while p50 stays under 15 ms",
        tutorial.ms(hot.latency.p50, 1) .. " / " .. tutorial.ms(hot.latency.p99, 1),
        hot.latency.p99 > 3 * RETRY_MS / 1000 and hot.latency.p50 < 0.015)

t:step("Mitigate: shard the hot row into ten (one hundred rows)")
local q = collision(100)
local sharded, retried100, failed100, sharded_report = run(100)
t:picture("02-optimistic-locking-100-rows", sharded_report, { "summary", "diagnosis" })
t:number("p_sharded", tutorial.pct(q, 1))
t:number("retried_sharded", tutorial.pct(retried100, 1))
t:number("failed_sharded", tutorial.pct(failed100, 3))
t:number("p99_sharded", tutorial.ms(sharded.latency.p99, 1))
t:claim("conflicts fall to about " .. tutorial.pct(q, 1) .. " (within 10%)", tutorial.pct(retried100, 1),
        math.abs(retried100 - q) / q < 0.10)
t:claim("failures all but vanish (under 0.05%)", tutorial.pct(failed100, 3), failed100 < 0.0005)
t:claim("p99 halves: one retry at most reaches the tail (under 25 ms)", tutorial.ms(sharded.latency.p99, 1),
        sharded.latency.p99 < 0.025 and sharded.latency.p99 < 0.6 * hot.latency.p99)

t:finish()
