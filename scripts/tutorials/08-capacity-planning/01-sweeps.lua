-- Tutorial 08-01: capacity planning with sweeps, checked against Erlang C.
-- Page: docs/tutorials/08-capacity-planning/01-sweeps.md
--
--   syslab-lua scripts/tutorials/08-capacity-planning/01-sweeps.lua [--check] [--numbers] [--html DIR]
local dir = arg and arg[0] and arg[0]:match("^(.*)[/\\]") or "."
package.path = dir .. "/../lib/?.lua;" .. package.path
local tutorial = require "tutorial"
local syslab = require "syslab"
local t = tutorial.new("08-capacity-planning/01-sweeps")

local RATE, SERVICE, TARGET_MS, DURATION, REPLICAS = 300, 0.020, 110, 120, 3
local SERVERS = { 6, 7, 8, 9, 10, 11, 12, 14, 16 }
local RATES = {}
for r = 100, 380, 20 do RATES[#RATES + 1] = r end

-- A checkout service: one node, `servers` requests worked on at once,
-- exponential work of mean SERVICE per request, Poisson arrivals. That is
-- an M/M/c queue, so queueing theory knows the answer.
local function checkout(servers)
  return {
    system = {
      topology = { name = "checkout", route = "/checkout", nodes = { { id = "checkout", kind = "backend" } } },
      nodes = { checkout = { servers = servers, service = { kind = "exponential", mean = SERVICE } } },
    },
    workload = { executor = "constant-arrival-rate", rate = RATE, duration = DURATION },
    options = { seed = 2026 },
  }
end

-- Erlang C's p99 of the response time W = Wq + S at an M/M/c station: with
-- probability 1 - C the request starts at once (W = S, exponential with rate
-- mu); otherwise it waits an exponential time of rate c mu - lambda first.
local function p99_theory(lambda, c)
  local mu, a = 1 / SERVICE, lambda * SERVICE
  if a >= c then return math.huge end
  local C, theta = tutorial.erlang_c(c, a), c * mu - lambda
  local function tail(x)   -- P(W > x)
    local both = math.abs(mu - theta) < 1e-9 and (1 + mu * x) * math.exp(-mu * x)
      or (mu * math.exp(-theta * x) - theta * math.exp(-mu * x)) / (mu - theta)
    return (1 - C) * math.exp(-mu * x) + C * both
  end
  local lo, hi = 0, 100
  for _ = 1, 200 do
    local mid = (lo + hi) / 2
    if tail(mid) > 0.01 then lo = mid else hi = mid end
  end
  return lo
end

local function mean_by(rows, key, figure)
  local sums, counts = {}, {}
  for _, r in ipairs(rows) do
    sums[r[key]] = (sums[r[key]] or 0) + r[figure]
    counts[r[key]] = (counts[r[key]] or 0) + 1
  end
  for k, v in pairs(sums) do sums[k] = v / counts[k] end
  return sums
end

local load = RATE * SERVICE
t:step("The offered load")
t:say("a = lambda x S = %d/s x %.0f ms = %.0f Erlangs: at least %d servers keep the queue finite", RATE, SERVICE * 1000, load, load + 1)
t:number("load", tutorial.fixed(load, 0))

t:step(("Sweep the servers, %d seeded replicas each"):format(REPLICAS))
local rows = assert(syslab.sweep(checkout(8), { ["system.nodes.checkout.servers"] = SERVERS }, { replicas = REPLICAS, quiet = true }))
local p99 = mean_by(rows, "system.nodes.checkout.servers", "p99_ms")
local worst = {}
for _, r in ipairs(rows) do
  local c = r["system.nodes.checkout.servers"]
  worst[c] = math.max(worst[c] or 0, r.p99_ms)
end
t:say("%8s %14s %14s %16s", "servers", "p99 (mean)", "p99 (worst)", "p99 (Erlang C)")
local smallest_sweep, smallest_theory = nil, nil
local largest_gap = 0
for _, c in ipairs(SERVERS) do
  local theory = p99_theory(RATE, c) * 1000
  t:say("%8d %11.1f ms %11.1f ms %13s", c, p99[c], worst[c], theory == math.huge and "unbounded" or ("%.1f ms"):format(theory))
  if worst[c] < TARGET_MS and not smallest_sweep then smallest_sweep = c end
  if theory < TARGET_MS and not smallest_theory then smallest_theory = c end
  if c > load then
    t:number("p99_" .. c, tutorial.fixed(p99[c], 1) .. " ms")
    t:number("theory_" .. c, tutorial.fixed(theory, 1) .. " ms")
    largest_gap = math.max(largest_gap, math.abs(p99[c] - theory) / theory)
  end
end
t:number("runs_full", tostring(#rows))
t:number("largest_gap", tutorial.pct(largest_gap))
t:claim("for every stable pool size the sweep's p99 is within 5% of Erlang C's",
  "largest gap " .. tutorial.pct(largest_gap), largest_gap <= 0.05)
t:claim(("with %d servers (utilisation 100%%) p99 is far above the target"):format(load),
  tutorial.fixed(p99[load], 0) .. " ms", p99[load] > 3 * TARGET_MS)

t:step(("The smallest pool size with p99 under %d ms, by bisection"):format(TARGET_MS))
local found = assert(syslab.sweep_smallest(checkout(8), "system.nodes.checkout.servers", SERVERS,
  ("p99_ms < %d"):format(TARGET_MS), { replicas = REPLICAS }))
local tried = {}
for _, s in ipairs(found.steps) do tried[#tried + 1] = ("%d (%s)"):format(s.value, s.met and "met" or "not met") end
t:say("tried %s", table.concat(tried, ", "))
t:number("answer", tostring(found.value))
t:number("answer_theory", tostring(smallest_theory))
t:number("runs_bisection", tostring(#found.steps * REPLICAS))
t:claim("bisection finds the same pool size as the full sweep", ("%s vs %s"):format(found.value, smallest_sweep),
  found.value == smallest_sweep)
t:claim("Erlang C predicts the same pool size", ("%s vs %s"):format(found.value, smallest_theory), found.value == smallest_theory)
-- The pictures: a sweep keeps figures, not reports, so one more run of each
-- pool size shown (only when pictures are asked for: --html).
if t.html_dir then
  local saturated = math.floor(load + 0.5)
  t:picture("01-sweeps-" .. saturated .. "-servers", (tutorial.simulate(checkout(saturated))), { "summary", "latency" })
  t:picture("01-sweeps-" .. found.value .. "-servers", (tutorial.simulate(checkout(found.value))), { "summary", "latency" })
end
t:claim("bisection ran fewer simulations than the full sweep", ("%d vs %d"):format(#found.steps * REPLICAS, #rows),
  #found.steps * REPLICAS < #rows)

t:step(("How much load do %d servers take? The knee of the latency-load curve"):format(found.value))
local curve = assert(syslab.sweep(checkout(found.value), { ["workload.rate"] = RATES }, { replicas = REPLICAS, quiet = true }))
local knee = assert(syslab.sweep_knee(curve, "workload.rate", "p99_ms"))
local theory_rows = {}
for _, r in ipairs(RATES) do theory_rows[#theory_rows + 1] = { rate = r, p99 = p99_theory(r, found.value) * 1000 } end
local theory_knee = assert(syslab.sweep_knee(theory_rows, "rate", "p99"))
local by_rate = mean_by(curve, "workload.rate", "p99_ms")
t:say("knee at %d/s (utilisation %.0f%%), p99 %.1f ms there; Erlang C's curve bends at %d/s",
  knee.x, knee.x * SERVICE / found.value * 100, knee.y, theory_knee.x)
t:say("past it p99 climbs: %.1f ms at %d/s, %.1f ms at %d/s", by_rate[RATES[#RATES - 1]], RATES[#RATES - 1], by_rate[RATES[#RATES]], RATES[#RATES])
t:number("knee_rate", tostring(knee.x))
t:number("knee_utilisation", tutorial.pct(knee.x * SERVICE / found.value, 0))
t:number("knee_theory", tostring(theory_knee.x))
t:claim("the measured knee is within one step (20/s) of Erlang C's", ("%d/s vs %d/s"):format(knee.x, theory_knee.x),
  math.abs(knee.x - theory_knee.x) <= 20)
t:claim("at the planned load the pool runs below its knee", ("%d/s vs knee %d/s"):format(RATE, knee.x), RATE < knee.x)
t:finish()
