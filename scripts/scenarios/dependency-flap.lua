-- dependency-flap: a dependency goes up and down on a schedule (a crash loop,
-- a flapping health check). While it is down, calls fail fast with 503.
-- See gradual-brownout.lua for how to load.
local definition = {
  name = "dependency-flap",
  category = "network",
  summary = "The dependency is down for down_seconds out of every period_seconds (starting down at enable); calls meanwhile fail with 503 after fail_ms.",
  notes = {
    what_happens = "Errors come in regular waves. Retries that happen to land in an up phase succeed, which hides the problem; caches and connection pools churn at every transition.",
    how_to_observe = "dependency_up alternates between 0 and 1; dependency_failures_total rises in steps with the same period.",
    how_to_mitigate = "Find the crash loop (restart counts, OOM kills), add hysteresis to health checks, use circuit breakers so callers stop hammering it while it is down.",
  },
  params = {
    { name = "period_seconds", type = "number", default = 60, min = 0.001, max = 86400, unit = "s", help = "Length of one down-and-up cycle." },
    { name = "down_seconds", type = "number", default = 20, min = 0, max = 86400, unit = "s", help = "Time down in each cycle." },
    { name = "fail_ms", type = "number", default = 5, min = 0, max = 60000, unit = "ms", help = "Time a failing call takes." },
  },
  metrics = {
    { name = "dependency_up", type = "gauge", help = "1 while the dependency is up, 0 while it is down.", labels = { "scenario" } },
    { name = "dependency_failures_total", type = "counter", help = "Calls that failed because the dependency was down.", labels = { "scenario" } },
  },
  effects = { "delay", "error" },
  apply = function(ctx, p)
    local down = (ctx.elapsed % p.period_seconds) < p.down_seconds
    ctx.metrics:set("dependency_up", down and 0 or 1)
    if not down then return nil end
    ctx.metrics:inc("dependency_failures_total")
    local effects = {}
    if p.fail_ms > 0 then effects[1] = { kind = "delay", seconds = p.fail_ms / 1000 } end
    effects[#effects + 1] = { kind = "error", status = 503 }
    return effects
  end,
}
if registry then assert(registry:define(definition)) end
return definition
