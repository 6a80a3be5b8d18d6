-- regional-latency: cross-region calls are slower, by region. A request tagged
-- "region:eu" or "region:ap" gets a lognormal delay with that region's mean;
-- untagged requests count as the home region. See gradual-brownout.lua for how to load.
local definition = {
  name = "regional-latency",
  category = "network",
  summary = "Adds a lognormal delay whose mean depends on the request's region tag (region:us, region:eu, region:ap).",
  notes = {
    what_happens = "Users far from the serving region pay a round trip per call; chatty pages multiply it, so the same page is fast in one region and slow in another.",
    how_to_observe = "region_latency_seconds by region; averages over all users hide the slow region.",
    how_to_mitigate = "Serve from the user's region (CDN, edge caches, regional replicas), cut round trips (batching, fewer sequential calls).",
  },
  params = {
    { name = "us_ms", type = "number", default = 5, min = 0, max = 10000, unit = "ms", help = "Mean added latency for region:us (home)." },
    { name = "eu_ms", type = "number", default = 90, min = 0, max = 10000, unit = "ms", help = "Mean added latency for region:eu." },
    { name = "ap_ms", type = "number", default = 180, min = 0, max = 10000, unit = "ms", help = "Mean added latency for region:ap." },
    { name = "spread", type = "number", default = 0.3, min = 0, max = 5, help = "Standard deviation as a share of the mean." },
  },
  metrics = {
    { name = "region_latency_seconds", type = "histogram", help = "Latency added by region.", labels = { "scenario", "region" },
      buckets = { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1 } },
  },
  effects = { "delay" },
  apply = function(ctx, p)
    local region = "us"
    for _, tag in ipairs(ctx.tags) do
      local r = tag:match("^region:(%a+)$")
      if r == "eu" or r == "ap" or r == "us" then region = r end
    end
    local mean = p[region .. "_ms"]
    if mean <= 0 then return nil end
    local ms = p.spread > 0 and ctx.rng:lognormal(mean, mean * p.spread) or mean
    ctx.metrics:observe("region_latency_seconds", ms / 1000, region)
    return { kind = "delay", seconds = ms / 1000 }
  end,
}
if registry then assert(registry:define(definition)) end
return definition
