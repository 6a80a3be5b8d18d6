-- Fidelity of the simulator against queueing theory, on the release build,
-- through scripts/examples/mmc.lua: means within 2% and p99 within 5% of the
-- closed forms, averaged over 10 seeds of 1M customers each (one seed's mean
-- wait for M/M/c varies by about 2% on its own; ten put 2% beyond 3 sigma).
-- Little's law (L = lambda W) is checked on every single run.

local interpreter = (os.getenv("SYSLAB_BUILD") and os.getenv("SYSLAB_BUILD") .. "/syslab-lua") or arg[-1]
local script = "scripts/examples/mmc.lua"
local syslab = require "syslab"
local SEEDS, N = 10, 1000000

local function run(flags, seed)
  local command = ("%s %s %s --n %d --seed %d"):format(interpreter, script, flags, N, seed)
  local pipe = assert(io.popen(command))
  local out = pipe:read("a")
  local ok = pipe:close()
  assert(ok, "mmc.lua failed: " .. command)
  return assert(syslab.json_decode(out))
end

-- Closed forms -------------------------------------------------------------

local function erlang_c(c, a)           -- stable Erlang B recursion, then C
  local b = 1
  for k = 1, c do b = a * b / (k + a * b) end
  return c * b / (c - a * (1 - b))
end

local function hypoexp_tail(theta, mu, t)  -- P(Exp(theta) + Exp(mu) > t)
  if math.abs(theta - mu) < 1e-12 * mu then return math.exp(-mu * t) * (1 + mu * t) end
  return (theta * math.exp(-mu * t) - mu * math.exp(-theta * t)) / (theta - mu)
end

local function erlang_tail(k, r, t)     -- P(Erlang(k, r) > t)
  local term, sum = 1, 1
  for i = 1, k - 1 do term = term * r * t / i; sum = sum + term end
  return math.exp(-r * t) * sum
end

-- (r/s)^k P(Erlang(k, s) <= t) = e^{-st} (rt)^k/k! * sum_j (st)^j k!/(k+j)!, in
-- logs and as a series, since (r/s)^k overflows and 1 - P(Erlang > t) cancels.
local function scaled_erlang_cdf(k, r, s, t)
  if t <= 0 then return 0 end
  local log_fact = 0
  for i = 2, k do log_fact = log_fact + math.log(i) end
  local lead = math.exp(-s * t + k * math.log(r * t) - log_fact)
  local term, sum, j = 1, 1, 0
  repeat j = j + 1; term = term * s * t / (k + j); sum = sum + term until term < 1e-17 * sum
  return lead * sum
end

-- Bisection on P(W > t) = 1 - p. The bracket grows from `start` (the mean) so
-- the tail is never evaluated far out, where Erlang's M/D/1 sum cancels badly.
local function quantile(tail, p, start)
  local lo, hi = 0, start
  while tail(hi) > 1 - p do lo = hi; hi = hi * 2 end
  for _ = 1, 200 do
    local mid = (lo + hi) / 2
    if tail(mid) > 1 - p then lo = mid else hi = mid end
  end
  return (lo + hi) / 2
end

local function mmc(lam, mu, c)
  local C = erlang_c(c, lam / mu)
  local theta = c * mu - lam
  local wq = C / theta
  return { mean_wq = wq, mean_w = wq + 1 / mu, mean_l = lam * (wq + 1 / mu), blocking = 0,
    p99_w = quantile(function(t) return (1 - C) * math.exp(-mu * t) + C * hypoexp_tail(theta, mu, t) end, 0.99, wq + 1 / mu) }
end

local function md1(lam, mu)             -- Pollaczek-Khinchine; Erlang's exact Wq distribution
  local rho, d = lam / mu, 1 / mu
  local wq = rho / (2 * mu * (1 - rho))
  local function tail(t)
    local tq = t - d
    if tq < 0 then return 1 end
    local cdf, k, fact = 0, 0, 1
    while k * d <= tq do
      local x = lam * (k * d - tq)
      cdf = cdf + x ^ k / fact * math.exp(-x)
      k = k + 1; fact = fact * k
    end
    return 1 - (1 - rho) * cdf
  end
  return { mean_wq = wq, mean_w = wq + d, mean_l = lam * (wq + d), blocking = 0, p99_w = quantile(tail, 0.99, wq + d) }
end

local function mmck(lam, mu, c, K)      -- birth-death stationary distribution
  local a, w, total = lam / mu, { [0] = 1 }, 1
  for n = 1, K do w[n] = w[n - 1] * a / math.min(n, c); total = total + w[n] end
  local p, L = {}, 0
  for n = 0, K do p[n] = w[n] / total; L = L + n * p[n] end
  local blocking = p[K]
  local W = L / (lam * (1 - blocking))
  local r = c * mu
  local function tail(t)                -- an accepted arrival sees n < K (PASTA)
    local s = 0
    for n = 0, K - 1 do
      local seen = p[n] / (1 - blocking)
      if n < c then
        s = s + seen * math.exp(-mu * t)
      else                              -- Erlang(n-c+1, c mu) wait, then Exp(mu) service
        local k = n - c + 1
        s = s + seen * (erlang_tail(k, r, t) + math.exp(-mu * t) * scaled_erlang_cdf(k, r, r - mu, t))
      end
    end
    return s
  end
  return { mean_wq = W - 1 / mu, mean_w = W, mean_l = L, blocking = blocking, p99_w = quantile(tail, 0.99, W) }
end

-- Checks ---------------------------------------------------------------------

local failures = {}
local function check(model, flags, theory)
  local sums = { mean_wq = 0, mean_w = 0, mean_l = 0, p99_w = 0, blocking = 0 }
  for seed = 1, SEEDS do
    local r = run(flags, seed)
    assert(r.n == N, "n should count every arrival")
    -- Little's law on every run: L measured as an area equals lambda_eff * W.
    assert(r.littles_law_error < 1e-6, ("%s seed %d: Little's law off by %g"):format(model, seed, r.littles_law_error))
    for k in pairs(sums) do sums[k] = sums[k] + r[k] end
  end
  local line = { model }
  for _, k in ipairs { "mean_wq", "mean_w", "mean_l", "p99_w", "blocking" } do
    local measured, expected = sums[k] / SEEDS, theory[k]
    local tolerance = (k == "p99_w") and 0.05 or 0.02
    if expected > 0 then
      local err = math.abs(measured - expected) / expected
      line[#line + 1] = ("%s %.5g vs %.5g (%.2f%%)"):format(k, measured, expected, err * 100)
      if err > tolerance then
        failures[#failures + 1] = ("%s: %s = %.6g, theory %.6g, off by %.2f%% (limit %g%%)"):format(
          model, k, measured, expected, err * 100, tolerance * 100)
      end
    else
      assert(measured == 0, model .. ": " .. k .. " should be 0")
    end
  end
  print("  " .. table.concat(line, "  "))
end

check("M/M/1 rho=0.8", "--lam 80 --mu 100 --c 1", mmc(80, 100, 1))
check("M/M/4 rho=0.875", "--lam 350 --mu 100 --c 4", mmc(350, 100, 4))
check("M/D/1 rho=0.8", "--lam 80 --mu 100 --c 1 --service det", md1(80, 100))
check("M/M/4/10", "--lam 350 --mu 100 --c 4 --k 10", mmck(350, 100, 4, 10))

-- The closed forms agree with each other where they should.
local open, bounded = mmc(350, 100, 4), mmck(350, 100, 4, 400)
assert(math.abs(open.mean_w - bounded.mean_w) / open.mean_w < 1e-6)
assert(math.abs(open.p99_w - bounded.p99_w) / open.p99_w < 1e-6)
assert(math.abs(mmc(80, 100, 1).p99_w - math.log(100) / 20) < 1e-9)

-- M/G/1 with a heavy-ish lognormal service (mean 8 ms, sd 12 ms): the
-- Pollaczek-Khinchine mean Wq = lambda E[S^2] / (2 (1 - rho)).
do
  local lam, m, sd = 80, 0.008, 0.012
  local rho = lam * m
  local wq = lam * (sd * sd + m * m) / (2 * (1 - rho))
  local sum = 0
  for seed = 1, SEEDS do
    local r = assert(syslab.queue { lambda = lam, service = { kind = "lognormal", mean = m, stddev = sd },
                                    customers = N, seed = seed })
    assert(r.littles_law_error < 1e-6)
    sum = sum + r.mean_wq / SEEDS
  end
  local err = math.abs(sum - wq) / wq
  print(("  M/G/1 lognormal rho=0.64  mean_wq %.5g vs %.5g (%.2f%%)"):format(sum, wq, err * 100))
  if err > 0.02 then failures[#failures + 1] = ("M/G/1 mean Wq off by %.2f%%"):format(err * 100) end
end

-- The load-test engine itself: a one-node system under Poisson arrivals is
-- M/M/4, so the whole pipeline (workload, admission, service, statistics)
-- must agree with Erlang C too. Three seeds of about 1M requests each.
do
  local theory = mmc(350, 100, 4)
  local mean, p99 = 0, 0
  for seed = 1, 3 do
    local r = assert(syslab.simulate {
      system = { topology = { nodes = { { id = "station", kind = "backend" } } },
                 nodes = { station = { servers = 4, service = { kind = "exponential", mean = 0.01 } } } },
      workload = { executor = "constant-arrival-rate", rate = 350, duration = N / 350, timeout = "1h" },
      options = { seed = seed, traces = { head = 0 } },
    }):table()
    assert(r.requests.failed == 0)
    for _, entry in ipairs(r.littles_law) do
      assert(entry.error < 0.01, ("Little's law at %s off by %g"):format(entry.node, entry.error))
    end
    mean = mean + r.latency.mean / 3
    p99 = p99 + r.latency.p99 / 3
  end
  local mean_err = math.abs(mean - theory.mean_w) / theory.mean_w
  local p99_err = math.abs(p99 - theory.p99_w) / theory.p99_w
  print(("  load test, one node as M/M/4  mean_w %.5g vs %.5g (%.2f%%)  p99_w %.5g vs %.5g (%.2f%%)"):format(
    mean, theory.mean_w, mean_err * 100, p99, theory.p99_w, p99_err * 100))
  if mean_err > 0.02 then failures[#failures + 1] = ("load test M/M/4 mean W off by %.2f%%"):format(mean_err * 100) end
  if p99_err > 0.05 then failures[#failures + 1] = ("load test M/M/4 p99 W off by %.2f%%"):format(p99_err * 100) end
end

if #failures > 0 then error("fidelity failures:\n" .. table.concat(failures, "\n"), 0) end
print(("fidelity: M/M/1, M/M/c, M/D/1, M/M/c/K, M/G/1 and the load-test engine agree with theory (%d seeds x %d customers)"):format(SEEDS, N))
