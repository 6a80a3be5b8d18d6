-- bench/simulation: N requests through a five-tier system (load balancer →
-- gateway → api → orders → PostgreSQL, with a connection pool, a timeout and
-- a retry on the database edge). Prints one JSON object: requests, wall_s.
--
--   syslab-lua bench/simulation/five_tier.lua [requests, default 1000000]
local syslab = require "syslab"

local n = tonumber(arg[1]) or 1000000
local rate = 2000
local started = syslab.clock()
local report = assert(syslab.simulate {
  system = {
    topology = {
      name = "five-tier",
      nodes = {
        { id = "edge", kind = "load-balancer" }, { id = "gateway", kind = "api-gateway" },
        { id = "api", kind = "backend" }, { id = "orders", kind = "grpc" }, { id = "db", kind = "postgres" },
      },
      edges = {
        { from = "edge", to = "gateway" }, { from = "gateway", to = "api" },
        { from = "api", to = "orders" }, { from = "orders", to = "db" },
      },
    },
    nodes = {
      api = { servers = 64 }, orders = { servers = 64 },
      db = { servers = 32, service = { kind = "exponential", mean = "5ms" } },
    },
    edges = { ["orders->db"] = { pool = { size = 20 }, timeout = "2s", retries = 1 } },
  },
  workload = { executor = "constant-arrival-rate", rate = rate, duration = n / rate },
  options = { seed = 1 },
})
local wall = syslab.clock() - started
local r = report:table()
print(syslab.json_encode {
  requests = r.requests.completed, calls = r.components[1].arrivals + r.components[2].arrivals + r.components[3].arrivals
    + r.components[4].arrivals + r.components[5].arrivals,
  wall_s = wall, p99_ms = r.latency.p99 * 1000, failed = r.requests.failed, traces = #report:traces(),
})
