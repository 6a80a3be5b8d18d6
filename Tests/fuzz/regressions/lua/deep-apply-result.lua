-- A scenario whose apply returns a 60-deep table made decide_json segfault
-- the host; 600 deep is past the documented conversion limit.
for _, depth in ipairs { 60, 600 } do
  registry:define { name = "deep-" .. depth, category = "custom", summary = "Returns a deep table.",
    apply = function()
      local t = {}
      for _ = 1, depth do t = { t } end
      return t
    end }
  registry:enable("deep-" .. depth)
end
