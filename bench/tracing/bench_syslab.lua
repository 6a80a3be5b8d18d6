-- The libsyslab side of bench/tracing: generates the workload (every built-in
-- template x variant, new seed each round) for `seconds`, then exports the
-- traces of one round to OTLP JSON for `seconds`. Prints one JSON object.
--   syslab-lua bench/tracing/bench_syslab.lua SECONDS
local syslab = require "syslab"
local tracing = syslab.tracing
local seconds = tonumber(arg[1]) or 2

local workload = {}
for _, id in ipairs(tracing.template_ids()) do
  for _, variant in ipairs { "success", "slow", "error" } do workload[#workload + 1] = { template = id, variant = variant } end
end

local function round(seed)
  local traces, spans = {}, 0
  for i, w in ipairs(workload) do
    local t = tracing.generate { template = w.template, variant = w.variant, seed = seed * 1000 + i }
    traces[#traces + 1] = t
    spans = spans + #t:spans()
  end
  return traces, spans
end

-- Span counts once, outside the timed loop (t:spans() builds Lua tables).
local traces, spans_per_round = round(1)

-- Generation: spans per second.
local generated, rounds, start = 0, 0, syslab.clock()
repeat
  rounds = rounds + 1
  for i, w in ipairs(workload) do
    tracing.generate { template = w.template, variant = w.variant, seed = rounds * 1000 + i }
  end
  generated = generated + spans_per_round
until syslab.clock() - start >= seconds
local gen_elapsed = syslab.clock() - start

-- Export: OTLP JSON bytes per second.
local bytes, exports = 0, 0
start = syslab.clock()
repeat
  for _, t in ipairs(traces) do
    bytes = bytes + #t:export("otlp-json")
    exports = exports + 1
  end
until syslab.clock() - start >= seconds
local export_elapsed = syslab.clock() - start

print(syslab.json_encode {
  traces_per_round = #workload, spans_per_round = spans_per_round,
  spans_per_second = generated / gen_elapsed, otlp_bytes_per_second = bytes / export_elapsed,
  otlp_bytes_per_round = bytes / exports * #workload, rounds = rounds,
})
