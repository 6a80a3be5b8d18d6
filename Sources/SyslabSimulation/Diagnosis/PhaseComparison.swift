#if canImport(Glibc)
import Glibc
#endif
import SyslabCore

/// Compares one phase with the baseline phase, node by node and edge by edge,
/// using only what an operator could observe: self time, waits, arrivals,
/// failures split by where they started, per-edge attempts and latency.
/// Every change must be both large (a practical threshold) and beyond the
/// noise of its sample (a z-test on the two means or proportions), so an
/// unchanged system gives no findings.
struct PhaseComparison {
    let phase: PhaseReport
    let base: PhaseReport
    let depths: [Int]
    let entry: String

    /// A change found in the phase, before it is ranked.
    struct Anomaly {
        enum Kind: String {
            case loadChange = "load-change", latencyOrigin = "latency-origin", errorOrigin = "error-origin"
            case unreachable, poolExhaustion = "pool-exhaustion", saturation, consumerLag = "consumer-lag"
            case amplification, retries, timeouts, connectionPool = "connection-pool", breaker = "circuit-breaker"
            case cacheStampede = "cache-stampede"

            /// Kinds a node produces by itself; the others can be consequences of a change elsewhere.
            var isLocal: Bool {
                switch self {
                case .latencyOrigin, .errorOrigin, .unreachable, .poolExhaustion, .amplification, .loadChange: return true
                default: return false
                }
            }
        }
        var kind: Kind
        var node: Int
        /// How much of the users' symptom it can account for (seconds of latency
        /// per request over the baseline mean, failures weighted more).
        var score: Double
        var title: String
        var evidence: String
        var tip: String
    }

    /// Failure causes that mean "too much work for the capacity" rather than "broken".
    static let overloadCauses: Set<String> = ["queue_full", "rate_limited", "throttled"]
    /// A failure per request counts as much as this many baseline mean latencies.
    static let failureWeight = 10.0
    /// Standard errors a change must exceed to count as real.
    static let z = 4.0

    var window: String { "from \(Diagnosis.ms(phase.start)) to \(Diagnosis.ms(phase.end))" }

    // MARK: statistics

    /// Whether mean `p` (spread `sp` over `np` samples) is above mean `b` by at
    /// least `ratio` times, `absolute`, and `z` standard errors of the difference.
    /// (`ratio` nil: no ratio test, for logarithms.)
    static func rose(_ p: Double, _ sp: Double, _ np: Int, _ b: Double, _ sb: Double, _ nb: Int,
                     ratio: Double?, absolute: Double) -> Bool {
        guard np >= 20, nb >= 20 || b == 0 else { return false }
        let delta = p - b
        guard delta >= absolute, ratio.map({ p >= b * $0 }) ?? true else { return false }
        let se = (sp * sp / Double(np) + sb * sb / Double(max(nb, 1))).squareRoot()
        return delta >= z * se
    }

    /// Whether proportion kp/np is above kb/nb by at least `difference` and `z` standard errors.
    static func proportionRose(_ kp: Int, _ np: Int, _ kb: Int, _ nb: Int, difference: Double) -> Bool {
        guard np > 0, kp >= 5 else { return false }
        let p1 = Double(kp) / Double(np), p0 = nb > 0 ? Double(kb) / Double(nb) : 0
        guard p1 - p0 >= difference else { return false }
        guard nb > 0 else { return true }
        let pooled = Double(kp + kb) / Double(np + nb)
        let se = (pooled * (1 - pooled) * (1 / Double(np) + 1 / Double(nb))).squareRoot()
        return se == 0 || (p1 - p0) >= z * se
    }

    // MARK: the phase's symptom

    /// How bad the phase was for users, from request latency and failures.
    var userSeverity: Finding.Severity? {
        if phase.noCompletions { return phase.started > 0 ? .critical : nil }
        let p99 = base.latency.p99 > 0 ? phase.latency.p99 / base.latency.p99 : 1
        let mean = base.latency.mean > 0 ? phase.latency.mean / base.latency.mean : 1
        let failures = phase.failureRate - base.failureRate
        let unreached = Double(phase.unreached) / Double(max(phase.started, 1))
        // A p99 moves with a handful of requests; the mean must move too.
        if (p99 >= 5 && mean >= 1.1) || (phase.failureRate >= 0.05 && failures >= 0.02) || unreached >= 0.05 { return .critical }
        if (p99 >= 1.5 && mean >= 1.1) || mean >= 1.25 || failures >= 0.01 || unreached >= 0.01 { return .warning }
        return nil
    }

    var symptom: Finding? {
        guard let severity = userSeverity else { return nil }
        if phase.noCompletions {
            return Finding(severity: severity, title: "no request that started \(window) completed",
                           evidence: "\(phase.started) started; none answered before the run ended",
                           tip: "Requests that never finish read as a healthy p99 in most dashboards; look at what is still in flight.",
                           node: entry, kind: "symptom", role: .symptom, start: phase.start, end: phase.end)
        }
        var parts: [String] = []
        parts.append("p99 \(Diagnosis.ms(base.latency.p99)) → \(Diagnosis.ms(phase.latency.p99)), p50 \(Diagnosis.ms(base.latency.p50)) → \(Diagnosis.ms(phase.latency.p50))")
        parts.append("failed \(Diagnosis.pct(base.failureRate)) → \(Diagnosis.pct(phase.failureRate))")
        if phase.unfinished > 0 { parts.append("\(phase.unfinished) still unanswered at the end") }
        let ratio = base.latency.p99 > 0 ? phase.latency.p99 / base.latency.p99 : 1
        let title = phase.failureRate - base.failureRate >= 0.01
            ? "users saw \(Diagnosis.pct(phase.failureRate)) of requests fail \(window)"
            : "users saw p99 latency ×\(Diagnosis.num(ratio)) \(window)"
        return Finding(severity: severity, title: title, evidence: parts.joined(separator: "; "),
                       tip: "The findings above, from the root cause outwards, say where this came from.",
                       node: entry, kind: "symptom", role: .symptom, start: phase.start, end: phase.end)
    }

    // MARK: anomalies

    func anomalies() -> [Anomaly] {
        var found: [Anomaly] = []
        let userBase = max(base.latency.mean, 1e-4)
        let startedP = Double(max(phase.started, 1))
        let ms = Diagnosis.ms, pct = Diagnosis.pct, num = Diagnosis.num

        // Load: requests per second against the baseline.
        if base.arrivalRate > 0 {
            let load = phase.arrivalRate / base.arrivalRate
            // Arrivals are counts: their noise is Poisson (variance = count).
            let widthP = max(phase.end - phase.start, 1e-9), widthB = max(base.end - base.start, 1e-9)
            let se = (Double(phase.started) / (widthP * widthP) + Double(base.started) / (widthB * widthB)).squareRoot()
            let beyondNoise = abs(phase.arrivalRate - base.arrivalRate) >= Self.z * se
            if load >= 1.5 || load <= 1 / 1.5, phase.started >= 20, beyondNoise {
                found.append(Anomaly(
                    kind: .loadChange, node: index(of: entry) ?? 0, score: 0,
                    title: "load \(load >= 1 ? "rose" : "fell") ×\(num(load)) \(window)",
                    evidence: "\(num(base.arrivalRate)) → \(num(phase.arrivalRate)) requests/s started",
                    tip: load >= 1
                        ? "More work than before reaches every tier: add capacity ahead of demand (autoscaling), or shed and queue it (rate limits, bounded queues)."
                        : "Less traffic arrived: check the clients and whatever sits in front of the entry point."))
            }
        }

        for (i, c) in phase.components.enumerated() {
            let b = base.components[i]
            let visits = Double(c.arrivals) / startedP
            let utilisation = c.utilisation.map { " (utilisation \(pct($0)))" } ?? ""

            // Self time: the node's own work per call.
            // On the mean, or, through a heavy tail, on the logarithm (the whole distribution moved).
            let meanRose = Self.rose(c.meanService, c.serviceStddev, c.services, b.meanService, b.serviceStddev, b.services, ratio: 1.2, absolute: 0.0005)
            let shifted = c.meanService >= 1.2 * b.meanService && c.meanService - b.meanService >= 0.0005
                && Self.rose(c.serviceLogMean, c.serviceLogStddev, c.services, b.serviceLogMean, b.serviceLogStddev, b.services, ratio: nil, absolute: log(1.2))
            if meanRose || shifted {
                let delta = c.meanService - b.meanService
                found.append(Anomaly(
                    kind: .latencyOrigin, node: i, score: delta * visits / userBase,
                    title: "\(c.id) got slower: its own work per call rose ×\(num(c.meanService / max(b.meanService, 1e-9))) \(window)",
                    evidence: "self time (excluding its calls) \(ms(b.meanService)) → \(ms(c.meanService)) per call over \(c.services) calls, about \(ms(delta * visits)) more per request\(utilisation)",
                    tip: tipForSlowNode(c.kind)))
            }

            // Waits inside the node, off its servers: threads, connections, a backlog.
            let waitSpread = c.queueWaitStddev, baseSpread = b.queueWaitStddev
            let overloadP = c.originatedCauses.filter { Self.overloadCauses.contains($0.key) }.values.reduce(0, +)
            let overloadB = b.originatedCauses.filter { Self.overloadCauses.contains($0.key) }.values.reduce(0, +)
            let rejected = Self.proportionRose(overloadP, max(c.arrivals, 1), overloadB, max(b.arrivals, 1), difference: 0.005)
            if Self.rose(c.meanResourceWait, waitSpread, c.served, b.meanResourceWait, baseSpread, b.served, ratio: 1.5, absolute: 0.001) {
                let delta = c.meanResourceWait - b.meanResourceWait
                let rejections = c.originated - (c.originatedCauses["queue_full"] ?? 0) > 0
                    ? "; \(c.originated) calls failed here (" + top(c.originatedCauses) + ")" : ""
                found.append(Anomaly(
                    kind: .poolExhaustion, node: i,
                    score: delta * visits / userBase + Self.failureWeight * Double(c.originated - b.originated) / startedP,
                    title: "pool exhaustion at \(c.id): calls wait for a thread or connection \(window)",
                    evidence: "wait inside \(c.id) before work starts \(ms(b.meanResourceWait)) → \(ms(c.meanResourceWait)) per call while its servers stay free\(utilisation)\(rejections)",
                    tip: "Size the pool from throughput × hold time (Little's law), bound the wait with a timeout, and never hold a thread or connection across slow work."))
            } else {
                // Waits for the node's own servers: saturation (or consumer lag for a queue consumer).
                let serverWait = c.meanQueueWait - c.meanResourceWait, baseServerWait = b.meanQueueWait - b.meanResourceWait
                let busy = c.utilisation.map { $0 >= 0.8 } ?? false
                let waited = Self.rose(serverWait, waitSpread, c.served, baseServerWait, baseSpread, b.served, ratio: 1.5, absolute: 0.001)
                if (busy && waited) || rejected {
                    let delta = max(0, serverWait - baseServerWait)
                    let failures = Self.failureWeight * Double(overloadP - overloadB) / startedP
                    if c.consumed > 0, c.meanLag > b.meanLag {
                        found.append(Anomaly(
                            kind: .consumerLag, node: i, score: delta * visits / userBase + failures,
                            title: "async consumer \(c.id) falls behind \(window)",
                            evidence: "messages wait \(ms(b.meanLag)) → \(ms(c.meanLag)) before processing; \(num(b.arrivalRate)) → \(num(c.arrivalRate)) messages/s\(utilisation)",
                            tip: "Scale the consumers with the backlog (lag, not CPU), batch, and bound the queue so producers learn about it."))
                    } else {
                        var evidence = "wait for a server \(ms(baseServerWait)) → \(ms(serverWait)), mean queue \(num(c.meanQueue))\(utilisation); \(num(b.arrivalRate)) → \(num(c.arrivalRate)) calls/s"
                        if overloadP > 0 { evidence += "; \(overloadP) calls rejected (" + top(c.originatedCauses.filter { Self.overloadCauses.contains($0.key) }) + ")" }
                        found.append(Anomaly(
                            kind: .saturation, node: i, score: delta * visits / userBase + failures,
                            title: "\(c.id) is saturated \(window)", evidence: evidence,
                            tip: "Its servers are held by slow work or too much of it: add servers to \(c.id), make each call cheaper, or shed load before it (rate limit, bounded queue)."))
                    }
                }
            }

            // Failures that start here, not explained by what it calls.
            let ownP = c.originated - overloadP, ownB = b.originated - overloadB
            if Self.proportionRose(ownP, max(c.served, 1), ownB, max(b.served, 1), difference: 0.005) {
                let rate = Double(ownP) / Double(max(c.served, 1)), baseRate = Double(ownB) / Double(max(b.served, 1))
                found.append(Anomaly(
                    kind: .errorOrigin, node: i, score: Self.failureWeight * (rate - baseRate) * visits,
                    title: "\(c.id) is failing: \(pct(rate)) of its calls fail on their own \(window)",
                    evidence: "failures that start at \(c.id): \(ownP) of \(c.served) calls (" + top(c.originatedCauses.filter { !Self.overloadCauses.contains($0.key) })
                        + "), before \(pct(baseRate)); \(c.propagated) more came back from its own calls",
                    tip: "Fix or contain the failure here: retries with backoff for transient errors, a fallback or circuit breaker in its callers."))
            }

            // A cache sending more queries to its backend.
            if let cache = c.cache, let baseCache = b.cache, baseCache.backendRate > 0, cache.backendRate / baseCache.backendRate >= 2, cache.backendQueries >= 50 {
                found.append(Anomaly(
                    kind: .cacheStampede, node: i, score: 0,
                    title: "cache at \(c.id) sends ×\(num(cache.backendRate / baseCache.backendRate)) backend queries \(window)",
                    evidence: "hit ratio \(pct(baseCache.hitRatio)) → \(pct(cache.hitRatio)); backend queries \(num(baseCache.backendRate))/s → \(num(cache.backendRate))/s",
                    tip: "A stampede: coalesce concurrent misses (single flight), jitter TTLs, or serve stale while revalidating."))
            }
        }

        // Requests that could not reach the entry node.
        let entryIndex = index(of: entry) ?? 0
        if Self.proportionRose(phase.unreached, max(phase.started, 1), base.unreached, max(base.started, 1), difference: 0.005) {
            found.append(Anomaly(
                kind: .unreachable, node: entryIndex, score: Self.failureWeight * Double(phase.unreached) / startedP,
                title: "\(entry) is unreachable for clients \(window)",
                evidence: "\(phase.unreached) of \(phase.started) requests never reached \(entry); it received \(num(base.components[entryIndex].arrivalRate)) → \(num(phase.components[entryIndex].arrivalRate)) calls/s",
                tip: "Connect failures with a quiet server point at the network (partition, DNS, firewall), not the service."))
        }

        var unreachedInto: [Int: (unreached: Int, attempts: Int, callers: [String])] = [:]
        for (k, e) in phase.edges.enumerated() where e.mode == "sync" {
            let b = base.edges[k]
            guard let from = index(of: e.from), let to = index(of: e.to) else { continue }
            let caller = phase.components[from], baseCaller = base.components[from]

            if Self.proportionRose(e.unreached, max(e.attempts, 1), b.unreached, max(b.attempts, 1), difference: 0.005) {
                var sum = unreachedInto[to] ?? (0, 0, [])
                sum.unreached += e.unreached; sum.attempts += e.attempts; sum.callers.append(e.from)
                unreachedInto[to] = sum
            }
            // Calls per visit of the caller, retries aside: a loop, N+1 queries, misses.
            let first = e.attempts - e.retries, baseFirst = b.attempts - b.retries
            if caller.arrivals > 0, baseCaller.arrivals > 0, baseFirst > 0, first >= 50 {
                let perVisit = Double(first) / Double(caller.arrivals), basePerVisit = Double(baseFirst) / Double(baseCaller.arrivals)
                if perVisit / basePerVisit >= 1.5 {
                    let extra = (perVisit - basePerVisit) * Double(caller.arrivals) / startedP
                    found.append(Anomaly(
                        kind: .amplification, node: from, score: max(0.05, extra * e.meanLatency / userBase),
                        title: "\(e.from) makes ×\(num(perVisit / basePerVisit)) more calls to \(e.to) per request \(window)",
                        evidence: "\(num(basePerVisit)) → \(num(perVisit)) calls to \(e.to) per call of \(e.from) (retries not counted); \(e.to) receives \(num(base.components[to].arrivalRate)) → \(num(phase.components[to].arrivalRate)) calls/s",
                        tip: "Extra queries per request multiply load on the store: batch them (N+1 → one IN query), cache or coalesce."))
                }
            }
            if Self.proportionRose(e.retries, max(e.attempts, 1), b.retries, max(b.attempts, 1), difference: 0.01), e.retries >= 10 {
                found.append(Anomaly(
                    kind: .retries, node: to, score: 0,
                    title: "\(e.retries) retries on \(e.id) \(window)",
                    evidence: "\(e.attempts) attempts for \(e.attempts - e.retries) calls (×\(num(Double(e.attempts) / Double(max(1, e.attempts - e.retries)))) the load on \(e.to))\(e.retryBudgetDenied > 0 ? "; the retry budget denied \(e.retryBudgetDenied)" : "")",
                    tip: "Retries add load exactly when the callee struggles: exponential backoff with jitter and a retry budget keep them bounded."))
            }
            if Self.proportionRose(e.timeouts, max(e.attempts, 1), b.timeouts, max(b.attempts, 1), difference: 0.005), e.timeouts >= 5 {
                found.append(Anomaly(
                    kind: .timeouts, node: to, score: 0,
                    title: "\(e.timeouts) calls on \(e.id) timed out \(window)",
                    evidence: "of \(e.attempts) attempts; a call on \(e.id) took \(ms(b.meanLatency)) → \(ms(e.meanLatency)) on average",
                    tip: "A timed-out call keeps running in \(e.to) unless deadlines propagate; timeouts should shrink along the call chain."))
            }
            if let size = e.poolSize, e.meanPoolWait > 0.001, b.meanPoolWait == 0 || e.meanPoolWait / b.meanPoolWait >= 2 {
                found.append(Anomaly(
                    kind: .connectionPool, node: to, score: 0,
                    title: "connection pool \(e.id) is exhausted \(window)",
                    evidence: "mean wait for a connection \(ms(b.meanPoolWait)) → \(ms(e.meanPoolWait)); \(pct(e.poolUtilisation)) of \(size) connections in use; \(e.poolTimeouts) wait timeouts",
                    tip: "Size the pool from throughput × hold time (Little's law), and never hold a connection across slow work."))
            }
            if e.breakerRejections > 0, b.breakerRejections == 0 {
                found.append(Anomaly(
                    kind: .breaker, node: to, score: 0,
                    title: "circuit breaker on \(e.id) opened \(window)",
                    evidence: "\(e.breakerRejections) calls failed fast instead of waiting on \(e.to)",
                    tip: "Failing fast protects the caller; pair it with a fallback so users get a degraded answer."))
            }
        }
        for (to, u) in unreachedInto.sorted(by: { $0.key < $1.key }) {
            let c = phase.components[to], b = base.components[to]
            found.append(Anomaly(
                kind: .unreachable, node: to, score: Self.failureWeight * Double(u.unreached) / startedP,
                title: "\(c.id) is unreachable from \(u.callers.joined(separator: ", ")) \(window)",
                evidence: "\(u.unreached) of \(u.attempts) calls never reached \(c.id) (connect failures or the caller's timeout); it received \(num(b.arrivalRate)) → \(num(c.arrivalRate)) calls/s",
                tip: "Connect failures with a quiet server point at the network (partition, DNS, security groups), not the service: fail fast with a short connect timeout and a fallback."))
        }
        return found
    }

    func index(of id: String) -> Int? { phase.components.firstIndex { $0.id == id } }

    func top(_ causes: [String: Int]) -> String {
        causes.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }.prefix(3).map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }

    func tipForSlowNode(_ kind: String) -> String {
        switch kind {
        case "postgres", "mysql", "mongodb", "dynamodb", "elasticsearch", "cassandra", "redis", "vector-db":
            return "Look at its slow-query log and plans (a missing index, lock waits, a bad plan); cache hot reads."
        default:
            return "Profile its own work (CPU, GC, locks, a slow call it makes outside the model); its callers' waits follow from it."
        }
    }
}
