import SyslabCore

/// Reads a finished run the way an operator reads dashboards: only what the
/// system exposes (per-node self time, waits, arrivals, failures split by
/// where they start, per-edge attempts, latency and pools, the request rate),
/// never what the simulator injected (see `InjectedReport`).
///
/// Each phase is compared with the baseline phase (the first one without
/// scenarios). For a phase, the first finding is the root cause: a change a
/// node makes by itself (its self time rose, its own failures, calls that
/// cannot reach it, waits for its threads or connections, extra calls it
/// makes) or a change in load. Changes that follow from it (saturated
/// callers, retries, timeouts, exhausted pools, lagging consumers) come next,
/// from the deepest node outwards, and what users saw comes last.
public enum Diagnosis {
    public static func findings(for result: SimulationResult) -> [Finding] {
        var out: [Finding] = []
        let entry = result.entryId.isEmpty ? result.nodeIds.first ?? "" : result.entryId
        if result.phases.count > 1, let b = result.phases.firstIndex(where: { $0.scenarios.isEmpty && $0.requests > 0 }) {
            for (i, phase) in result.phases.enumerated() where i != b {
                let comparison = PhaseComparison(phase: phase, base: result.phases[b], depths: result.nodeDepths, entry: entry)
                out += ranked(comparison)
            }
        } else if let whole = result.phases.first {
            out += wholeRun(result, phase: whole, entry: entry)
        }
        // Coordinated omission: the load generator fell behind its schedule.
        if result.workload.executor.isOpen, result.uncorrectedLatency.p99 > 0 {
            let gap = result.latency.p99 / result.uncorrectedLatency.p99
            if gap >= 1.2 {
                out.append(Finding(
                    severity: .warning,
                    title: "the load generator fell behind (coordinated omission)",
                    evidence: "p99 from intended start \(ms(result.latency.p99)) vs from send \(ms(result.uncorrectedLatency.p99)); \(result.delayedIterations) iterations started late",
                    tip: "Raise maxVUs; the intended-start latency is what users would have seen.",
                    kind: "coordinated-omission", role: .context))
            }
        }
        return out
    }

    static func ms(_ s: Double) -> String { DurationText.format(s) }
    static func pct(_ x: Double) -> String { JSONValue.format(number: (x * 1000).rounded() / 10) + "%" }
    static func num(_ x: Double) -> String { JSONValue.format(number: (x * 10).rounded() / 10) }

    // MARK: one phase against the baseline

    /// Orders a phase's anomalies: root causes by how much of the symptom they
    /// explain, then the consequences from the deepest node outwards, then the symptom.
    static func ranked(_ comparison: PhaseComparison) -> [Finding] {
        typealias Anomaly = PhaseComparison.Anomaly
        let phase = comparison.phase, base = comparison.base
        let anomalies = comparison.anomalies()
        let userSeverity = comparison.userSeverity
        let reach = descendants(phase)
        func depth(_ node: Int) -> Int { node < comparison.depths.count ? comparison.depths[node] : 0 }
        func arrivalsRose(_ node: Int) -> Bool {
            let p = phase.components[node].arrivalRate, b = base.components[node].arrivalRate
            return b > 0 ? p / b >= 1.3 : p > 0
        }
        let load = base.arrivalRate > 0 ? phase.arrivalRate / base.arrivalRate : 1

        // Changes a node makes by itself. Extra calls made because a callee
        // failed or slowed (failover, misses, a balancer steering away) are
        // the callee's doing, not the caller's.
        let failing = Set(anomalies.filter { [.errorOrigin, .unreachable, .latencyOrigin, .poolExhaustion].contains($0.kind) }.map(\.node))
        var roots: [Anomaly] = [], consequences: [Anomaly] = []
        var loadChange: Anomaly? = nil
        for a in anomalies {
            if a.kind == .loadChange { loadChange = a; continue }
            if a.kind == .amplification, !failing.isDisjoint(with: reach[a.node]) { consequences.append(a); continue }
            if a.kind.isLocal { roots.append(a) } else { consequences.append(a) }
        }
        let rootNodes = Set(roots.map(\.node))
        let amplifiers = roots.filter { $0.kind == .amplification }.map(\.node)
        let retried = Set(consequences.filter { $0.kind == .retries }.map(\.node))

        // A consequence is explained by a root at its node or below it (servers
        // and connections are held while calls wait), or by more arrivals
        // (more load, a caller's extra calls, retries).
        var explainedByLoad = 0.0
        var unexplained: [Anomaly] = []
        var explained: [Anomaly] = []
        for a in consequences {
            let below = rootNodes.contains(a.node) || !rootNodes.isDisjoint(with: reach[a.node])
            let more = arrivalsRose(a.node)
            let byLoad = more && load >= 1.3
            let byCallers = more && (amplifiers.contains { reach[$0].contains(a.node) } || retried.contains(a.node))
            if below || byCallers || byLoad {
                explained.append(a)
                if byLoad && !below { explainedByLoad += max(a.score, 0.01) }
            } else {
                unexplained.append(a)
            }
        }
        // What nothing else explains is a root of its own (a pure saturation, a stampede).
        roots += unexplained

        if var change = loadChange, load > 1 {
            change.score = explainedByLoad
            if explainedByLoad > 0 || (roots.isEmpty && userSeverity != nil) { roots.append(change); loadChange = nil }
        }
        // One root per node: the most telling kind leads, the rest of that node follow it.
        let precedence: [Anomaly.Kind] = [.unreachable, .poolExhaustion, .latencyOrigin, .errorOrigin, .amplification, .loadChange,
                                          .saturation, .consumerLag, .cacheStampede, .connectionPool, .timeouts, .retries, .breaker]
        func rank(_ k: Anomaly.Kind) -> Int { precedence.firstIndex(of: k) ?? precedence.count }
        var byNode: [Int: [Anomaly]] = [:]
        for r in roots { byNode[r.node, default: []].append(r) }
        var leaders: [(Anomaly, Double)] = []
        var followers: [Anomaly] = []
        for (_, group) in byNode {
            let sorted = group.sorted { rank($0.kind) < rank($1.kind) }
            leaders.append((sorted[0], group.map(\.score).reduce(0, +)))
            followers += sorted.dropFirst()
        }
        leaders.sort { $0.1 != $1.1 ? $0.1 > $1.1 : (depth($0.0.node), $0.0.title) > (depth($1.0.node), $1.0.title) }

        var out: [Finding] = []
        func finding(_ a: Anomaly, _ severity: Finding.Severity, _ role: Finding.Role) -> Finding {
            Finding(severity: severity, title: a.title, evidence: a.evidence, tip: a.tip,
                    node: a.kind == .loadChange ? nil : phase.components[a.node].id, kind: a.kind.rawValue, role: role,
                    start: phase.start, end: phase.end)
        }
        let visible = userSeverity ?? .info
        let topScore = leaders.first?.1 ?? 0
        if let (first, _) = leaders.first { out.append(finding(first, visible, .rootCause)) }
        // Consequences and same-node details, from the deepest node outwards.
        let rest = (explained + followers).enumerated().sorted {
            (depth($0.element.node), -$0.offset) > (depth($1.element.node), -$1.offset)
        }.map(\.element)
        for a in rest { out.append(finding(a, userSeverity == nil ? .info : .warning, .consequence)) }
        // Other candidates: weaker explanations of the same phase.
        for (a, score) in leaders.dropFirst() {
            out.append(finding(a, userSeverity != nil && score >= 0.5 * topScore ? .warning : .info, .rootCause))
        }
        if let change = loadChange { out.append(finding(change, .info, .context)) }
        if let symptom = comparison.symptom { out.append(symptom) }
        return out
    }

    /// For each node, the nodes its sync calls reach (directly or further down).
    static func descendants(_ phase: PhaseReport) -> [Set<Int>] {
        var index: [String: Int] = [:]
        for (i, c) in phase.components.enumerated() { index[c.id] = i }
        var callees = Array(repeating: [Int](), count: phase.components.count)
        for e in phase.edges where e.mode == "sync" {
            if let f = index[e.from], let t = index[e.to] { callees[f].append(t) }
        }
        return callees.indices.map { start in
            var seen = Set<Int>(), stack = callees[start]
            while let n = stack.popLast() {
                if seen.insert(n).inserted { stack += callees[n] }
            }
            seen.remove(start)
            return seen
        }
    }

    // MARK: a run without a baseline

    /// Without a quiet phase to compare with, only absolute symptoms can be
    /// named: failures where they start, saturation, exhausted pools, retries.
    static func wholeRun(_ r: SimulationResult, phase: PhaseReport, entry: String) -> [Finding] {
        var found: [(depth: Int, finding: Finding)] = []
        let label = "over the run"
        for (i, c) in phase.components.enumerated() {
            let depth = i < r.nodeDepths.count ? r.nodeDepths[i] : 0
            if let utilisation = c.utilisation, utilisation >= 0.9 {
                found.append((depth, Finding(
                    severity: utilisation >= 0.98 ? .critical : .warning,
                    title: "\(c.id) is saturated \(label)",
                    evidence: "utilisation \(pct(utilisation)), mean queue \(num(c.meanQueue)), mean wait for a server \(ms(c.meanQueueWait - c.meanResourceWait))",
                    tip: "Its servers are held by slow work or too much of it: add servers to \(c.id), make each call cheaper, or shed load before it (rate limit, bounded queue).",
                    node: c.id, kind: "saturation", role: .rootCause)))
            }
            if c.meanResourceWait >= 0.001 {
                found.append((depth, Finding(
                    severity: c.meanResourceWait >= 0.1 ? .critical : .warning,
                    title: "pool exhaustion at \(c.id): calls wait for a thread or connection \(label)",
                    evidence: "mean wait inside \(c.id) before work starts \(ms(c.meanResourceWait))",
                    tip: "Size the pool from throughput × hold time (Little's law), bound the wait with a timeout, and never hold a thread or connection across slow work.",
                    node: c.id, kind: "pool-exhaustion", role: .rootCause)))
            }
            let own = c.originatedCauses.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }
            if let top = own.first, c.originated > max(10, c.arrivals / 100) {
                found.append((depth, Finding(
                    severity: .warning,
                    title: "\(c.id) failed \(c.originated) calls on its own \(label), mostly \(top.key)",
                    evidence: own.prefix(3).map { "\($0.key) \($0.value)" }.joined(separator: ", ") + " of \(c.arrivals) calls; \(c.propagated) more came back from its calls",
                    tip: tip(for: top.key), node: c.id, kind: "error-origin", role: .rootCause)))
            }
        }
        for e in phase.edges {
            let depth = phase.components.firstIndex { $0.id == e.to }.map { $0 < r.nodeDepths.count ? r.nodeDepths[$0] : 0 } ?? 0
            if let size = e.poolSize, e.meanPoolWait > 0.001 {
                found.append((depth, Finding(
                    severity: e.poolTimeouts > 0 || e.meanPoolWait > 0.1 ? .critical : .warning,
                    title: "connection pool \(e.id) is exhausted \(label)",
                    evidence: "mean wait for a connection \(ms(e.meanPoolWait)); \(pct(e.poolUtilisation)) of \(size) connections in use; \(e.poolTimeouts) wait timeouts",
                    tip: "Size the pool from throughput × hold time (Little's law), and never hold a connection across slow work.",
                    node: e.to, kind: "connection-pool", role: .consequence)))
            }
            if e.retries > max(10, e.attempts / 20) {
                found.append((depth, Finding(
                    severity: .warning, title: "\(e.retries) retries on \(e.id) \(label)",
                    evidence: "\(e.attempts) attempts for \(e.attempts - e.retries) calls\(e.retryBudgetDenied > 0 ? "; the retry budget denied \(e.retryBudgetDenied)" : "")",
                    tip: "Retries add load exactly when the callee struggles: exponential backoff with jitter and a retry budget keep them bounded.",
                    node: e.to, kind: "retries", role: .consequence)))
            }
            if e.unreached > max(10, e.attempts / 100) {
                found.append((depth, Finding(
                    severity: .warning, title: "\(e.unreached) calls on \(e.id) never reached \(e.to) \(label)",
                    evidence: "of \(e.attempts) attempts (connect failures or the caller's timeout)",
                    tip: "Connect failures with a quiet server point at the network, not the service.",
                    node: e.to, kind: "unreachable", role: .rootCause)))
            }
            if e.breakerRejections > 0 {
                found.append((depth, Finding(
                    severity: .info, title: "circuit breaker on \(e.id) opened \(label)",
                    evidence: "\(e.breakerRejections) calls failed fast instead of waiting on \(e.to)",
                    tip: "Failing fast protects the caller; pair it with a fallback so users get a degraded answer.",
                    node: e.to, kind: "circuit-breaker", role: .consequence)))
            }
        }
        // From the deepest component outwards: the order a symptom travels.
        var out = found.enumerated().sorted { ($0.element.depth, -$0.offset) > ($1.element.depth, -$1.offset) }.map(\.element.finding)
        if r.failureRate > 0.01 {
            let top = r.causes.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }
            out.append(Finding(
                severity: r.failureRate >= 0.05 ? .critical : .warning,
                title: "\(pct(r.failureRate)) of requests failed",
                evidence: top.map { "most common cause: \($0.key) (\($0.value) requests)" } ?? "",
                tip: "See the per-component causes to find where failures start.",
                node: entry, kind: "symptom", role: .symptom))
        }
        return out
    }

    static func tip(for cause: String) -> String {
        switch cause {
        case "queue_full": return "The queue bound is shedding load: add capacity or reduce the work per request."
        case "rate_limited", "throttled": return "Requests exceed the allowed rate; clients should back off and honour Retry-After."
        case "timeout", "hang": return "Calls wait too long; find what they wait on (pool, queue, slow dependency)."
        case "pool_timeout": return "No connection came free in time: the pool is too small for throughput × hold time."
        case "deadline_exceeded": return "Work was skipped because the caller had already given up (deadline propagation saving capacity)."
        case "injected_error", "error": return "The component returns errors; retries and fallbacks decide whether users see them."
        default: return "See the per-component causes for how this failure arises."
        }
    }
}
