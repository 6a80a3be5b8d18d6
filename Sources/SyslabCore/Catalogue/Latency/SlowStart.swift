#if canImport(Glibc)
import Glibc
#endif

/// A freshly started instance is slow and warms up over time.
enum SlowStart {
    static let warmup = MetricSpec.gauge(
        "slow_start_warmup_ratio", "How far the instance is through its warm-up (0 cold, 1 warm).", labels: ["scenario"])

    static let scenario = Scenario(
        name: "slow-start", category: "latency",
        summary: "Adds initial_delay_ms right after enabling, decaying to zero over warmup_seconds (linearly or exponentially).",
        notes: LearningNotes(
            whatHappens: "A new instance has cold caches, unwarmed JIT and empty connection pools; sending it a full share of traffic at once makes its first users slow or time out.",
            howToObserve: "http_injected_latency_seconds is high just after enabling and falls as slow_start_warmup_ratio goes from 0 to 1.",
            howToMitigate: "Slow-start in the load balancer (ramp the new instance's weight), warm caches and pools before joining, readiness probes that wait for warm-up."),
        parameters: [
            .number("initial_delay_ms", default: 1_000, min: 0, max: 60_000, unit: "ms", help: "Delay at the moment of enabling."),
            .number("warmup_seconds", default: 60, min: 0.001, max: 86_400, unit: "s", help: "Time until the instance is warm."),
            .choice("curve", default: "exponential", choices: ["exponential", "linear"], help: "How the delay decays."),
        ],
        metrics: [DomainMetrics.injectedLatency, warmup],
        effectKinds: [.delay]
    ) { invocation, emit in
        let p = invocation.parameters
        let progress = min(1, max(0, invocation.elapsed / p.double("warmup_seconds")))
        try invocation.metrics.set(warmup.name, progress)
        let remaining = progress >= 1 ? 0 : (p.string("curve") == "linear" ? 1 - progress : exp(-5 * progress))
        let seconds = p.double("initial_delay_ms") * remaining / 1000
        guard seconds > 0 else { return }
        try invocation.metrics.observe(DomainMetrics.injectedLatency.name, seconds)
        emit(.delay(seconds: seconds))
    }
}
