import CLuaShim
import SyslabCore

/// A Lua state owned by Swift: used by `syslab-lua` and by C/Python callers
/// that load Lua scenario files into a registry. Limits keep a broken script
/// from hanging or exhausting the host.
public final class LuaScriptHost: @unchecked Sendable {
    public let state: LuaState
    public let owner: LuaStateOwner
    private var closed = false

    /// `memoryLimit` in bytes (0 = unlimited).
    public init(memoryLimit: Int = 0) throws {
        guard let L = syslab_lua_newstate(memoryLimit) else {
            throw SyslabError.limitExceeded("cannot create a Lua state: out of memory")
        }
        state = L
        guard syslab_lua_openlibs(L) == LUA_OK else {
            syslab_lua_close(L)
            throw SyslabError.limitExceeded("cannot open the Lua standard libraries: out of memory")
        }
        owner = LuaStateOwner.of(L)
        LuaScriptHost.preloadModule(L)
    }

    deinit { close() }

    /// Makes `require "syslab"` return the built-in module.
    public static func preloadModule(_ L: LuaState) {
        lua_getglobal(L, "package")
        lua_getfield(L, -1, "preload")
        LuaSupport.push(L, function: { L in
            guard let L else { return 0 }
            return LuaModule.open(L)
        })
        lua_setfield(L, -2, "syslab")
        syslab_lua_pop(L, 2)
    }

    /// Closes the state; Lua-defined scenarios from it then fail cleanly.
    public func close() {
        owner.lock.withLock {
            guard !closed else { return }
            closed = true
            owner.markClosed()
            syslab_lua_close(state)
        }
    }

    /// Runs a chunk (file or string) under the state lock with `registry` bound
    /// as the global `registry`. Errors carry the Lua message and traceback.
    public func run(path: String? = nil, code: String? = nil, chunkName: String = "=(load)",
                    registry: LuaRegistry.Handle? = nil, instructionLimit: Int64 = 0) throws {
        try owner.lock.withLock {
            guard !closed else { throw SyslabError.scriptError("the Lua state is closed") }
            let L = state
            let top = lua_gettop(L)
            defer { lua_settop(L, top) }
            if let registry {
                LuaRegistry.push(L, registry)
                lua_setglobal(L, "registry")
            }
            lua_pushcclosure(L, syslab_lua_traceback_handler, 0)
            let handler = lua_gettop(L)
            let loaded: Int32
            if let path {
                loaded = syslab_lua_loadfile(L, path)
            } else {
                let source = code ?? ""
                loaded = luaL_loadbufferx(L, source, source.utf8.count, chunkName, "t")
            }
            if loaded != LUA_OK {
                let message = LuaSupport.string(L, at: -1) ?? "cannot load chunk"
                throw loaded == LUA_ERRFILE ? SyslabError.io(message) : SyslabError.scriptError(message)
            }
            syslab_lua_set_instruction_limit(L, instructionLimit)
            defer { syslab_lua_set_instruction_limit(L, 0) }
            if syslab_lua_pcall(L, 0, 0, handler) != LUA_OK {
                throw SyslabError.scriptError(LuaSupport.string(L, at: -1) ?? "(error object is not a string)")
            }
        }
    }
}
