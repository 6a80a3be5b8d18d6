-- The Redis store from Lua: two registries share one enabled set, a
-- Lua-defined scenario enabled elsewhere is reported (not a crash), bad
-- store options fail clearly. Starts its own redis-server on a free
-- loopback port in a temporary directory and kills it at the end.
local syslab = require "syslab"

local checks = 0
local function check(cond, message)
  checks = checks + 1
  if not cond then error(message or "check failed", 2) end
end

local function run(command)
  local pipe = assert(io.popen(command))
  local out = pipe:read("a")
  pipe:close()
  return out
end

local function sleep(seconds) os.execute(("sleep %.3f"):format(seconds)) end

assert(os.execute("command -v redis-server >/dev/null"), "redis-server is not installed (make build installs it)")
local function free_port()
  return tonumber(run([[python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])']]))
end
local port = free_port()
local dir = run("mktemp -d /tmp/syslab-lua-redis-XXXXXX"):gsub("%s+$", "")
assert(os.execute(("redis-server --port %d --bind 127.0.0.1 --dir %s --save '' --daemonize yes --pidfile %s/redis.pid --logfile %s/redis.log")
  :format(port, dir, dir, dir)))
local url = ("redis://127.0.0.1:%d/0"):format(port)

local function stop_redis()
  os.execute(("kill -9 $(cat %s/redis.pid) 2>/dev/null; rm -rf %s"):format(dir, dir))
end

local ok, err = pcall(function()
  -- wait for the server: opening fails with nil + message until it listens
  local a, message
  for _ = 1, 200 do
    a, message = syslab.registry { store = url, workspace = "lua-ws" }
    if a then break end
    sleep(0.02)
  end
  check(a, "opened a registry on the store: " .. tostring(message))
  local b = assert(syslab.registry { store = url, workspace = "lua-ws" })

  local function within_1s(registry, predicate)
    for _ = 1, 100 do
      if predicate(registry:status()) then return true end
      sleep(0.01)
    end
    return false
  end
  local function has(name)
    return function(status)
      for _, e in ipairs(status.enabled) do if e.name == name then return true end end
      return false
    end
  end

  check(a:enable("error-burst", { probability = 1 }, 30))
  check(within_1s(b, has("error-burst")), "b sees a's enable within 1 s")
  check(#b:decide { route = "/api" } == 1, "b's decisions apply it")
  local store = b:status().store
  check(store.kind == "redis" and store.workspace == "lua-ws" and store.connected == true, "status has the store")
  check(b:metrics():find('syslab_store_connected{workspace="lua-ws"} 1', 1, true), "connected gauge")

  check(b:disable("error-burst"))
  check(within_1s(a, function(s) return not has("error-burst")(s) end), "a sees b's disable")

  -- a scenario defined only in a is reported by b, not applied, not fatal
  check(a:define {
    name = "lua-only", category = "latency", summary = "defined in one process only",
    apply = function() return { kind = "delay", seconds = 0.001 } end,
  })
  check(a:enable("lua-only"))
  check(within_1s(b, function(s)
    for _, u in ipairs(s.store.unapplied) do
      if u.name == "lua-only" and u.reason:find("not defined in this process", 1, true) then return true end
    end
    return false
  end), "b reports the scenario it does not define")
  check(#b:status().enabled == 0, "and does not apply it")
  check(a:reset())
  check(within_1s(b, function(s) return #s.store.unapplied == 0 end), "reset clears it everywhere")
  a:close()
  b:close()

  -- bad options: clear errors
  local bad = {
    { store = 5 }, { store = "http://127.0.0.1:1" }, { store = url, workspace = "a b" },
    { store = url, on_store_down = "ignore" }, { store = url, bogus = true }, { workspace = "w" },
  }
  for _, options in ipairs(bad) do
    local raised, e = pcall(syslab.registry, options)
    check(not raised and tostring(e):find("bad argument #1 to 'registry'", 1, true), tostring(e))
  end
  -- down at open: nil + a message naming the URL, or an empty start
  local down = ("redis://127.0.0.1:%d/0"):format(free_port())
  local r, m = syslab.registry { store = down }
  check(r == nil and m:find(down, 1, true), tostring(m))
  r = assert(syslab.registry { store = down, on_store_down = "start_empty" })
  check(r:status().store.connected == false, "start_empty opens disconnected")
  local enabled, why = r:enable("fixed-latency")
  check(enabled == nil and why:find("store unavailable", 1, true), tostring(why))
  r:close()
end)
stop_redis()
if not ok then error(err, 0) end
print(("test_store.lua: %d passed, 0 failed"):format(checks))
