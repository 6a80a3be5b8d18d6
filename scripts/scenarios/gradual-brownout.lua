-- gradual-brownout: a dependency degrades slowly instead of failing at once.
-- The error rate and the added latency ramp linearly from zero to their
-- maximum over ramp_seconds after enabling, then stay there.
--
-- Load it into a registry from C or Python:
--   syslab_registry_load_lua(r, "scripts/scenarios/gradual-brownout.lua")
--   registry.load_lua("scripts/scenarios/gradual-brownout.lua")
-- or from Lua:
--   local r = syslab.registry(); r:define(dofile("scripts/scenarios/gradual-brownout.lua"))
local definition = {
  name = "gradual-brownout",
  category = "http",
  summary = "Error rate and latency ramp up linearly over ramp_seconds to max_error_rate and max_delay_ms.",
  notes = {
    what_happens = "Nothing looks wrong at first; errors and latency creep up until the service is mostly failing. Alerts on absolute thresholds fire late.",
    how_to_observe = "brownout_progress_ratio climbs from 0 to 1; http_injected_errors_total and http_injected_latency_seconds grow with it.",
    how_to_mitigate = "Alert on error-budget burn rate rather than fixed thresholds, compare against a baseline, shed load and fail over before the ramp completes.",
  },
  params = {
    { name = "ramp_seconds", type = "number", default = 300, min = 1, max = 86400, unit = "s", help = "Time to reach the maximum." },
    { name = "max_error_rate", type = "number", default = 0.5, min = 0, max = 1, help = "Error probability at the end of the ramp." },
    { name = "max_delay_ms", type = "number", default = 2000, min = 0, max = 60000, unit = "ms", help = "Added latency at the end of the ramp." },
  },
  metrics = {
    { name = "brownout_progress_ratio", type = "gauge", help = "How far the brownout has ramped (0 to 1).", labels = { "scenario" } },
    { name = "http_injected_errors_total", type = "counter", help = "Requests failed by scenarios, by HTTP status.", labels = { "scenario", "status" } },
    { name = "http_injected_latency_seconds", type = "histogram", help = "Latency injected into requests by scenarios.",
      labels = { "scenario" }, buckets = { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30 } },
  },
  effects = { "delay", "error" },
  apply = function(ctx, p)
    local progress = math.min(1, math.max(0, ctx.elapsed / p.ramp_seconds))
    ctx.metrics:set("brownout_progress_ratio", progress)
    local effects = {}
    local delay = p.max_delay_ms * progress / 1000
    if delay > 0 then
      ctx.metrics:observe("http_injected_latency_seconds", delay)
      effects[#effects + 1] = { kind = "delay", seconds = delay }
    end
    if ctx.random < p.max_error_rate * progress then
      ctx.metrics:inc("http_injected_errors_total", 1, "503")
      effects[#effects + 1] = { kind = "error", status = 503 }
    end
    return effects
  end,
}
if registry then assert(registry:define(definition)) end
return definition
