/// A circuit breaker in front of a failing dependency.
enum CircuitBreaker {
    static let state = MetricSpec.gauge(
        "circuit_breaker_state", "Breaker state: 0 closed, 1 open, 2 half-open.", labels: ["scenario"])
    static let trips = MetricSpec.counter(
        "circuit_breaker_trips_total", "Times the breaker opened.", labels: ["scenario"])
    static let rejections = MetricSpec.counter(
        "circuit_breaker_rejections_total", "Calls failed fast while the breaker was open.", labels: ["scenario"])

    enum State: Double { case closed = 0, open = 1, halfOpen = 2 }

    static let scenario = Scenario(
        name: "circuit-breaker", category: "network",
        summary: "Calls to a dependency fail with failure_probability (502 after failure_latency_ms). After failure_threshold consecutive failures the breaker opens and fails fast with 503 for open_seconds; then one probe decides whether it closes.",
        notes: LearningNotes(
            whatHappens: "While closed, failures are slow and pass through. Once the breaker trips, callers get an immediate 503 instead of waiting on a broken dependency, which gives it room to recover; probes test it periodically.",
            howToObserve: "circuit_breaker_state moves 0 -> 1 -> 2 -> 0 (or back to 1); circuit_breaker_trips_total counts openings; circuit_breaker_rejections_total counts the fast failures; latency drops while open.",
            howToMitigate: "This scenario is the mitigation: tune threshold and open time, give fast failures a fallback (cached or default response), and alert on breaker state."),
        parameters: [
            .number("failure_probability", default: 0.5, min: 0, max: 1, help: "Chance that a call to the dependency fails."),
            .integer("failure_threshold", default: 5, min: 1, max: 10_000, help: "Consecutive failures that open the breaker."),
            .number("open_seconds", default: 30, min: 0, max: 86_400, unit: "s", help: "How long the breaker stays open before a probe."),
            .integer("failure_latency_ms", default: 100, min: 0, max: 600_000, unit: "ms", help: "How long a failing call takes."),
            .integer("half_open_successes", default: 3, min: 1, max: 1_000, help: "Successful probes in a row that close the breaker again."),
        ],
        metrics: [state, trips, rejections],
        effectKinds: [.delay, .error],
        compile: { try Program($0) }
    )

    /// Typed parameters and series, resolved at enable. The breaker's values
    /// live in the activation state; while the breaker is closed with no
    /// failure counted, a successful call changes nothing and takes no lock
    /// (`ActivationState.summary` is 0 exactly then).
    final class Program: ScenarioProgram, @unchecked Sendable {
        let failureProbability: Double
        let threshold: Double
        let openFor: Double
        let probesNeeded: Double
        let failureLatency: Double
        let state: ActivationState
        let stateGauge: MetricSeries?
        let tripCounter: MetricSeries?
        let rejectionCounter: MetricSeries?

        init(_ activation: ScenarioActivation) throws {
            let p = activation.parameters
            failureProbability = p.double("failure_probability")
            threshold = Double(p.int("failure_threshold"))
            openFor = p.double("open_seconds")
            probesNeeded = Double(p.int("half_open_successes"))
            failureLatency = Double(p.int("failure_latency_ms")) / 1000
            state = activation.state
            stateGauge = try activation.series(CircuitBreaker.state)
            tripCounter = try activation.series(trips)
            rejectionCounter = try activation.series(rejections)
        }

        override func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {
            let now = request.now
            let fails = request.random.nextUnit() < failureProbability
            if !fails, state.summary.load(ordering: .acquiring) == 0 {
                publish(.closed)
                return
            }
            // Outcome: 0 passed, 1 failed through, 2 rejected fast; plus whether the breaker just opened.
            let (outcome, opened, current) = state.transaction { v -> (Int, Bool, State) in
                let result = transition(&v, fails: fails, now: now)
                let clean = v["state"] == State.closed.rawValue && v["failures"] == 0
                state.summary.store(clean ? 0 : 1, ordering: .releasing)
                return result
            }
            publish(current)
            if opened { tripCounter?.add(1, shard: request.shard) }
            switch outcome {
            case 1:
                if failureLatency > 0 { emit(.delay(seconds: failureLatency)) }
                emit(.error(status: 502))
            case 2:
                rejectionCounter?.add(1, shard: request.shard)
                emit(.error(status: 503))
            default: break
            }
        }

        /// The state gauge; an ended activation publishes nothing.
        private func publish(_ current: State) {
            if !state.isRetired { stateGauge?.set(current.rawValue) }
        }

        private func transition(_ v: inout ActivationState.Values, fails: Bool, now: Double) -> (Int, Bool, State) {
            var s = State(rawValue: v["state"]) ?? .closed
            if s == .open {
                guard now - v["opened_at"] >= openFor else { return (2, false, s) }
                s = .halfOpen
                v["probes"] = 0
            }
            if !fails {
                v["failures"] = 0
                if s == .halfOpen {
                    v["probes"] += 1
                    if v["probes"] < probesNeeded {
                        v["state"] = State.halfOpen.rawValue
                        return (0, false, .halfOpen)
                    }
                }
                v["state"] = State.closed.rawValue
                return (0, false, .closed)
            }
            let failures = v["failures"] + 1
            v["failures"] = failures
            if s == .halfOpen || failures >= threshold {
                v["state"] = State.open.rawValue
                v["opened_at"] = now
                return (1, true, .open)
            }
            v["state"] = s.rawValue
            return (1, false, s)
        }
    }
}
