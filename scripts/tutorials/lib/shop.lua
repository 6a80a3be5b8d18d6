-- The shop of series 01 (understanding latency): one checkout request
-- through a gateway, the checkout API, the inventory service and Postgres.
-- Every page of the series runs this system, so its numbers line up page to
-- page. docs/tutorials/01-understanding-latency/README.md draws it.
local shop = {}

shop.RATE = 300           -- checkouts per second
shop.API_SERVERS = 64     -- the checkout API's worker threads
-- Mean service times (seconds): what each node does by itself per call.
shop.SERVICE = { gateway = 0.002, api = 0.010, inventory = 0.030, db = 0.005 }

--- The load test: `opts.rate` (default shop.RATE), `opts.delay_ms` (a
--- fixed-latency scenario on inventory from 20 s to 40 s), `opts.scenario`
--- (any other scheduled scenario instead), `opts.edges` (the API's client
--- policies: the mitigations), `opts.seed` (default 1), `opts.duration`
--- (default 60 s), `opts.workload_timeout` (the client's request timeout).
function shop.test(opts)
  opts = opts or {}
  local scenarios
  if opts.scenario then
    scenarios = { opts.scenario }
  elseif opts.delay_ms then
    scenarios = { { name = "fixed-latency", at = "20s", duration = "20s",
                    params = { delay_ms = opts.delay_ms, target = { tags = { "inventory" } } } } }
  end
  local S = shop.SERVICE
  return {
    system = {
      topology = {
        name = "shop", route = "/checkout",
        nodes = { { id = "gateway", kind = "api-gateway" }, { id = "api", kind = "backend" },
                  { id = "inventory", kind = "backend" }, { id = "db", kind = "postgres" } },
        edges = { { from = "gateway", to = "api" }, { from = "api", to = "inventory" }, { from = "api", to = "db" } },
      },
      nodes = {
        gateway = { servers = 1024, service = S.gateway },
        api = { servers = shop.API_SERVERS, service = { kind = "lognormal", mean = S.api, stddev = 0.004 } },
        inventory = { servers = 64, service = { kind = "lognormal", mean = S.inventory, stddev = 0.010 } },
        db = { servers = 32, service = { kind = "lognormal", mean = S.db, stddev = 0.002 } },
      },
      edges = opts.edges,
    },
    workload = { executor = "constant-arrival-rate", rate = opts.rate or shop.RATE,
                 duration = opts.duration or "60s", timeout = opts.workload_timeout },
    scenarios = scenarios,
    thresholds = opts.thresholds,
    options = { seed = opts.seed or 1, traces = opts.traces },
  }
end

--- The sum of the mean service times along the request: its latency with no waiting.
function shop.path_time()
  local S = shop.SERVICE
  return S.gateway + S.api + S.inventory + S.db
end

return shop
