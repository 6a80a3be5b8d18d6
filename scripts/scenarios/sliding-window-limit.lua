-- sliding-window-limit: a rate limiter that counts requests in the last
-- window_seconds (a sliding log), unlike the built-in fixed-window rate-limit.
-- State lives in Lua (an upvalue), per scenario definition: re-enabling keeps
-- it, which is fine for a limiter. See gradual-brownout.lua for how to load.
local log = {}   -- arrival times of admitted requests, oldest first
local first = 1  -- index of the oldest one still in the window
local last = 0   -- index of the newest one (tracked: # is unreliable once early slots are nil)

local definition = {
  name = "sliding-window-limit",
  category = "network",
  summary = "Admits at most `limit` requests in any window_seconds; the rest get 429 with Retry-After until the oldest request leaves the window.",
  notes = {
    what_happens = "Unlike a fixed window, a sliding window has no edge where a client can send twice the limit in a moment; throughput is smooth at exactly the limit.",
    how_to_observe = "rate_limit_rejections_total grows at the excess rate; rate_limit_remaining shows the headroom in the current window.",
    how_to_mitigate = "Clients honour Retry-After and pace themselves; servers pick a window that matches how bursty legitimate traffic is.",
  },
  params = {
    { name = "limit", type = "integer", default = 50, min = 1, max = 100000, help = "Requests allowed per window." },
    { name = "window_seconds", type = "number", default = 10, min = 0.001, max = 3600, unit = "s", help = "Length of the sliding window." },
  },
  metrics = {
    { name = "rate_limit_rejections_total", type = "counter", help = "Requests rejected by a rate limit.", labels = { "scenario" } },
    { name = "rate_limit_remaining", type = "gauge", help = "Requests the rate limit still admits right now.", labels = { "scenario" } },
  },
  effects = { "throttle" },
  apply = function(ctx, p)
    local now = ctx.now
    while first <= last and log[first] <= now - p.window_seconds do
      log[first] = nil
      first = first + 1
    end
    if first > last then log, first, last = {}, 1, 0 end
    local used = last - first + 1
    if used >= p.limit then
      ctx.metrics:set("rate_limit_remaining", 0)
      ctx.metrics:inc("rate_limit_rejections_total")
      return { kind = "throttle", status = 429, seconds = log[first] + p.window_seconds - now }
    end
    last = last + 1
    log[last] = now
    ctx.metrics:set("rate_limit_remaining", p.limit - used - 1)
    return nil
  end,
}
if registry then assert(registry:define(definition)) end
return definition
