/// The payment saga's compensating steps fail.
enum SagaCompensationFailure {
    static let failures = MetricSpec.counter(
        "saga_compensation_failures_injected_total", "Compensating saga steps failed by the scenario.", labels: ["scenario"])

    static let scenario = Scenario(
        name: "saga-compensation-failure", category: "event-sourcing",
        summary: "A fraction failure_probability of the payment saga's compensating steps (refund, stock release) fails with HTTP status.",
        notes: LearningNotes(
            whatHappens: "A saga undoes completed steps when a later one fails (stock is short, so the payment is refunded). When the undo itself fails, the order is paid for and not shipped: a distributed transaction left half done.",
            howToObserve: "saga_compensation_failures_injected_total counts the failed attempts; orders_saga_step_retries_total rises on the compensate steps, orders_sagas_finished_total{outcome=\"dead_lettered\"} counts sagas that gave up, and those orders carry a flag (flag_reason); orders_saga_failure_ratio rises.",
            howToMitigate: "Make compensations idempotent and retry them with backoff, persist the saga's state so a restart resumes it, and dead-letter with a flag for a person instead of giving up silently."),
        parameters: [
            .number("failure_probability", default: 1, min: 0, max: 1, help: "Share of compensation attempts that fail."),
            .integer("status", default: 503, min: 400, max: 599, help: "HTTP status the failing payment or inventory service answers."),
        ],
        metrics: [failures],
        applicability: Targeting(route: EventSourcingPoints.compensationRoutes, component: EventSourcingPoints.saga),
        effectKinds: [.error]
    ) { invocation, emit in
        let p = invocation.parameters
        guard invocation.random.nextUnit() < p.double("failure_probability") else { return }
        try invocation.metrics.increment(failures.name)
        emit(.error(status: p.int("status")))
    }
}
