local n = 0
registry:define { name = "every-third", category = "custom", summary = "Every third request fails.",
  effects = { "error" },
  apply = function(ctx) n = n + 1; if n % 3 == 0 then return { { kind = "error", status = 503 } } end end }
registry:enable("every-third")
