/// Most requests are fast; a few land in a heavy Pareto tail.
enum TailLatency {
    static let slowRequests = MetricSpec.counter(
        "tail_latency_slow_requests_total", "Requests that landed in the latency tail.", labels: ["scenario"])

    static let scenario = Scenario(
        name: "tail-latency", category: "latency",
        summary: "Keeps the median at base_ms while a fraction tail_probability of requests waits a Pareto-distributed tail of at least tail_ms.",
        notes: LearningNotes(
            whatHappens: "The typical request is unaffected, but one in 1/tail_probability waits seconds. A page that fans out to 100 such calls almost always hits the tail.",
            howToObserve: "p50 of http_injected_latency_seconds stays at base_ms while p99 jumps past tail_ms; averages hide it. tail_latency_slow_requests_total counts the slow ones.",
            howToMitigate: "Track p99/p999 not means, hedge idempotent requests after the p95, use timeouts with retries to another replica, and remove the cause (GC pauses, noisy neighbours, cold caches)."),
        parameters: [
            .number("base_ms", default: 20, min: 0, max: 60_000, unit: "ms", help: "Delay every request gets (the body of the distribution)."),
            .number("tail_probability", default: 0.02, min: 0, max: 0.5, help: "Chance that a request lands in the tail, drawn per request."),
            .number("tail_ms", default: 1_000, min: 0, max: 120_000, unit: "ms", help: "Smallest tail delay (the Pareto scale)."),
            .number("tail_alpha", default: 2, min: 1.1, max: 10, help: "Pareto shape: smaller means a heavier tail."),
            .number("max_ms", default: 30_000, min: 0, max: 300_000, unit: "ms", help: "Cap on any single delay."),
        ],
        metrics: [DomainMetrics.injectedLatency, slowRequests],
        effectKinds: [.delay],
        compile: { try Program($0) }
    )

    /// Typed parameters, the tail distribution and the series, built at enable.
    final class Program: ScenarioProgram, @unchecked Sendable {
        let base: Double
        let tailProbability: Double
        let tail: Distribution
        let cap: Double
        let slow: MetricSeries?
        let latency: MetricSeries?

        init(_ activation: ScenarioActivation) throws {
            let p = activation.parameters
            base = p.double("base_ms")
            tailProbability = p.double("tail_probability")
            tail = .pareto(scale: p.double("tail_ms"), alpha: p.double("tail_alpha"))
            cap = p.double("max_ms")
            slow = try activation.series(slowRequests)
            latency = try activation.series(DomainMetrics.injectedLatency)
        }

        override var readsTime: Bool { false }

        override func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {
            var ms = base
            if request.random.nextUnit() < tailProbability {
                ms += tail.sample(&request.random)
                slow?.add(1, shard: request.shard)
            }
            ms = min(ms, cap)
            guard ms > 0 else { return }
            latency?.observe(ms / 1000, shard: request.shard)
            emit(.delay(seconds: ms / 1000))
        }
    }
}
