import CLuaShim
import SyslabCore

/// A `lua_State *` as Swift sees it.
public typealias LuaState = OpaquePointer

/// The signature of a Swift function exposed to Lua: returns how many results
/// it pushed, or `LuaSupport.raise(...)` to make the C trampoline raise.
public typealias LuaFunction = @convention(c) (LuaState?) -> Int32

/// Helpers shared by every Lua binding file. Nothing here raises a Lua error
/// directly: errors are returned as `SYSLAB_LUA_RAISE` with the message pushed,
/// and the C trampoline in CLuaShim performs the longjmp outside Swift frames.
public enum LuaSupport {
    /// Pushes `message` and returns the sentinel that tells the trampoline to raise.
    public static func raise(_ L: LuaState, _ message: String) -> Int32 {
        lua_pushstring(L, message)
        return SYSLAB_LUA_RAISE
    }

    /// The Lua convention for recoverable failures: `nil, message`.
    public static func fail(_ L: LuaState, _ message: String) -> Int32 {
        lua_pushnil(L)
        lua_pushstring(L, message)
        return 2
    }

    /// Runs a binding body; a thrown SyslabError becomes `nil, message`,
    /// a `LuaArgumentError` (misuse) raises.
    public static func guarded(_ L: LuaState?, _ body: (LuaState) throws -> Int32) -> Int32 {
        guard let L else { return 0 }
        do {
            return try body(L)
        } catch let misuse as LuaArgumentError {
            return raise(L, misuse.message)
        } catch let error as SyslabError {
            return fail(L, error.message)
        } catch {
            return fail(L, "\(error)")
        }
    }

    public static func push(_ L: LuaState, function: LuaFunction) {
        syslab_lua_pushswift(L, function)
    }

    /// Sets `table[name] = function` for the table on top of the stack.
    public static func setFunction(_ L: LuaState, _ name: String, _ function: LuaFunction) {
        syslab_lua_pushswift(L, function)
        lua_setfield(L, -2, name)
    }

    // MARK: strings

    /// Reads a Lua string as validated UTF-8 (Lua strings are bytes).
    public static func string(_ L: LuaState, at index: Int32) -> String? {
        guard lua_type(L, index) == LUA_TSTRING else { return nil }
        var length = 0
        guard let bytes = syslab_lua_tostring(L, index, &length) else { return nil }
        let buffer = UnsafeRawBufferPointer(start: bytes, count: length)
        return String(validating: buffer.bindMemory(to: UInt8.self), as: UTF8.self)
    }

    public static func push(_ L: LuaState, _ string: String) {
        lua_pushstring(L, string)
    }

    // MARK: arguments (misuse raises, with the argument's position)

    public static func checkString(_ L: LuaState, _ index: Int32, _ function: String) throws -> String {
        guard lua_type(L, index) == LUA_TSTRING else {
            throw LuaArgumentError("bad argument #\(index) to '\(function)' (string expected, got \(typeName(L, index)))")
        }
        guard let s = string(L, at: index) else {
            throw LuaArgumentError("bad argument #\(index) to '\(function)' (string is not valid UTF-8)")
        }
        return s
    }

    public static func optString(_ L: LuaState, _ index: Int32, _ function: String) throws -> String? {
        syslab_lua_isnoneornil(L, index) != 0 ? nil : try checkString(L, index, function)
    }

    public static func checkNumber(_ L: LuaState, _ index: Int32, _ function: String) throws -> Double {
        guard lua_type(L, index) == LUA_TNUMBER else {
            throw LuaArgumentError("bad argument #\(index) to '\(function)' (number expected, got \(typeName(L, index)))")
        }
        return syslab_lua_tonumber(L, index, nil)
    }

    public static func optNumber(_ L: LuaState, _ index: Int32, _ function: String, default value: Double) throws -> Double {
        syslab_lua_isnoneornil(L, index) != 0 ? value : try checkNumber(L, index, function)
    }

    public static func checkTable(_ L: LuaState, _ index: Int32, _ function: String) throws {
        guard lua_type(L, index) == LUA_TTABLE else {
            throw LuaArgumentError("bad argument #\(index) to '\(function)' (table expected, got \(typeName(L, index)))")
        }
    }

    public static func typeName(_ L: LuaState, _ index: Int32) -> String {
        String(cString: lua_typename(L, lua_type(L, index)))
    }

    /// The error for a failed `lua_pcall`: a memory or instruction-budget
    /// overrun is `limitExceeded` (SYSLAB_ELIMIT), anything else `scriptError`.
    /// `context` prefixes the message ("Lua scenario 'x' failed in apply").
    public static func callError(_ L: LuaState, _ status: Int32, context: String?) -> SyslabError {
        let message = status == LUA_ERRMEM
            ? "not enough memory (the Lua state reached its memory limit)"
            : string(L, at: -1) ?? "(error object is a \(typeName(L, -1)) value)"
        let text = context.map { "\($0): \(message)" } ?? message
        if status == LUA_ERRMEM || syslab_lua_budget_exceeded(L) != 0 {
            return .limitExceeded(text)
        }
        return .scriptError(text)
    }

    // MARK: JSON <-> Lua values

    /// How deeply tables may nest when converting between Lua and JSON, both
    /// ways; the same as the JSON parser's depth limit, so whatever parses can
    /// be pushed. Cyclic tables stop here too.
    public static let maxDepth = 512

    /// Makes room for `slots` more values on the Lua stack or throws.
    static func reserveStack(_ L: LuaState, _ slots: Int32, _ path: String) throws {
        guard lua_checkstack(L, slots) != 0 else {
            throw SyslabError.limitExceeded("\(path): no room on the Lua stack (not enough memory)")
        }
    }

    static func depthError(_ path: String) -> SyslabError {
        .limitExceeded("\(path) is nested more than \(maxDepth) levels deep (the limit for converting between Lua and JSON), or contains a cycle")
    }

    /// Converts the Lua value at `index` to JSON. Tables whose keys are exactly
    /// 1...n become arrays, other tables objects with string keys. Functions,
    /// userdata, cycles and nesting beyond `maxDepth` are errors naming the path.
    public static func json(_ L: LuaState, at index: Int32, path: String = "value", depth: Int = 0) throws -> JSONValue {
        let index = index < 0 && index > syslab_lua_registryindex() ? lua_gettop(L) + index + 1 : index
        switch lua_type(L, index) {
        case LUA_TNIL, LUA_TNONE: return .null
        case LUA_TBOOLEAN: return .bool(lua_toboolean(L, index) != 0)
        case LUA_TNUMBER:
            let n = syslab_lua_tonumber(L, index, nil)
            guard n.isFinite else { throw SyslabError.outOfRange("\(path) must be a finite number") }
            return .number(n)
        case LUA_TSTRING:
            guard let s = string(L, at: index) else { throw SyslabError.invalidUTF8("\(path) is not valid UTF-8") }
            return .string(s)
        case LUA_TTABLE:
            guard depth < maxDepth else { throw depthError(path) }
            try reserveStack(L, 4, path)  // key, value, and the metatable check
            var members: [String: JSONValue] = [:]
            var items: [Int: JSONValue] = [:]
            var isArray = true
            lua_pushnil(L)
            while lua_next(L, index) != 0 {
                // key at -2, value at -1
                if lua_type(L, -2) == LUA_TNUMBER, lua_isinteger(L, -2) != 0 {
                    let k = Int(syslab_lua_tointeger(L, -2, nil))
                    do { items[k] = try json(L, at: -1, path: "\(path)[\(k)]", depth: depth + 1) } catch {
                        syslab_lua_pop(L, 2); throw error
                    }
                    members[String(k)] = items[k]
                } else if lua_type(L, -2) == LUA_TSTRING, let key = string(L, at: -2) {
                    isArray = false
                    do { members[key] = try json(L, at: -1, path: "\(path).\(key)", depth: depth + 1) } catch {
                        syslab_lua_pop(L, 2); throw error
                    }
                } else {
                    syslab_lua_pop(L, 2)
                    throw SyslabError.typeMismatch("\(path) has a key of type \(typeName(L, -2)); only strings and integers are allowed")
                }
                syslab_lua_pop(L, 1)
            }
            if items.isEmpty, members.isEmpty, isMarkedArray(L, index) { return .array([]) }
            if isArray, !items.isEmpty, items.keys.min() == 1, items.keys.max() == items.count {
                return .array((1...items.count).map { items[$0]! })
            }
            if !isArray || items.isEmpty { return .object(members) }
            throw SyslabError.typeMismatch("\(path) mixes or skips integer keys; use a sequence 1..n or string keys")
        default:
            throw SyslabError.typeMismatch("\(path) is a \(typeName(L, index)), which cannot be converted to data")
        }
    }

    /// Pushes a JSON value as Lua data (null becomes nil inside arrays' holes
    /// only at the end). Throws, pushing nothing, when it nests deeper than
    /// `maxDepth` or the stack cannot grow.
    public static func push(_ L: LuaState, json value: JSONValue, path: String = "value") throws {
        let top = lua_gettop(L)
        do {
            try push(L, json: value, depth: 0, path: path)
        } catch {
            lua_settop(L, top)
            throw error
        }
    }

    private static func push(_ L: LuaState, json value: JSONValue, depth: Int, path: String) throws {
        try reserveStack(L, 3, path)  // the value, an element, the array metatable
        switch value {
        case .null: lua_pushnil(L)
        case .bool(let b): lua_pushboolean(L, b ? 1 : 0)
        case .number(let n):
            if n == n.rounded(), abs(n) < 9.0e15 { lua_pushinteger(L, lua_Integer(n)) } else { lua_pushnumber(L, n) }
        case .string(let s): lua_pushstring(L, s)
        case .array(let items):
            guard depth < maxDepth else { throw depthError(path) }
            lua_createtable(L, Int32(clamping: items.count), 0)
            for (i, item) in items.enumerated() {
                try push(L, json: item, depth: depth + 1, path: path)
                lua_rawseti(L, -2, lua_Integer(i + 1))
            }
            markArray(L)
        case .object(let members):
            guard depth < maxDepth else { throw depthError(path) }
            lua_createtable(L, 0, Int32(clamping: members.count))
            for key in members.keys.sorted() {
                try push(L, json: members[key]!, depth: depth + 1, path: path)
                lua_setfield(L, -2, key)
            }
        }
    }

    /// Arrays pushed from JSON carry the `syslab.array` metatable so an empty
    /// one converts back to `[]` rather than `{}`.
    static let arrayMetatable = "syslab.array"

    /// Sets the array marker on the table on top of the stack.
    public static func markArray(_ L: LuaState) {
        if luaL_newmetatable(L, arrayMetatable) != 0 {
            lua_pushstring(L, arrayMetatable)
            lua_setfield(L, -2, "__name")
        }
        lua_setmetatable(L, -2)
    }

    static func isMarkedArray(_ L: LuaState, _ index: Int32) -> Bool {
        guard lua_getmetatable(L, index) != 0 else { return false }
        syslab_lua_getmetatable_named(L, arrayMetatable)
        let marked = lua_rawequal(L, -1, -2) != 0
        syslab_lua_pop(L, 2)
        return marked
    }

    // MARK: userdata holding Swift objects

    /// Pushes a userdata that retains `object`, with the named metatable
    /// (created on first use by `ensureMetatable`).
    public static func pushObject<T: AnyObject>(_ L: LuaState, _ object: T, metatable: String) {
        let slot = syslab_lua_newuserdata(L, MemoryLayout<UnsafeMutableRawPointer?>.size)!
        slot.storeBytes(of: Unmanaged.passRetained(object).toOpaque(), as: UnsafeMutableRawPointer?.self)
        syslab_lua_getmetatable_named(L, metatable)
        lua_setmetatable(L, -2)
    }

    /// The object in the userdata at `index` if it has metatable `name` and is not closed.
    public static func object<T: AnyObject>(_ L: LuaState, _ index: Int32, metatable name: String, as: T.Type) -> T? {
        guard let raw = luaL_testudata(L, index, name) else { return nil }
        guard let pointer = raw.load(as: UnsafeMutableRawPointer?.self) else { return nil }
        return Unmanaged<T>.fromOpaque(pointer).takeUnretainedValue()
    }

    /// The object behind `self` (argument 1) of a method call, or a Lua error
    /// saying that the handle is closed or that `self` is of the wrong type.
    /// `variable` is how the docs name such a handle ("registry", "trace").
    public static func checkSelf<T: AnyObject>(
        _ L: LuaState, metatable name: String, as type: T.Type, method: String, variable: String
    ) throws -> T {
        if let object = object(L, 1, metatable: name, as: type) { return object }
        if luaL_testudata(L, 1, name) != nil {
            throw LuaArgumentError("\(variable):\(method): the \(variable) is closed")
        }
        throw LuaArgumentError(
            "bad self to '\(method)' (\(name) expected, got \(typeName(L, 1)); use \(variable):\(method)(...))")
    }

    /// Releases the object held by the userdata at `index` (for __gc and __close); idempotent.
    public static func releaseObject<T: AnyObject>(_ L: LuaState, _ index: Int32, metatable name: String, as: T.Type) {
        guard let raw = luaL_testudata(L, index, name) else { return }
        guard let pointer = raw.load(as: UnsafeMutableRawPointer?.self) else { return }
        raw.storeBytes(of: nil, as: UnsafeMutableRawPointer?.self)
        Unmanaged<T>.fromOpaque(pointer).release()
    }

    /// Creates metatable `name` with `__index` = itself and the given methods.
    /// Returns false when it already existed (nothing changed).
    @discardableResult
    public static func defineMetatable(_ L: LuaState, _ name: String, methods: [(String, LuaFunction)]) -> Bool {
        let created = luaL_newmetatable(L, name) != 0
        if created {
            lua_pushvalue(L, -1)
            lua_setfield(L, -2, "__index")
            lua_pushstring(L, name)
            lua_setfield(L, -2, "__name")
            for (method, function) in methods { setFunction(L, method, function) }
        }
        syslab_lua_pop(L, 1)
        return created
    }
}

/// Misuse of the Lua API (wrong argument types): raised as a Lua error.
public struct LuaArgumentError: Error {
    public let message: String
    public init(_ message: String) { self.message = message }
}
