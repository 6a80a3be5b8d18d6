/// Adds the same delay to every matching request.
enum FixedLatency {
    static let scenario = Scenario(
        name: "fixed-latency", category: "latency",
        summary: "Adds a constant delay to every matching request.",
        notes: LearningNotes(
            whatHappens: "Every request waits delay_ms before it is handled, so latency shifts up by a constant and throughput per worker drops.",
            howToObserve: "http_injected_latency_seconds rises by exactly delay_ms; every percentile moves by the same amount; concurrency in flight grows (Little's law).",
            howToMitigate: "Set client timeouts above the expected latency, cache or precompute slow paths, and move slow work off the request path."),
        parameters: [
            .integer("delay_ms", default: 200, min: 0, max: 60_000, unit: "ms", help: "Delay added to each request."),
        ],
        metrics: [DomainMetrics.injectedLatency],
        effectKinds: [.delay],
        compile: { try Program($0) }
    )

    /// Typed parameters and the latency series, resolved at enable.
    final class Program: ScenarioProgram, @unchecked Sendable {
        let seconds: Double
        let latency: MetricSeries?
        /// The histogram bucket `seconds` falls in, found once.
        let bucket: Int

        init(_ activation: ScenarioActivation) throws {
            seconds = Double(activation.parameters.int("delay_ms")) / 1000
            latency = try activation.series(DomainMetrics.injectedLatency)
            bucket = latency?.bucket(of: seconds) ?? 0
        }

        override var readsTime: Bool { false }

        override func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {
            latency?.observe(seconds, bucket: bucket, shard: request.shard)
            emit(.delay(seconds: seconds))
        }
    }
}
