-- canary-bad-deploy: the new version, serving only requests tagged "canary",
-- is broken: it fails a share of them and is slower. Everything else is fine.
-- Decide with tags = {"canary"} to see it; see gradual-brownout.lua for how to load.
local definition = {
  name = "canary-bad-deploy",
  category = "http",
  summary = "Requests tagged canary fail with error_rate (HTTP status_code) and wait extra_ms more; other requests are untouched.",
  notes = {
    what_happens = "A bad release reaches a small slice of traffic first. Global error rates barely move, so only a per-version comparison catches it.",
    how_to_observe = "canary_failed_requests_total against the canary's request count; compare canary and stable latency side by side.",
    how_to_mitigate = "Automated canary analysis comparing canary with baseline, automatic rollback, small and gradual rollout steps.",
  },
  target = { tags = { "canary" } },
  params = {
    { name = "error_rate", type = "number", default = 0.3, min = 0, max = 1, help = "Share of canary requests that fail." },
    { name = "status_code", type = "integer", default = 500, min = 400, max = 599, help = "Status of a failed canary request." },
    { name = "extra_ms", type = "number", default = 150, min = 0, max = 60000, unit = "ms", help = "Extra latency of the canary." },
  },
  metrics = {
    { name = "canary_failed_requests_total", type = "counter", help = "Canary requests failed by the bad deploy.", labels = { "scenario" } },
  },
  effects = { "delay", "error" },
  apply = function(ctx, p)
    local effects = {}
    if p.extra_ms > 0 then effects[1] = { kind = "delay", seconds = p.extra_ms / 1000 } end
    if ctx.random < p.error_rate then
      ctx.metrics:inc("canary_failed_requests_total")
      effects[#effects + 1] = { kind = "error", status = p.status_code }
    end
    return effects
  end,
}
if registry then assert(registry:define(definition)) end
return definition
