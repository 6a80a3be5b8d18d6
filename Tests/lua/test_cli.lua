-- syslab-lua behaves like lua5.4: options, arg table, ..., errors, exit codes.
local syslab = require "syslab"
local support = dofile((arg[0]:match("^(.*/)") or "") .. "cli_support.lua")
local exe, check, run = support.exe, support.check, support.run

local tmp = os.tmpname()
local f = assert(io.open(tmp, "w"))
f:write('print("args", select("#", ...), ..., arg[0] ~= nil, arg[1], arg[2], #arg)\n')
f:close()

local text = run(exe .. " " .. tmp .. " one two")
check(text:find("args\t2\tone\ttrue\tone\ttwo\t2", 1, true), text)
check(text:find("exit=0", 1, true), text)

text = run(exe .. " -e 'print(1 + 2)'")
check(text:find("^3\n") and text:find("exit=0", 1, true), text)

text = run(exe .. " -e 'error(\"bad thing\")'")
check(text:find("syslab-lua: (command line):1: bad thing", 1, true), text)
check(text:find("stack traceback:", 1, true), text)
check(text:find("exit=1", 1, true), text)

text = run(exe .. " -l string -e 'print(type(string))'")
check(text:find("table", 1, true), text)

text = run(exe .. " -v")
check(text:find("syslab-lua " .. syslab.version, 1, true) and text:find("Lua 5.4", 1, true), text)

text = run("echo 'print(\"from stdin\", ...)' | " .. exe .. " - x")
check(text:find("from stdin\tx", 1, true), text)

text = run(exe .. " -z")
check(text:find("unrecognized option '-z'", 1, true) and text:find("exit=1", 1, true), text)

text = run(exe .. " /nonexistent/script.lua")
check(text:find("cannot open /nonexistent/script.lua", 1, true) and text:find("exit=1", 1, true), text)

f = assert(io.open(tmp, "w"))
f:write("local x = = 1\n")
f:close()
text = run(exe .. " " .. tmp)
check(text:find("unexpected symbol", 1, true) and text:find("exit=1", 1, true), text)

text = run("printf 'x = 20\\nprint(x + 1)\\n' | " .. exe .. " -i")
check(text:find("21", 1, true), text)

-- runaway scripts stop with a clear error
text = run("SYSLAB_LUA_MAX_INSTRUCTIONS=1000000 " .. exe .. " -e 'while true do end'")
check(text:find("instruction limit exceeded", 1, true) and text:find("exit=1", 1, true), text)
text = run("SYSLAB_LUA_MAX_MEMORY_MB=16 " .. exe .. " -e 'local t = {} for i = 1, 1e8 do t[i] = i end'")
check(text:find("not enough memory", 1, true) and text:find("exit=1", 1, true), text)

os.remove(tmp)
print(("test_cli.lua: %d passed, 0 failed"):format(support.checks))
