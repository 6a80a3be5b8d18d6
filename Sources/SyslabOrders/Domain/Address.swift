import SyslabCore

/// Where an order ships: checked once at the boundary, so the aggregate never holds a bad one.
public struct Address: Hashable, Sendable {
    public let line1: String
    public let city: String
    public let postcode: String
    /// ISO 3166-1 alpha-2, upper case.
    public let country: String

    static let maxFieldLength = 200

    public init(line1: String, city: String, postcode: String, country: String) throws {
        for (name, value) in [("address.line1", line1), ("address.city", city), ("address.postcode", postcode)] {
            let blank = value.unicodeScalars.allSatisfy { $0 == " " || $0 == "\t" }
            guard !blank, value.utf8.count <= Address.maxFieldLength else {
                throw SyslabError.invalidArgument("\(name) must be 1-\(Address.maxFieldLength) bytes and not blank")
            }
            guard !value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
                throw SyslabError.invalidArgument("\(name) must not contain control characters")
            }
        }
        guard country.utf8.count == 2, country.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 }) else {
            throw SyslabError.invalidArgument("address.country '\(ErrorText.quoted(country))' must be two upper-case letters (ISO 3166-1)")
        }
        self.line1 = line1; self.city = city; self.postcode = postcode; self.country = country
    }

    public static func parse(_ json: JSONValue?) throws -> Address {
        guard let json else { throw SyslabError.invalidArgument("'address' is missing") }
        guard case .object(let o) = json else {
            throw SyslabError.typeMismatch("'address' must be an object, got \(json.typeName)")
        }
        for key in o.keys where !["line1", "city", "postcode", "country"].contains(key) {
            throw SyslabError.invalidArgument("unknown address field '\(ErrorText.quoted(key))' (expected line1, city, postcode, country)")
        }
        func field(_ name: String) throws -> String {
            guard let value = o[name] else { throw SyslabError.invalidArgument("address.\(name) is missing") }
            guard let s = value.stringValue else { throw SyslabError.typeMismatch("address.\(name) must be a string, got \(value.typeName)") }
            return s
        }
        return try Address(line1: field("line1"), city: field("city"), postcode: field("postcode"), country: field("country"))
    }

    public var json: JSONValue {
        ["line1": .string(line1), "city": .string(city), "postcode": .string(postcode), "country": .string(country)]
    }
}
