-- poison-message: some queue messages can never be processed. The consumer
-- retries each one max_retries times, then moves it to a dead-letter queue.
-- See gradual-brownout.lua for how to load.
local definition = {
  name = "poison-message",
  category = "concurrency",
  summary = "A share poison_rate of messages always fail: they are retried max_retries times (retry_ms each) and then dead-lettered (error 422).",
  notes = {
    what_happens = "A malformed or unexpected message fails every time. Without a retry limit it blocks its partition forever; with one it wastes max_retries attempts and lands in the dead-letter queue.",
    how_to_observe = "poison_messages_total and dead_lettered_messages_total; consumer lag on one partition; the same message id in repeated error logs.",
    how_to_mitigate = "Bounded retries with backoff, a dead-letter queue with alerting and replay tooling, schema validation at the producer.",
  },
  params = {
    { name = "poison_rate", type = "number", default = 0.01, min = 0, max = 1, help = "Share of messages that are poison." },
    { name = "max_retries", type = "integer", default = 5, min = 0, max = 100, help = "Attempts after the first before dead-lettering." },
    { name = "retry_ms", type = "number", default = 200, min = 0, max = 600000, unit = "ms", help = "Time each failed attempt costs." },
  },
  metrics = {
    { name = "poison_messages_total", type = "counter", help = "Poison messages seen.", labels = { "scenario" } },
    { name = "dead_lettered_messages_total", type = "counter", help = "Messages moved to the dead-letter queue.", labels = { "scenario" } },
  },
  effects = { "retry", "error" },
  apply = function(ctx, p)
    if ctx.random >= p.poison_rate then return nil end
    ctx.metrics:inc("poison_messages_total")
    ctx.metrics:inc("dead_lettered_messages_total")
    local effects = {}
    if p.max_retries > 0 then
      effects[1] = { kind = "retry", amount = p.max_retries, seconds = (p.max_retries + 1) * p.retry_ms / 1000 }
    end
    effects[#effects + 1] = { kind = "error", status = 422 }
    return effects
  end,
}
if registry then assert(registry:define(definition)) end
return definition
