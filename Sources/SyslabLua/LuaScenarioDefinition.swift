import CLuaShim
import SyslabCore

/// Turns the table given to `registry:define{...}` into a `Scenario` whose
/// `apply` calls back into Lua. The description (everything but `apply`)
/// follows the same JSON shape as the catalogue, so Lua-defined scenarios are
/// validated, listed and documented exactly like built-in ones.
enum LuaScenarioDefinition {
    /// Reads the definition table at `index`.
    static func scenario(_ L: LuaState, at index: Int32) throws -> Scenario {
        lua_getfield(L, index, "apply")
        guard lua_type(L, -1) == LUA_TFUNCTION else {
            syslab_lua_pop(L, 1)
            throw SyslabError.invalidArgument("scenario definition needs 'apply', a function(ctx, params) returning effects")
        }
        // Copy the description without the function, then parse it as JSON.
        syslab_lua_newtable(L)
        lua_pushnil(L)
        while lua_next(L, index) != 0 {
            if lua_type(L, -2) == LUA_TSTRING, LuaSupport.string(L, at: -2) == "apply" {
                syslab_lua_pop(L, 1)
                continue
            }
            lua_pushvalue(L, -2)  // key
            syslab_lua_insert(L, -2)  // key key value
            lua_settable(L, -4)  // copy[key] = value
        }
        let description: JSONValue
        do {
            description = try LuaSupport.json(L, at: -1, path: "definition")
        } catch {
            syslab_lua_pop(L, 2)
            throw error
        }
        syslab_lua_pop(L, 1)
        // The function is on top: anchor it in the registry.
        let owner = LuaStateOwner.of(L)
        let reference = luaL_ref(L, syslab_lua_registryindex())
        let function = LuaFunctionReference(owner: owner, reference: reference)
        return try scenario(from: description, function: function)
    }

    static func scenario(from d: JSONValue, function: LuaFunctionReference) throws -> Scenario {
        guard let name = d["name"]?.stringValue else {
            throw SyslabError.invalidArgument("scenario definition needs 'name', a kebab-case string")
        }
        try Scenario.validateName(name)
        for key in d.objectValue!.keys where !allowedKeys.contains(key) {
            throw SyslabError.invalidArgument("scenario '\(name)': unknown definition field '\(key)' (allowed: \(allowedKeys.sorted().joined(separator: ", ")), apply)")
        }
        let parameters = try (d["params"]?.arrayValue ?? []).map { try parameter($0, scenario: name) }
        let metrics = try (d["metrics"]?.arrayValue ?? []).map { try metric($0, scenario: name) }
        let effectKinds = try (d["effects"]?.arrayValue ?? []).map { value -> EffectKind in
            guard let s = value.stringValue, let kind = EffectKind(name: s) else {
                throw SyslabError.invalidArgument("scenario '\(name)': unknown effect kind \(value.serialized()) in 'effects'")
            }
            return kind
        }
        let notes = d["notes"]
        let targeting = try d["target"].map { try Targeting.parse($0, scenario: name) } ?? .everything
        return Scenario(
            name: name, category: d["category"]?.stringValue ?? "custom",
            summary: d["summary"]?.stringValue ?? "",
            notes: LearningNotes(
                whatHappens: notes?["what_happens"]?.stringValue ?? "",
                howToObserve: notes?["how_to_observe"]?.stringValue ?? "",
                howToMitigate: notes?["how_to_mitigate"]?.stringValue ?? ""),
            parameters: parameters, metrics: metrics, applicability: targeting,
            effectKinds: effectKinds, origin: "lua"
        ) { invocation, emit in
            let effects = try function.apply(invocation)
            for effect in effects { emit(effect) }
        }
    }

    static let allowedKeys: Set<String> = ["name", "category", "summary", "notes", "params", "metrics", "target", "effects"]

    static func parameter(_ p: JSONValue, scenario: String) throws -> ParameterSpec {
        guard let name = p["name"]?.stringValue else {
            throw SyslabError.invalidArgument("scenario '\(scenario)': each entry of 'params' needs a string 'name'")
        }
        guard let typeName = p["type"]?.stringValue, let type = ParameterType(rawValue: typeName) else {
            throw SyslabError.invalidArgument("scenario '\(scenario)': parameter '\(name)' needs 'type', one of integer, number, boolean, string, enum")
        }
        guard let defaultJSON = p["default"] else {
            throw SyslabError.invalidArgument("scenario '\(scenario)': parameter '\(name)' needs a 'default'")
        }
        let choices = p["choices"]?.arrayValue?.compactMap(\.stringValue) ?? []
        if type == .enum, choices.isEmpty {
            throw SyslabError.invalidArgument("scenario '\(scenario)': enum parameter '\(name)' needs 'choices'")
        }
        var spec = ParameterSpec(
            name: name, type: type, defaultValue: .string(""), minimum: p["min"]?.doubleValue,
            maximum: p["max"]?.doubleValue, unit: p["unit"]?.stringValue, choices: choices,
            help: p["help"]?.stringValue ?? "")
        if let lo = spec.minimum, let hi = spec.maximum, lo > hi {
            throw SyslabError.outOfRange("scenario '\(scenario)': parameter '\(name)' has min \(lo) greater than max \(hi)")
        }
        // The default must satisfy the parameter's own limits.
        spec.defaultValue = try spec.validate(defaultJSON, scenario: scenario)
        return spec
    }

    static func metric(_ m: JSONValue, scenario: String) throws -> MetricSpec {
        guard let name = m["name"]?.stringValue, !name.isEmpty,
            name.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) || $0 == 95 || $0 == 58 }),
            !(name.first!.isNumber)
        else {
            throw SyslabError.invalidArgument("scenario '\(scenario)': each metric needs a Prometheus-style 'name' ([a-zA-Z_:][a-zA-Z0-9_:]*)")
        }
        guard let kindName = m["type"]?.stringValue, let kind = MetricSpec.Kind(rawValue: kindName) else {
            throw SyslabError.invalidArgument("scenario '\(scenario)': metric '\(name)' needs 'type', one of counter, gauge, histogram")
        }
        let buckets = m["buckets"]?.arrayValue?.compactMap(\.doubleValue) ?? []
        if kind == .histogram, buckets.isEmpty || buckets != buckets.sorted() {
            throw SyslabError.invalidArgument("scenario '\(scenario)': histogram '\(name)' needs ascending 'buckets'")
        }
        return MetricSpec(
            name: name, kind: kind, help: m["help"]?.stringValue ?? "",
            labels: m["labels"]?.arrayValue?.compactMap(\.stringValue) ?? [], buckets: buckets)
    }
}

/// A Lua function kept alive in the Lua registry, callable from any thread.
final class LuaFunctionReference: @unchecked Sendable {
    let owner: LuaStateOwner
    let reference: Int32

    init(owner: LuaStateOwner, reference: Int32) {
        self.owner = owner
        self.reference = reference
    }

    /// Calls `apply(ctx, params)` and converts what it returns (nil, one effect
    /// table, or a list of them) into effects. A Lua error becomes a
    /// `SyslabError.scriptError` naming the scenario; running out of memory or
    /// of the instruction budget a `limitExceeded`.
    func apply(_ invocation: ScenarioInvocation) throws -> [Effect] {
        let name = invocation.scenario
        return try owner.withCallbackThread("scenario '\(name)'") { T in
            let call = ApplyCall(invocation: invocation, reference: reference)
            // ctx and params are built inside a protected call, so a state at its
            // memory ceiling reports "not enough memory" instead of aborting the host.
            var status = withExtendedLifetime(call) {
                syslab_lua_pcall_swift(T, ApplyCall.pushArguments, Unmanaged.passUnretained(call).toOpaque(), 3)
            }
            if status == LUA_OK {
                status = syslab_lua_pcall(T, 2, 1, 0)
            }
            if status != LUA_OK {
                throw LuaSupport.callError(T, status, context: "Lua scenario '\(name)' failed in apply")
            }
            let result = try LuaSupport.json(T, at: -1, path: "result of scenario '\(name)'")
            switch result {
            case .null: return []
            case .object(let o) where o.isEmpty: return []
            case .object: return [try Effect.parse(result, scenario: name)]
            case .array(let items): return try items.map { try Effect.parse($0, scenario: name) }
            default:
                throw SyslabError.typeMismatch("Lua scenario '\(name)' must return nil, an effect table or a list of effects, got \(result.typeName)")
            }
        }
    }
}

/// What one call of a Lua scenario's `apply` needs on the Lua side.
private final class ApplyCall {
    let invocation: ScenarioInvocation
    let reference: Int32

    init(invocation: ScenarioInvocation, reference: Int32) {
        self.invocation = invocation
        self.reference = reference
    }

    /// Pushes `apply`, `ctx` and `params` (run by syslab_lua_pcall_swift, with
    /// the ApplyCall as light userdata at index 1).
    static let pushArguments: LuaFunction = { L in
        guard let L, let raw = lua_touserdata(L, 1) else { return 0 }
        let call = Unmanaged<ApplyCall>.fromOpaque(raw).takeUnretainedValue()
        let invocation = call.invocation
        lua_settop(L, 0)
        do {
            lua_rawgeti(L, syslab_lua_registryindex(), lua_Integer(call.reference))
            var context: [String: JSONValue] = [
                "route": .string(invocation.context.route), "method": .string(invocation.context.method),
                "component": .string(invocation.context.component),
                "tags": .array(invocation.context.tags.map { .string($0) }),
                "now": .number(invocation.now), "elapsed": .number(invocation.elapsed),
                "scenario": .string(invocation.scenario),
            ]
            var random = invocation.random
            context["random"] = .number(random.nextUnit())
            try LuaSupport.push(L, json: .object(context), path: "ctx")
            // ctx.rng draws further numbers from the decision's seeded stream.
            LuaRandom.push(L, seed: random.next())
            lua_setfield(L, -2, "rng")
            LuaDecision.push(L, metrics: invocation.metrics)
            lua_setfield(L, -2, "metrics")
            try LuaSupport.push(L, json: invocation.parameters.json, path: "params")
            return 3
        } catch let error as SyslabError {
            return LuaSupport.raise(L, error.message)
        } catch {
            return LuaSupport.raise(L, "\(error)")
        }
    }
}
