-- Shared by the tests that run syslab-lua as a command (test_cli.lua,
-- test_hardening.lua): a counting check and a runner that captures output
-- and the exit status. Loaded with dofile beside the test.
local support = { exe = arg[-1], checks = 0 }

function support.check(cond, message)
  support.checks = support.checks + 1
  if not cond then error(message or "check failed", 2) end
end

function support.run(command)
  local out = io.popen(command .. " 2>&1; echo \"exit=$?\"")
  local text = out:read("a")
  out:close()
  return text
end

return support
