import CLuaShim
import SyslabCore
import SyslabOrders

/// `syslab.orders`: the CQRS / event-sourcing order store from Lua (docs/orders.md).
///
///     local store = syslab.orders.open(path [, options [, registry]])
///     store:place{order_id=..., customer_id=..., amount=2500, currency="EUR", address={...}, sku=..., quantity=1}
///     store:pay(id) store:ship(id) store:cancel(id [, reason]) store:execute(command_table)
///     store:order(id) store:state(id) store:history(id) store:orders([limit]) store:analytics() store:lag()
///     store:catch_up() store:rebuild([projection]) store:set_stock(sku, n) store:stock(sku)
///     store:saga(order_table [, max_steps]) store:resume_sagas() store:saga_status(id)
///     store:damage_snapshot(id) store:integrity() store:status() store:metrics() store:registry() store:close()
///
/// Failures the caller can expect (a refused command, a version conflict, a bad
/// id) return nil and a message; wrong argument types raise.
public enum LuaOrders {
    public static let metatable = "syslab.OrderStore"

    final class Handle {
        let store: OrderStore
        let registry: LuaRegistry.Handle
        init(store: OrderStore, registry: LuaRegistry.Handle) { self.store = store; self.registry = registry }
    }

    static func register(_ L: LuaState) {
        let created = LuaSupport.defineMetatable(L, metatable, methods: [
            ("place", place), ("pay", simple("pay")), ("ship", simple("ship")), ("cancel", cancel), ("execute", execute),
            ("order", byID("order")), ("state", byID("state")), ("history", byID("history")), ("saga_status", byID("saga")),
            ("orders", orders), ("analytics", plainQuery("analytics")), ("lag", plainQuery("lag")),
            ("status", plainQuery("status")), ("integrity", plainQuery("integrity")), ("stock", stock),
            ("set_stock", setStock), ("catch_up", catchUp), ("rebuild", rebuild), ("damage_snapshot", damageSnapshot),
            ("saga", saga), ("resume_sagas", resumeSagas), ("metrics", metrics), ("registry", registry), ("close", close),
        ])
        guard created else { return }
        syslab_lua_getmetatable_named(L, metatable)
        LuaSupport.setFunction(L, "__gc", close)
        LuaSupport.setFunction(L, "__close", close)
        LuaSupport.setFunction(L, "__tostring") { L in
            guard let L else { return 0 }
            if let handle = LuaSupport.object(L, 1, metatable: LuaOrders.metatable, as: Handle.self) {
                LuaSupport.push(L, "syslab.OrderStore (\(handle.store.path))")
            } else {
                LuaSupport.push(L, "syslab.OrderStore (closed)")
            }
            return 1
        }
        syslab_lua_pop(L, 1)
    }

    /// Adds `orders = {open = ...}` to the module table on top of the stack.
    static func addModule(_ L: LuaState) {
        register(L)
        lua_createtable(L, 0, 1)
        LuaSupport.setFunction(L, "open", open)
        lua_setfield(L, -2, "orders")
    }

    /// `syslab.orders.open(path [, options [, registry]])` → store, or nil and a message.
    static let open: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            let path = try LuaSupport.checkString(L, 1, "open")
            var options: JSONValue? = nil
            if syslab_lua_isnoneornil(L, 2) == 0 {
                try LuaSupport.checkTable(L, 2, "open")
                options = try LuaSupport.json(L, at: 2, path: "options")
            }
            let registry: LuaRegistry.Handle
            if syslab_lua_isnoneornil(L, 3) == 0 {
                guard let given = LuaSupport.object(L, 3, metatable: LuaRegistry.metatable, as: LuaRegistry.Handle.self) else {
                    throw LuaArgumentError("bad argument #3 to 'open' (syslab.Registry expected, got \(LuaSupport.typeName(L, 3)))")
                }
                registry = given
            } else {
                registry = LuaRegistry.Handle(registry: ScenarioRegistry())
            }
            let parsed: OrderStoreOptions
            do { parsed = try OrderStoreOptions.parse(options) } catch let error as SyslabError {
                throw LuaArgumentError("bad argument #2 to 'open' (\(error.message))")
            }
            let store = try OrderStore(path: path, registry: registry.registry, options: parsed)
            LuaSupport.pushObject(L, Handle(store: store, registry: registry), metatable: metatable)
            return 1
        }
    }

    static func handle(_ L: LuaState, _ method: String) throws -> Handle {
        try LuaSupport.checkSelf(L, metatable: metatable, as: Handle.self, method: method, variable: "store")
    }

    /// Runs a method whose answer is JSON, pushed as a Lua value.
    static func answer(_ L: LuaState?, _ method: String, _ body: (LuaState, OrderStore) throws -> JSONValue) -> Int32 {
        LuaSupport.guarded(L) { L in
            let store = try handle(L, method).store
            try LuaSupport.push(L, json: try body(L, store))
            return 1
        }
    }

    static func table(_ L: LuaState, _ index: Int32, _ method: String) throws -> [String: JSONValue] {
        try LuaSupport.checkTable(L, index, method)
        guard case .object(let o) = try LuaSupport.json(L, at: index, path: method) else {
            throw LuaArgumentError("bad argument #\(index - 1) to '\(method)' (a table with named fields expected)")
        }
        return o
    }

    static let place: LuaFunction = { L in
        answer(L, "place") { L, store in
            var o = try table(L, 2, "place")
            o["command"] = "place"
            return try store.execute(.object(o))
        }
    }

    static let execute: LuaFunction = { L in
        answer(L, "execute") { L, store in try store.perform(.object(try table(L, 2, "execute"))) }
    }

    /// `store:pay(id [, expected_version])`, `store:ship(id [, expected_version])`.
    static func simple(_ command: String) -> LuaFunction {
        switch command {
        case "pay": return { L in LuaOrders.runSimple(L, "pay") }
        default: return { L in LuaOrders.runSimple(L, "ship") }
        }
    }

    static func runSimple(_ L: LuaState?, _ command: String) -> Int32 {
        answer(L, command) { L, store in
            var o: [String: JSONValue] = ["command": .string(command), "order_id": .string(try LuaSupport.checkString(L, 2, command))]
            if syslab_lua_isnoneornil(L, 3) == 0 { o["expected_version"] = .number(try LuaSupport.checkNumber(L, 3, command)) }
            return try store.execute(.object(o))
        }
    }

    static let cancel: LuaFunction = { L in
        answer(L, "cancel") { L, store in
            var o: [String: JSONValue] = ["command": "cancel", "order_id": .string(try LuaSupport.checkString(L, 2, "cancel"))]
            if let reason = try LuaSupport.optString(L, 3, "cancel") { o["reason"] = .string(reason) }
            return try store.execute(.object(o))
        }
    }

    /// Queries by order id: `store:order(id)`, `store:state(id)`, `store:history(id)`, `store:saga_status(id)`.
    static func byID(_ query: String) -> LuaFunction {
        switch query {
        case "order": return { L in LuaOrders.runByID(L, "order", "order") }
        case "state": return { L in LuaOrders.runByID(L, "state", "state") }
        case "history": return { L in LuaOrders.runByID(L, "history", "history") }
        default: return { L in LuaOrders.runByID(L, "saga", "saga_status") }
        }
    }

    static func runByID(_ L: LuaState?, _ query: String, _ method: String) -> Int32 {
        answer(L, method) { L, store in
            try store.query(["query": .string(query), "order_id": .string(try LuaSupport.checkString(L, 2, method))])
        }
    }

    static func plainQuery(_ query: String) -> LuaFunction {
        switch query {
        case "analytics": return { L in LuaOrders.answer(L, "analytics") { _, store in try store.query(["query": "analytics"]) } }
        case "lag": return { L in LuaOrders.answer(L, "lag") { _, store in try store.query(["query": "lag"]) } }
        case "status": return { L in LuaOrders.answer(L, "status") { _, store in try store.query(["query": "status"]) } }
        default: return { L in LuaOrders.answer(L, "integrity") { _, store in try store.query(["query": "integrity"]) } }
        }
    }

    static let orders: LuaFunction = { L in
        answer(L, "orders") { L, store in
            let limit = try LuaSupport.optNumber(L, 2, "orders", default: 1_000)
            return try store.query(["query": "orders", "limit": .number(limit)])
        }
    }

    static let stock: LuaFunction = { L in
        answer(L, "stock") { L, store in
            try store.query(["query": "stock", "sku": .string(try LuaSupport.checkString(L, 2, "stock"))])["available"] ?? .null
        }
    }

    static let setStock: LuaFunction = { L in
        answer(L, "set_stock") { L, store in
            try store.perform([
                "command": "set_stock", "sku": .string(try LuaSupport.checkString(L, 2, "set_stock")),
                "available": .number(try LuaSupport.checkNumber(L, 3, "set_stock")),
            ])
        }
    }

    static let catchUp: LuaFunction = { L in answer(L, "catch_up") { _, store in try store.catchUp() } }

    static let rebuild: LuaFunction = { L in
        answer(L, "rebuild") { L, store in try store.rebuild(try LuaSupport.optString(L, 2, "rebuild")) }
    }

    static let damageSnapshot: LuaFunction = { L in
        answer(L, "damage_snapshot") { L, store in
            try store.perform(["command": "damage_snapshot", "order_id": .string(try LuaSupport.checkString(L, 2, "damage_snapshot"))])
        }
    }

    /// `store:saga(order_fields [, max_steps])` → the saga table.
    static let saga: LuaFunction = { L in
        answer(L, "saga") { L, store in
            var request: [String: JSONValue] = ["action": "start", "order": .object(try table(L, 2, "saga"))]
            if syslab_lua_isnoneornil(L, 3) == 0 { request["max_steps"] = .number(try LuaSupport.checkNumber(L, 3, "saga")) }
            return try store.sagaRequest(.object(request))
        }
    }

    static let resumeSagas: LuaFunction = { L in
        answer(L, "resume_sagas") { _, store in try store.sagaRequest(["action": "resume"]) }
    }

    static let metrics: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            LuaSupport.push(L, try handle(L, "metrics").store.metricsText())
            return 1
        }
    }

    /// `store:registry()` → the syslab.Registry whose scenarios act on the store.
    static let registry: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            LuaRegistry.push(L, try handle(L, "registry").registry)
            return 1
        }
    }

    static let close: LuaFunction = { L in
        guard let L else { return 0 }
        if let handle = LuaSupport.object(L, 1, metatable: LuaOrders.metatable, as: Handle.self) { handle.store.close() }
        LuaSupport.releaseObject(L, 1, metatable: LuaOrders.metatable, as: Handle.self)
        return 0
    }
}
