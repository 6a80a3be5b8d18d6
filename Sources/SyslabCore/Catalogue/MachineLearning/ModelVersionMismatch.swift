/// Some replicas run the previous model against the current feature schema.
enum ModelVersionMismatch {
    static let requests = MetricSpec.counter(
        "model_version_requests_total", "Predictions by the model version that served them.", labels: ["scenario", "version"])
    static let mismatches = MetricSpec.counter(
        "model_version_mismatches_total", "Predictions where model and features disagreed, by what happened: rejected or silently wrong.",
        labels: ["scenario", "outcome"])

    static let scenario = Scenario(
        name: "model-version-mismatch", category: "ai-ml",
        summary: "A share stale_replica_fraction of requests reaches replicas still serving the previous model, while callers send the new feature schema. With schema_check the replica rejects the request (status); without it the replica scores the misaligned features and the answer is wrong with wrong_answer_probability (inconsistent_read of one row).",
        notes: LearningNotes(
            whatHappens: "A rollout updates the feature pipeline and the model separately, or a canary and the old fleet serve side by side. Features are positional vectors or renamed columns: the old model reads them, raises nothing, and returns confident nonsense for part of the traffic.",
            howToObserve: "model_version_requests_total{version} shows the mix; model_version_mismatches_total{outcome=\"silent\"} is invisible in error rates and shows only in prediction quality, {outcome=\"rejected\"} in 4xx/5xx.",
            howToMitigate: "Version the feature schema with the model and check it at the serving boundary (fail closed), deploy model and features together, pin clients to a model version during rollout, and compare online predictions with a shadow of the expected version."),
        parameters: [
            .number("stale_replica_fraction", default: 0.25, min: 0, max: 1, help: "Share of requests served by replicas on the previous model."),
            .boolean("schema_check", default: false, help: "Whether replicas check the feature schema and reject a mismatch."),
            .number("wrong_answer_probability", default: 0.3, min: 0, max: 1, help: "Chance a mismatched, unchecked prediction is wrong."),
            .integer("status", default: 422, min: 400, max: 599, help: "Status of a rejected request."),
        ],
        metrics: [requests, mismatches],
        effectKinds: [.error, .inconsistentRead],
        compile: { try Program($0) }
    )

    final class Program: ScenarioProgram, @unchecked Sendable {
        let staleFraction: Double, checked: Bool, wrongProbability: Double, status: Int
        let current: MetricSeries?, previous: MetricSeries?
        let rejected: MetricSeries?, silent: MetricSeries?

        init(_ activation: ScenarioActivation) throws {
            let p = activation.parameters
            staleFraction = p.double("stale_replica_fraction")
            checked = p.bool("schema_check")
            wrongProbability = p.double("wrong_answer_probability")
            status = p.int("status")
            current = try activation.series(requests, LabelValues("current"))
            previous = try activation.series(requests, LabelValues("previous"))
            rejected = try activation.series(mismatches, LabelValues("rejected"))
            silent = try activation.series(mismatches, LabelValues("silent"))
        }

        override var readsTime: Bool { false }

        override func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {
            guard request.random.nextUnit() < staleFraction else {
                current?.add(1, shard: request.shard)
                return
            }
            previous?.add(1, shard: request.shard)
            if checked {
                rejected?.add(1, shard: request.shard)
                emit(.error(status: status))
            } else if request.random.nextUnit() < wrongProbability {
                silent?.add(1, shard: request.shard)
                emit(.inconsistentRead(rows: 1))
            }
        }
    }
}
