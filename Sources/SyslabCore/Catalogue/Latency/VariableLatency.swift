/// Adds a delay drawn from a real distribution, capped.
enum VariableLatency {
    static let scenario = Scenario(
        name: "variable-latency", category: "latency",
        summary: "Adds a delay drawn from an exponential, lognormal, uniform or Pareto distribution (or a fixed one) with mean mean_ms, capped at max_ms.",
        notes: LearningNotes(
            whatHappens: "Each request waits a random time; the mean is mean_ms but the tail is much longer than the mean, which is what users feel.",
            howToObserve: "Compare p50, p99 and max of http_injected_latency_seconds: for lognormal and Pareto p99 is many times the mean.",
            howToMitigate: "Budget for tail latency (p99), hedge or retry idempotent requests after p95, and cap work with timeouts."),
        parameters: [
            .choice("distribution", default: "lognormal", choices: ["exponential", "lognormal", "uniform", "pareto", "fixed"], help: "Shape of the delay distribution (uniform spans 0 to 2 x mean; Pareto has shape 2.5)."),
            .number("mean_ms", default: 100, min: 0, max: 60_000, unit: "ms", help: "Mean delay."),
            .number("stddev_ms", default: 100, min: 0, max: 60_000, unit: "ms", help: "Standard deviation (lognormal only)."),
            .number("max_ms", default: 5_000, min: 0, max: 120_000, unit: "ms", help: "Cap on any single delay."),
        ],
        metrics: [DomainMetrics.injectedLatency],
        effectKinds: [.delay],
        compile: { try Program($0) }
    )

    /// The distribution, cap and series, built at enable.
    final class Program: ScenarioProgram, @unchecked Sendable {
        let mean: Double
        let delay: Distribution
        let cap: Double
        let latency: MetricSeries?

        init(_ activation: ScenarioActivation) throws {
            let p = activation.parameters
            mean = p.double("mean_ms")
            delay = distribution(named: p.string("distribution"), meanMs: mean, stddevMs: p.double("stddev_ms"))
            cap = p.double("max_ms")
            latency = try activation.series(DomainMetrics.injectedLatency)
        }

        override var readsTime: Bool { false }

        override func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {
            let ms = mean <= 0 ? 0 : min(delay.sample(&request.random), cap)
            latency?.observe(ms / 1000, shard: request.shard)
            emit(.delay(seconds: ms / 1000))
        }
    }

    /// The distribution with the requested mean (in milliseconds).
    static func distribution(named name: String, meanMs mean: Double, stddevMs sd: Double) -> Distribution {
        switch name {
        case "exponential": return .exponential(mean: mean)
        case "uniform": return .uniform(min: 0, max: 2 * mean)
        case "fixed": return .constant(mean)
        // Pareto with alpha 2.5: scale chosen so the mean equals mean_ms.
        case "pareto": return .pareto(scale: mean * 1.5 / 2.5, alpha: 2.5)
        default: return sd <= 0 ? .constant(mean) : .lognormal(mean: mean, stddev: sd)
        }
    }
}
