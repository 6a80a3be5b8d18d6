/// The caller's timeout is below what the service normally needs.
enum TimeoutTooShort {
    static let wastedWork = MetricSpec.counter(
        "http_timed_out_work_seconds_total", "Server time spent on requests whose caller had already given up.", labels: ["scenario"])

    static let scenario = Scenario(
        name: "timeout-too-short", category: "latency",
        summary: "Draws each request's service time from a lognormal (latency_mean_ms, latency_stddev_ms); those slower than timeout_ms time out.",
        notes: LearningNotes(
            whatHappens: "Requests that would have succeeded are abandoned at the timeout; the server still does the work, and callers that retry add more load.",
            howToObserve: "http_client_timeouts_total grows with the share of the latency distribution above timeout_ms; http_timed_out_work_seconds_total is the wasted server time.",
            howToMitigate: "Set timeouts from measured percentiles (e.g. above p99.9 of the dependency), propagate deadlines, and make timed-out work cancellable."),
        parameters: [
            .integer("timeout_ms", default: 100, min: 1, max: 600_000, unit: "ms", help: "The caller's timeout."),
            .number("latency_mean_ms", default: 80, min: 0, max: 600_000, unit: "ms", help: "Mean service time."),
            .number("latency_stddev_ms", default: 40, min: 0, max: 600_000, unit: "ms", help: "Standard deviation of the service time (lognormal)."),
        ],
        metrics: [DomainMetrics.clientTimeouts, DomainMetrics.injectedLatency, wastedWork],
        effectKinds: [.delay, .timeout]
    ) { invocation, emit in
        let p = invocation.parameters
        let mean = p.double("latency_mean_ms"), sd = p.double("latency_stddev_ms")
        let latency = mean <= 0 ? 0 : (sd <= 0 ? mean : Distribution.lognormal(mean: mean, stddev: sd).sample(&invocation.random))
        let timeout = Double(p.int("timeout_ms"))
        if latency > timeout {
            try invocation.metrics.increment(DomainMetrics.clientTimeouts.name)
            try invocation.metrics.increment(wastedWork.name, by: latency / 1000)
            emit(.timeout(seconds: timeout / 1000))
        } else if latency > 0 {
            try invocation.metrics.observe(DomainMetrics.injectedLatency.name, latency / 1000)
            emit(.delay(seconds: latency / 1000))
        }
    }
}
