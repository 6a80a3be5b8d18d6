import FoundationEssentials
import XCTest
@testable import SyslabCore

final class JSONParserTests: XCTestCase {
    private func nestedArrays(depth: Int) -> String {
        String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    }

    private func depth(of value: JSONValue) -> Int {
        var depth = 0
        var current = value
        while case .array(let items) = current {
            depth += 1
            guard let first = items.first else { break }
            current = first
        }
        return depth
    }

    private func error(_ text: String, limit: JSONLimits = .document) -> SyslabError? {
        do { _ = try JSONValue.parse(text, limit: limit, source: "the test"); return nil } catch let e as SyslabError { return e } catch {
            XCTFail("unexpected error \(error)"); return nil
        }
    }

    func testParsesEveryKindOfValue() throws {
        let value = try JSONValue.parse(#" {"a": [1, -2.5, 3e2, true, false, null], "b": {"c": "d\n\u00e9\ud83d\ude00"}, "e": ""} "#)
        XCTAssertEqual(value, ["a": [1, -2.5, 300, true, false, nil], "b": ["c": "d\né😀"], "e": ""])
        XCTAssertEqual(try JSONValue.parse("0"), 0)
        XCTAssertEqual(try JSONValue.parse("-0.0"), .number(-0.0))
        XCTAssertEqual(try JSONValue.parse("123456789012345678901234567890"), .number(123456789012345678901234567890.0))
        XCTAssertEqual(try JSONValue.parse(#""\"\\\/\b\f\r\t""#), .string("\"\\/\u{08}\u{0C}\r\t"))
        XCTAssertEqual(try JSONValue.parse(#"{"k": 1, "k": 2}"#), ["k": 2], "the last duplicate key wins")
    }

    func testSerializedTextParsesBack() throws {
        let value: JSONValue = ["list": [1, 2.5, "x\u{01}y", ["deep": [nil, true]]], "empty": [:], "none": []]
        XCTAssertEqual(try JSONValue.parse(value.serialized()), value)
        XCTAssertEqual(try JSONValue.parse(value.serialized(pretty: true)), value)
    }

    func testRefusesMalformedTextWithPosition() {
        let cases: [(String, String)] = [
            ("", "unexpected end of input"), ("[1,]", "expected a value"), ("01", "after the JSON value"),
            ("{\"a\" 1}", "expected ':'"), ("[1 2]", "expected ',' or ']'"), ("\"abc", "unterminated string"),
            ("\"a\u{01}\"", "control character U+0001"), ("\"\\x\"", "invalid escape"), ("\"\\ud800\"", "unpaired UTF-16 surrogate"),
            ("tru", "expected a value"), ("-", "digits after '-'"), ("1.", "digits after '.'"), ("1e", "exponent"),
            ("{1: 2}", "string key"), ("[1]\n x", "line 2, column 2"),
        ]
        for (text, expected) in cases {
            guard case .invalidJSON(let message)? = error(text) else { XCTFail("\(text.debugDescription) was accepted"); continue }
            XCTAssertTrue(message.contains(expected), "\(text.debugDescription): \(message)")
        }
    }

    func testHugeNumbersAreRefusedNotInfinite() {
        for text in ["1e400", "-1e999", String(repeating: "9", count: 400), "[" + String(repeating: "1", count: 5000) + "]"] {
            guard case .invalidJSON(let message)? = error(text) else { XCTFail("huge number accepted"); continue }
            XCTAssertTrue(message.contains("out of the range of a double"), message)
            XCTAssertLessThan(message.utf8.count, 200, "the number is quoted truncated")
        }
        XCTAssertEqual(try JSONValue.parse("1e-400"), 0, "underflow rounds to zero, which is finite")
    }

    func testInvalidUTF8IsRefused() {
        let bytes: [UInt8] = Array("{\"a\": \"".utf8) + [0xC3, 0x28] + Array("\"}".utf8)
        XCTAssertThrowsError(try JSONValue.parse(Data(bytes))) { error in
            guard case .invalidUTF8(let message)? = error as? SyslabError else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("not valid UTF-8"), message)
        }
    }

    // Regression (issue 9, defect 7): cost was cubic in depth; 1 KB at depth 500 took 0.5 s.
    func testOneKilobyteAtDepth500() throws {
        let text = nestedArrays(depth: 500)
        XCTAssertEqual(text.utf8.count, 1000)
        XCTAssertEqual(depth(of: try JSONValue.parse(text)), 500)
    }

    // Regression (issue 9, defect 7): 20 KB of 510-deep arrays took 11.4 s.
    func testTwentyKilobytesOf510DeepArrays() throws {
        let one = nestedArrays(depth: 509)
        let text = "[" + Array(repeating: one, count: 20).joined(separator: ",") + "]"
        XCTAssertGreaterThan(text.utf8.count, 20_000)
        let value = try JSONValue.parse(text)
        XCTAssertEqual(value.arrayValue?.count, 20)
        XCTAssertEqual(depth(of: value), 510)
    }

    // Regression (issue 9, defects 7 and 9): refused, naming the depth limit, without overflowing the stack.
    func testHundredThousandDeepIsRefusedNamingTheDepth() {
        for text in [nestedArrays(depth: 100_000), String(repeating: "{\"a\":", count: 100_000)] {
            guard case .invalidJSON(let message)? = error(text) else { XCTFail("accepted"); continue }
            XCTAssertTrue(message.contains("JSON nesting deeper than 512"), message)
        }
        XCTAssertNoThrow(try JSONValue.parse(nestedArrays(depth: JSONLimits.maxDepth)))
    }

    func testSizeLimitNamesTheLimitAndTheEntryPoint() {
        let text = "[" + String(repeating: "1,", count: 40_000) + "1]"
        guard case .limitExceeded(let message)? = error(text, limit: .request) else { return XCTFail("accepted") }
        XCTAssertEqual(message, "JSON input of \(text.utf8.count) bytes exceeds the 64 KiB limit of the test")
        XCTAssertEqual(JSONLimits.describe(bytes: JSONLimits.document.maxBytes), "16 MiB")
    }
}
