-- docs/scenarios.md is generated from the registry; this fails when it is
-- stale. Regenerate with: syslab-lua scripts/tools/gen-scenarios-doc.lua
local root = (arg and arg[0] or ""):match("^(.*)Tests/lua/") or "./"
local render = assert(loadfile(root .. "scripts/tools/gen-scenarios-doc.lua"))
local expected = render("--render", root)
local f = assert(io.open(root .. "docs/scenarios.md", "r"))
local current = f:read("a")
f:close()
if current ~= expected then
  error("docs/scenarios.md is stale: run `make docs` (syslab-lua scripts/tools/gen-scenarios-doc.lua)", 0)
end
for _, name in ipairs { "### fixed-latency", "### 429-rate-limit", "### gradual-brownout", "`circuit_breaker_state`" } do
  assert(current:find(name, 1, true), name .. " is documented")
end
print("docs/scenarios.md is up to date")
