import Synchronization

/// What the performance-benchmarking scenarios share: timing real code once
/// per activation, and the metrics that export what was measured.
///
/// Each of these scenarios runs the variants it compares for real when it is
/// enabled (at the configured size), exports the measured costs as gauges,
/// and hands a host the slower variant's cost per request. Nothing is
/// measured per request: the decision path only reads the cached figures.
enum Benchmark {
    static let operationSeconds = MetricSpec.gauge(
        "benchmark_operation_seconds",
        "Measured wall time of one operation of each compared variant at the configured size, measured when the scenario was enabled.",
        labels: ["scenario", "variant"])
    static let slowdownRatio = MetricSpec.gauge(
        "benchmark_slowdown_ratio", "Measured cost of the slower variant divided by the cost of the faster one.",
        labels: ["scenario"])

    /// Wall-clock seconds of one call of `body`: the best of several rounds,
    /// since noise (other processes, frequency changes) only ever adds time.
    /// Cheap bodies are repeated until a round lasts `roundSeconds`; a body
    /// slower than `longSeconds` is timed once more and left at that.
    ///
    /// `body` gets a number that is always 0 but read from memory on every
    /// repetition; a body that only reads its data must fold it into its
    /// work (a key plus it), or an optimizing compiler sees identical,
    /// side-effect-free repetitions and runs the work once for them all.
    /// What `body` returns is kept for the same reason.
    static func seconds(roundSeconds: Double = 0.0005, rounds: Int = 5, longSeconds: Double = 0.02, _ body: (Int) -> Int) -> Double {
        let clock = ContinuousClock()
        func time(_ repetitions: Int) -> Double {
            var kept = 0
            let start = clock.now
            for _ in 0..<repetitions { kept &+= body(opaqueZero.load(ordering: .relaxed)) }
            let elapsed = clock.now - start
            sink.store(kept, ordering: .relaxed)
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        }
        var repetitions = 1
        var best = time(1)
        if best >= longSeconds { return min(best, time(1)) }
        // Grow the repetitions until one round is long enough to time reliably.
        while best * Double(repetitions) < roundSeconds, repetitions < 1 << 20 {
            repetitions *= 2
            best = time(repetitions) / Double(repetitions)
        }
        for _ in 1..<rounds { best = min(best, time(repetitions) / Double(repetitions)) }
        return max(best, 1e-12)
    }

    /// Always 0 (see `seconds`).
    private static let opaqueZero = Atomic<Int>(0)
    /// Where timed results go, so the work that produced them cannot be dropped.
    private static let sink = Atomic<Int>(0)

    /// Publishes one variant's measured seconds per operation.
    static func publish(_ activation: ScenarioActivation, variant: String, seconds: Double) {
        activation.publishOnInstall(operationSeconds, LabelValues(variant), seconds)
    }

    /// Publishes the slowdown ratio `slow / fast`.
    static func publishRatio(_ activation: ScenarioActivation, slow: Double, fast: Double) {
        activation.publishOnInstall(slowdownRatio, .none, slow / max(fast, 1e-12))
    }

    /// `count` distinct integers 0, 2, 4, ... (sorted), so every odd key is a miss.
    static func sortedKeys(_ count: Int) -> [Int] { (0..<count).map { $0 * 2 } }

    /// `count` keys drawn from [0, 2 * size), seeded: about half hit.
    static func probes(_ count: Int, size: Int, seed: UInt64) -> [Int] {
        var random = SeededGenerator(seed: seed)
        return (0..<count).map { _ in Int(random.next() % UInt64(max(1, 2 * size))) }
    }
}

/// A program that hands out one CPU burn per request: the per-request cost
/// of the slower variant, measured at enable.
final class MeasuredCostProgram: ScenarioProgram, @unchecked Sendable {
    let seconds: Double
    let injected: MetricSeries?

    init(_ activation: ScenarioActivation, seconds: Double) throws {
        self.seconds = min(seconds, AlgorithmicDegradation.maximumSeconds)
        injected = try activation.series(DomainMetrics.cpuInjected)
    }

    override var readsTime: Bool { false }

    override func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {
        injected?.add(seconds, shard: request.shard)
        emit(.cpuBurn(seconds: seconds))
    }
}
