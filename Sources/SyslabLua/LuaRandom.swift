import CLuaShim
import SyslabCore

/// `syslab.Random`: a seeded generator as Lua userdata, so Lua scenarios and
/// scripts draw reproducible numbers without touching math.random.
enum LuaRandom {
    static let metatable = "syslab.Random"

    final class Box {
        var generator: SeededGenerator
        init(seed: UInt64) { generator = SeededGenerator(seed: seed) }
    }

    static func register(_ L: LuaState) {
        let created = LuaSupport.defineMetatable(L, metatable, methods: [
            ("uniform", { L in
                LuaSupport.guarded(L) { L in
                    let box = try LuaRandom.box(L, "uniform")
                    let lo = try LuaSupport.optNumber(L, 2, "uniform", default: 0)
                    let hi = try LuaSupport.optNumber(L, 3, "uniform", default: 1)
                    lua_pushnumber(L, lo + (hi - lo) * box.generator.nextUnit())
                    return 1
                }
            }),
            ("exponential", { L in
                LuaSupport.guarded(L) { L in
                    let box = try LuaRandom.box(L, "exponential")
                    let mean = try LuaSupport.checkNumber(L, 2, "exponential")
                    lua_pushnumber(L, Distribution.exponential(mean: mean).sample(&box.generator))
                    return 1
                }
            }),
            ("lognormal", { L in
                LuaSupport.guarded(L) { L in
                    let box = try LuaRandom.box(L, "lognormal")
                    let mean = try LuaSupport.checkNumber(L, 2, "lognormal")
                    let sd = try LuaSupport.checkNumber(L, 3, "lognormal")
                    guard mean > 0, sd >= 0 else { throw LuaArgumentError("lognormal needs mean > 0 and stddev >= 0") }
                    lua_pushnumber(L, Distribution.lognormal(mean: mean, stddev: sd).sample(&box.generator))
                    return 1
                }
            }),
        ])
        guard created else { return }
        syslab_lua_getmetatable_named(L, metatable)
        LuaSupport.setFunction(L, "__gc") { L in
            guard let L else { return 0 }
            LuaSupport.releaseObject(L, 1, metatable: LuaRandom.metatable, as: Box.self)
            return 0
        }
        syslab_lua_pop(L, 1)
    }

    static func push(_ L: LuaState, seed: UInt64) {
        register(L)
        LuaSupport.pushObject(L, Box(seed: seed), metatable: metatable)
    }

    static func box(_ L: LuaState, _ method: String) throws -> Box {
        try LuaSupport.checkSelf(L, metatable: metatable, as: Box.self, method: method, variable: "rng")
    }
}
