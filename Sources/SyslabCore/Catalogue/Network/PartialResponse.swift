/// Responses are cut off part-way.
enum PartialResponse {
    static let truncated = MetricSpec.counter(
        "http_truncated_responses_total", "Responses cut off before their end.", labels: ["scenario"])
    static let fractionSent = MetricSpec.histogram(
        "http_response_fraction_sent", "Share of the body sent before the cut.", labels: ["scenario"], buckets: FractionBuckets.ratio)

    static let scenario = Scenario(
        name: "partial-response", category: "network",
        summary: "A fraction `probability` of responses is truncated after a uniform share between min_fraction and max_fraction of the body.",
        notes: LearningNotes(
            whatHappens: "A proxy timeout, a crashed worker mid-stream or a broken connection cuts the body; clients that do not check Content-Length or the JSON end parse garbage or silently lose items.",
            howToObserve: "http_truncated_responses_total, client parse errors, Content-Length mismatches in proxy logs; http_response_fraction_sent shows where bodies end.",
            howToMitigate: "Validate Content-Length and checksums, use chunked framing with explicit end markers, make streaming endpoints resumable, retry idempotent reads."),
        parameters: [
            .number("probability", default: 0.1, min: 0, max: 1, help: "Chance that a response is truncated."),
            .number("min_fraction", default: 0.1, min: 0, max: 1, help: "Smallest share of the body sent."),
            .number("max_fraction", default: 0.9, min: 0, max: 1, help: "Largest share of the body sent."),
        ],
        metrics: [truncated, fractionSent],
        effectKinds: [.truncate]
    ) { invocation, emit in
        let p = invocation.parameters
        guard invocation.random.nextUnit() < p.double("probability") else { return }
        let a = p.double("min_fraction"), b = p.double("max_fraction")
        let fraction = min(a, b) + abs(b - a) * invocation.random.nextUnit()
        try invocation.metrics.increment(truncated.name)
        try invocation.metrics.observe(fractionSent.name, fraction)
        emit(.truncate(keeping: fraction))
    }
}
