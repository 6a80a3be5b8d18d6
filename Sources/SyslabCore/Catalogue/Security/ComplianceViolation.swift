/// Data kept past its retention period, served as if nothing were wrong.
enum ComplianceViolation {
    static let violations = MetricSpec.counter(
        "compliance_violations_total", "Responses that broke a data-protection rule, by rule.", labels: ["scenario", "rule"])
    static let overdue = MetricSpec.histogram(
        "retention_overdue_seconds", "How far past its retention period a served record was.", labels: ["scenario"],
        buckets: [86_400, 7 * 86_400, 30 * 86_400, 90 * 86_400, 365 * 86_400])

    static let scenario = Scenario(
        name: "compliance-violation", category: "security",
        summary: "A share (`probability`) of reads serves a record older than the retention period (retention_days plus up to max_overdue_days, drawn): a stale_read whose age the host exposes (an Age header), so a compliance check can catch data that should have been erased.",
        notes: LearningNotes(
            whatHappens: "GDPR storage limitation and erasure requests, HIPAA and sector rules require data to be deleted on schedule; a missed purge job, a backup restored or a cache that outlives the source keeps serving data that legally no longer exists.",
            howToObserve: "compliance_violations_total{rule=\"retention\"} and retention_overdue_seconds; responses whose age exceeds the retention period are what an automated compliance test should flag.",
            howToMitigate: "Enforce retention in the data layer (TTL columns, partition drops), purge caches and replicas with the source, test erasure end to end, alert on records older than policy."),
        parameters: [
            SecurityProbes.probability,
            .integer("retention_days", default: 30, min: 1, max: 36_500, unit: "days", help: "The retention period."),
            .integer("max_overdue_days", default: 60, min: 1, max: 36_500, unit: "days", help: "Most days past retention a served record can be."),
        ],
        metrics: [violations, overdue],
        effectKinds: [.staleRead],
        compile: { try Program($0) }
    )

    final class Program: ScenarioProgram, @unchecked Sendable {
        let probability: Double
        let retention: Double
        let maximumOverdue: Double
        let violations: MetricSeries?
        let overdue: MetricSeries?

        init(_ activation: ScenarioActivation) throws {
            let p = activation.parameters
            probability = p.double("probability")
            retention = Double(p.int("retention_days")) * 86_400
            maximumOverdue = Double(p.int("max_overdue_days")) * 86_400
            violations = try activation.series(ComplianceViolation.violations, LabelValues("retention"))
            overdue = try activation.series(ComplianceViolation.overdue)
        }

        override var readsTime: Bool { false }

        override func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {
            guard probability > 0, request.random.nextUnit() < probability else { return }
            let past = request.random.nextOpenUnit() * maximumOverdue
            violations?.add(1, shard: request.shard)
            overdue?.observe(past, shard: request.shard)
            emit(.staleRead(seconds: retention + past))
        }
    }
}
