-- A retrieval-augmented chat service through the AI/ML scenarios, in the simulator.
--
--   syslab-lua scripts/loadtests/ai-ml.lua [scenario]
--
-- A chat API embeds nothing itself: it searches a vector database, then
-- calls a hosted model (kind llm-api). From 20 s to 40 s one AI/ML scenario
-- acts on the model's hop (target component "llm-api"): gpu-contention by
-- default, or the one named on the command line (model-serving-cold-start,
-- inference-timeout, feature-store-lag, model-version-mismatch,
-- batch-inference-delay, feature-drift, model-memory-oom). The report compares
-- latency and failures before and during the scenario, and says what the
-- simulator applied to the model's calls.
local syslab = require "syslab"

local name = (arg and arg[1]) or "gpu-contention"

-- Parameters that make the scenario visible within a 20 s window (the
-- defaults describe hours). model-serving-cold-start keeps its defaults: at 20
-- requests a second the model never idles, so only the first call waits the load.
local params = {
  ["feature-drift"] = { drift_stddevs_per_hour = 3600 * 0.1 },
  ["feature-store-lag"] = { materialization_interval_seconds = 10, pipeline_delay_seconds = 2, freshness_target_seconds = 5 },
}
local scenario_params = params[name] or {}
scenario_params.target = { component = "llm-api" }

syslab.loadtest {
  system = {
    topology = {
      name = "rag-chat", route = "/api/chat", method = "POST",
      nodes = {
        { id = "api", kind = "backend" },
        { id = "vectors", kind = "vector-db" },
        { id = "model", kind = "llm-api" },
      },
      edges = {
        { from = "api", to = "vectors" },
        { from = "api", to = "model", timeout_ms = 60000 },
      },
    },
    nodes = {
      api = { servers = 500, service = "2ms" },
      vectors = { servers = 50, service = { kind = "lognormal", mean = "20ms", stddev = "8ms" } },
      model = { servers = 500, service = { kind = "lognormal", mean = "300ms", stddev = "100ms" } },
    },
  },
  workload = { executor = "constant-arrival-rate", rate = 20, duration = "60s" },
  scenarios = {
    { name = name, at = "20s", duration = "20s", params = scenario_params },
  },
  options = { seed = 5 },
}
