import SyslabCore

/// A place in the test table that a sweep varies, written as a dotted path:
///   system.nodes.orders-db.servers            a node's servers
///   system.edges["orders->orders-db"].pool.size
///   workload.rate
///   scenarios.connection-pool-exhaustion.params.pool_size   (a scheduled scenario, by name)
///   scenarios[1].params.hold_ms               (the same by position, counted from 1)
/// A segment in brackets is a position (`[2]`) or a quoted key (`["a.b"]`) for
/// ids that contain dots. Missing objects along the way are created, so a
/// path may name a field the test leaves at its default; whether the field
/// exists is then checked by reading the changed test, like any test.
public struct SweepPath: Sendable, Hashable, CustomStringConvertible {
    public enum Segment: Sendable, Hashable {
        case key(String)
        case position(Int)   // 1-based
    }

    public let text: String
    public let segments: [Segment]

    public var description: String { text }

    /// The test table's top-level fields a grid may vary. The seed is the
    /// sweep's own (each point and replica derive theirs), so `options.seed`
    /// is refused with a pointer to replicas.
    static let roots = ["system", "workload", "scenarios", "thresholds", "options"]

    public init(_ text: String) throws {
        self.text = text
        var segments: [Segment] = []
        var chars = Array(text.unicodeScalars)[...]
        func fail(_ why: String) -> SyslabError {
            .invalidArgument("grid path '\(ErrorText.quoted(text))': \(why)")
        }
        var expectSegment = true
        while let c = chars.first {
            if c == "[" {
                chars = chars.dropFirst()
                if let quote = chars.first, quote == "\"" || quote == "'" {
                    chars = chars.dropFirst()
                    guard let end = chars.firstIndex(of: quote) else { throw fail("unterminated quoted key") }
                    segments.append(.key(String(String.UnicodeScalarView(chars[..<end]))))
                    chars = chars[chars.index(after: end)...]
                } else {
                    guard let end = chars.firstIndex(of: "]") else { throw fail("missing ']'") }
                    let digits = String(String.UnicodeScalarView(chars[..<end]))
                    guard let n = Int(digits), n >= 1 else { throw fail("'[\(digits)]' must be a position counted from 1 or a quoted key") }
                    segments.append(.position(n))
                    chars = chars[end...]
                }
                guard chars.first == "]" else { throw fail("missing ']'") }
                chars = chars.dropFirst()
                expectSegment = false
            } else if c == "." {
                guard !expectSegment else { throw fail("empty segment") }
                chars = chars.dropFirst()
                expectSegment = true
            } else {
                guard expectSegment else { throw fail("expected '.' or '[' before '\(c)'") }
                let end = chars.firstIndex { $0 == "." || $0 == "[" } ?? chars.endIndex
                segments.append(.key(String(String.UnicodeScalarView(chars[..<end]))))
                chars = chars[end...]
                expectSegment = false
            }
        }
        guard !segments.isEmpty, !expectSegment else { throw fail("empty segment") }
        guard case .key(let root) = segments[0], Self.roots.contains(root) else {
            throw fail("must start with one of \(Self.roots.joined(separator: ", ")) (a field of the test table)")
        }
        guard segments.count >= 2 || root == "thresholds" else {
            throw fail("names the whole '\(root)' table; name a field inside it, e.g. workload.rate")
        }
        if segments.count == 2, root == "options", segments[1] == .key("seed") {
            throw fail("the sweep sets each run's seed from its own seed, the point and the replica; use replicas to vary it")
        }
        self.segments = segments
    }

    /// `test` with the value at this path replaced by `value`.
    public func setting(_ value: JSONValue, in test: JSONValue) throws -> JSONValue {
        try Self.set(value, in: test, segments: segments[...], walked: "")
    }

    private static func set(_ value: JSONValue, in node: JSONValue, segments: ArraySlice<Segment>, walked: String) throws -> JSONValue {
        guard let segment = segments.first else { return value }
        let rest = segments.dropFirst()
        switch (node, segment) {
        case (.object(var o), .key(let key)):
            o[key] = try set(value, in: o[key] ?? .object([:]), segments: rest, walked: join(walked, key))
            return .object(o)
        case (.null, .key(let key)):
            return .object([key: try set(value, in: .object([:]), segments: rest, walked: join(walked, key))])
        case (.object(let o), .position) where o.isEmpty:   // an empty Lua table is an empty list too
            return try set(value, in: .array([]), segments: segments, walked: walked)
        case (.array(var a), .position(let n)):
            guard n <= a.count else {
                throw SyslabError.notFound("grid path: \(walked)[\(n)] does not exist (\(walked) has \(a.count) entries)")
            }
            a[n - 1] = try set(value, in: a[n - 1], segments: rest, walked: "\(walked)[\(n)]")
            return .array(a)
        case (.array(var a), .key(let name)):
            // A list entry by name: the scheduled scenario called `name`.
            let matches = a.indices.filter { a[$0]["name"]?.stringValue == name || a[$0].stringValue == name }
            guard let i = matches.first else {
                let names = a.compactMap { $0["name"]?.stringValue ?? $0.stringValue }
                throw SyslabError.notFound("grid path: \(walked) has no entry named '\(ErrorText.quoted(name))' (names: \(names.isEmpty ? "none" : names.joined(separator: ", ")))")
            }
            guard matches.count == 1 else {
                throw SyslabError.invalidArgument("grid path: \(walked) has \(matches.count) entries named '\(ErrorText.quoted(name))'; use a position such as \(walked)[\(i + 1)]")
            }
            // A scenario given as a bare name becomes {name = ...} so that fields can be set.
            let entry = a[i].stringValue.map { JSONValue.object(["name": .string($0)]) } ?? a[i]
            a[i] = try set(value, in: entry, segments: rest, walked: "\(walked)[\(i + 1)]")
            return .array(a)
        case (_, .key(let key)):
            throw SyslabError.typeMismatch("grid path: \(walked.isEmpty ? "the test" : walked) is \(node.typeName), so it has no field '\(ErrorText.quoted(key))'")
        case (_, .position(let n)):
            throw SyslabError.typeMismatch("grid path: \(walked) is \(node.typeName), not a list, so it has no entry [\(n)]")
        }
    }

    private static func join(_ walked: String, _ key: String) -> String {
        walked.isEmpty ? key : (key.contains(".") ? "\(walked)[\"\(key)\"]" : "\(walked).\(key)")
    }
}
