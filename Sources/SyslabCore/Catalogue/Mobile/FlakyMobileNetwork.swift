/// A mobile link that drops in and out: losses come in bursts (Gilbert-Elliott).
enum FlakyMobileNetwork {
    static let scenario = Scenario(
        name: "flaky-mobile-network", category: "mobile",
        summary: "A two-state (Gilbert-Elliott) link: each request the link enters its bad state with enter_bad_probability and leaves it with leave_bad_probability. Good-state requests wait good_rtt_ms and are lost with good_loss_probability; bad-state ones wait bad_rtt_ms and are lost with bad_loss_probability (a drop after the round trip), so losses come in bursts.",
        notes: LearningNotes(
            whatHappens: "Phones move through tunnels, lifts and cell edges: the link is fine for a while, then several requests in a row stall or vanish. Average loss looks small, but the losses cluster, so naive retries fail together and users see spinners, not a 2% error rate.",
            howToObserve: "mobile_requests_lost_total against traffic; mobile_request_seconds{network=\"bad\"} against {network=\"good\"}; the chance that a request is lost right after a loss is many times the average loss rate.",
            howToMitigate: "Retry idempotent requests with exponential backoff and jitter that outlasts a bad spell, use idempotency keys for writes, queue work locally, show cached content, and measure loss per session, not per request."),
        parameters: [
            .number("good_rtt_ms", default: 80, min: 0, max: 60_000, unit: "ms", help: "Round trip while the link is good."),
            .number("bad_rtt_ms", default: 900, min: 0, max: 60_000, unit: "ms", help: "Round trip while the link is bad."),
            .number("enter_bad_probability", default: 0.05, min: 0, max: 1, help: "Chance per request that a good link turns bad."),
            .number("leave_bad_probability", default: 0.3, min: 0.001, max: 1, help: "Chance per request that a bad link recovers."),
            .number("good_loss_probability", default: 0.001, min: 0, max: 1, help: "Chance a request is lost while the link is good."),
            .number("bad_loss_probability", default: 0.5, min: 0, max: 1, help: "Chance a request is lost while the link is bad."),
        ],
        metrics: [MobileNetwork.requestSeconds, MobileNetwork.lostRequests],
        effectKinds: [.delay, .drop],
        compile: { try Program($0) }
    )

    final class Program: ScenarioProgram, @unchecked Sendable {
        let goodRTT: Double, badRTT: Double
        let enterBad: Double, leaveBad: Double
        let goodLoss: Double, badLoss: Double
        let state: ActivationState
        let goodSeconds: MetricSeries?, badSeconds: MetricSeries?
        let lost: MetricSeries?

        init(_ activation: ScenarioActivation) throws {
            let p = activation.parameters
            goodRTT = p.double("good_rtt_ms") / 1000
            badRTT = p.double("bad_rtt_ms") / 1000
            enterBad = p.double("enter_bad_probability")
            leaveBad = p.double("leave_bad_probability")
            goodLoss = p.double("good_loss_probability")
            badLoss = p.double("bad_loss_probability")
            state = activation.state
            goodSeconds = try activation.series(MobileNetwork.requestSeconds, LabelValues("good"))
            badSeconds = try activation.series(MobileNetwork.requestSeconds, LabelValues("bad"))
            lost = try activation.series(MobileNetwork.lostRequests)
        }

        override var readsTime: Bool { false }

        override func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {
            let transition = request.random.nextUnit()
            let (enter, leave) = (enterBad, leaveBad)
            let bad = state.transaction { values -> Bool in
                let wasBad = values["bad"] != 0
                let isBad = wasBad ? transition >= leave : transition < enter
                values["bad"] = isBad ? 1 : 0
                return isBad
            }
            let rtt = bad ? badRTT : goodRTT
            if request.random.nextUnit() < (bad ? badLoss : goodLoss) {
                lost?.add(1, shard: request.shard)
                emit(.drop(after: rtt))
                return
            }
            (bad ? badSeconds : goodSeconds)?.observe(rtt, shard: request.shard)
            if rtt > 0 { emit(.delay(seconds: rtt)) }
        }
    }
}
