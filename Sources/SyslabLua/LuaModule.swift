#if canImport(Glibc)
import Glibc
#endif
import CLuaShim
import SyslabCore

/// Builds the `syslab` module table. Each area registers its functions in
/// its own file; add one line here per area.
public enum LuaModule {
    public static let version = "0.1.0"

    /// Pushes the module table onto the stack (what `require "syslab"` returns).
    public static func open(_ L: LuaState) -> Int32 {
        LuaSupport.guarded(L) { L in try build(L) }
    }

    private static func build(_ L: LuaState) throws -> Int32 {
        // Creating the state's owner first anchors its finaliser early, so it runs
        // after the finalisers of objects created later (Lua finalises in reverse).
        _ = LuaStateOwner.of(L)
        LuaRegistry.register(L)
        LuaRandom.register(L)
        lua_createtable(L, 0, 16)
        LuaSupport.push(L, version)
        lua_setfield(L, -2, "version")
        LuaSupport.setFunction(L, "registry", LuaRegistry.new)
        LuaSupport.setFunction(L, "random", newRandom)
        LuaSupport.setFunction(L, "json_encode", jsonEncode)
        LuaSupport.setFunction(L, "json_decode", jsonDecode)
        LuaSupport.setFunction(L, "sleep", sleep)
        LuaSupport.setFunction(L, "array", markArray)
        LuaSupport.setFunction(L, "clock", clock)
        try LuaDecision.register(L)
        LuaSimulation.register(L)
        LuaSweep.register(L)
        try LuaTracing.register(L)
        LuaOrders.addModule(L)
        return 1
    }

    /// `syslab.random(seed)`: a seeded generator (`:uniform()`, `:exponential(mean)`, `:lognormal(mean, sd)`).
    static let newRandom: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            let seed = try LuaSupport.checkNumber(L, 1, "random")
            guard seed >= 0, seed == seed.rounded(), seed < 1.8e19 else {
                throw LuaArgumentError("bad argument #1 to 'random' (seed must be a non-negative integer)")
            }
            LuaRandom.push(L, seed: UInt64(seed))
            return 1
        }
    }

    /// `syslab.array([t])`: marks a table as a JSON array (so `{}` encodes as `[]`); returns it.
    static let markArray: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            if syslab_lua_isnoneornil(L, 1) != 0 {
                lua_settop(L, 0)
                syslab_lua_newtable(L)
            } else {
                try LuaSupport.checkTable(L, 1, "array")
                lua_settop(L, 1)
            }
            LuaSupport.markArray(L)
            return 1
        }
    }

    /// `syslab.sleep(seconds)`: blocks the calling thread (0 <= seconds <= 3600).
    static let sleep: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            let seconds = try LuaSupport.checkNumber(L, 1, "sleep")
            guard seconds >= 0, seconds <= 3600 else {
                throw LuaArgumentError("bad argument #1 to 'sleep' (seconds must be in [0, 3600])")
            }
            var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
            var remaining = timespec()
            while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
            return 0
        }
    }

    /// `syslab.clock()`: monotonic seconds, for measuring wall time in scripts.
    static let clock: LuaFunction = { L in
        guard let L else { return 0 }
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        lua_pushnumber(L, Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9)
        return 1
    }

    /// `syslab.json_encode(value [, pretty])` → string, or nil and a message.
    static let jsonEncode: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            let value = try LuaSupport.json(L, at: 1)
            let pretty = lua_toboolean(L, 2) != 0
            LuaSupport.push(L, value.serialized(pretty: pretty))
            return 1
        }
    }

    /// `syslab.json_decode(text)` → value, or nil and a message.
    static let jsonDecode: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            let text = try LuaSupport.checkString(L, 1, "json_decode")
            try LuaSupport.push(L, json: try JSONValue.parse(text))
            return 1
        }
    }
}

/// Entry point for `require "syslab"` from a stock lua5.4 (libsyslab.so is
/// installed on Lua's cpath as syslab.so).
@_cdecl("luaopen_syslab")
public func luaopen_syslab(_ L: LuaState?) -> Int32 {
    guard let L else { return 0 }
    return LuaModule.open(L)
}
