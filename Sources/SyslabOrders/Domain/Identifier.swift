import SyslabCore

/// An identifier checked at the boundary: 1-64 characters of A-Z, a-z, 0-9, '-', '_' and '.'.
/// Order, customer and stock-keeping-unit ids share the rule; each has its own type so
/// that one cannot be passed where another is expected.
enum IdentifierRule {
    static let maxLength = 64

    static func validate(_ text: String, what: String) throws -> String {
        let allowed = text.utf8.allSatisfy { byte in
            (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || (byte >= 48 && byte <= 57)
                || byte == 45 || byte == 95 || byte == 46
        }
        guard !text.isEmpty, text.utf8.count <= maxLength, allowed else {
            throw SyslabError.invalidArgument(
                "\(what) '\(ErrorText.quoted(text))' must be 1-\(maxLength) characters of A-Z, a-z, 0-9, '-', '_', '.'")
        }
        return text
    }
}

public struct OrderID: Hashable, Sendable, CustomStringConvertible {
    public let value: String
    public init(_ text: String) throws { value = try IdentifierRule.validate(text, what: "order id") }
    public var description: String { value }
}

public struct CustomerID: Hashable, Sendable, CustomStringConvertible {
    public let value: String
    public init(_ text: String) throws { value = try IdentifierRule.validate(text, what: "customer id") }
    public var description: String { value }
}

/// A stock-keeping unit: what the saga reserves in the inventory.
public struct SKU: Hashable, Sendable, CustomStringConvertible {
    public let value: String
    public init(_ text: String) throws { value = try IdentifierRule.validate(text, what: "sku") }
    public var description: String { value }
}
