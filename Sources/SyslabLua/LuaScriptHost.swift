import CLuaShim
import SyslabCore

/// A Lua state owned by Swift: used by `syslab-lua` and by C/Python callers
/// that load Lua scenario files into a registry. Limits keep a broken script
/// from hanging or exhausting the host; a sandboxed state (the default for
/// code run on a host's behalf) has only the libraries listed in docs/lua.md.
public final class LuaScriptHost: @unchecked Sendable {
    public let state: LuaState
    public let owner: LuaStateOwner
    private var closed = false

    /// `memoryLimit` in bytes (0 = unlimited). `sandboxed` opens the safe
    /// subset of the standard library; `ignoreEnvironment` makes `package`
    /// ignore LUA_PATH and LUA_CPATH (lua.c's -E).
    public init(memoryLimit: Int = 0, sandboxed: Bool = true, ignoreEnvironment: Bool = false) throws {
        guard let L = syslab_lua_newstate(memoryLimit) else {
            throw SyslabError.limitExceeded("cannot create a Lua state: out of memory")
        }
        state = L
        guard syslab_lua_openlibs(L, sandboxed ? 1 : 0, ignoreEnvironment ? 1 : 0) == LUA_OK,
              syslab_lua_preload(L, "syslab", LuaScriptHost.openModule) == LUA_OK
        else {
            syslab_lua_close(L)
            throw SyslabError.limitExceeded("cannot open the Lua standard libraries: not enough memory")
        }
        owner = LuaStateOwner.of(L)
    }

    deinit { close() }

    /// What `require "syslab"` runs (preloaded, so it is built on first use).
    static let openModule: LuaFunction = { L in
        guard let L else { return 0 }
        return LuaModule.open(L)
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
            let budget = syslab_lua_budget_begin(L, instructionLimit)
            defer { syslab_lua_budget_end(L, budget) }
            let status = syslab_lua_pcall(L, 0, 0, handler)
            if status != LUA_OK {
                throw LuaSupport.callError(L, status, context: nil)
            }
        }
    }
}
