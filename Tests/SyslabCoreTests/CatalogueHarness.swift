import Testing
@testable import SyslabCore

/// Drives one registry on a manual clock for scenario tests: enable with
/// parameters, then decide at chosen times and look at effects and metrics.
struct CatalogueHarness {
    let clock: ManualClock
    let registry: ScenarioRegistry
    static let start = 1_000_000.0

    init(seed: UInt64 = 42) {
        clock = ManualClock(start: CatalogueHarness.start)
        registry = ScenarioRegistry(clock: clock, seed: seed)
    }

    init(_ name: String, _ parameters: JSONValue? = nil, seed: UInt64 = 42, ttl: Double = 0) throws {
        self.init(seed: seed)
        try registry.enable(name, parameters: parameters, ttl: ttl)
    }

    /// Effects for one request at the current clock time.
    func decide(_ context: RequestContext = RequestContext(route: "/api/items", method: "GET")) throws -> [Effect] {
        try registry.decideAll(context).map(\.effect)
    }

    /// `count` requests spaced `interval` seconds apart (the clock advances).
    func run(_ count: Int, every interval: Double = 0) throws -> [[Effect]] {
        var out: [[Effect]] = []
        out.reserveCapacity(count)
        for _ in 0..<count {
            out.append(try decide())
            if interval > 0 { try clock.advance(by: interval) }
        }
        return out
    }

    /// Seconds since the scenario was enabled.
    var elapsed: Double { clock.now() - CatalogueHarness.start }

    func advance(_ seconds: Double) {
        do { try clock.advance(by: seconds) } catch { Issue.record("the manual clock refused to advance: \(error)") }
    }

    func metric(_ name: String, _ labels: LabelValues) -> Double? { registry.metrics.value(name, labels) }

    /// (cumulative bucket counts, sum, count) of a histogram series.
    func histogram(_ name: String, _ labels: LabelValues) -> (cumulative: [UInt64], sum: Double, count: UInt64)? {
        registry.metrics.family(named: name)?.existingSeries(labels)?.histogram
    }
}

extension Array where Element == Effect {
    func first(_ kind: EffectKind) -> Effect? { first { $0.kind == kind } }
    func has(_ kind: EffectKind) -> Bool { contains { $0.kind == kind } }
}

/// The value at quantile `q` (0...1) of `values`.
func quantile(_ values: [Double], _ q: Double) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    let index = min(sorted.count - 1, max(0, Int((q * Double(sorted.count)).rounded(.up)) - 1))
    return sorted[index]
}

/// Sum of seconds of one kind across a decision's effects.
func seconds(_ effects: [Effect], _ kind: EffectKind) -> Double {
    effects.filter { $0.kind == kind }.reduce(0) { $0 + $1.seconds }
}

/// Effects equal up to floating-point rounding in seconds and amount.
func same(_ a: [Effect], _ b: [Effect], tolerance: Double = 1e-9) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy {
        $0.kind == $1.kind && $0.status == $1.status && abs($0.seconds - $1.seconds) <= tolerance && abs($0.amount - $1.amount) <= tolerance
    }
}
