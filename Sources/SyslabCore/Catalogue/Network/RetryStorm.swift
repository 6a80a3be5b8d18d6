/// Clients retry failed calls immediately and multiply the load.
enum RetryStorm {
    static let attempts = MetricSpec.counter(
        "retry_attempts_total", "Retries sent after failed attempts.", labels: ["scenario"])
    static let depth = MetricSpec.histogram(
        "retry_depth", "Attempts per request, including the first.", labels: ["scenario"], buckets: [1, 2, 3, 4, 5, 6, 8, 11])

    static let scenario = Scenario(
        name: "retry-storm", category: "network",
        summary: "Each attempt fails with failure_probability after attempt_ms; the client retries up to max_retries times (backoff_ms doubling, 0 = immediately) and fails with 503 when all attempts fail.",
        notes: LearningNotes(
            whatHappens: "A partial outage makes clients retry; each retry is more load on the struggling service, which fails more, which causes more retries. Load is amplified by up to max_retries + 1 per layer, multiplied across layers.",
            howToObserve: "retry_attempts_total rises faster than requests; retry_depth shifts right; the mean attempts per request is (1 - p^(n+1)) / (1 - p).",
            howToMitigate: "Exponential backoff with jitter, retry budgets (e.g. at most 10% extra), retry at one layer only, circuit breakers, honour Retry-After."),
        parameters: [
            .number("failure_probability", default: 0.3, min: 0, max: 1, help: "Chance that one attempt fails."),
            .integer("max_retries", default: 3, min: 0, max: 10, help: "Retries after the first attempt."),
            .number("backoff_ms", default: 0, min: 0, max: 600_000, unit: "ms", help: "Wait before the first retry, doubling each time (0 = retry at once)."),
            .number("attempt_ms", default: 100, min: 0, max: 600_000, unit: "ms", help: "How long a failed attempt takes."),
        ],
        metrics: [attempts, depth],
        effectKinds: [.retry, .error],
        compile: { try Program($0) }
    )

    /// Typed parameters and series, resolved at enable.
    final class Program: ScenarioProgram, @unchecked Sendable {
        let probability: Double
        let maxRetries: Int
        let attemptSeconds: Double
        let firstBackoff: Double
        let depthSeries: MetricSeries?
        let attemptSeries: MetricSeries?

        init(_ activation: ScenarioActivation) throws {
            let p = activation.parameters
            probability = p.double("failure_probability")
            maxRetries = p.int("max_retries")
            attemptSeconds = p.double("attempt_ms") / 1000
            firstBackoff = p.double("backoff_ms") / 1000
            depthSeries = try activation.series(depth)
            attemptSeries = try activation.series(attempts)
        }

        override var readsTime: Bool { false }

        override func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {
            var backoff = firstBackoff
            var retries = 0, waited = 0.0, failedAll = false
            while request.random.nextUnit() < probability {
                waited += attemptSeconds
                guard retries < maxRetries else { failedAll = true; break }
                retries += 1
                waited += backoff
                backoff *= 2
            }
            depthSeries?.observe(Double(retries + 1), shard: request.shard)
            if retries > 0 {
                attemptSeries?.add(Double(retries), shard: request.shard)
                emit(.retry(attempts: Double(retries), seconds: waited))
            }
            if failedAll { emit(.error(status: 503)) }
        }
    }
}
