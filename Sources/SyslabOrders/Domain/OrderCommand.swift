import SyslabCore

/// What a caller asks of an order. Parsed and validated at the boundary (JSON from
/// C, Lua and Python); the aggregate decides whether it is allowed.
public enum OrderCommand: Equatable, Sendable {
    case place(id: OrderID, customer: CustomerID, amount: Money, address: Address, sku: SKU, quantity: Int)
    case pay(id: OrderID, paymentReference: String)
    case cancel(id: OrderID, reason: String)
    case ship(id: OrderID, carrier: String)
    /// Issued by the payment saga when it compensates a captured payment.
    case refund(id: OrderID, reason: String)
    /// Issued by the payment saga when a compensation cannot be completed.
    case flag(id: OrderID, reason: String)

    public static let maxQuantity = 1_000_000
    static let maxTextLength = 500

    public var orderID: OrderID {
        switch self {
        case .place(let id, _, _, _, _, _), .pay(let id, _), .cancel(let id, _), .ship(let id, _),
            .refund(let id, _), .flag(let id, _):
            return id
        }
    }

    public var name: String {
        switch self {
        case .place: return "place"
        case .pay: return "pay"
        case .cancel: return "cancel"
        case .ship: return "ship"
        case .refund: return "refund"
        case .flag: return "flag"
        }
    }

    /// The fields each command accepts besides "command" and "expected_version".
    static let fields: [String: [String]] = [
        "place": ["order_id", "customer_id", "amount", "currency", "address", "sku", "quantity"],
        "pay": ["order_id", "payment_reference"],
        "cancel": ["order_id", "reason"],
        "ship": ["order_id", "carrier"],
        "refund": ["order_id", "reason"],
        "flag": ["order_id", "reason"],
    ]

    /// `{"command": "place" | "pay" | "cancel" | "ship" | "refund" | "flag", "order_id": ..., ...,
    /// "expected_version": n}`; returns the command and the version the caller expects
    /// the order to be at (nil: whatever it is now).
    public static func parse(_ json: JSONValue) throws -> (OrderCommand, expectedVersion: Int?) {
        guard case .object(let o) = json else {
            throw SyslabError.typeMismatch("a command must be a JSON object, got \(json.typeName)")
        }
        guard let name = o["command"]?.stringValue else {
            throw SyslabError.invalidArgument("a command needs a string 'command' (one of place, pay, cancel, ship, refund, flag)")
        }
        guard let allowed = fields[name] else {
            throw SyslabError.notFound("unknown command '\(ErrorText.quoted(name))' (expected place, pay, cancel, ship, refund, flag)")
        }
        for key in o.keys where key != "command" && key != "expected_version" && !allowed.contains(key) {
            throw SyslabError.invalidArgument(
                "unknown field '\(ErrorText.quoted(key))' for command '\(name)' (expected \(allowed.joined(separator: ", ")), expected_version)")
        }
        func string(_ key: String) throws -> String {
            guard let value = o[key] else { throw SyslabError.invalidArgument("command '\(name)': '\(key)' is missing") }
            guard let s = value.stringValue else {
                throw SyslabError.typeMismatch("command '\(name)': '\(key)' must be a string, got \(value.typeName)")
            }
            return s
        }
        func text(_ key: String, default fallback: String) throws -> String {
            guard o[key] != nil else { return fallback }
            let s = try string(key)
            guard s.utf8.count <= maxTextLength else {
                throw SyslabError.outOfRange("command '\(name)': '\(key)' is longer than \(maxTextLength) bytes")
            }
            return s
        }
        var expected: Int? = nil
        if let value = o["expected_version"], !value.isNull {
            guard let n = value.doubleValue, n == n.rounded(), n >= 0, n <= 1e12 else {
                throw SyslabError.outOfRange("'expected_version' must be a non-negative integer")
            }
            expected = Int(n)
        }
        let id = try OrderID(string("order_id"))
        switch name {
        case "place":
            let amount = try Money.minorUnits(o["amount"], field: "amount")
            let quantity: Int64 = try o["quantity"] == nil ? 1 : Money.minorUnits(o["quantity"], field: "quantity")
            guard quantity >= 1, quantity <= Int64(maxQuantity) else {
                throw SyslabError.outOfRange("'quantity' must be in [1, \(maxQuantity)], got \(quantity)")
            }
            let command = OrderCommand.place(
                id: id, customer: try CustomerID(string("customer_id")),
                amount: try Money(minorUnits: amount, currency: string("currency")),
                address: try Address.parse(o["address"]), sku: try SKU(string("sku")), quantity: Int(quantity))
            return (command, expected)
        case "pay": return (.pay(id: id, paymentReference: try text("payment_reference", default: "pay-\(id.value)")), expected)
        case "cancel": return (.cancel(id: id, reason: try text("reason", default: "cancelled by customer")), expected)
        case "ship": return (.ship(id: id, carrier: try text("carrier", default: "post")), expected)
        case "refund": return (.refund(id: id, reason: try text("reason", default: "refund")), expected)
        default: return (.flag(id: id, reason: try text("reason", default: "needs attention")), expected)
        }
    }
}
