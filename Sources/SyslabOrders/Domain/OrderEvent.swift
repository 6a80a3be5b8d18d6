import SyslabCore

/// What happened to an order: the facts the event log keeps, never changed once written.
public enum OrderEvent: Equatable, Sendable {
    case placed(customer: CustomerID, amount: Money, address: Address, sku: SKU, quantity: Int)
    case paymentCaptured(amountMinor: Int64, paymentReference: String)
    case cancelled(reason: String)
    case shipped(carrier: String)
    case paymentRefunded(amountMinor: Int64, reason: String)
    /// Raised by the payment saga when it cannot make the order consistent by itself
    /// (a compensation that keeps failing): a person has to look at it.
    case flagged(reason: String)

    /// The name stored in the log's `type` column.
    public var typeName: String {
        switch self {
        case .placed: return "OrderPlaced"
        case .paymentCaptured: return "PaymentCaptured"
        case .cancelled: return "OrderCancelled"
        case .shipped: return "OrderShipped"
        case .paymentRefunded: return "PaymentRefunded"
        case .flagged: return "OrderFlagged"
        }
    }

    public static let typeNames = ["OrderPlaced", "PaymentCaptured", "OrderCancelled", "OrderShipped", "PaymentRefunded", "OrderFlagged"]

    /// The stored payload (the type is stored beside it).
    public var payload: JSONValue {
        switch self {
        case let .placed(customer, amount, address, sku, quantity):
            return [
                "customer_id": .string(customer.value), "amount": .number(Double(amount.minorUnits)),
                "currency": .string(amount.currency), "address": address.json, "sku": .string(sku.value),
                "quantity": .number(Double(quantity)),
            ]
        case let .paymentCaptured(amountMinor, reference):
            return ["amount": .number(Double(amountMinor)), "payment_reference": .string(reference)]
        case let .cancelled(reason): return ["reason": .string(reason)]
        case let .shipped(carrier): return ["carrier": .string(carrier)]
        case let .paymentRefunded(amountMinor, reason): return ["amount": .number(Double(amountMinor)), "reason": .string(reason)]
        case let .flagged(reason): return ["reason": .string(reason)]
        }
    }

    /// Reads an event back from the log. Anything unreadable is `SyslabError.corrupt`:
    /// the log was written by this code, so a bad row means the file was damaged.
    public static func decode(type: String, payload text: String) throws -> OrderEvent {
        do {
            let json = try JSONValue.parse(text)
            func string(_ key: String) throws -> String {
                guard let s = json[key]?.stringValue else { throw SyslabError.corrupt("event \(type): '\(key)' is missing") }
                return s
            }
            func integer(_ key: String) throws -> Int64 { try Money.minorUnits(json[key], field: key) }
            switch type {
            case "OrderPlaced":
                let quantity = try integer("quantity")
                guard quantity > 0, quantity <= Int64(OrderCommand.maxQuantity) else {
                    throw SyslabError.corrupt("event OrderPlaced: quantity \(quantity) out of range")
                }
                return .placed(
                    customer: try CustomerID(string("customer_id")),
                    amount: try Money(minorUnits: integer("amount"), currency: string("currency")),
                    address: try Address.parse(json["address"]), sku: try SKU(string("sku")), quantity: Int(quantity))
            case "PaymentCaptured": return .paymentCaptured(amountMinor: try integer("amount"), paymentReference: try string("payment_reference"))
            case "OrderCancelled": return .cancelled(reason: try string("reason"))
            case "OrderShipped": return .shipped(carrier: try string("carrier"))
            case "PaymentRefunded": return .paymentRefunded(amountMinor: try integer("amount"), reason: try string("reason"))
            case "OrderFlagged": return .flagged(reason: try string("reason"))
            default: throw SyslabError.corrupt("unknown event type '\(ErrorText.quoted(type))'")
            }
        } catch let error as SyslabError {
            if case .corrupt = error { throw error }
            throw SyslabError.corrupt("unreadable \(ErrorText.quoted(type)) event: \(error.message)")
        }
    }
}

/// An event as the log holds it: its place in the whole log (`position`), in its
/// order's stream (`version`, from 1), and when it was appended.
public struct RecordedEvent: Equatable, Sendable {
    public let position: Int64
    public let orderID: OrderID
    public let version: Int
    public let recordedAt: Double
    public let event: OrderEvent

    public var json: JSONValue {
        [
            "position": .number(Double(position)), "order_id": .string(orderID.value), "version": .number(Double(version)),
            "recorded_at": .number(recordedAt), "type": .string(event.typeName), "data": event.payload,
        ]
    }
}
