import SyslabCore

/// Snapshots for phases and the time series, and the spans of traced requests.
extension SystemSimulation {
    func snapshot() -> CounterSnapshot {
        CounterSnapshot(
            time: now, nodes: stats.nodes, edges: stats.edges,
            caches: caches.map { c in
                guard let c else { return CacheCounters() }
                var counters = CacheCounters()
                counters.hits = c.hits; counters.misses = c.misses
                counters.backendQueries = c.backendQueries; counters.coalesced = c.coalesced
                return counters
            },
            busyArea: stations.map { $0.busyTime.area(at: now) },
            queueArea: stations.map { $0.queueTime.area(at: now) },
            poolArea: pools.map { $0?.inUseTime.area(at: now) ?? 0 },
            requests: stats.completed, requestFailures: stats.failed, unreached: stats.unreached)
    }

    mutating func recordTick() {
        let current = snapshot()
        let previous = stats.lastSnapshot ?? emptySnapshot()
        let width = max(current.time - previous.time, 1e-12)
        let h = stats.intervalLatency
        var row = SeriesRow(
            time: current.time, started: stats.requestsStarted - stats.intervalStarted,
            completed: current.requests - previous.requests, failed: stats.intervalFailures,
            p50: h.percentile(50), p95: h.percentile(95), p99: h.percentile(99), mean: h.mean,
            inFlight: requests.live, utilisation: [], queue: [], arrivals: [], poolWait: [], retries: [],
            cacheBackend: [], activeScenarios: schedule.active(at: current.time - width / 2))
        for i in model.nodes.indices {
            let busy = (current.busyArea[i] - previous.busyArea[i]) / width
            // NaN for an unlimited node: it has no capacity to use up ("n/a" in the CSV).
            row.utilisation.append(stations[i].isUnlimited ? .nan : busy / Double(stations[i].servers))
            row.queue.append((current.queueArea[i] - previous.queueArea[i]) / width)
            row.arrivals.append(current.nodes[i].arrivals - previous.nodes[i].arrivals)
            if caches[i] != nil { row.cacheBackend.append(current.caches[i].backendQueries - previous.caches[i].backendQueries) }
        }
        for e in model.edges.indices {
            row.retries.append(current.edges[e].retries - previous.edges[e].retries)
            if pools[e] != nil {
                // Mean wait of the connections granted in this interval.
                let waits = current.edges[e].poolWaits - previous.edges[e].poolWaits
                let waited = current.edges[e].poolWaitSum - previous.edges[e].poolWaitSum
                row.poolWait.append(waits > 0 ? waited / Double(waits) : 0)
            }
        }
        stats.rows.append(row)
        stats.lastSnapshot = current
        stats.intervalLatency.reset()
        stats.intervalFailures = 0
        stats.intervalStarted = stats.requestsStarted
    }

    func emptySnapshot() -> CounterSnapshot {
        CounterSnapshot(
            time: 0, nodes: Array(repeating: NodeCounters(), count: model.nodes.count),
            edges: Array(repeating: EdgeCounters(), count: model.edges.count),
            caches: Array(repeating: CacheCounters(), count: model.nodes.count),
            busyArea: Array(repeating: 0, count: model.nodes.count), queueArea: Array(repeating: 0, count: model.nodes.count),
            poolArea: Array(repeating: 0, count: model.edges.count), requests: 0, requestFailures: 0)
    }

    // MARK: traces

    mutating func beginTrace(_ r: Int32) {
        let i = Int(r)
        while stats.traceBuffers.count <= i { stats.traceBuffers.append([]) }
        stats.traceBuffers[i].removeAll(keepingCapacity: true)
    }

    @inline(__always)
    mutating func openSpan(_ c: Int32) {
        let r = calls[c].request
        guard r >= 0, requests.isCurrent(r, calls[c].requestGeneration), requests[r].traced else { return }
        let call = calls[c]
        stats.traceBuffers[Int(r)].append(SpanRecord(
            node: call.node, via: call.via, parent: call.parentSpan, start: now, end: -1, cause: .ok, status: 0,
            attempt: call.attempt, detached: false))
        calls[c].span = Int32(stats.traceBuffers[Int(r)].count - 1)
    }

    @inline(__always)
    mutating func closeSpan(_ c: Int32, _ outcome: Outcome) {
        let call = calls[c]
        guard call.span >= 0, requests.isCurrent(call.request, call.requestGeneration) else { return }
        let r = Int(call.request)
        stats.traceBuffers[r][Int(call.span)].end = now
        stats.traceBuffers[r][Int(call.span)].cause = outcome.cause
        stats.traceBuffers[r][Int(call.span)].status = outcome.status
    }

    mutating func endTrace(_ r: Int32, _ outcome: Outcome) {
        let request = requests[r]
        var spans = stats.traceBuffers[Int(r)]
        // A request that never reached the entry node (a partition) left no span to keep.
        guard !spans.isEmpty else { return }
        // Calls still running when the request ended (orphaned by a timeout) end here.
        for i in spans.indices where spans[i].end < 0 {
            spans[i].end = now
            spans[i].cause = .interrupted
            spans[i].status = 0
        }
        let latency = now - request.intended
        if request.headSampled {
            stats.headSeen += 1
            keep(KeptTrace(spans: spans, serial: request.serial, intended: request.intended, finished: now, outcome: outcome,
                           sampledBy: "head"),
                 into: \.headTraces, seen: stats.headSeen)
        }
        let slow = options.tailSlowerThan.map { latency >= $0 } ?? false
        if slow || (options.tailErrors && outcome.failed) {
            stats.tailSeen += 1
            keep(KeptTrace(spans: spans, serial: request.serial, intended: request.intended, finished: now, outcome: outcome,
                           sampledBy: slow ? "tail:slow" : "tail:error"),
                 into: \.tailTraces, seen: stats.tailSeen)
        }
    }

    /// Reservoir sampling keeps `maxTraces` spread evenly over the whole run.
    mutating func keep(_ trace: KeptTrace, into list: WritableKeyPath<RunStatistics, [KeptTrace]>, seen: Int) {
        if stats[keyPath: list].count < options.maxTraces {
            stats[keyPath: list].append(trace)
            return
        }
        let j = Int(samplingRandom.nextUnit() * Double(seen))
        if j < options.maxTraces { stats[keyPath: list][j] = trace }
    }
}
