/// The online feature store serves features from the last materialization.
enum FeatureStoreLag {
    static let violations = MetricSpec.counter(
        "feature_freshness_violations_total", "Predictions made with features older than the freshness target.", labels: ["scenario"])

    static let scenario = Scenario(
        name: "feature-store-lag", category: "ai-ml",
        summary: "The pipeline materializes features into the online store every materialization_interval_seconds (from enable), and each run lands pipeline_delay_seconds after the data it covers. A prediction therefore reads features pipeline_delay_seconds plus the time since the last run old (stale_read); reads older than freshness_target_seconds are counted as violations.",
        notes: LearningNotes(
            whatHappens: "Online features are copies computed by a batch or streaming pipeline. When the pipeline is slow or runs rarely, the model scores today's request with yesterday's behaviour: a fraud model misses the burst of transactions that just happened, a recommender ignores the last clicks.",
            howToObserve: "data_staleness_seconds is a sawtooth between the pipeline delay and delay + interval; feature_freshness_violations_total against predictions; compare feature timestamps with request time in prediction logs.",
            howToMitigate: "Materialize the time-critical features by streaming, compute the freshest ones at request time, monitor feature age as an SLO with alerts, and train with the same lag the model will see in serving (point-in-time joins)."),
        parameters: [
            .number("materialization_interval_seconds", default: 3_600, min: 1, max: 604_800, unit: "s", help: "How often the pipeline updates the online store."),
            .number("pipeline_delay_seconds", default: 600, min: 0, max: 604_800, unit: "s", help: "How old the data is when a run lands."),
            .number("freshness_target_seconds", default: 1_800, min: 0, max: 604_800, unit: "s", help: "The feature age the model was designed for."),
        ],
        metrics: [DomainMetrics.staleness, violations],
        effectKinds: [.staleRead],
        compile: { try Program($0) }
    )

    final class Program: ScenarioProgram, @unchecked Sendable {
        let interval: Double, delay: Double, target: Double
        let ages: MetricSeries?, late: MetricSeries?

        init(_ activation: ScenarioActivation) throws {
            let p = activation.parameters
            interval = p.double("materialization_interval_seconds")
            delay = p.double("pipeline_delay_seconds")
            target = p.double("freshness_target_seconds")
            ages = try activation.series(DomainMetrics.staleness)
            late = try activation.series(violations)
        }

        override func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {
            let age = delay + max(0, request.elapsed).truncatingRemainder(dividingBy: interval)
            ages?.observe(age, shard: request.shard)
            if age > target { late?.add(1, shard: request.shard) }
            if age > 0 { emit(.staleRead(seconds: age)) }
        }
    }
}
