-- Tutorial 02-02: stale-while-revalidate against recompute-on-miss and single flight.
-- Page: docs/tutorials/02-cache-strategies/02-stale-while-revalidate.md
--
--   syslab-lua scripts/tutorials/02-cache-strategies/02-stale-while-revalidate.lua [--check] [--numbers] [--html DIR]
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local syslab = require "syslab"
local tutorial = require "tutorial"
local t = tutorial.new("02-cache-strategies/02-stale-while-revalidate")

-- One hot key (a home page, a price list): it expires every TTL seconds and
-- takes RECOMPUTE seconds to rebuild from the database.
local RATE, TTL, RECOMPUTE, DURATION = 200, 5, 0.5, 60
local MODES = { "none", "single_flight", "stale_while_revalidate" }

local function stampede(protection)
  return { key_ttl_seconds = TTL, recompute_ms = RECOMPUTE * 1000, protection = protection,
           target = { tags = { "api" } } }
end

--- Lens 1, the live service: the registry a service's middleware asks on
--- every request, on a manual clock, fed the same Poisson arrivals per mode.
--- Returns what the decisions did and the scenario's own metrics.
local function decisions(protection)
  local registry = syslab.registry { manual_clock = true, seed = 1 }
  assert(registry:enable("cache-stampede", stampede(protection)))
  local arrivals = syslab.random(7)
  local now, seen = 0, { requests = 0, waited = 0, wait_sum = 0, max_wait = 0, stale = 0, max_age = 0 }
  while true do
    local gap = arrivals:exponential(1 / RATE)
    if now + gap >= DURATION then break end
    registry:advance(gap)
    now = now + gap
    seen.requests = seen.requests + 1
    for _, e in ipairs(registry:decide { route = "/home", method = "GET", component = "backend", tags = { "api" } }) do
      if e.kind == "delay" then
        seen.waited, seen.wait_sum = seen.waited + 1, seen.wait_sum + e.seconds
        seen.max_wait = math.max(seen.max_wait, e.seconds)
      elseif e.kind == "stale_read" then
        seen.stale, seen.max_age = seen.stale + 1, math.max(seen.max_age, e.seconds)
      end
    end
  end
  local metrics = registry:metrics()
  local function counter(name)
    return tonumber(metrics:match(name .. '{scenario="cache%-stampede"} ([%d%.e+]+)')) or 0
  end
  seen.backend = counter("cache_backend_queries_total")
  registry:close()
  return seen
end

--- Lens 2, the load test: the same scenario in the simulator, on the API node
--- in front of Postgres; the report's p99 shows what users feel.
local function load_test(protection)
  local report, r = tutorial.simulate {
    system = {
      topology = {
        name = "home", route = "/home",
        nodes = { { id = "api", kind = "backend" }, { id = "db", kind = "postgres" } },
        edges = { { from = "api", to = "db" } },
      },
      nodes = { api = { servers = 200, service = "5ms" },
                db = { servers = 20, service = { kind = "lognormal", mean = "10ms", stddev = "3ms" } } },
    },
    workload = { executor = "constant-arrival-rate", rate = RATE, duration = DURATION },
    -- protection nil: the same system without the scenario (the baseline)
    scenarios = protection and { { name = "cache-stampede", params = stampede(protection) } } or nil,
    options = { seed = 5 },
  }
  return r, report
end

local windows = math.ceil(DURATION / TTL)            -- the key expires at 0, TTL, 2 TTL, ...
local predicted_misses = RATE * RECOMPUTE * windows   -- requests that arrive inside a recompute window

t:step("Predict: how many requests arrive while the value is being recomputed?")
t:say("rate x recompute time x windows = %d/s x %.1f s x %d = %d requests", RATE, RECOMPUTE, windows, predicted_misses)
t:number("windows", tostring(windows))
t:number("predicted_in_window", tutorial.count(predicted_misses))

local seen = {}
for _, mode in ipairs(MODES) do seen[mode] = decisions(mode) end
local none, single, swr = seen.none, seen.single_flight, seen.stale_while_revalidate

t:step("Measure the three policies on the live decision path (registry:decide, 60 s of arrivals)")
for _, mode in ipairs(MODES) do
  local s = seen[mode]
  t:say("%-24s backend queries %5d   requests that waited %5d (mean %3.0f ms)   stale answers %5d",
    mode, s.backend, s.waited, s.waited > 0 and s.wait_sum / s.waited * 1000 or 0, s.stale)
end
t:number("none_backend", tutorial.count(none.backend))
t:number("none_waited", tutorial.count(none.waited))
t:number("single_backend", tutorial.count(single.backend))
t:number("single_waited", tutorial.count(single.waited))
t:number("single_mean_wait", tutorial.ms(single.wait_sum / math.max(1, single.waited)))
t:number("swr_backend", tutorial.count(swr.backend))
t:number("swr_stale", tutorial.count(swr.stale))
t:number("swr_max_age", tutorial.fixed(swr.max_age, 2) .. " s")

t:claim("without protection every request in a recompute window queries the backend (within 10% of rate x recompute x windows)",
  tutorial.count(none.backend) .. " vs " .. tutorial.count(predicted_misses) .. " predicted",
  math.abs(none.backend - predicted_misses) <= 0.1 * predicted_misses and none.backend == none.waited)
t:claim("and each of them waits the full rebuild time",
  ("mean %s, longest %s"):format(tutorial.ms(none.wait_sum / math.max(1, none.waited)), tutorial.ms(none.max_wait)),
  none.waited > 0 and math.abs(none.wait_sum / none.waited - RECOMPUTE) < 1e-6 and math.abs(none.max_wait - RECOMPUTE) < 1e-6)
t:claim("neither recompute-on-miss nor single flight serves a stale answer",
  ("%d and %d stale answers"):format(none.stale, single.stale), none.stale == 0 and single.stale == 0)
t:claim("single flight sends one backend query per expiry window",
  tutorial.count(single.backend) .. " queries, " .. windows .. " windows", single.backend == windows)
t:claim("with single flight the other requests in the window still wait, half the recompute time on average",
  tutorial.ms(single.wait_sum / math.max(1, single.waited)) .. " mean wait over " .. single.waited .. " requests",
  single.waited > 0 and math.abs(single.wait_sum / single.waited - RECOMPUTE / 2) < 0.1 * RECOMPUTE)
t:claim("stale-while-revalidate also sends one backend query per window, and no request waits",
  ("%d queries, %d waited"):format(swr.backend, swr.waited), swr.backend == windows and swr.waited == 0)
t:claim("the price: every request in the window gets a value up to TTL + recompute old",
  ("%d stale answers, oldest %.2f s"):format(swr.stale, swr.max_age),
  swr.stale == none.waited and swr.max_age <= TTL + RECOMPUTE and swr.max_age > TTL)

t:step("What users feel: the same three policies in a load test")
local p99 = {}
for _, mode in ipairs(MODES) do
  local r, report = load_test(mode)
  p99[mode] = r.latency.p99
  -- the pictures: the recompute windows in the latency chart, with and without a stale answer
  local picture = ({ none = "02-stale-while-revalidate-none", stale_while_revalidate = "02-stale-while-revalidate-swr" })[mode]
  if picture then t:picture(picture, report, { "phases", "latency" }) end
  t:say("%-24s p99 %6.1f ms", mode, p99[mode] * 1000)
end
local baseline = load_test(nil).latency.p99
t:say("%-24s p99 %6.1f ms", "(no expiry at all)", baseline * 1000)
t:number("p99_baseline", tutorial.fixed(baseline * 1000, 1) .. " ms")
t:number("p99_none", tutorial.ms(p99.none))
t:number("p99_single", tutorial.ms(p99.single_flight))
t:number("p99_swr", tutorial.fixed(p99.stale_while_revalidate * 1000, 1) .. " ms")
t:claim("without protection p99 exceeds the recompute time",
  tutorial.ms(p99.none), p99.none > RECOMPUTE)
t:claim("single flight still leaves p99 above 80% of the recompute time (the waiters)",
  tutorial.ms(p99.single_flight), p99.single_flight > 0.8 * RECOMPUTE)
t:claim("stale-while-revalidate keeps p99 within 10% of a system whose key never expires: nobody waits for the recompute",
  ("%.1f ms vs %.1f ms"):format(p99.stale_while_revalidate * 1000, baseline * 1000),
  math.abs(p99.stale_while_revalidate - baseline) <= 0.1 * baseline)
t:finish()
