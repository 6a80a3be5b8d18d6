-- A declarative load test: the whole test is one table.
--
--   syslab-lua scripts/loadtests/checkout.lua [json-path [csv-path]]
--
-- A checkout API behind a gateway reads from a cache and writes to
-- PostgreSQL through a pool of 15 connections. From 20 s to 40 s the
-- database's queries slow down by about 40 ms (slow-db-query): each query
-- holds its connection longer, the pool runs dry and requests queue for a
-- connection. The thresholds fail, so syslab-lua exits non-zero, as k6 does.
local syslab = require "syslab"

syslab.loadtest {
  system = {
    topology = {
      name = "checkout", route = "/api/checkout", method = "POST",
      nodes = {
        { id = "gateway", kind = "api-gateway" },
        { id = "checkout", kind = "backend" },
        { id = "cache", kind = "redis" },
        { id = "db", kind = "postgres" },
      },
      edges = {
        { from = "gateway", to = "checkout", timeout_ms = 2000 },
        { from = "checkout", to = "cache" },
        { from = "checkout", to = "db" },
      },
    },
    nodes = {
      checkout = { servers = 100, service = { kind = "lognormal", mean = "6ms", stddev = "3ms" } },
      db = { servers = 40, service = { kind = "exponential", mean = "12ms" } },
    },
    edges = {
      ["checkout->db"] = { pool = { size = 15, wait_timeout = "1s" } },
    },
  },
  workload = { executor = "constant-arrival-rate", rate = 800, timeUnit = "1s", duration = "60s" },
  scenarios = {
    { name = "slow-db-query", at = "20s", duration = "20s",
      params = { delay_ms = 40, stddev_ms = 10, target = { tags = { "db" } } } },
  },
  thresholds = {
    http_req_duration = { "p(95)<200", "p(99)<500" },
    http_req_failed = { "rate<0.01" },
    ["pool_wait{edge:checkout->db}"] = { "avg<50" },
  },
  options = { seed = 42, traces = { head = 0.001, slower_than = "1s", errors = true, max = 50 } },
  output = { json = arg[1], csv = arg[2] },
}
