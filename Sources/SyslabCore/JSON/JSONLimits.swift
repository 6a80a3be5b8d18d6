/// The documented bounds on JSON input (docs/limits.md). Every entry point
/// has a size limit checked before parsing; nesting is limited everywhere.
public struct JSONLimits: Sendable, Equatable {
    /// The deepest nesting of arrays and objects any parser call accepts.
    public static let maxDepth = 512

    /// Topologies, templates, traces, load tests and queue models.
    public static let document = JSONLimits(maxBytes: 16 << 20)
    /// Per-call requests, scenario parameters and options.
    public static let request = JSONLimits(maxBytes: 64 << 10)

    public var maxBytes: Int

    public init(maxBytes: Int) { self.maxBytes = maxBytes }

    /// Throws `limitExceeded` when `byteCount` is over the limit.
    public func check(byteCount: Int, source: String) throws {
        guard byteCount > maxBytes else { return }
        throw SyslabError.limitExceeded("JSON input of \(byteCount) bytes exceeds the \(Self.describe(bytes: maxBytes)) limit of \(source)")
    }

    /// "16 MiB", "64 KiB" or "N bytes".
    public static func describe(bytes: Int) -> String {
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }
}
