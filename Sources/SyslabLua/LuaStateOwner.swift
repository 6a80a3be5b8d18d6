import CLuaShim
import SyslabCore

/// Guards one Lua state for calls that arrive from outside Lua (a C thread
/// asking a Lua-defined scenario for effects). Lua states are single-threaded,
/// so every such call takes this recursive lock and runs on a dedicated
/// callback thread of the state. When the state closes, later calls fail
/// cleanly instead of touching freed memory.
public final class LuaStateOwner: @unchecked Sendable {
    public let lock = Lock(recursive: true)
    private var callbackThread: LuaState?
    private(set) var isClosed = false
    /// Set when a callback failed with the state's live data filling its
    /// memory ceiling: later callbacks fail at once instead of each paying a
    /// full collection of a full heap before failing again.
    private var isOutOfMemory = false
    /// Instruction budget for one callback, so a looping apply cannot hang a host.
    public var callbackInstructionLimit: Int64 = 50_000_000

    static let metatable = "syslab.StateOwner"
    private static var registryKey: UInt8 = 0

    init(_ L: LuaState) {
        // A coroutine-like thread anchored in the registry: callbacks run here so
        // they never disturb whatever the main thread is doing.
        let thread = lua_newthread(L)
        luaL_ref(L, syslab_lua_registryindex())
        callbackThread = thread
    }

    /// The owner of `L`'s state, created and anchored on first use. Its __gc
    /// (run when the state closes) marks it closed.
    public static func of(_ L: LuaState) -> LuaStateOwner {
        withUnsafeMutablePointer(to: &registryKey) { key in
            lua_rawgetp(L, syslab_lua_registryindex(), key)
            defer { syslab_lua_pop(L, 1) }
            if let owner = LuaSupport.object(L, -1, metatable: metatable, as: LuaStateOwner.self) {
                return owner
            }
            LuaSupport.defineMetatable(L, metatable, methods: [])
            syslab_lua_getmetatable_named(L, metatable)
            LuaSupport.setFunction(L, "__gc") { L in
                guard let L else { return 0 }
                if let owner = LuaSupport.object(L, 1, metatable: LuaStateOwner.metatable, as: LuaStateOwner.self) {
                    owner.markClosed()
                }
                LuaSupport.releaseObject(L, 1, metatable: LuaStateOwner.metatable, as: LuaStateOwner.self)
                return 0
            }
            syslab_lua_pop(L, 1)
            let owner = LuaStateOwner(L)
            LuaSupport.pushObject(L, owner, metatable: metatable)
            lua_rawsetp(L, syslab_lua_registryindex(), key)
            return owner
        }
    }

    func markClosed() {
        lock.withLock {
            isClosed = true
            callbackThread = nil
        }
    }

    /// Runs `body` on the callback thread under the lock, with the stack
    /// restored afterwards.
    public func withCallbackThread<T>(_ what: String, _ body: (LuaState) throws -> T) throws -> T {
        try lock.withLock {
            guard !isClosed, let T = callbackThread else {
                throw SyslabError.scriptError("\(what): the Lua state that defined it has been closed")
            }
            guard !isOutOfMemory else {
                throw SyslabError.limitExceeded(
                    "\(what): not enough memory (the live data of its Lua state fills the state's \(syslab_lua_memory_limit(T) >> 20) MiB limit; load the script again)")
            }
            let top = lua_gettop(T)
            defer { lua_settop(T, top) }
            let budget = syslab_lua_budget_begin(T, callbackInstructionLimit)
            defer { syslab_lua_budget_end(T, budget) }
            do {
                return try body(T)
            } catch {
                if syslab_lua_memory_exhausted(T) != 0 {
                    isOutOfMemory = true
                    if case .scriptError(let message) = error as? SyslabError {
                        throw SyslabError.limitExceeded(message)
                    }
                }
                throw error
            }
        }
    }
}
