import SyslabCore

/// A bulkhead caps the calls one node makes to one dependency at once, so a
/// slow dependency can tie up only its own compartment of the caller's
/// threads. Calls beyond the cap fail fast instead of waiting.
public struct BulkheadConfig: Sendable, Equatable {
    public var maxConcurrent: Int

    public init(maxConcurrent: Int) { self.maxConcurrent = maxConcurrent }

    public static func parse(_ json: JSONValue, path: String) throws -> BulkheadConfig {
        if case .number = json {
            return BulkheadConfig(maxConcurrent: try ConfigObject(["max_concurrent": json], path: path).requiredInteger("max_concurrent", in: 1...1_000_000))
        }
        let o = try ConfigObject(json, path: path)
        try o.allowOnly(["max_concurrent"])
        return BulkheadConfig(maxConcurrent: try o.requiredInteger("max_concurrent", in: 1...1_000_000))
    }

    public var json: JSONValue { ["max_concurrent": .number(Double(maxConcurrent))] }
}

public struct Bulkhead {
    public let config: BulkheadConfig
    public private(set) var active = 0
    public var rejected = 0

    public init(_ config: BulkheadConfig) { self.config = config }

    @inline(__always)
    public mutating func tryEnter() -> Bool {
        guard active < config.maxConcurrent else { rejected += 1; return false }
        active += 1
        return true
    }

    @inline(__always)
    public mutating func leave() { active -= 1 }
}
