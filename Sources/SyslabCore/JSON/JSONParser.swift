/// The one JSON parser of the library: RFC 8259 text to `JSONValue`, in time
/// linear in the input, with a nesting limit (`JSONLimits.maxDepth`).
///
/// Why hand-written: FoundationEssentials' `JSONDecoder` scans linearly and
/// refuses nesting deeper than 512 itself (measured: 512 deep parses in
/// 0.3 ms; 513 or 100,000 deep fail with "The given data was not valid JSON",
/// which does not say why), but `JSONValue` is a sum type, and
/// `Codable` can only find which case a value is by trying each in turn
/// (`try? decode(Bool)`, `try? decode(Double)`, ... `decode([JSONValue])`).
/// Every failed try builds a `DecodingError` carrying the coding path, so the
/// cost grew with the cube of the depth (1 KB at depth 500 took 0.5 s). This
/// parser looks at the next byte instead. Containers being built live on an
/// explicit stack, not the call stack, so depth cannot overflow the thread.
struct JSONParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private let maxDepth: Int
    private var index = 0

    /// An array or object whose members are still being read.
    private struct OpenContainer {
        var isObject: Bool
        var items: [JSONValue] = []
        var members: [String: JSONValue] = [:]
        var pendingKey = ""
    }
    private var open: [OpenContainer] = []

    private init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    /// Parses `bytes`, which the caller has checked to be valid UTF-8.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) throws -> JSONValue {
        var parser = JSONParser(bytes: bytes, maxDepth: maxDepth)
        return try parser.document()
    }

    // MARK: - Structure

    private mutating func document() throws -> JSONValue {
        var value = try valueStart()
        while true {
            // `value` is complete: hand it to the innermost open container,
            // or finish the document when none is open.
            guard !open.isEmpty else {
                skipWhitespace()
                if index < bytes.count { throw error("unexpected \(describeByte()) after the JSON value") }
                return value
            }
            let top = open.count - 1
            if open[top].isObject {
                open[top].members[open[top].pendingKey] = value
            } else {
                open[top].items.append(value)
            }
            skipWhitespace()
            let closing: UInt8 = open[top].isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
            guard index < bytes.count else { throw error("unexpected end of input inside an \(open[top].isObject ? "object" : "array")") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                if open[top].isObject { open[top].pendingKey = try memberKey() }
                value = try valueStart()
            } else if bytes[index] == closing {
                index += 1
                value = close()
            } else {
                throw error("expected ',' or '\(Character(Unicode.Scalar(closing)))', found \(describeByte())")
            }
        }
    }

    /// Reads a scalar, or opens a container and reads until the first complete
    /// value (an empty container, or a scalar inside nested open containers).
    private mutating func valueStart() throws -> JSONValue {
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input, expected a value") }
            switch bytes[index] {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let isObject = bytes[index] == UInt8(ascii: "{")
                guard open.count < maxDepth else {
                    throw SyslabError.invalidJSON("JSON nesting deeper than \(maxDepth) at \(position())")
                }
                index += 1
                open.append(OpenContainer(isObject: isObject))
                skipWhitespace()
                if index < bytes.count, bytes[index] == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    index += 1
                    return close()
                }
                if isObject { open[open.count - 1].pendingKey = try memberKey() }
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
            default: throw error("unexpected \(describeByte()), expected a value")
            }
        }
    }

    private mutating func close() -> JSONValue {
        let container = open.removeLast()
        return container.isObject ? .object(container.members) : .array(container.items)
    }

    /// `"key" :` inside an object.
    private mutating func memberKey() throws -> String {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
            throw error("expected a string key in an object, found \(describeByte())")
        }
        let key = try string()
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
            throw error("expected ':' after an object key, found \(describeByte())")
        }
        index += 1
        return key
    }

    // MARK: - Scalars

    private mutating func literal(_ word: StaticString) throws {
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard index + expected.count <= bytes.count,
              expected.indices.allSatisfy({ bytes[index + $0] == expected[$0] }) else {
            throw error("unexpected \(describeByte()), expected a value")
        }
        index += expected.count
    }

    /// A number by the JSON grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
    private mutating func number() throws -> Double {
        let start = index
        var integerValue: Int64 = 0
        var isSmallInteger = true
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        let digitsStart = index
        guard index < bytes.count, isDigit(bytes[index]) else { throw error("a number needs digits after '-'") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count, isDigit(bytes[index]) {
                if index - digitsStart < 15 { integerValue = integerValue * 10 + Int64(bytes[index] - UInt8(ascii: "0")) }
                index += 1
            }
        }
        if index - digitsStart > 15 { isSmallInteger = false }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isSmallInteger = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("a number needs digits after '.'") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            isSmallInteger = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("a number needs digits in its exponent") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if isSmallInteger { return Double(negative ? -integerValue : integerValue) }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw SyslabError.invalidJSON("number \(ErrorText.quoted(text, limit: 40)) at \(position(of: start)) is out of the range of a double")
        }
        return value
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// A string, from its opening quote. Unescaped runs are copied whole.
    private mutating func string() throws -> String {
        let opening = index
        index += 1
        var result = ""
        var runStart = index
        while true {
            guard index < bytes.count else {
                throw SyslabError.invalidJSON("unterminated string starting at \(position(of: opening))")
            }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                appendRun(from: runStart, to: &result)
                index += 1
                return result
            } else if byte == UInt8(ascii: "\\") {
                appendRun(from: runStart, to: &result)
                index += 1
                try escape(into: &result)
                runStart = index
            } else if byte < 0x20 {
                throw error("control character U+\(hex4(UInt32(byte))) must be escaped in a string")
            } else {
                index += 1
            }
        }
    }

    private func appendRun(from start: Int, to result: inout String) {
        guard start < index else { return }
        result += String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    }

    private mutating func escape(into result: inout String) throws {
        guard index < bytes.count else { throw error("unterminated escape sequence") }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""): result += "\""
        case UInt8(ascii: "\\"): result += "\\"
        case UInt8(ascii: "/"): result += "/"
        case UInt8(ascii: "b"): result += "\u{08}"
        case UInt8(ascii: "f"): result += "\u{0C}"
        case UInt8(ascii: "n"): result += "\n"
        case UInt8(ascii: "r"): result += "\r"
        case UInt8(ascii: "t"): result += "\t"
        case UInt8(ascii: "u"):
            var code = try hexQuad()
            if (0xD800...0xDBFF).contains(code) {
                // A high surrogate must be followed by an escaped low surrogate.
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw error("unpaired UTF-16 surrogate \\u\(hex4(code)) in a string")
                }
                index += 2
                let low = try hexQuad()
                guard (0xDC00...0xDFFF).contains(low) else { throw error("unpaired UTF-16 surrogate \\u\(hex4(code)) in a string") }
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(code) {
                throw error("unpaired UTF-16 surrogate \\u\(hex4(code)) in a string")
            }
            result.unicodeScalars.append(Unicode.Scalar(code)!)
        default:
            index -= 1
            throw error("invalid escape sequence '\\\(describeByte())' in a string")
        }
    }

    private mutating func hexQuad() throws -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("a \\u escape needs four hex digits") }
        var code: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("a \\u escape needs four hex digits")
            }
            code = code << 4 | UInt32(digit)
            index += 1
        }
        return code
    }

    private func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    // MARK: - Whitespace and errors

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): index += 1
            default: return
            }
        }
    }

    private func describeByte() -> String {
        guard index < bytes.count else { return "end of input" }
        let byte = bytes[index]
        if byte >= 0x20, byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x\(String(byte, radix: 16, uppercase: true))"
    }

    private func error(_ message: String) -> SyslabError {
        .invalidJSON("malformed JSON: \(message) at \(position())")
    }

    private func position() -> String { position(of: index) }

    /// "line L, column C" (1-based, columns in bytes), counted only on error.
    private func position(of offset: Int) -> String {
        var line = 1
        var lineStart = 0
        for i in 0..<min(offset, bytes.count) where bytes[i] == UInt8(ascii: "\n") {
            line += 1
            lineStart = i + 1
        }
        return "line \(line), column \(offset - lineStart + 1)"
    }
}
