/// Fails a fraction of requests with an HTTP error status.
enum ErrorBurst {
    static let scenario = Scenario(
        name: "error-burst", category: "http",
        summary: "Fails each matching request with probability `probability` and HTTP status `status_code`.",
        notes: LearningNotes(
            whatHappens: "A fraction of requests fail fast with a 5xx; clients that retry without backoff multiply the load.",
            howToObserve: "http_injected_errors_total by status rises; the error rate equals probability; retries show as extra requests per user action.",
            howToMitigate: "Retry idempotent calls with exponential backoff, jitter and a retry budget; alert on error-rate SLOs; add a circuit breaker."),
        parameters: [
            .number("probability", default: 0.1, min: 0, max: 1, help: "Chance that a request fails, drawn per request."),
            .integer("status_code", default: 500, min: 400, max: 599, help: "HTTP status returned for failed requests."),
        ],
        metrics: [DomainMetrics.injectedErrors],
        effectKinds: [.error],
        compile: { try Program($0) }
    )

    /// Typed parameters and the error counter for the configured status, resolved at enable.
    final class Program: ScenarioProgram, @unchecked Sendable {
        let probability: Double
        let status: Int
        let errors: MetricSeries?

        init(_ activation: ScenarioActivation) throws {
            probability = activation.parameters.double("probability")
            status = activation.parameters.int("status_code")
            errors = try activation.series(DomainMetrics.injectedErrors, LabelValues(String(status)))
        }

        override var readsTime: Bool { false }

        override func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {
            guard request.random.nextUnit() < probability else { return }
            errors?.add(1, shard: request.shard)
            emit(.error(status: status))
        }
    }
}
