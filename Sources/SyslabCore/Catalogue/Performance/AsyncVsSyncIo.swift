#if canImport(Glibc)
import Glibc
#endif

/// Waiting for I/O calls one after another against overlapping them.
enum AsyncVsSyncIo {
    static let ioSeconds = MetricSpec.histogram(
        "io_request_seconds", "Time one request spends waiting for its I/O calls, by mode (the same seeded call latencies in both).",
        labels: ["scenario", "mode"], buckets: LatencyBuckets.seconds)

    static let scenario = Scenario(
        name: "async-vs-sync-io", category: "performance",
        summary: "Each request makes calls_per_request I/O calls whose latencies are drawn (seeded, exponential with mean io_ms); waiting for them one after another takes their sum, overlapping them with at most `concurrency` in flight takes the sum of each wave's slowest call. Both are recorded; the request is delayed by the sequential sum.",
        notes: LearningNotes(
            whatHappens: "Blocking I/O holds the request (and its thread) for every call in turn, so latency is the sum of the calls. Issued concurrently, the same calls cost about the slowest of them: k calls of 20 ms take 20-60 ms instead of k x 20 ms, and a thread is not parked meanwhile.",
            howToObserve: "io_request_seconds{mode=\"sync\"} against {mode=\"async\"}: the sync mean is calls_per_request x io_ms, the async one near the expected maximum of the calls; simulator_effect_duration_seconds{effect=\"delay\"} shows the sequential wait handed to the host.",
            howToMitigate: "Issue independent calls concurrently (async/await, futures, gather) with a bounded concurrency; set a deadline for the whole fan-out; use non-blocking I/O so waiting does not hold a thread."),
        parameters: [
            .integer("calls_per_request", default: 10, min: 1, max: 1_000, help: "Independent I/O calls one request makes."),
            .number("io_ms", default: 20, min: 0, max: 60_000, unit: "ms", help: "Mean latency of one call (exponentially distributed)."),
            .integer("concurrency", default: 10, min: 1, max: 1_000, help: "Calls in flight at once when overlapped."),
        ],
        metrics: [ioSeconds],
        effectKinds: [.delay],
        compile: { try Program($0) }
    )

    final class Program: ScenarioProgram, @unchecked Sendable {
        let calls: Int
        let concurrency: Int
        let meanSeconds: Double
        let sync: MetricSeries?
        let async: MetricSeries?

        init(_ activation: ScenarioActivation) throws {
            let p = activation.parameters
            calls = p.int("calls_per_request"); concurrency = p.int("concurrency")
            meanSeconds = p.double("io_ms") / 1000
            sync = try activation.series(ioSeconds, LabelValues("sync"))
            async = try activation.series(ioSeconds, LabelValues("async"))
        }

        override var readsTime: Bool { false }

        override func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {
            let (sequential, overlapped) = waits(&request.random)
            sync?.observe(sequential, shard: request.shard)
            async?.observe(overlapped, shard: request.shard)
            emit(.delay(seconds: sequential))
        }

        /// The same drawn latencies waited for in sequence, and in waves of `concurrency`.
        func waits(_ random: inout SeededGenerator) -> (sequential: Double, overlapped: Double) {
            var sequential = 0.0, overlapped = 0.0, waveMaximum = 0.0
            for call in 0..<calls {
                let latency = -meanSeconds * log(random.nextOpenUnit())
                sequential += latency
                waveMaximum = max(waveMaximum, latency)
                if (call + 1) % concurrency == 0 || call == calls - 1 {
                    overlapped += waveMaximum
                    waveMaximum = 0
                }
            }
            return (sequential, overlapped)
        }
    }
}
