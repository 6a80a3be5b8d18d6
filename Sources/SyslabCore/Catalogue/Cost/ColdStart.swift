/// Serverless instances that go cold between requests.
enum ColdStart {
    static let coldStarts = MetricSpec.counter(
        "cold_starts_total", "Requests that had to wait for a new instance to start.", labels: ["scenario"])

    static let scenario = Scenario(
        name: "cold-start", category: "cost",
        summary: "An instance stays warm for keep_warm_seconds after a request; a request arriving later (or the first one) waits init_ms for a new instance, whose start-up is billed at billed_dollars_per_second. Keeping instances warm instead (provisioned concurrency) costs money around the clock.",
        notes: LearningNotes(
            whatHappens: "Scale-to-zero platforms (Lambda, Cloud Run, Azure Functions) stop idle instances; the next request pays runtime start, dependency loading and connection set-up, often a second or more, and the start-up time is billed.",
            howToObserve: "cold_starts_total against traffic; latency spikes of init_ms on the first request after an idle gap; cloud_cost_dollars_total{resource=\"compute\"} for billed start-up time.",
            howToMitigate: "Trim the start-up path (lazy imports, smaller bundles, snapshotting), keep a minimum of warm instances where latency matters, and compare that fixed cost with the cold starts it removes."),
        parameters: [
            .number("keep_warm_seconds", default: 300, min: 0, max: 86_400, unit: "s", help: "How long an idle instance stays warm."),
            .integer("init_ms", default: 1_500, min: 0, max: 600_000, unit: "ms", help: "Start-up time of a new instance."),
            .number("billed_dollars_per_second", default: 0.0000166667, min: 0, max: 1, unit: "USD/s", help: "Price of one second of instance time (1 GiB of memory)."),
        ],
        metrics: [coldStarts, CostModel.dollars],
        effectKinds: [.delay],
        compile: { try Program($0) }
    )

    final class Program: ScenarioProgram, @unchecked Sendable {
        let keepWarm: Double
        let initSeconds: Double
        let initDollars: Double
        let state: ActivationState
        let starts: MetricSeries?
        let cost: MetricSeries?

        init(_ activation: ScenarioActivation) throws {
            let p = activation.parameters
            keepWarm = p.double("keep_warm_seconds")
            initSeconds = Double(p.int("init_ms")) / 1000
            initDollars = initSeconds * p.double("billed_dollars_per_second")
            state = activation.state
            starts = try activation.series(coldStarts)
            cost = try activation.series(CostModel.dollars, LabelValues("compute"))
        }

        override func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {
            let now = request.now
            let cold = state.transaction { values -> Bool in
                let last = values["last", default: -Double.infinity]
                values["last"] = max(last, now)
                return now - last > keepWarm
            }
            guard cold else { return }
            starts?.add(1, shard: request.shard)
            cost?.add(initDollars, shard: request.shard)
            if initSeconds > 0 { emit(.delay(seconds: initSeconds)) }
        }
    }
}
