import SyslabCore

/// A W3C trace id: 16 random bytes, printed as 32 lowercase hex digits.
public struct TraceId: Sendable, Hashable, CustomStringConvertible {
    public let high: UInt64
    public let low: UInt64

    public init(high: UInt64, low: UInt64) { self.high = high; self.low = low }

    /// A random, valid (non-zero) id.
    public init(random rng: inout SeededGenerator) {
        var h: UInt64 = 0, l: UInt64 = 0
        while h == 0 && l == 0 { h = rng.next(); l = rng.next() }
        self.init(high: h, low: l)
    }

    public var hex: String { HexDigits.format(high) + HexDigits.format(low) }
    public var description: String { hex }

    /// Parses 32 hex digits (either case); all-zero is invalid per W3C.
    public init(hex: String) throws {
        let digits = Array(hex.utf8)
        guard digits.count == 32, let h = HexDigits.parse(digits[0..<16]), let l = HexDigits.parse(digits[16..<32]) else {
            throw SyslabError.invalidArgument("trace id must be 32 hex digits, got '\(ErrorText.quoted(hex))'")
        }
        guard h != 0 || l != 0 else { throw SyslabError.invalidArgument("trace id must not be all zeros") }
        self.init(high: h, low: l)
    }
}

/// A W3C span (parent) id: 8 random bytes, printed as 16 lowercase hex digits.
public struct SpanId: Sendable, Hashable, CustomStringConvertible {
    public let value: UInt64

    public init(_ value: UInt64) { self.value = value }

    public init(random rng: inout SeededGenerator) {
        var v: UInt64 = 0
        while v == 0 { v = rng.next() }
        self.init(v)
    }

    public var hex: String { HexDigits.format(value) }
    public var description: String { hex }

    public init(hex: String) throws {
        let digits = Array(hex.utf8)
        guard digits.count == 16, let v = HexDigits.parse(digits[...]) else {
            throw SyslabError.invalidArgument("span id must be 16 hex digits, got '\(ErrorText.quoted(hex))'")
        }
        guard v != 0 else { throw SyslabError.invalidArgument("span id must not be all zeros") }
        self.init(v)
    }
}

enum HexDigits {
    private static let table: [UInt8] = Array("0123456789abcdef".utf8)

    /// 16 lowercase hex digits, zero-padded.
    static func format(_ v: UInt64) -> String {
        String(unsafeUninitializedCapacity: 16) { buffer in
            for i in 0..<16 {
                buffer[i] = table[Int((v >> (UInt64(15 - i) * 4)) & 0xF)]
            }
            return 16
        }
    }

    static func parse(_ digits: ArraySlice<UInt8>) -> UInt64? {
        var v: UInt64 = 0
        for c in digits {
            let d: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
            default: return nil
            }
            v = v << 4 | UInt64(d)
        }
        return v
    }
}
