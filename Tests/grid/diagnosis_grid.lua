-- The diagnosis grid: does the first finding of a load test's diagnosis name
-- the component a scenario was aimed at, and the right kind of cause, from
-- observations alone? Run by `make test-grid` (part of `make test`).
--
--   syslab-lua Tests/grid/diagnosis_grid.lua [--set own|heldout] [--seed N]
--       [--templates a,b,c] [--duration S] [--verbose]
--
-- For each template: a quiet control run sizes the load (the busiest node at
-- about 40% utilisation, and runs long enough for 150 requests a third) and
-- lists the components; then each scenario kind
-- is aimed at a seeded random component where it applies, switched on for
-- the middle third of the run. Controls: no scenario; an inert scenario
-- (fixed-latency of 0 ms); the inert scenario while the load triples.
--
-- Among cells where users saw a symptom (the middle third against the first:
-- p99 ×1.5 with the mean ×1.1, or the mean ×1.25, or 1 point more failures,
-- or requests that never completed), the first finding must name the target
-- in >= 90% and the kind of cause in >= 90%; the controls must have no
-- warning or critical finding; under tripled load the diagnosis must name the
-- load change, lead with it, and name no inert scenario in >= 95% of runs.
-- The script exits non-zero when a threshold is missed.
local syslab = require "syslab"

-- Templates: the project's own grid and a held-out grid of others.
local SETS = {
  own = { "simple", "redis-cache", "stripe-api", "api-gateway-microservices", "load-balanced-api", "search-sync",
          "graphql-federation", "grpc-interservice", "saga-pattern", "oauth-login", "background-jobs", "cdc-pipeline",
          "feature-flag-rollout", "read-replicas", "database-sharding", "bulkhead-isolation" },
  heldout = { "upload-s3", "rag-pipeline", "realtime-chat", "ai-agent-tools", "cqrs-event-sourcing", "webhook-receiver",
              "secrets-management", "rabbitmq-work-queue", "product-analytics", "lambda-api-gateway",
              "dynamodb-single-table", "rate-limiting", "jwt-idor", "zero-downtime-migration", "circuit-breaker",
              "service-mesh-istio", "mtls-service-to-service", "kafka-fanout" },
}

local set, seed, duration, verbose, only = "own", 1, 36, false, nil
local i = 1
while i <= #arg do
  local a = arg[i]
  if a == "--set" then set = arg[i + 1]; i = i + 1
  elseif a == "--seed" then seed = assert(math.tointeger(tonumber(arg[i + 1])), "--seed needs an integer"); i = i + 1
  elseif a == "--duration" then duration = assert(tonumber(arg[i + 1]), "--duration needs seconds"); i = i + 1
  elseif a == "--templates" then only = {}; for t in arg[i + 1]:gmatch("[^,]+") do only[#only + 1] = t end; i = i + 1
  elseif a == "--verbose" then verbose = true
  else error("usage: diagnosis_grid.lua [--set own|heldout] [--seed N] [--templates a,b] [--duration S] [--verbose]", 0) end
  i = i + 1
end
local templates = only or assert(SETS[set], "--set must be own or heldout")
-- Each template's run lasts `duration` seconds, or longer at low rates, so
-- each third has at least 150 requests to compare.
local third = duration / 3

-- Component categories from the catalogue: clients are the load generator's
-- side; data stores take the database scenarios.
local category = {}
for _, group in ipairs(syslab.tracing.components().categories) do
  for _, c in ipairs(group.components) do category[c.id] = group.id end
end
assert(category.postgres == "data-stores" and category.frontend == "clients", "component catalogue layout changed")
local function isDataStore(kind) return category[kind] == "data-stores" or kind == "s3" or kind == "dynamodb" end

-- A random stream per (seed, template, kind), the same on every machine.
local function rng(...)
  local h = seed * 1000003
  for _, s in ipairs { ... } do
    for k = 1, #s do h = (h * 31 + s:byte(k)) % 2147483647 end
  end
  local state = h
  return function(n)  -- 1..n (a Lehmer generator: portable and seeded)
    state = (state * 48271) % 2147483647
    return state % n + 1
  end
end

local function run(test)
  local report, message = syslab.simulate(test)
  if not report then error("simulate failed: " .. tostring(message), 0) end
  return report:table(), report:diagnosis()
end

local function system(template) return { template = template } end

local function constant(rate)
  return { executor = "constant-arrival-rate", rate = rate, timeUnit = "1s", duration = ("%gs"):format(3 * third) }
end

-- The load triples for the middle third (1 s ramps at its edges).
local function tripled(rate)
  return { executor = "ramping-arrival-rate", startRate = rate, timeUnit = "1s", stages = {
    { target = rate, duration = ("%gs"):format(third) },
    { target = 3 * rate, duration = "1s" }, { target = 3 * rate, duration = ("%gs"):format(third - 1) },
    { target = rate, duration = "1s" }, { target = rate, duration = ("%gs"):format(third - 1) },
  } }
end

local function scheduled(name, params, target)
  params.target = { tags = { target } }
  return { { name = name, at = ("%gs"):format(third), duration = ("%gs"):format(third), params = params } }
end

-- Scenario kinds: where each applies, its parameters (sized from the node's
-- arrival rate in the control where a capacity is involved) and the kinds of
-- finding that name its cause.
local KINDS = {
  { name = "fixed-latency", applies = "any", expect = { ["latency-origin"] = true },
    params = function() return { delay_ms = 300 } end },
  { name = "tail-latency", applies = "any", expect = { ["latency-origin"] = true },
    params = function() return { base_ms = 50, tail_probability = 0.05, tail_ms = 1000 } end },
  { name = "error-burst", applies = "any", expect = { ["error-origin"] = true },
    params = function() return { probability = 0.2 } end },
  { name = "503-backpressure", applies = "any", expect = { ["pool-exhaustion"] = true, saturation = true },
    params = function(node) return { capacity_rps = math.max(0.5, node.arrival_rate * 0.6), queue_limit = 5 } end },
  { name = "network-partition", applies = "any", expect = { unreachable = true },
    params = function(_, pick) return { cross_fraction = 0.5, behaviour = ({ "timeout", "error" })[pick(2)], connect_timeout_ms = 1000 } end },
  { name = "thread-pool-exhaustion", applies = "any", expect = { ["pool-exhaustion"] = true, ["latency-origin"] = true },
    params = function(node)
      -- Threads for 60% of the arrivals at 200 ms each: a queue, then 503s after 1 s.
      return { threads = math.max(1, math.floor(node.arrival_rate * 0.2 * 0.6)), blocking_ms = 200, queue_timeout_ms = 1000 }
    end },
  { name = "connection-pool-exhaustion", applies = "data", expect = { ["pool-exhaustion"] = true },
    params = function(node)
      local size = 2
      return { pool_size = size, hold_ms = math.max(1, 1000 * size / (node.arrival_rate * 0.6)), acquire_timeout_ms = 1000 }
    end },
  { name = "slow-db-query", applies = "data", expect = { ["latency-origin"] = true },
    params = function() return { delay_ms = 300, stddev_ms = 50 } end },
}

local function phaseOf(r, k) return r.phases[k] end

-- Whether users saw a symptom in the middle third, against the first.
local function visible(r)
  local before, during = phaseOf(r, 1), phaseOf(r, 2)
  if not during then return false end
  if during.requests == 0 then return during.started > 0 end
  if before.requests == 0 then return false end
  local p99 = during.latency.p99 / math.max(before.latency.p99, 1e-9)
  local mean = during.latency.mean / math.max(before.latency.mean, 1e-9)
  local failed = (during.failure_rate or 0) - (before.failure_rate or 0)
  return (p99 >= 1.5 and mean >= 1.1) or mean >= 1.25 or failed >= 0.01
end

local function serious(findings)
  local n = {}
  for _, f in ipairs(findings) do if f.severity ~= "info" then n[#n + 1] = f end end
  return n
end

local totals = { visible = 0, top = 0, kind = 0, cells = 0, controls = 0, falsePositives = 0, load = 0, loadPassed = 0 }
local byKind = {}
local misses = {}

for _, template in ipairs(templates) do
  -- Size the load: the busiest limited node at about 40% utilisation. A
  -- saturated probe says only "too much", and a short one undercounts slow
  -- nodes, so it probes again at the rate it computed until it lands near 40%.
  local rate = 20
  for _ = 1, 6 do
    local probe = run { system = system(template), options = { seed = seed },
                        workload = { executor = "constant-arrival-rate", rate = rate, timeUnit = "1s", duration = "30s" } }
    local busiest = 0
    for _, c in ipairs(probe.components) do
      if type(c.utilisation) == "number" and c.utilisation > busiest then busiest = c.utilisation end
    end
    local next = busiest >= 0.9 and rate / 4 or math.min(150, rate * 0.4 / math.max(busiest, 1e-6))
    local settled = math.abs(next - rate) <= 0.15 * rate
    rate = math.max(1, next)
    if settled then break end
  end
  rate = math.floor(rate * 10 + 0.5) / 10
  third = math.max(duration, 450 / rate) / 3

  local control, controlFindings = run { system = system(template), workload = constant(rate), options = { seed = seed } }
  local nodes = {}
  for _, c in ipairs(control.components) do
    if c.arrivals > 0 and category[c.kind] ~= "clients" then nodes[#nodes + 1] = c end
  end
  local function count(findings, label)
    totals.controls = totals.controls + 1
    local bad = serious(findings)
    if #bad > 0 then
      totals.falsePositives = totals.falsePositives + 1
      misses[#misses + 1] = ("%s %s control: %s"):format(template, label, bad[1].title)
    end
  end
  count(controlFindings, "no-scenario")

  -- The inert scenario, and the same while the load triples.
  local pick = rng(template, "inert")
  local inertTarget = nodes[pick(#nodes)].id
  local _, inertFindings = run { system = system(template), workload = constant(rate), options = { seed = seed },
                                 scenarios = scheduled("fixed-latency", { delay_ms = 0 }, inertTarget) }
  count(inertFindings, "inert")
  local _, loadFindings = run { system = system(template), workload = tripled(rate), options = { seed = seed },
                                scenarios = scheduled("fixed-latency", { delay_ms = 0 }, inertTarget) }
  totals.load = totals.load + 1
  local named, blamed = false, false
  for _, f in ipairs(loadFindings) do
    if f.kind == "load-change" then named = true end
    if (f.title .. f.evidence):find("fixed-latency", 1, true) then blamed = true end
  end
  local lead = serious(loadFindings)[1]
  if lead and lead.kind ~= "load-change" then blamed = true end
  if named and not blamed then totals.loadPassed = totals.loadPassed + 1
  else misses[#misses + 1] = ("%s tripled load: %s"):format(template, lead and lead.title or (named and "?" or "load change not named")) end

  for _, kind in ipairs(KINDS) do
    local candidates = {}
    for _, c in ipairs(nodes) do
      if kind.applies == "any" or isDataStore(c.kind) then candidates[#candidates + 1] = c end
    end
    if #candidates > 0 then
      local pickKind = rng(template, kind.name)
      local target = candidates[pickKind(#candidates)]
      local r, findings = run { system = system(template), workload = constant(rate), options = { seed = seed },
                                scenarios = scheduled(kind.name, kind.params(target, pickKind), target.id) }
      totals.cells = totals.cells + 1
      local stats = byKind[kind.name] or { cells = 0, visible = 0, top = 0, kind = 0 }
      byKind[kind.name] = stats
      stats.cells = stats.cells + 1
      if verbose then
        local first = findings[1]
        io.stderr:write(("  %-26s @%-16s visible=%-5s first: %s\n"):format(kind.name, target.id, tostring(visible(r)),
          first and ("[" .. first.severity .. " " .. first.kind .. " " .. tostring(first.node) .. "] " .. first.title) or "none"))
      end
      if visible(r) then
        totals.visible = totals.visible + 1
        stats.visible = stats.visible + 1
        local first = findings[1]
        local top = first and first.node == target.id
        local right = first and kind.expect[first.kind]
        if top then totals.top = totals.top + 1; stats.top = stats.top + 1 end
        if right then totals.kind = totals.kind + 1; stats.kind = stats.kind + 1 end
        if not (top and right) then
          misses[#misses + 1] = ("%s %s@%s: first finding %s"):format(template, kind.name, target.id,
            first and ("[" .. first.kind .. "] " .. first.title) or "none")
        end
      end
    end
  end
  if verbose then io.stderr:write(("%s: rate %g/s for %g s, %d components\n"):format(template, rate, 3 * third, #nodes)) end
end

local function rate(part, whole) return whole > 0 and part / whole or 1 end
local function pct(x) return ("%.1f%%"):format(x * 100) end

print(("diagnosis grid: set %s, seed %d, %d templates, runs of at least %g s"):format(only and "custom" or set, seed, #templates, duration))
print(("%-28s %6s %8s %7s %7s"):format("scenario", "cells", "visible", "top-1", "kind"))
for _, kind in ipairs(KINDS) do
  local s = byKind[kind.name]
  if s then print(("%-28s %6d %8d %7s %7s"):format(kind.name, s.cells, s.visible, pct(rate(s.top, s.visible)), pct(rate(s.kind, s.visible)))) end
end
local top, kindRate = rate(totals.top, totals.visible), rate(totals.kind, totals.visible)
local fp, load = rate(totals.falsePositives, totals.controls), rate(totals.loadPassed, totals.load)
print(("%-28s %6d %8d %7s %7s"):format("all", totals.cells, totals.visible, pct(top), pct(kindRate)))
print(("controls: %d runs, %d with a warning or critical finding (false-positive rate %s)"):format(totals.controls, totals.falsePositives, pct(fp)))
print(("tripled load: %d of %d runs name the load change and blame no inert scenario (%s)"):format(totals.loadPassed, totals.load, pct(load)))
if #misses > 0 then
  print("misses:")
  for _, m in ipairs(misses) do print("  " .. m) end
end

local failures = {}
if totals.visible == 0 then failures[#failures + 1] = "no cell had a visible symptom" end
if top < 0.9 then failures[#failures + 1] = "top-1 " .. pct(top) .. " < 90%" end
if kindRate < 0.9 then failures[#failures + 1] = "kind " .. pct(kindRate) .. " < 90%" end
if totals.falsePositives > 0 then failures[#failures + 1] = totals.falsePositives .. " control(s) with a warning or critical finding" end
if load < 0.95 then failures[#failures + 1] = "tripled load " .. pct(load) .. " < 95%" end
if #failures > 0 then
  io.stderr:write("diagnosis grid FAILED: " .. table.concat(failures, "; ") .. "\n")
  os.exit(1)
end
print("diagnosis grid: passed")
