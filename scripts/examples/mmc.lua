-- M/M/c (and M/D/c, M/M/c/K) in virtual time, printed as one JSON object.
--
--   syslab-lua scripts/examples/mmc.lua --lam 350 --mu 100 --c 4 --n 1000000 --seed 1 [--k 10] [--service exp|det]
--
-- lam: arrivals per second; mu: services per second per server; c: servers;
-- k: capacity of the system, those in service included (omit for unbounded);
-- n: arrivals, blocked ones included. Output times are in seconds:
-- mean_wq (waiting in queue), mean_w (time in system), mean_l (time-averaged
-- number in system), p50_w/p90_w/p99_w over accepted customers,
-- blocking = blocked / n, wall_s = wall-clock seconds of the run.
local syslab = require "syslab"

local usage = "usage: mmc.lua --lam RATE --mu RATE --c SERVERS --n CUSTOMERS [--seed S] [--k CAPACITY] [--service exp|det]"
local numeric = { lam = true, mu = true, c = true, n = true, seed = true, k = true }
local options = { seed = 1, service = "exp" }
local i = 1
while i <= #arg do
  local name = arg[i]:match("^%-%-(%w+)$")
  local value = arg[i + 1]
  if not name or value == nil or not (numeric[name] or name == "service") then
    error(("bad argument '%s'\n%s"):format(arg[i], usage), 0)
  end
  if numeric[name] then
    options[name] = tonumber(value) or error(("--%s needs a number, got '%s'"):format(name, value), 0)
  else
    options[name] = value
  end
  i = i + 2
end
for _, required in ipairs { "lam", "mu", "c", "n" } do
  if not options[required] then error(("missing --%s\n%s"):format(required, usage), 0) end
end

local started = syslab.clock()
local r = assert(syslab.queue {
  lambda = options.lam, mu = options.mu, servers = options.c, capacity = options.k,
  customers = options.n, seed = options.seed, service = options.service,
})
local wall = syslab.clock() - started

print(syslab.json_encode {
  mean_wq = r.mean_wq, mean_w = r.mean_w, mean_l = r.mean_l,
  p50_w = r.p50_w, p90_w = r.p90_w, p99_w = r.p99_w,
  blocking = r.blocking, n = r.n, wall_s = wall,
  littles_law_error = r.littles_law_error,
})
