import CLuaShim
import SyslabCore
import SyslabStore

/// `syslab.Registry`: a scenario registry as Lua userdata. The same Swift
/// registry can be shared with C callers (see `SyslabCABI`), so scenarios
/// defined here are visible to them.
public enum LuaRegistry {
    public static let metatable = "syslab.Registry"

    /// What the userdata holds: the registry, the manual clock when the
    /// script asked for one (so `registry:advance(dt)` can move time), and
    /// the Redis store its enabled set lives in, if any (closed with it).
    public final class Handle {
        public let registry: ScenarioRegistry
        public let manualClock: ManualClock?
        public let store: RedisStore?
        public init(registry: ScenarioRegistry, manualClock: ManualClock? = nil, store: RedisStore? = nil) {
            self.registry = registry
            self.manualClock = manualClock
            self.store = store
        }
        deinit { store?.close() }

        /// A registry from an options object: `seed`, `manual_clock` and the
        /// store keys (`StoreOptions.keys`); unknown keys are an error.
        public static func open(options: JSONValue?) throws -> Handle {
            var seed: UInt64 = 0x5EED
            var clock: ManualClock? = nil
            var storeOptions: StoreOptions? = nil
            if let options, !options.isNull {
                guard case .object(let o) = options else {
                    throw SyslabError.typeMismatch("options must be a JSON object, got \(options.typeName)")
                }
                for key in o.keys where key != "seed" && key != "manual_clock" && !StoreOptions.keys.contains(key) {
                    throw SyslabError.invalidArgument(
                        "unknown option '\(ErrorText.quoted(key))' (expected seed, manual_clock, \(StoreOptions.keys.joined(separator: ", ")))")
                }
                if let value = o["seed"] {
                    guard let n = value.doubleValue, n >= 0, n == n.rounded(), n < 1.8e19 else {
                        throw SyslabError.outOfRange("options.seed must be a non-negative integer")
                    }
                    seed = UInt64(n)
                }
                switch o["manual_clock"] {
                case .bool(true)?: clock = ManualClock()
                case nil, .bool(false)?: break
                case .number(let start)? where start.isFinite: clock = ManualClock(start: start)
                default: throw SyslabError.typeMismatch("options.manual_clock must be a boolean or a start time in seconds")
                }
                storeOptions = try StoreOptions.from(options: o)
            }
            let registry = ScenarioRegistry(clock: clock ?? SystemClock(), seed: seed)
            let store = try storeOptions.map { try RedisStore.attach(registry, options: $0) }
            return Handle(registry: registry, manualClock: clock, store: store)
        }
    }

    static func register(_ L: LuaState) {
        let created = LuaSupport.defineMetatable(L, metatable, methods: [
            ("list", list), ("catalogue", catalogue), ("scenario", scenario), ("enable", enable),
            ("disable", disable), ("reset", reset), ("status", status), ("define", define),
            ("decide", decide), ("advance", advance), ("now", now), ("close", close),
            ("metrics", LuaDecision.metricsText), ("record_response", recordResponse),
        ])
        guard created else { return }
        syslab_lua_getmetatable_named(L, metatable)
        LuaSupport.setFunction(L, "__gc", close)
        LuaSupport.setFunction(L, "__close", close)
        LuaSupport.setFunction(L, "__tostring") { L in
            guard let L else { return 0 }
            if let handle = LuaSupport.object(L, 1, metatable: LuaRegistry.metatable, as: Handle.self) {
                let active = handle.registry.activeScenarios().count
                LuaSupport.push(L, "syslab.Registry (\(handle.registry.catalogue.count) scenarios, \(active) enabled)")
            } else {
                LuaSupport.push(L, "syslab.Registry (closed)")
            }
            return 1
        }
        syslab_lua_pop(L, 1)
    }

    /// Pushes a userdata for an existing registry (used when C hands one to a script).
    public static func push(_ L: LuaState, _ handle: Handle) {
        register(L)
        LuaSupport.pushObject(L, handle, metatable: metatable)
    }

    /// `syslab.registry([options])`: options `seed` (integer) and `manual_clock`
    /// (true, or a start time in seconds) for deterministic tests, and the
    /// store keys (`store`, `workspace`, `on_store_down`, ...; docs/fleet.md).
    /// A store that cannot be opened returns nil and a message.
    static let new: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            var options: JSONValue? = nil
            if syslab_lua_isnoneornil(L, 1) == 0 {
                try LuaSupport.checkTable(L, 1, "registry")
                options = try LuaSupport.json(L, at: 1, path: "options")
            }
            let handle: Handle
            do {
                handle = try Handle.open(options: options)
            } catch SyslabError.io(let message) {
                lua_pushnil(L)
                LuaSupport.push(L, message)
                return 2
            } catch let error as SyslabError {
                throw LuaArgumentError("bad argument #1 to 'registry' (\(error.message))")
            }
            push(L, handle)
            return 1
        }
    }

    static func handle(_ L: LuaState, _ function: String) throws -> Handle {
        try LuaSupport.checkSelf(L, metatable: metatable, as: Handle.self, method: function, variable: "registry")
    }

    static let list: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            let names = try handle(L, "list").registry.catalogue.map { JSONValue.string($0.name) }
            try LuaSupport.push(L, json: .array(names))
            return 1
        }
    }

    static let catalogue: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            try LuaSupport.push(L, json: try handle(L, "catalogue").registry.catalogueJSON()["scenarios"] ?? .array([]))
            return 1
        }
    }

    static let scenario: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            let registry = try handle(L, "scenario").registry
            let name = try LuaSupport.checkString(L, 2, "scenario")
            guard let scenario = registry.scenario(named: name) else {
                throw SyslabError.notFound("unknown scenario '\(ErrorText.quoted(name))'")
            }
            try LuaSupport.push(L, json: scenario.json)
            return 1
        }
    }

    /// `registry:enable(name [, params [, ttl_seconds]])` → true, or nil and a message.
    static let enable: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            let registry = try handle(L, "enable").registry
            let name = try LuaSupport.checkString(L, 2, "enable")
            var params: JSONValue? = nil
            if syslab_lua_isnoneornil(L, 3) == 0 {
                try LuaSupport.checkTable(L, 3, "enable")
                params = try LuaSupport.json(L, at: 3, path: "params")
                if case .object(let o)? = params, o.isEmpty { params = nil }
            }
            let ttl = try LuaSupport.optNumber(L, 4, "enable", default: 0)
            try registry.enable(name, parameters: params, ttl: ttl)
            lua_pushboolean(L, 1)
            return 1
        }
    }

    static let disable: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            let registry = try handle(L, "disable").registry
            try registry.disable(try LuaSupport.checkString(L, 2, "disable"))
            lua_pushboolean(L, 1)
            return 1
        }
    }

    /// `registry:record_response(scenario, status)`: the status a host answered to a security probe.
    static let recordResponse: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            let registry = try handle(L, "record_response").registry
            let scenario = try LuaSupport.checkString(L, 2, "record_response")
            let status = try LuaSupport.checkNumber(L, 3, "record_response")
            guard status == status.rounded(), abs(status) < 1_000_000 else {
                throw SyslabError.outOfRange("record_response: status must be an HTTP status code, got \(JSONValue.format(number: status))")
            }
            try registry.recordResponse(scenario: scenario, status: Int(status))
            lua_pushboolean(L, 1)
            return 1
        }
    }

    static let reset: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            try handle(L, "reset").registry.reset()
            lua_pushboolean(L, 1)
            return 1
        }
    }

    static let status: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            try LuaSupport.push(L, json: try handle(L, "status").registry.statusJSON())
            return 1
        }
    }

    /// `registry:define{ name=..., params={...}, apply=function(ctx, params) ... end }`.
    static let define: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            let registry = try handle(L, "define").registry
            try LuaSupport.checkTable(L, 2, "define")
            let scenario = try LuaScenarioDefinition.scenario(L, at: 2)
            try registry.register(scenario)
            lua_pushboolean(L, 1)
            return 1
        }
    }

    /// `registry:decide{route=, method=, component=, tags={...}}` → list of
    /// `{scenario=, kind=, seconds=, status=, amount=}`.
    static let decide: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            let registry = try handle(L, "decide").registry
            var context = RequestContext()
            if syslab_lua_isnoneornil(L, 2) == 0 {
                try LuaSupport.checkTable(L, 2, "decide")
                context = try RequestContext.parse(try LuaSupport.json(L, at: 2, path: "request"))
            }
            var effects: [JSONValue] = []
            try registry.decide(context) { entry, effect in
                effects.append(effect.json(scenario: entry.scenario.name))
            }
            try LuaSupport.push(L, json: .array(effects))
            return 1
        }
    }

    /// `registry:advance(seconds)`: moves a manual clock (error otherwise).
    static let advance: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            let h = try handle(L, "advance")
            let seconds = try LuaSupport.checkNumber(L, 2, "advance")
            guard let clock = h.manualClock else {
                throw LuaArgumentError("registry:advance needs a registry made with syslab.registry{manual_clock=true}")
            }
            guard seconds >= 0, seconds.isFinite else { throw LuaArgumentError("registry:advance: seconds must be finite and >= 0") }
            try clock.advance(by: seconds)
            lua_pushnumber(L, clock.now())
            return 1
        }
    }

    static let now: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            lua_pushnumber(L, try handle(L, "now").registry.clock.now())
            return 1
        }
    }

    static let close: LuaFunction = { L in
        guard let L else { return 0 }
        LuaSupport.releaseObject(L, 1, metatable: LuaRegistry.metatable, as: Handle.self)
        return 0
    }
}
