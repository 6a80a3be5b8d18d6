-- Hostile Lua input cannot crash or hang syslab-lua (issue 9): deep tables in
-- the JSON conversions, the instruction budget (pcall, coroutines, the debug
-- library), the sandbox flag, and lua.c's behaviour for LUA_INIT, -E, warn().
local syslab = require "syslab"
local support = dofile((arg[0]:match("^(.*/)") or "") .. "cli_support.lua")
local exe, check, run = support.exe, support.check, support.run

local function nested_array_json(depth)
  return string.rep("[", depth) .. string.rep("]", depth)
end

local function nested_table(depth)
  local t = {}
  for _ = 1, depth do t = {t} end
  return t
end

-- json_decode: 60 and 400 levels used to crash and hang; they now convert.
for _, depth in ipairs{60, 400, 512} do
  local value, err = syslab.json_decode(nested_array_json(depth))
  check(type(value) == "table", ("%d-deep array: %s"):format(depth, tostring(err)))
  local levels = 0
  while type(value) == "table" do levels = levels + 1; value = value[1] end
  check(levels == depth, ("%d-deep array came back %d deep"):format(depth, levels))
end
-- Beyond the JSON parser's depth limit: nil and a message, never a crash.
local value, err = syslab.json_decode(nested_array_json(600))
check(value == nil and type(err) == "string", tostring(err))

-- json_encode: 40 levels used to write out of bounds; deeper than 512 and cycles are errors.
local text = assert(syslab.json_encode(nested_table(40)))
check(text == string.rep("[", 40) .. "{}" .. string.rep("]", 40), text)
check(syslab.json_encode(nested_table(511)) ~= nil)
local encoded, message = syslab.json_encode(nested_table(600))
check(encoded == nil and message:find("nested more than 512 levels", 1, true), message)
local cyclic = {}
cyclic.self = cyclic
encoded, message = syslab.json_encode(cyclic)
check(encoded == nil and message:find("contains a cycle", 1, true), message)

-- A Lua scenario called through registry:decide that spins in pcall: the
-- per-call budget stops it and the call reports nil, message.
local registry = syslab.registry{seed = 1, manual_clock = true}
assert(registry:define{name = "lua-spin", apply = function()
  pcall(function() while true do end end)
  while true do end
end})
assert(registry:enable("lua-spin"))
local effects, failure = registry:decide{route = "/"}
check(effects == nil and failure:find("instruction limit exceeded", 1, true), tostring(failure))
assert(registry:disable("lua-spin"))
-- The script's own (unlimited) budget is untouched after the nested call.
local n = 0
for i = 1, 3000000 do n = n + i end
check(n == 4500001500000)

-- The budget of syslab-lua scripts: pcall cannot swallow it, debug.sethook
-- cannot remove it, and coroutines share it instead of failing after 1,000
-- instructions.
local limited = "SYSLAB_LUA_MAX_INSTRUCTIONS=20000000 timeout 20 " .. exe
text = run(limited .. [[ -e "pcall(function() while true do end end); while true do end"]])
check(text:find("instruction limit exceeded", 1, true) and text:find("exit=1", 1, true), text)
text = run(limited .. [[ -e "debug.sethook(); assert(debug.gethook() == nil); while true do end"]])
check(text:find("instruction limit exceeded", 1, true) and text:find("exit=1", 1, true), text)
text = run(limited .. [[ -e "local co = coroutine.wrap(function() local s = 0 for i = 1, 100000 do s = s + i end return s end) print(co())"]])
check(text == "5000050000\nexit=0\n", text)
text = run(limited .. [[ -e "local c = 0 debug.sethook(function() c = c + 1 end, '', 100) for i = 1, 1000 do end debug.sethook() print(c > 0, debug.gethook())"]])
check(text == "true\tnil\nexit=0\n", text)

-- --sandbox runs a script with the libraries of hosted scripts only.
text = run(exe .. [[ --sandbox -e "print(io, debug, package, os.exit, os.getenv, type(os.time()))"]])
check(text == "nil\tnil\tnil\tnil\tnil\tnumber\nexit=0\n", text)

-- lua.c behaviour: LUA_INIT (and its errors), -E, warnings, the error prefix, '=' in the REPL.
text = run("env LUA_INIT='X = 42' " .. exe .. [[ -e "print(X)"]])
check(text == "42\nexit=0\n", text)
text = run("env LUA_INIT=\"error('boom')\" " .. exe .. [[ -e "print(1)"]])
check(text:find("LUA_INIT:1: boom", 1, true) and text:find("exit=1", 1, true), text)
text = run("env LUA_INIT=\"error('boom')\" LUA_PATH=nowhere " .. exe .. [[ -E -e "print(package.path ~= 'nowhere')"]])
check(text == "true\nexit=0\n", text)
text = run(exe .. [[ -W -e "warn('careful')"]])
check(text == "Lua warning: careful\nexit=0\n", text)
text = run(exe .. [[ -e "warn('silent')"]])
check(text == "exit=0\n", text)
text = run("echo '=1 + 1' | " .. exe .. [[ -e "_PROMPT = '' _PROMPT2 = ''" -i]])
check(text:find("\n2\n", 1, true), text)
text = run(exe .. [[ -e "error('x')"]])
check(text:find(exe .. ": (command line):1: x", 1, true), text)
text = run("echo 'print(...)' | " .. exe .. [[ -e "arg = 1" -]])
check(text:find("'arg' is not a table", 1, true) and text:find("exit=1", 1, true), text)

print(("test_hardening.lua: %d checks passed"):format(support.checks))
