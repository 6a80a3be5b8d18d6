-- The tracing lab from Lua: catalogue, validation, generation, exports,
-- analysis, custom templates on disk, scenarios shaping spans, misuse.
local syslab = require "syslab"
local tracing = syslab.tracing

local checks = 0
local function check(cond, message)
  checks = checks + 1
  if not cond then error(message or "check failed", 2) end
end

-- catalogue and templates
local catalogue = tracing.components()
local count = 0
for _, category in ipairs(catalogue.categories) do count = count + #category.components end
check(count == 40 and #catalogue.categories == 12, "40 components in 12 categories")
local ids = tracing.template_ids()
check(#ids == 43 and ids[1] == "simple" and ids[43] == "bulkhead-isolation", "43 built-in templates in order")

-- every template x variant generates and exports in all three formats
for _, id in ipairs(ids) do
  for _, variant in ipairs { "success", "slow", "error" } do
    local trace = assert(tracing.generate { template = id, variant = variant, seed = 7 })
    for _, format in ipairs { "otlp-json", "jaeger-json", "zipkin-json" } do
      local text = trace:export(format)
      check(type(syslab.json_decode(text)) == "table", id .. "/" .. variant .. " " .. format .. " is JSON")
    end
    local analysis = trace:analyze()
    if variant == "error" then
      local errors = 0
      for _, span in ipairs(trace:spans()) do if span.status.code == "error" then errors = errors + 1 end end
      check(errors > 0, id .. "/error has an error span")
      check(analysis.summary.error_count == errors, "analysis counts the errors")
    elseif variant == "success" then
      local worst = analysis.summary.highest_severity
      check(worst ~= "high" and worst ~= "critical", id .. "/success has no high finding")
    end
  end
end

-- determinism: the same seed gives the same bytes, another seed another trace
local a = tracing.generate { template = "rag-pipeline", variant = "error", seed = 11 }
local b = tracing.generate { template = "rag-pipeline", variant = "error", seed = 11 }
local c = tracing.generate { template = "rag-pipeline", variant = "error", seed = 12 }
check(a:export("otlp-json") == b:export("otlp-json"), "same seed, same OTLP bytes")
check(a:id() ~= c:id(), "another seed, another trace id")
check(#a:id() == 32, "W3C trace id")

-- the trace-json form goes back in
local again = tracing.from_json(a:export("trace-json"))
check(again:export("zipkin-json") == a:export("zipkin-json"), "trace-json round trip")
check(tostring(a):find("rag-pipeline/error", 1, true), tostring(a))

-- views
local waterfall = a:export("waterfall", { width = 30, ascii = true })
check(waterfall:find("rag-pipeline/error", 1, true) and waterfall:find("ERROR", 1, true), waterfall)
check(a:export("svg"):find("<svg", 1, true), "svg")
check(a:export("spans-table"):find("^SERVICE"), "spans table")

-- analysis names the failing component
local found = false
for _, f in ipairs(a:analyze().findings) do
  for _, comp in ipairs(f.evidence.components) do if comp.node == "llm" then found = true end end
end
check(found, "analysis names the LLM")

-- validation errors come back as nil, message
local ok, err = tracing.validate { nodes = { { id = "a", kind = "frontend" }, { id = "b", kind = "postgress" } },
                                   edges = { { from = "a", to = "b" } } }
check(ok == nil and err:find("did you mean 'postgres'", 1, true), err)
ok, err = tracing.validate { entry = "a", nodes = { { id = "a", kind = "backend" }, { id = "b", kind = "grpc" } },
                             edges = { { from = "a", to = "b" }, { from = "b", to = "a" } } }
check(ok == nil and err:find("cycle of sync calls", 1, true), err)
local normalized = assert(tracing.validate { nodes = { { id = "solo", kind = "backend" } } })
check(normalized.entry == "solo" and normalized.nodes[1].fan_out == "sequential", "defaults filled in")
ok, err = tracing.generate { template = "simpel" }
check(ok == nil and err:find("did you mean 'simple'", 1, true), err)
ok, err = a:export("pdf")
check(ok == nil and err:find("unknown trace format 'pdf'", 1, true), err)

-- a custom topology with a custom variant
local custom = assert(tracing.generate {
  topology = { route = "/pay", nodes = { { id = "api", kind = "backend" }, { id = "psp", kind = "stripe" } },
               edges = { { from = "api", to = "psp", timeout_ms = 100 } } },
  variant = { nodes = { psp = { state = "slow", latency_ms = 900 } } },
})
local spans = custom:spans()
check(#spans == 2 and spans[2].status.message:find("deadline exceeded", 1, true), "timeout cuts the slow call")

-- scenarios in a registry shape the spans
local registry = syslab.registry { seed = 1 }
assert(registry:enable("fixed-latency", { delay_ms = 400, target = { component = "postgres" } }))
local base = tracing.generate { template = "simple", seed = 5 }
local slowed = tracing.generate({ template = "simple", seed = 5 }, registry)
local function db_ms(trace) for _, s in ipairs(trace:spans()) do if s.node == "db" then return s.duration_ms end end end
check(math.abs(db_ms(slowed) - db_ms(base) - 400) < 0.01, "fixed-latency adds 400 ms to postgres")

-- custom templates on disk
local dir = os.tmpname()
os.remove(dir)
local store = tracing.templates(dir)
check(tostring(store):find(dir, 1, true), tostring(store))
assert(store:create { id = "my-flow", name = "My flow",
                      topology = { nodes = { { id = "web", kind = "frontend" }, { id = "api", kind = "backend" } },
                                   edges = { { from = "web", to = "api" } } } })
check(#store:ids() == 44, "built-ins plus one custom")
local t = store:get("my-flow")
check(t.name == "My flow" and not t.builtin, "custom template read back")
local custom_trace = assert(store:generate { template = "my-flow", variant = "error" })
check(custom_trace:spans()[2].status.code == "error", "derived error variant fails the deepest leaf")
ok, err = store:create { id = "my-flow", topology = { nodes = { { id = "x", kind = "backend" } } } }
check(ok == nil and err:find("already exists", 1, true), err)
ok, err = store:delete("simple")
check(ok == nil and err:find("read-only", 1, true), err)
local exported = store:export("my-flow")
assert(store:delete("my-flow"))
check(store:import(exported) == "my-flow", "import the export")
local f = assert(io.open(dir .. "/broken.json", "w")); f:write("{not json"); f:close()
local listing = store:list()
check(#listing.problems == 1 and listing.problems[1].message:find("corrupt", 1, true), "corrupt file reported")
check(#listing.templates == 44, "and the others still load")
ok, err = store:get("broken")
check(ok == nil and err:find("corrupt", 1, true), err)
assert(store:delete("broken")); assert(store:delete("my-flow"))
os.remove(dir)
os.remove(dir:match("^(.*)/[^/]*$"))

-- misuse raises
check(not pcall(tracing.generate, "simple"), "generate needs a table")
check(not pcall(a.export, a, 42), "export needs a format string")
check(not pcall(tracing.generate, { template = "simple" }, "not a registry"), "second argument must be a registry")
a:close()
check(not pcall(a.export, a, "otlp-json"), "closed trace raises")

print(("test_tracing.lua: %d checks passed"):format(checks))
