import SyslabCore

/// Reads a finished run and says what happened: which phase hurt, where the
/// scenario acted, and how the symptom travelled — saturation, waiting for
/// connections, load amplification — from the origin up to the users. Every
/// finding is computed from the measured numbers; nothing is canned.
///
/// Order: for each phase with scenarios, the headline (latency, failures),
/// then the origin (the nodes the scenario acted on), then the other symptoms
/// from the deepest component outwards; whole-run findings come last.
public enum Diagnosis {
    public static func findings(for result: SimulationResult) -> [Finding] {
        var out: [Finding] = []
        let baseline = result.phases.first { $0.scenarios.isEmpty && $0.requests > 0 }
        let requestRate = { (p: PhaseReport) in Double(p.requests) / max(p.end - p.start, 1e-9) }

        for phase in result.phases where !phase.scenarios.isEmpty && phase.requests > 0 {
            let label = "during \(phase.scenarios.joined(separator: " + "))"
            out += headline(phase: phase, baseline: baseline, label: label)
            out += origin(phase: phase, baseline: baseline, label: label)
            out += symptoms(phase: phase, baseline: baseline, label: label, requestRate: requestRate, depths: result.nodeDepths)
        }
        if result.phases.allSatisfy({ $0.scenarios.isEmpty }), let whole = result.phases.first {
            if result.failureRate > 0.01 {
                let top = result.causes.max { $0.value < $1.value }
                out.append(Finding(
                    severity: result.failureRate >= 0.05 ? .critical : .warning,
                    title: "\(pct(result.failureRate)) of requests failed",
                    evidence: top.map { "most common cause: \($0.key) (\($0.value) requests)" } ?? "",
                    tip: "See the per-component causes to find where failures start."))
            }
            out += symptoms(phase: whole, baseline: nil, label: "over the run", requestRate: requestRate, depths: result.nodeDepths)
        }
        // Coordinated omission: the load generator fell behind its schedule.
        if result.workload.executor.isOpen, result.uncorrectedLatency.p99 > 0 {
            let gap = result.latency.p99 / result.uncorrectedLatency.p99
            if gap >= 1.2 {
                out.append(Finding(
                    severity: .warning,
                    title: "the load generator fell behind (coordinated omission)",
                    evidence: "p99 from intended start \(ms(result.latency.p99)) vs from send \(ms(result.uncorrectedLatency.p99)); \(result.delayedIterations) iterations started late",
                    tip: "Raise maxVUs; the intended-start latency is what users would have seen."))
            }
        }
        return out
    }

    static func ms(_ s: Double) -> String { DurationText.format(s) }
    static func pct(_ x: Double) -> String { JSONValue.format(number: (x * 1000).rounded() / 10) + "%" }
    static func num(_ x: Double) -> String { JSONValue.format(number: (x * 10).rounded() / 10) }

    static func headline(phase: PhaseReport, baseline: PhaseReport?, label: String) -> [Finding] {
        var out: [Finding] = []
        if let base = baseline, base.latency.p99 > 0 {
            let ratio = phase.latency.p99 / base.latency.p99
            if ratio >= 1.5 {
                out.append(Finding(
                    severity: ratio >= 5 ? .critical : .warning,
                    title: "p99 latency rose ×\(num(ratio)) \(label)",
                    evidence: "p99 \(ms(base.latency.p99)) before → \(ms(phase.latency.p99)) \(label) (p50 \(ms(base.latency.p50)) → \(ms(phase.latency.p50)))",
                    tip: "Follow the findings below from the origin outwards: each layer waits on the one beneath it."))
            }
        }
        let baseFailure = baseline?.failureRate ?? 0
        if phase.failureRate > max(0.01, baseFailure * 2) {
            out.append(Finding(
                severity: phase.failureRate >= 0.05 ? .critical : .warning,
                title: "\(pct(phase.failureRate)) of requests failed \(label)",
                evidence: "failure rate \(pct(baseFailure)) before → \(pct(phase.failureRate)) \(label)",
                tip: "The causes per component tell waiting (timeouts, pool timeouts) from overload (queue_full, rate_limited)."))
        }
        return out
    }

    /// Where the scenario acted: the nodes whose calls received effects.
    static func origin(phase: PhaseReport, baseline: PhaseReport?, label: String) -> [Finding] {
        var out: [Finding] = []
        for (i, c) in phase.components.enumerated() where c.effects > 0 {
            let before = baseline?.components[i]
            var evidence = ["\(c.effects) of \(c.arrivals) calls affected"]
            if let before, before.meanService > 0, c.meanService / before.meanService >= 1.2 {
                evidence.append("time per call \(ms(before.meanService)) → \(ms(c.meanService))")
            }
            if c.failed > 0 { evidence.append("\(c.failed) calls failed (" + c.causes.sorted { $0.value > $1.value }.prefix(2).map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")") }
            if c.anomalies > 0 { evidence.append("\(c.anomalies) data anomalies") }
            out.append(Finding(
                severity: .info, title: "origin: \(phase.scenarios.joined(separator: " + ")) acted on \(c.id)",
                evidence: evidence.joined(separator: "; "),
                tip: "Symptoms further up are consequences; fix or contain them here first."))
        }
        return out
    }

    static func symptoms(phase: PhaseReport, baseline: PhaseReport?, label: String,
                         requestRate: (PhaseReport) -> Double, depths: [Int]) -> [Finding] {
        var found: [(depth: Int, finding: Finding)] = []
        let rate = requestRate(phase)
        for (i, c) in phase.components.enumerated() {
            let depth = i < depths.count ? depths[i] : 0
            let before = baseline?.components[i]
            if let utilisation = c.utilisation, utilisation >= 0.9 {
                found.append((depth, Finding(
                    severity: utilisation >= 0.98 ? .critical : .warning,
                    title: "\(c.id) is saturated \(label)",
                    evidence: "utilisation \(pct(utilisation))\(before.flatMap(\.utilisation).map { " (before \(pct($0)))" } ?? ""), mean queue \(num(c.meanQueue)), mean wait for a server \(ms(c.meanQueueWait))",
                    tip: "Its servers are held by slow work or too much of it: add servers to \(c.id), make each call cheaper, or shed load before it (rate limit, bounded queue).")))
            }
            // Load amplification: calls reaching a node per request.
            if rate > 0, let before, let base = baseline, requestRate(base) > 0 {
                let perRequest = c.arrivalRate / rate, basePerRequest = before.arrivalRate / requestRate(base)
                if basePerRequest > 0, perRequest / basePerRequest >= 1.5, c.arrivals > 100 {
                    found.append((depth, Finding(
                        severity: perRequest / basePerRequest >= 3 ? .critical : .warning,
                        title: "load on \(c.id) amplified ×\(num(perRequest / basePerRequest)) \(label)",
                        evidence: "\(num(basePerRequest)) → \(num(perRequest)) calls to \(c.id) per request (\(num(before.arrivalRate))/s → \(num(c.arrivalRate))/s)",
                        tip: "Retries, cache misses or extra queries multiply work: back off with jitter under a retry budget, coalesce misses, fix N+1 queries.")))
                }
            }
            if let cache = c.cache, let baseCache = before?.cache, baseCache.backendRate > 0 {
                let ratio = cache.backendRate / baseCache.backendRate
                if ratio >= 2 {
                    found.append((depth, Finding(
                        severity: ratio >= 5 ? .critical : .warning,
                        title: "cache at \(c.id) sends ×\(num(ratio)) backend queries \(label)",
                        evidence: "hit ratio \(pct(baseCache.hitRatio)) → \(pct(cache.hitRatio)); backend queries \(num(baseCache.backendRate))/s → \(num(cache.backendRate))/s",
                        tip: "A stampede: coalesce concurrent misses (single flight), jitter TTLs, or serve stale while revalidating.")))
                }
            }
            let failures = c.causes.sorted { $0.value > $1.value }
            if let top = failures.first, top.value > max(10, c.arrivals / 100), c.effects == 0 {
                found.append((depth, Finding(
                    severity: .warning,
                    title: "\(c.id) failed \(top.value) calls with \(top.key) \(label)",
                    evidence: failures.prefix(3).map { "\($0.key) \($0.value)" }.joined(separator: ", ") + " of \(c.arrivals) calls",
                    tip: tip(for: top.key))))
            }
        }
        for (i, e) in phase.edges.enumerated() {
            let depth = (depths.count > 0 ? (phase.components.firstIndex { $0.id == e.to }.map { depths[$0] } ?? 0) : 0)
            let before = baseline?.edges[i]
            if let size = e.poolSize, e.meanPoolWait > 0.001 {
                let base = before?.meanPoolWait ?? 0
                if base == 0 || e.meanPoolWait / base >= 2 {
                    found.append((depth, Finding(
                        severity: e.poolTimeouts > 0 || e.meanPoolWait > 0.1 ? .critical : .warning,
                        title: "connection pool \(e.id) is exhausted \(label)",
                        evidence: "mean wait for a connection \(ms(base)) → \(ms(e.meanPoolWait)); \(pct(e.poolUtilisation)) of \(size) connections in use; \(e.poolTimeouts) wait timeouts",
                        tip: "Size the pool from throughput × hold time (Little's law), and never hold a connection across slow work.")))
                }
            }
            if e.retries > max(10, e.attempts / 20) {
                found.append((depth, Finding(
                    severity: .warning,
                    title: "\(e.retries) retries on \(e.id) \(label)",
                    evidence: "\(e.attempts) attempts for \(e.attempts - e.retries) calls\(e.retryBudgetDenied > 0 ? "; the retry budget denied \(e.retryBudgetDenied)" : "")",
                    tip: "Retries add load exactly when the callee struggles: exponential backoff with jitter and a retry budget keep them bounded.")))
            }
            if e.breakerRejections > 0 {
                found.append((depth, Finding(
                    severity: .info, title: "circuit breaker on \(e.id) opened \(label)",
                    evidence: "\(e.breakerRejections) calls failed fast instead of waiting on \(e.to)",
                    tip: "Failing fast protects the caller; pair it with a fallback so users get a degraded answer.")))
            }
            if e.timeouts > max(10, e.attempts / 100) {
                found.append((depth, Finding(
                    severity: .warning, title: "\(e.timeouts) calls on \(e.id) timed out \(label)",
                    evidence: "of \(e.attempts) attempts",
                    tip: "A timed-out call keeps running in \(e.to) unless deadlines propagate; timeouts should shrink along the call chain.")))
            }
        }
        // From the deepest component outwards: the order the symptom travelled.
        return found.enumerated().sorted { ($0.element.depth, -$0.offset) > ($1.element.depth, -$1.offset) }.map(\.element.finding)
    }

    static func tip(for cause: String) -> String {
        switch cause {
        case "queue_full": return "The queue bound is shedding load: add capacity or reduce the work per request."
        case "rate_limited", "throttled": return "Requests exceed the allowed rate; clients should back off and honour Retry-After."
        case "timeout", "hang": return "Calls wait too long; find what they wait on (pool, queue, slow dependency)."
        case "pool_timeout": return "No connection came free in time: the pool is too small for throughput × hold time."
        case "deadline_exceeded": return "Work was skipped because the caller had already given up (deadline propagation saving capacity)."
        case "injected_error", "error": return "The component returns errors; retries and fallbacks decide whether users see them."
        default: return "See the scenario's learning notes for how this failure arises."
        }
    }
}
