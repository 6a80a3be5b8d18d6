/// The audit log's sink failing: fail closed or lose the trail.
enum AuditLogFailure {
    static let failures = MetricSpec.counter(
        "audit_write_failures_total", "Audit records whose write to the audit sink failed.", labels: ["scenario"])
    static let lost = MetricSpec.counter(
        "audit_records_lost_total", "Requests served although their audit record could not be written (fail-open policy).", labels: ["scenario"])

    static let scenario = Scenario(
        name: "audit-log-failure", category: "security",
        summary: "With failure_probability, a request's audit write fails after write_timeout_ms. Under policy fail_closed the request is refused with 503; under fail_open it is served and counted in audit_records_lost_total. The host's real audit log is never touched.",
        notes: LearningNotes(
            whatHappens: "The audit sink (a log pipeline, a database, a SIEM collector) slows down or fails. Failing closed keeps the trail complete but turns the outage into downtime; failing open keeps serving but leaves actions nobody can account for, which regulations (SOX, HIPAA, PCI DSS) forbid.",
            howToObserve: "audit_write_failures_total rises with the sink's errors; audit_records_lost_total counts the gap in the trail under fail_open; under fail_closed simulator_injections_total{effect=\"error\"} and 503s rise instead.",
            howToMitigate: "Write audit records to a durable local queue first (outbox) and ship them asynchronously, alert on the sink's lag, decide per action which must fail closed."),
        parameters: [
            .number("failure_probability", default: 0.2, min: 0, max: 1, help: "Share of audit writes that fail."),
            .choice("policy", default: "fail_closed", choices: ["fail_closed", "fail_open"], help: "What the service does when the audit write fails."),
            .integer("write_timeout_ms", default: 500, min: 0, max: 60_000, unit: "ms", help: "How long the failed write takes to give up."),
        ],
        metrics: [failures, lost],
        effectKinds: [.delay, .error],
        compile: { try Program($0) }
    )

    final class Program: ScenarioProgram, @unchecked Sendable {
        let probability: Double
        let failClosed: Bool
        let timeout: Double
        let failures: MetricSeries?
        let lost: MetricSeries?

        init(_ activation: ScenarioActivation) throws {
            let p = activation.parameters
            probability = p.double("failure_probability"); failClosed = p.string("policy") == "fail_closed"
            timeout = Double(p.int("write_timeout_ms")) / 1000
            failures = try activation.series(AuditLogFailure.failures)
            lost = try activation.series(AuditLogFailure.lost)
        }

        override var readsTime: Bool { false }

        override func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {
            guard probability > 0, request.random.nextUnit() < probability else { return }
            failures?.add(1, shard: request.shard)
            if timeout > 0 { emit(.delay(seconds: timeout)) }
            if failClosed {
                emit(.error(status: 503))
            } else {
                lost?.add(1, shard: request.shard)
            }
        }
    }
}
