import SyslabCore

/// An amount in integer minor units (cents) of an ISO 4217 currency code. Integers,
/// never floating point, so that sums and refunds are exact.
public struct Money: Hashable, Sendable {
    /// Large enough for any real order, small enough that sums of millions of
    /// orders stay far from Int64 overflow.
    public static let maxMinorUnits: Int64 = 1_000_000_000_000

    public let minorUnits: Int64
    public let currency: String

    public init(minorUnits: Int64, currency: String) throws {
        guard minorUnits > 0 else {
            throw SyslabError.outOfRange("amount must be a positive number of minor units, got \(minorUnits)")
        }
        guard minorUnits <= Money.maxMinorUnits else {
            throw SyslabError.outOfRange("amount \(minorUnits) is above the limit of \(Money.maxMinorUnits) minor units")
        }
        guard currency.utf8.count == 3, currency.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 }) else {
            throw SyslabError.invalidArgument("currency '\(ErrorText.quoted(currency))' must be three upper-case letters (ISO 4217)")
        }
        self.minorUnits = minorUnits
        self.currency = currency
    }

    /// Reads a JSON number that must be a whole number of minor units.
    static func minorUnits(_ json: JSONValue?, field: String) throws -> Int64 {
        guard let json else { throw SyslabError.invalidArgument("'\(field)' is missing") }
        guard let n = json.doubleValue else {
            throw SyslabError.typeMismatch("'\(field)' must be an integer number of minor units, got \(json.typeName)")
        }
        guard n.isFinite, n == n.rounded(), abs(n) <= 9e15 else {
            throw SyslabError.outOfRange("'\(field)' must be an integer number of minor units, got \(JSONValue.format(number: n))")
        }
        return Int64(n)
    }
}
