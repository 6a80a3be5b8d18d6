registry:define {
  name = "slow-checkout", category = "custom", summary = "Checkout waits.",
  params = { { name = "delay_ms", type = "integer", default = 400, min = 0, max = 5000, unit = "ms" } },
  effects = { "delay" },
  apply = function(ctx, p)
    if ctx.route == "/checkout" then return { kind = "delay", seconds = p.delay_ms / 1000 } end
  end,
}
registry:enable("slow-checkout")
