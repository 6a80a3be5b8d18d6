import CLuaShim
import SyslabCore

/// The Lua side of metrics and effects:
///   - `registry:metrics()` returns the Prometheus text exposition;
///   - `syslab.effect_kinds` lists the effect vocabulary;
///   - inside a Lua scenario's `apply(ctx, params)`, `ctx.metrics` records the
///     scenario's declared metrics exactly as built-in scenarios do:
///     `ctx.metrics:inc(name [, amount [, label ...]])`,
///     `ctx.metrics:set(name, value [, label ...])`,
///     `ctx.metrics:observe(name, value [, label ...])`.
///     The `scenario` label is filled in; other label values follow in the
///     order the metric declares them. Mistakes (an undeclared metric, the
///     wrong kind, a missing label) raise, so they surface as errors of apply.
public enum LuaDecision {
    static let metricsMetatable = "syslab.ScenarioMetrics"

    final class MetricsBox {
        let metrics: ScenarioMetrics
        init(_ metrics: ScenarioMetrics) { self.metrics = metrics }
    }

    /// Adds the module-level fields; LuaModule.open calls it with the module table on top.
    static func register(_ L: LuaState) throws {
        try LuaSupport.push(L, json: .array(EffectKind.allCases.map { .string($0.name) }))
        lua_setfield(L, -2, "effect_kinds")
    }

    /// `registry:metrics()` → the exposition text (format 0.0.4).
    static let metricsText: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            let handle = try LuaRegistry.handle(L, "metrics")
            LuaSupport.push(L, handle.registry.metricsText())
            return 1
        }
    }

    /// Pushes the `ctx.metrics` object for one invocation.
    static func push(_ L: LuaState, metrics: ScenarioMetrics) {
        let created = LuaSupport.defineMetatable(L, metricsMetatable, methods: [
            ("inc", record(.increment)), ("set", record(.set)), ("observe", record(.observe)),
        ])
        if created {
            syslab_lua_getmetatable_named(L, metricsMetatable)
            LuaSupport.setFunction(L, "__gc") { L in
                guard let L else { return 0 }
                LuaSupport.releaseObject(L, 1, metatable: LuaDecision.metricsMetatable, as: MetricsBox.self)
                return 0
            }
            syslab_lua_pop(L, 1)
        }
        LuaSupport.pushObject(L, MetricsBox(metrics), metatable: metricsMetatable)
    }

    enum Verb { case increment, set, observe }

    static func record(_ verb: Verb) -> LuaFunction {
        switch verb {
        case .increment: return { L in LuaDecision.apply(L, .increment) }
        case .set: return { L in LuaDecision.apply(L, .set) }
        case .observe: return { L in LuaDecision.apply(L, .observe) }
        }
    }

    static func apply(_ L: LuaState?, _ verb: Verb) -> Int32 {
        LuaSupport.guarded(L) { L in
            let method = verb == .increment ? "inc" : verb == .set ? "set" : "observe"
            guard let box = LuaSupport.object(L, 1, metatable: metricsMetatable, as: MetricsBox.self) else {
                throw LuaArgumentError("bad self to '\(method)' (ctx.metrics expected; use ctx.metrics:\(method)(...))")
            }
            let name = try LuaSupport.checkString(L, 2, method)
            let value = verb == .increment
                ? try LuaSupport.optNumber(L, 3, method, default: 1)
                : try LuaSupport.checkNumber(L, 3, method)
            var labels = LabelValues()
            let top = lua_gettop(L)
            if top > 3 {
                guard top - 3 <= LabelValues.capacity else {
                    throw LuaArgumentError("'\(method)' takes at most \(LabelValues.capacity) label values")
                }
                for index in 4...top { labels.append(try LuaSupport.checkString(L, index, method)) }
            }
            do {
                switch verb {
                case .increment: try box.metrics.increment(name, by: value, labels)
                case .set: try box.metrics.set(name, value, labels)
                case .observe: try box.metrics.observe(name, value, labels)
                }
            } catch let error as SyslabError {
                throw LuaArgumentError(error.message)  // raise: a silent nil would hide the mistake
            }
            return 0
        }
    }
}
