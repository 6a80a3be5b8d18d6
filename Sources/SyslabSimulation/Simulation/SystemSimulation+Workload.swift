#if canImport(Glibc)
import Glibc
#endif
import SyslabCore

/// The load generator: open models start requests on a rate schedule, closed
/// models keep a number of virtual users busy. Each request's latency is
/// measured from its intended start (open models) and from when it was sent.
extension SystemSimulation {
    mutating func startWorkload() {
        switch workload.executor {
        case .constantArrivalRate(let rate, let duration):
            rateSchedule = RateSchedule(constant: rate, duration: duration)
            scheduleNextArrival()
        case .rampingArrivalRate(let start, let stages):
            rateSchedule = RateSchedule(startRate: start, stages: stages)
            scheduleNextArrival()
        case .constantVUs(let vus, _):
            setVUTarget(vus)
        case .perVUIterations(let vus, let iterations, _):
            vuIterations = Array(repeating: iterations, count: vus)
            setVUTarget(vus)
        case .rampingVUs(let start, let stages, _):
            setVUTarget(start)
            // A VU joins or leaves each time the linear ramp crosses a whole number.
            var t = 0.0, from = Double(start)
            for stage in stages {
                let to = stage.target
                if stage.duration == 0 {
                    events.schedule(at: t, .vuTarget(Int32(to)))
                } else if to != from {
                    let step = to > from ? 1.0 : -1.0
                    var k = to > from ? from.rounded(.down) + 1 : from.rounded(.up) - 1
                    while step > 0 ? k <= to : k >= to {
                        let at = t + stage.duration * (k - from) / (to - from)
                        events.schedule(at: at, .vuTarget(Int32(k)))
                        k += step
                    }
                }
                t += stage.duration
                from = to
            }
        }
    }

    // MARK: open models

    mutating func scheduleNextArrival() {
        guard let schedule = rateSchedule else { return }
        switch workload.arrivals {
        case .uniform:
            arrivalTarget = Double(arrivalsStarted) + 0.5
        case .poisson:
            arrivalTarget += -log(workloadRandom.nextOpenUnit())
        }
        if let t = schedule.time(whenCumulativeReaches: arrivalTarget, from: &arrivalHint), t < schedule.end {
            events.schedule(at: t, .arrival)
        }
    }

    mutating func openArrival() {
        guard !stopped else { return }
        arrivalsStarted += 1
        scheduleNextArrival()
        if requests.live >= workload.maxVUs {
            if workload.dropWhenBusy {
                stats.droppedIterations += 1
            } else {
                stats.delayedIterations += 1
                backlog.append(now)
            }
            return
        }
        startRequest(intended: now, vu: -1)
    }

    // MARK: closed models

    mutating func setVUTarget(_ count: Int) {
        guard !stopped else { return }
        let previous = vuTargetCount
        vuTargetCount = count
        if vuActive.count < count { vuActive += Array(repeating: false, count: count - vuActive.count) }
        stats.peakVUs = max(stats.peakVUs, count)
        guard count > previous else { return }
        for vu in previous..<count where !vuActive[vu] {
            vuActive[vu] = true
            vuIteration(Int32(vu))
        }
    }

    mutating func vuIteration(_ vu: Int32) {
        let v = Int(vu)
        guard !stopped, v < vuTargetCount else {
            if v < vuActive.count { vuActive[v] = false }
            return
        }
        if !vuIterations.isEmpty {
            guard vuIterations[v] > 0 else {
                vuActive[v] = false
                // per-vu-iterations ends when every VU has done its share.
                if !vuActive.contains(true) { stopped = true }
                return
            }
            vuIterations[v] -= 1
        }
        startRequest(intended: now, vu: vu)
    }

    /// A VU's request finished: after its think time it goes again.
    mutating func vuFinished(_ vu: Int32) {
        let think = workload.thinkTime.sample(&workloadRandom)
        events.schedule(after: think, .vuStart(vu))
    }

    /// The executor's time is up: no new iterations; in-flight ones may finish
    /// until the graceful stop.
    mutating func stopWorkload() {
        stopped = true
        vuTargetCount = 0
    }

    // MARK: requests

    mutating func startRequest(intended: Double, vu: Int32) {
        if stats.requestsStarted >= options.maxRequests {
            if !stopped {
                stats.warnings.append("stopped starting requests after options.max_requests = \(options.maxRequests) at \(DurationText.format(now))")
                stopWorkload()
            }
            return
        }
        if let hook = requestHook {
            guard let go = hook() else { aborted = true; return }
            if !go {
                stats.droppedIterations += 1
                if vu >= 0 { vuFinished(vu) }
                return
            }
        }
        var record = RequestRecord(intended: intended, sent: now, vu: vu)
        record.serial = stats.requestsStarted
        if options.headSampling > 0, samplingRandom.nextUnit() < options.headSampling {
            record.headSampled = true
        }
        record.traced = record.headSampled || options.tailSampling
        let r = requests.allocate(record)
        let generation = requests.generation(r)
        stats.recordStart(intended: intended)
        stats.inFlightPeak = max(stats.inFlightPeak, requests.live)
        if record.traced { beginTrace(r) }
        events.schedule(after: workload.timeout, lane: Lanes.clientTimeout, .clientTimeout(r, generation))
        let deadline = model.deadlinePropagation ? now + workload.timeout : .infinity
        if let failure = linkFailure(to: model.entry, edge: -1, callerTimeout: workload.timeout) {
            // The client cannot reach the entry node.
            stats.unreached += 1
            requests[r].linkFailure = failure.outcome
            if let after = failure.after { events.schedule(after: after, .requestLinkFailed(r, generation)) }
            return
        }
        let root = arrive(node: model.entry, role: .root, edge: -1, exchange: -1, exchangeToken: 0,
                          request: r, requestGeneration: generation, deadline: deadline, parentSpan: -1, attempt: 1)
        if requests.isCurrent(r, generation) {
            requests[r].root = root
            requests[r].rootGeneration = calls.generation(root)
        }
    }

    /// The load generator gives up; the system may keep working on it.
    mutating func clientTimedOut(_ r: Int32) {
        let root = requests[r].root
        if root >= 0, calls.isCurrent(root, requests[r].rootGeneration) {
            calls[root].role = .detached
        }
        finishRequest(r, Outcome(.clientTimeout))
    }

    mutating func finishRequest(_ r: Int32, _ outcome: Outcome) {
        let request = requests[r]
        stats.recordRequest(intended: request.intended, sent: request.sent, now: now, outcome: outcome)
        if request.traced { endTrace(r, outcome) }
        requests.release(r)
        if let hook = responseHook, !hook(outcome.status, now - request.intended, outcome.cause.name) {
            aborted = true
            return
        }
        if request.vu >= 0 {
            vuFinished(request.vu)
        } else if let intended = backlog.popFirst() {
            // A VU came free: the oldest delayed iteration starts now, late.
            startRequest(intended: intended, vu: -1)
        }
    }
}
