-- Generate one trace from a built-in template and print it.
--   syslab-lua scripts/examples/export-trace.lua --list
--   syslab-lua scripts/examples/export-trace.lua TEMPLATE VARIANT FORMAT [SEED]
-- VARIANT is success, slow or error. FORMAT is otlp-json, jaeger-json,
-- zipkin-json, waterfall, svg or analysis-json (also: trace-json,
-- spans-table, analysis-text). The same SEED (default 1) prints the same bytes.
local syslab = require "syslab"
local tracing = syslab.tracing

local function usage(message)
  if message then io.stderr:write("export-trace: ", message, "\n") end
  io.stderr:write("usage: export-trace.lua --list\n",
                  "       export-trace.lua TEMPLATE success|slow|error FORMAT [SEED]\n",
                  "formats: ", table.concat(tracing.formats, ", "), "\n")
  os.exit(2)
end

if arg[1] == "--list" then
  for _, id in ipairs(tracing.template_ids()) do print(id) end
  return
end

local template, variant, format, seed = arg[1], arg[2], arg[3], arg[4]
if not (template and variant and format) then usage("need TEMPLATE, VARIANT and FORMAT (or --list)") end
seed = seed and math.tointeger(tonumber(seed))
if arg[4] and (not seed or seed < 0) then usage("SEED must be a non-negative integer, got " .. arg[4]) end

local trace, err = tracing.generate { template = template, variant = variant, seed = seed or 1 }
if not trace then usage(err) end
local text, format_err = trace:export(format)
if not text then usage(format_err) end
io.write(text)
if text:sub(-1) ~= "\n" then io.write("\n") end
