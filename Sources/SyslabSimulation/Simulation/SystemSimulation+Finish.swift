import SyslabCore
import SyslabTracing

/// Turns the counters of a finished run into a `SimulationResult`.
extension SystemSimulation {
    mutating func finish() -> SimulationResult {
        finished = true
        stats.interrupted = requests.live
        let t = now
        for i in breakers.indices { breakers[i]?.finish(at: t) }
        if stats.rows.last.map({ $0.time < now - 1e-9 }) ?? true, now > 0 { recordTick() }
        let end = snapshot()
        let start = stats.phaseSnapshots[0]
        let phaseEnds = stats.phaseSnapshots + [end]

        var phases: [PhaseReport] = []
        for p in 0..<(phaseEnds.count - 1) {
            let a = phaseEnds[p], b = phaseEnds[p + 1]
            let names = schedule.active(at: (a.time + b.time) / 2)
            phases.append(PhaseReport(
                name: phaseName(index: p, count: phaseEnds.count - 1, scenarios: names),
                start: a.time, end: b.time, scenarios: names,
                requests: stats.phaseRequests[p], failures: stats.phaseFailures[p],
                latency: Percentiles(stats.phaseLatency[p]),
                components: componentReports(from: a, to: b), edges: edgeReports(from: a, to: b),
                started: stats.phaseStarted[p], unreached: b.unreached - a.unreached))
        }

        var whole = componentReports(from: start, to: end)
        for i in whole.indices { whole[i].latency = Percentiles(stats.nodeLatency[i]) }
        var wholeEdges = edgeReports(from: start, to: end)
        for e in wholeEdges.indices { if let broker = brokers[e] { wholeEdges[e].lag = Percentiles(broker.lag) } }
        var littles: [(String, Double, Double, Double)] = []
        for (i, node) in model.nodes.enumerated() where end.time > 0 {
            let measured = (end.busyArea[i] + end.queueArea[i]) / end.time
            let predicted = Double(stats.nodes[i].arrivals) / end.time * stats.nodeLatency[i].mean
            let scale = max(abs(measured), abs(predicted), 1e-300)
            littles.append((node.id, measured, predicted, abs(measured - predicted) / scale))
        }

        var causes: [String: Int] = [:]
        for cause in Cause.allCases where stats.causes[cause.rawValue] > 0 { causes[cause.name] = stats.causes[cause.rawValue] }
        let tracesAndLogs = buildTracesAndLogs()
        let activeSpan = stats.completed > 0 ? max(stats.lastEnd - min(stats.firstStart, stats.lastEnd), 1e-9) : 0
        var result = SimulationResult(
            system: model.name, workload: workload, schedule: schedule, options: options, duration: activeSpan,
            requestsStarted: stats.requestsStarted, completed: stats.completed, failed: stats.failed, causes: causes,
            statuses: stats.statuses, droppedIterations: stats.droppedIterations, delayedIterations: stats.delayedIterations,
            interrupted: stats.interrupted, peakInFlight: stats.inFlightPeak,
            latency: Percentiles(stats.latency), uncorrectedLatency: Percentiles(stats.uncorrected),
            latencyHistogram: stats.latency, uncorrectedHistogram: stats.uncorrected,
            components: whole, edges: wholeEdges, phases: phases, series: stats.rows,
            nodeIds: model.nodes.map(\.id), nodeDepths: nodeDepths(), poolEdgeIds: model.edges.filter { $0.pool != nil }.map(\.id),
            cacheNodeIds: model.nodes.filter { $0.cache != nil }.map(\.id), edgeIds: model.edges.map(\.id),
            traces: tracesAndLogs.traces, logs: tracesAndLogs.logs, effects: effectCounts, littlesLaw: littles, warnings: stats.warnings)
        result.entryId = model.nodes[model.entry].id
        return result
    }

    /// Shortest number of edges from the entry to each node.
    func nodeDepths() -> [Int] {
        var depth = Array(repeating: Int.max, count: model.nodes.count)
        depth[model.entry] = 0
        var frontier = [model.entry]
        while !frontier.isEmpty {
            var next: [Int] = []
            for n in frontier {
                for e in model.nodes[n].syncEdges + model.nodes[n].asyncEdges where depth[model.edges[e].to] == Int.max {
                    depth[model.edges[e].to] = depth[n] + 1
                    next.append(model.edges[e].to)
                }
            }
            frontier = next
        }
        return depth.map { $0 == Int.max ? 0 : $0 }
    }

    func phaseName(index: Int, count: Int, scenarios: [String]) -> String {
        if count == 1 { return scenarios.isEmpty ? "whole run" : "during " + scenarios.joined(separator: " + ") }
        if !scenarios.isEmpty { return "during " + scenarios.joined(separator: " + ") }
        if index == 0 { return "before" }
        if index == count - 1 { return "after" }
        return "between"
    }

    func componentReports(from a: CounterSnapshot, to b: CounterSnapshot) -> [ComponentReport] {
        let width = max(b.time - a.time, 1e-12)
        return model.nodes.indices.map { i in
            let n = b.nodes[i], m = a.nodes[i]
            var causes: [String: Int] = [:], originated: [String: Int] = [:]
            for cause in Cause.allCases where n.causes[cause.rawValue] - m.causes[cause.rawValue] > 0 {
                causes[cause.name] = n.causes[cause.rawValue] - m.causes[cause.rawValue]
            }
            for cause in Cause.allCases where n.originated[cause.rawValue] - m.originated[cause.rawValue] > 0 {
                originated[cause.name] = n.originated[cause.rawValue] - m.originated[cause.rawValue]
            }
            let busy = (b.busyArea[i] - a.busyArea[i]) / width
            let served = (n.succeeded + n.failed) - (m.succeeded + m.failed)
            let waits = n.queueWaits - m.queueWaits
            let services = n.services - m.services
            let consumed = n.consumed - m.consumed
            var cache: CacheReport? = nil
            if caches[i] != nil {
                cache = CacheReport(hits: b.caches[i].hits - a.caches[i].hits, misses: b.caches[i].misses - a.caches[i].misses,
                                    backendQueries: b.caches[i].backendQueries - a.caches[i].backendQueries,
                                    backendRate: Double(b.caches[i].backendQueries - a.caches[i].backendQueries) / width,
                                    coalesced: b.caches[i].coalesced - a.caches[i].coalesced)
            }
            // Means and spreads per answered call (waits of calls still queued count when they end).
            // Waits are summed as calls start work; a span in which more calls
            // start than end (a ramp) divides by the calls started.
            let started = n.started - m.started
            let perWait = Double(started > 0 ? started : max(served, waits))
            func stddev(_ sum: Double, _ squares: Double, _ count: Double) -> Double {
                count > 1 ? (max(0, squares / count - (sum / count) * (sum / count))).squareRoot() : 0
            }
            var report = ComponentReport(
                id: model.nodes[i].id, kind: model.nodes[i].kind,
                servers: stations[i].isUnlimited ? nil : stations[i].servers,
                arrivals: n.arrivals - m.arrivals, arrivalRate: Double(n.arrivals - m.arrivals) / width,
                succeeded: n.succeeded - m.succeeded, failed: n.failed - m.failed, causes: causes,
                utilisation: stations[i].isUnlimited ? nil : busy / Double(stations[i].servers),
                meanQueue: (b.queueArea[i] - a.queueArea[i]) / width,
                meanQueueWait: served > 0 || started > 0 ? (n.queueWait - m.queueWait) / Double(started > 0 ? started : max(served, waits)) : 0,
                // Per service started in the span: a span in which more work starts
                // than ends (a ramp) must not read as slower work.
                meanService: services > 0 ? (n.serviceTime - m.serviceTime) / Double(services) : 0,
                cache: cache, consumed: consumed, meanLag: consumed > 0 ? (n.lagSum - m.lagSum) / Double(consumed) : 0,
                effects: n.effects - m.effects, anomalies: n.anomalies - m.anomalies)
            report.originatedCauses = originated
            report.served = served
            report.services = services
            report.serviceStddev = stddev(n.serviceTime - m.serviceTime, n.serviceSquares - m.serviceSquares, Double(services))
            report.serviceLogMean = services > 0 ? (n.serviceLogSum - m.serviceLogSum) / Double(services) : 0
            report.serviceLogStddev = stddev(n.serviceLogSum - m.serviceLogSum, n.serviceLogSquares - m.serviceLogSquares, Double(services))
            report.queueWaitStddev = stddev(n.queueWait - m.queueWait, n.queueWaitSquares - m.queueWaitSquares, perWait)
            report.meanResourceWait = served > 0 || started > 0 ? (n.resourceWait - m.resourceWait) / perWait : 0
            report.meanLatency = served > 0 ? (n.latencySum - m.latencySum) / Double(served) : 0
            return report
        }
    }

    func edgeReports(from a: CounterSnapshot, to b: CounterSnapshot) -> [EdgeReport] {
        let width = max(b.time - a.time, 1e-12)
        return model.edges.indices.map { e in
            let x = b.edges[e], y = a.edges[e]
            let edge = model.edges[e]
            let waits = x.poolWaits - y.poolWaits
            let ended = x.attemptsEnded - y.attemptsEnded
            var report = EdgeReport(
                id: edge.id, from: model.nodes[edge.from].id, to: model.nodes[edge.to].id, mode: edge.mode.rawValue,
                attempts: x.attempts - y.attempts, attemptRate: Double(x.attempts - y.attempts) / width,
                retries: x.retries - y.retries, timeouts: x.timeouts - y.timeouts, failures: x.failures - y.failures,
                fallbacks: x.fallbacks - y.fallbacks, retryBudgetDenied: x.retryBudgetDenied - y.retryBudgetDenied,
                poolSize: edge.pool?.size,
                meanPoolWait: waits > 0 ? (x.poolWaitSum - y.poolWaitSum) / Double(waits) : 0,
                poolTimeouts: x.poolTimeouts - y.poolTimeouts,
                poolUtilisation: edge.pool.map { (b.poolArea[e] - a.poolArea[e]) / width / Double($0.size) } ?? 0,
                breakerRejections: x.breakerRejections - y.breakerRejections,
                bulkheadRejections: x.bulkheadRejections - y.bulkheadRejections, published: x.published - y.published)
            report.unreached = max(0, (x.attempts - y.attempts) - (x.reached - y.reached))
            report.meanLatency = ended > 0 ? (x.attemptTime - y.attemptTime) / Double(ended) : 0
            return report
        }
    }
}
