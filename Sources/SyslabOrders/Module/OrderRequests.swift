import SyslabCore

/// The store's JSON interface, shared by the C ABI, Python and Lua: one place
/// that reads requests, checks their fields and answers JSON.
extension OrderStore {
    /// Order commands (OrderCommand.parse) and three maintenance commands:
    /// {"command": "set_stock", "sku", "available"}, {"command": "catch_up"},
    /// {"command": "damage_snapshot", "order_id"}.
    public func perform(_ json: JSONValue) throws -> JSONValue {
        switch json["command"]?.stringValue {
        case "set_stock"?:
            try OrderStore.allowOnly(json, ["command", "sku", "available"])
            let sku = try SKU(OrderStore.string(json, "sku"))
            let available = try Money.minorUnits(json["available"], field: "available")
            try setStock(sku, available: available)
            return ["sku": .string(sku.value), "available": .number(Double(available))]
        case "catch_up"?:
            try OrderStore.allowOnly(json, ["command"])
            return try catchUp()
        case "damage_snapshot"?:
            try OrderStore.allowOnly(json, ["command", "order_id"])
            return ["damaged": .bool(try damageSnapshot(of: OrderID(OrderStore.string(json, "order_id"))))]
        default:
            return try execute(json)
        }
    }

    /// {"query": "order" | "state" | "history" | "saga", "order_id"}, {"query": "orders", "limit"},
    /// {"query": "stock", "sku"}, {"query": "analytics" | "lag" | "status" | "integrity"}.
    /// An order the read model does not hold answers null.
    public func query(_ json: JSONValue) throws -> JSONValue {
        guard case .object = json, let name = json["query"]?.stringValue else {
            throw SyslabError.invalidArgument("a query is an object with a string 'query' (order, state, history, saga, orders, stock, analytics, lag, status, integrity)")
        }
        func id() throws -> OrderID {
            try OrderStore.allowOnly(json, ["query", "order_id"])
            return try OrderID(OrderStore.string(json, "order_id"))
        }
        switch name {
        case "order": return try summary(of: id()) ?? .null
        case "state": return try state(of: id()) ?? .null
        case "history": return .array(try history(of: id()))
        case "saga": return try saga(of: id()) ?? .null
        case "orders":
            try OrderStore.allowOnly(json, ["query", "limit"])
            let limit: Int64 = try json["limit"] == nil ? 1_000 : Money.minorUnits(json["limit"], field: "limit")
            guard limit >= 0, limit <= 100_000 else { throw SyslabError.outOfRange("'limit' must be in [0, 100000]") }
            return .array(try summaries(limit: Int(limit)))
        case "stock":
            try OrderStore.allowOnly(json, ["query", "sku"])
            let sku = try SKU(OrderStore.string(json, "sku"))
            return ["sku": .string(sku.value), "available": .number(Double(try stock(sku)))]
        case "analytics", "lag", "status", "integrity":
            try OrderStore.allowOnly(json, ["query"])
            switch name {
            case "analytics": return .array(try analyticsByDay())
            case "lag": return try lag()
            case "status": return try status()
            default: return .string(try integrityCheck())
            }
        default:
            throw SyslabError.notFound("unknown query '\(ErrorText.quoted(name))' (expected order, state, history, saga, orders, stock, analytics, lag, status, integrity)")
        }
    }

    /// {"action": "start", "order": {place fields}, "max_steps": n}, {"action": "resume"},
    /// {"action": "get", "order_id"}.
    public func sagaRequest(_ json: JSONValue) throws -> JSONValue {
        switch json["action"]?.stringValue {
        case "start"?:
            try OrderStore.allowOnly(json, ["action", "order", "max_steps"])
            guard let order = json["order"] else { throw SyslabError.invalidArgument("saga start needs 'order' (the fields of a place command)") }
            var steps: Int? = nil
            if json["max_steps"] != nil {
                let n = try Money.minorUnits(json["max_steps"], field: "max_steps")
                guard n >= 0, n <= 1_000 else { throw SyslabError.outOfRange("'max_steps' must be in [0, 1000]") }
                steps = Int(n)
            }
            return try startSaga(order, maxSteps: steps)
        case "resume"?:
            try OrderStore.allowOnly(json, ["action"])
            return .array(try resumeSagas())
        case "get"?:
            try OrderStore.allowOnly(json, ["action", "order_id"])
            return try saga(of: OrderID(OrderStore.string(json, "order_id"))) ?? .null
        default:
            throw SyslabError.invalidArgument("a saga request needs 'action': start, resume or get")
        }
    }

    static func allowOnly(_ json: JSONValue, _ keys: [String]) throws {
        guard case .object(let o) = json else { throw SyslabError.typeMismatch("expected a JSON object, got \(json.typeName)") }
        for key in o.keys where !keys.contains(key) {
            throw SyslabError.invalidArgument("unknown field '\(ErrorText.quoted(key))' (expected \(keys.joined(separator: ", ")))")
        }
    }

    static func string(_ json: JSONValue, _ key: String) throws -> String {
        guard let value = json[key] else { throw SyslabError.invalidArgument("'\(key)' is missing") }
        guard let s = value.stringValue else { throw SyslabError.typeMismatch("'\(key)' must be a string, got \(value.typeName)") }
        return s
    }
}
