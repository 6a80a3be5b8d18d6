import CLuaShim
import SyslabCore
import SyslabSimulation

/// The simulation part of the `syslab` module: queueing stations, system
/// simulations and load tests. Configuration crosses as Lua tables read
/// through JSON, so Lua, C and Python share one schema and one set of errors.
public enum LuaSimulation {
    /// Adds the simulation functions to the module table on top of the stack.
    public static func register(_ L: LuaState) {
        LuaSupport.setFunction(L, "queue", queue)
    }

    /// `syslab.queue{lambda=, mu=, servers=, capacity=, customers=, seed=, service="exp"|"det"}`
    /// → a result table (mean_wq, mean_w, mean_l, p50_w, p99_w, blocking, n, ...), or nil and a message.
    static let queue: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            try LuaSupport.checkTable(L, 1, "queue")
            let model = try QueueingModel(config: try LuaSupport.json(L, at: 1, path: "queue"))
            let result = try QueueingSimulation(model).run()
            LuaSupport.push(L, json: result.json)
            return 1
        }
    }
}
