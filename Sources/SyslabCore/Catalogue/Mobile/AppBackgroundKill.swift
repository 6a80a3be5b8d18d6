/// The OS kills a backgrounded app mid-request; the next launch starts cold.
enum AppBackgroundKill {
    static let kills = MetricSpec.counter(
        "mobile_app_kills_total", "Requests abandoned because the OS killed the app in the background.", labels: ["scenario"])
    static let relaunches = MetricSpec.counter(
        "mobile_cold_relaunches_total", "Requests made by an app relaunched cold after a kill, refetching its state.", labels: ["scenario"])

    static let scenario = Scenario(
        name: "app-background-kill", category: "mobile",
        summary: "With kill_probability a request's app is killed in the background partway through (uniformly within request_ms): the client vanishes, a drop with status 499. The next request that gets through comes from the relaunched app, which refetches its state first: relaunch_requests extra calls of relaunch_request_ms.",
        notes: LearningNotes(
            whatHappens: "iOS and Android suspend and then kill background apps to reclaim memory. Uploads and requests in flight are cut off, the server finishes work nobody receives, and the cold relaunch refetches everything the app had in memory, a burst of requests per user.",
            howToObserve: "mobile_app_kills_total and status 499 (client closed request) in access logs; mobile_cold_relaunches_total and simulator_injections_total{effect=\"extra_queries\"} for the refetch; uploads that never complete.",
            howToMitigate: "Use background transfer APIs (URLSession background sessions, WorkManager) for uploads, make requests resumable and idempotent, persist state so a relaunch restores instead of refetching, and keep the app's memory small."),
        parameters: [
            .number("kill_probability", default: 0.05, min: 0, max: 1, help: "Chance that a request's app is killed before the response."),
            .number("request_ms", default: 2_000, min: 0, max: 600_000, unit: "ms", help: "How long a request is in flight; the kill falls uniformly within it."),
            .integer("relaunch_requests", default: 6, min: 0, max: 1_000, help: "Calls a cold relaunch makes to rebuild its state."),
            .number("relaunch_request_ms", default: 50, min: 0, max: 60_000, unit: "ms", help: "Server time of each relaunch call."),
        ],
        metrics: [kills, relaunches],
        effectKinds: [.drop, .extraQueries],
        compile: { try Program($0) }
    )

    final class Program: ScenarioProgram, @unchecked Sendable {
        let killProbability: Double, inFlight: Double
        let relaunchCalls: Double, relaunchSeconds: Double
        let state: ActivationState
        let killed: MetricSeries?, relaunched: MetricSeries?

        init(_ activation: ScenarioActivation) throws {
            let p = activation.parameters
            killProbability = p.double("kill_probability")
            inFlight = p.double("request_ms") / 1000
            relaunchCalls = Double(p.int("relaunch_requests"))
            relaunchSeconds = p.double("relaunch_request_ms") / 1000
            state = activation.state
            killed = try activation.series(kills)
            relaunched = try activation.series(relaunches)
        }

        override var readsTime: Bool { false }

        override func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {
            if request.random.nextUnit() < killProbability {
                state.set("relaunch", 1)
                killed?.add(1, shard: request.shard)
                emit(.drop(after: inFlight * request.random.nextUnit(), status: 499))
                return
            }
            let relaunch = state.transaction { values -> Bool in
                defer { values["relaunch"] = 0 }
                return values["relaunch"] != 0
            }
            guard relaunch else { return }
            relaunched?.add(1, shard: request.shard)
            if relaunchCalls > 0 { emit(.extraQueries(relaunchCalls, secondsEach: relaunchSeconds)) }
        }
    }
}
