-- A mobile app's traffic through the mobile and edge scenarios, in the simulator.
--
--   syslab-lua scripts/loadtests/mobile-edge.lua [scenario]
--
-- Phones call an API gateway in front of a backend and PostgreSQL. The
-- backend is fast (about 10 ms); what users wait for is their network. From
-- 20 s to 40 s one mobile scenario acts on the phone's hop (target component
-- "mobile"): flaky-mobile-network by default, or the one named on the command
-- line (3g-bandwidth-limit, mobile-timeout, cellular-vs-wifi, poor-cellular-signal,
-- app-background-kill, offline-first-sync, battery-drain). The report compares
-- latency and failures before and during the scenario, and says what the
-- simulator applied to the phones' calls.
local syslab = require "syslab"

local name = (arg and arg[1]) or "flaky-mobile-network"

-- The simulated phones share one scenario activation, so the models that
-- follow a device over time get parameters that fit a 20 s window: a 10 s
-- online/offline cycle, and a radio tail shorter than the 10 ms between calls
-- (at the defaults, 100 calls a second keep one radio awake for good).
local params = {
  ["offline-first-sync"] = { cycle_seconds = 10, offline_seconds = 4 },
  ["battery-drain"] = { tail_seconds = 0.005 },
}
local scenario_params = params[name] or {}
scenario_params.target = { component = "mobile" }

syslab.loadtest {
  system = {
    topology = {
      name = "mobile-app", route = "/api/feed", method = "GET",
      nodes = {
        { id = "phone", kind = "mobile" },
        { id = "gateway", kind = "api-gateway" },
        { id = "feed", kind = "backend" },
        { id = "db", kind = "postgres" },
      },
      edges = {
        { from = "phone", to = "gateway", timeout_ms = 30000 },
        { from = "gateway", to = "feed" },
        { from = "feed", to = "db" },
      },
    },
    nodes = {
      phone = { servers = 100000, service = "1ms" },
      feed = { servers = 200, service = { kind = "lognormal", mean = "6ms", stddev = "3ms" } },
      db = { servers = 50, service = { kind = "exponential", mean = "3ms" } },
    },
  },
  workload = { executor = "constant-arrival-rate", rate = 100, duration = "60s" },
  scenarios = {
    { name = name, at = "20s", duration = "20s", params = scenario_params },
  },
  options = { seed = 11 },
}
