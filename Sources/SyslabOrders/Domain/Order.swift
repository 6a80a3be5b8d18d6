import SyslabCore

/// The order aggregate: its state is the fold of its events. `decide` checks a
/// command against the state and returns the new events (it changes nothing);
/// `apply` moves the state by one event. Nothing else changes an order.
public struct Order: Equatable, Sendable {
    public enum Status: String, Sendable {
        /// No event yet: the id is free.
        case none, placed, paid, shipped, cancelled
    }

    public let id: OrderID
    /// Events applied so far (the stream's version).
    public private(set) var version = 0
    public private(set) var status = Status.none
    public private(set) var customer: CustomerID?
    public private(set) var amount: Money?
    public private(set) var address: Address?
    public private(set) var sku: SKU?
    public private(set) var quantity = 0
    public private(set) var capturedMinor: Int64 = 0
    public private(set) var refundedMinor: Int64 = 0
    public private(set) var flagReason: String?

    public init(id: OrderID) { self.id = id }

    public static func replay(_ id: OrderID, _ events: [OrderEvent]) -> Order {
        var order = Order(id: id)
        for event in events { order.apply(event) }
        return order
    }

    public mutating func apply(_ event: OrderEvent) {
        version += 1
        switch event {
        case let .placed(customer, amount, address, sku, quantity):
            status = .placed
            self.customer = customer; self.amount = amount; self.address = address; self.sku = sku
            self.quantity = quantity
        case let .paymentCaptured(amountMinor, _):
            status = .paid
            capturedMinor += amountMinor
        case .cancelled: status = .cancelled
        case .shipped: status = .shipped
        case let .paymentRefunded(amountMinor, _): refundedMinor += amountMinor
        case let .flagged(reason): flagReason = reason
        }
    }

    /// The events `command` produces from this state, or an error saying why it is refused.
    public func decide(_ command: OrderCommand) throws -> [OrderEvent] {
        func refuse(_ what: String) -> SyslabError {
            .invalidArgument("order '\(id.value)' is \(status == .none ? "not placed" : status.rawValue): \(what)")
        }
        switch command {
        case let .place(_, customer, amount, address, sku, quantity):
            guard status == .none else { throw SyslabError.alreadyExists("order '\(id.value)' already exists") }
            return [.placed(customer: customer, amount: amount, address: address, sku: sku, quantity: quantity)]
        case let .pay(_, reference):
            guard status == .placed, let amount else { throw refuse("only a placed order can be paid") }
            return [.paymentCaptured(amountMinor: amount.minorUnits, paymentReference: reference)]
        case let .cancel(_, reason):
            switch status {
            case .placed: return [.cancelled(reason: reason)]
            case .paid where outstandingMinor > 0:
                // A paid order is refunded before it is cancelled: money never disappears.
                return [.paymentRefunded(amountMinor: outstandingMinor, reason: reason), .cancelled(reason: reason)]
            case .paid: return [.cancelled(reason: reason)]
            default: throw refuse("only a placed or paid order can be cancelled")
            }
        case let .ship(_, carrier):
            guard status == .paid else { throw refuse("only a paid order can be shipped") }
            return [.shipped(carrier: carrier)]
        case let .refund(_, reason):
            guard status == .paid, outstandingMinor > 0 else { throw refuse("only a paid, unrefunded order can be refunded") }
            return [.paymentRefunded(amountMinor: outstandingMinor, reason: reason)]
        case let .flag(_, reason):
            guard status != .none else { throw refuse("only an existing order can be flagged") }
            return [.flagged(reason: reason)]
        }
    }

    /// Money captured and not yet refunded.
    public var outstandingMinor: Int64 { capturedMinor - refundedMinor }

    /// The state as a snapshot stores it, and as queries show it.
    public var json: JSONValue {
        var o: [String: JSONValue] = [
            "order_id": .string(id.value), "version": .number(Double(version)), "status": .string(status.rawValue),
            "quantity": .number(Double(quantity)), "captured": .number(Double(capturedMinor)),
            "refunded": .number(Double(refundedMinor)),
        ]
        if let customer { o["customer_id"] = .string(customer.value) }
        if let amount { o["amount"] = .number(Double(amount.minorUnits)); o["currency"] = .string(amount.currency) }
        if let address { o["address"] = address.json }
        if let sku { o["sku"] = .string(sku.value) }
        if let flagReason { o["flag_reason"] = .string(flagReason) }
        return .object(o)
    }

    /// Reads a snapshot's state back; a snapshot that does not describe a valid order is corrupt.
    public static func fromSnapshot(_ json: JSONValue, id: OrderID) throws -> Order {
        do {
            guard json["order_id"]?.stringValue == id.value else { throw SyslabError.corrupt("snapshot is for another order") }
            var order = Order(id: id)
            order.version = Int(try Money.minorUnits(json["version"], field: "version"))
            guard let status = json["status"]?.stringValue.flatMap(Status.init(rawValue:)) else {
                throw SyslabError.corrupt("snapshot has no valid status")
            }
            order.status = status
            order.quantity = Int(try Money.minorUnits(json["quantity"], field: "quantity"))
            order.capturedMinor = try Money.minorUnits(json["captured"], field: "captured")
            order.refundedMinor = try Money.minorUnits(json["refunded"], field: "refunded")
            if let c = json["customer_id"]?.stringValue { order.customer = try CustomerID(c) }
            if json["amount"] != nil {
                order.amount = try Money(minorUnits: Money.minorUnits(json["amount"], field: "amount"), currency: json["currency"]?.stringValue ?? "")
            }
            if json["address"] != nil { order.address = try Address.parse(json["address"]) }
            if let s = json["sku"]?.stringValue { order.sku = try SKU(s) }
            order.flagReason = json["flag_reason"]?.stringValue
            return order
        } catch let error as SyslabError {
            if case .corrupt = error { throw error }
            throw SyslabError.corrupt("snapshot of order '\(id.value)': \(error.message)")
        }
    }
}
