#if canImport(Glibc)
import Glibc
#endif
import SyslabCore
import SyslabTracing

/// A call's life at one node: arrival (rate limit, admission), scenario effects,
/// service, the calls it makes, and completion.
extension SystemSimulation {
    /// A call arrives at `node`. `edge` is the edge it came through (-1 for the
    /// entry and for async deliveries handled by `deliver`).
    @discardableResult
    mutating func arrive(node: Int, role: CallRole, edge: Int, exchange: Int32, exchangeToken: UInt32,
                         request: Int32, requestGeneration: UInt32, deadline: Double, parentSpan: Int32,
                         attempt: Int32, publishedAt: Double = -1) -> Int32 {
        var record = CallRecord(node: Int32(node), role: role, phase: .waitingServer, exchange: exchange,
                                exchangeToken: exchangeToken, request: request, requestGeneration: requestGeneration,
                                arrived: now, deadline: deadline)
        record.queuedSince = now
        record.publishedAt = publishedAt
        record.parentSpan = parentSpan
        record.attempt = attempt
        record.via = Int32(edge)
        let c = calls.allocate(record)
        stats.nodes[node].arrivals += 1
        countCall()
        openSpan(c)

        if model.deadlinePropagation, deadline <= now {
            complete(c, Outcome(.deadlineExceeded), propagated: true)
            return c
        }
        if limiters[node] != nil, !limiters[node]!.tryTake(at: now) {
            complete(c, Outcome(.rateLimited))
            return c
        }
        // Scenario effects are decided when the node starts working on the call
        // (beginService), so a call that queued through a scenario's end is not
        // charged for it, and one that queued into it is.
        calls[c].effectsPending = true
        switch stations[node].admit(c, at: now) {
        case .serve:
            calls[c].holdsServer = true
            beginService(c)
        case .queued:
            break
        case .rejected:
            complete(c, Outcome(.queueFull))
        }
        return c
    }

    /// The call holds a server: decide its scenario effects, then schedule the
    /// end of its own processing (or the failure the effects planned).
    mutating func beginService(_ c: Int32) {
        let node = Int(calls[c].node)
        calls[c].phase = .serving
        let waited = now - calls[c].queuedSince
        if waited > 0 {
            stats.nodes[node].queueWait += waited
            stats.nodes[node].queueWaitSquares += waited * waited
            stats.nodes[node].queueWaits += 1
        }
        if calls[c].effectsPending {
            // The first time the node takes the call.
            calls[c].effectsPending = false
            stats.nodes[node].started += 1
            if calls[c].publishedAt >= 0 {
                stats.nodes[node].consumed += 1
                stats.nodes[node].lagSum += now - calls[c].publishedAt
                let e = Int(calls[c].via)
                let (published, t) = (calls[c].publishedAt, now)
                if e >= 0 { brokers[e]?.startConsuming(publishedAt: published, now: t) }
            }
            applyEffects(c, node: node)
            if calls[c].resourceWait > 0 {
                waitForResource(c, node: node)
                return
            }
        }
        let duration: Double
        if calls[c].plannedFailure != nil {
            duration = calls[c].failAfter
        } else if calls[c].isBackgroundTask {
            duration = -calls[c].extraTime
        } else {
            let errorRate = model.nodes[node].errorRate
            if errorRate > 0, nodeRandom[node].nextUnit() < errorRate {
                calls[c].plannedFailure = Outcome(cause: .error, status: model.nodes[node].errorStatus)
                duration = failingSamplers[node].sample(&nodeRandom[node])
            } else {
                duration = serviceSamplers[node].sample(&nodeRandom[node]) + calls[c].extraTime
            }
        }
        stats.nodes[node].serviceTime += duration
        stats.nodes[node].serviceSquares += duration * duration
        stats.nodes[node].services += 1
        let logDuration = log(max(duration, 1e-6))
        stats.nodes[node].serviceLogSum += logDuration
        stats.nodes[node].serviceLogSquares += logDuration * logDuration
        events.schedule(after: duration, .serviceDone(c, calls.generation(c)))
    }

    /// Asks the enabled scenarios what happens to call `c` at `node` now that
    /// the node works on it, and records their plan on the call. Failures are
    /// never delivered here but by the serviceDone event beginService
    /// schedules (after `failAfter`), so a queue of calls failing at once
    /// cannot recurse through serverFreed.
    mutating func applyEffects(_ c: Int32, node: Int) {
        let fx = effects(node: node, edge: Int(calls[c].via))
        guard fx.any else { return }
        stats.nodes[node].effects += 1
        if let factor = fx.capacity { setCapacity(node: node, factor: factor) }
        if fx.staleRead { stats.nodes[node].staleReads += 1 }
        if fx.truncated { stats.nodes[node].truncated += 1 }
        stats.nodes[node].retainedBytes += fx.retainedBytes
        stats.nodes[node].anomalies += fx.anomalies
        if fx.extraAttempts > 0 || fx.backgroundTasks > 0 { spawnBackground(node: node, fx) }
        var planned: Outcome? = nil
        var after = 0.0
        if let status = fx.throttleStatus { planned = Outcome(cause: .throttled, status: status) }
        else if fx.drop { planned = Outcome(.dropped); after = fx.dropAfter }
        else if let hang = fx.hang { planned = Outcome(.hang); after = hang }
        else if let t = fx.timeout { planned = Outcome(.timeout); after = t }
        else if let status = fx.errorStatus {
            planned = Outcome(cause: .injected, status: status)
            after = fx.errorAfter > 0 ? fx.errorAfter : failingSamplers[node].sample(&nodeRandom[node]) + fx.extraTime
        } else if fx.diskFull, model.nodes[node].storesData {
            planned = Outcome(cause: .diskFull, status: fx.diskFullStatus)
        }
        calls[c].plannedFailure = planned
        calls[c].failAfter = after
        calls[c].resourceWait = fx.queueWait
        calls[c].extraTime = fx.extraTime
        calls[c].forcedMiss = fx.cacheMiss
        if model.nodes[node].storesData {
            // Aimed at the data store itself: it runs the extra queries, one after another.
            calls[c].extraTime += fx.extraQuerySeconds
        } else {
            calls[c].extraQueries = Int32(fx.extraQueries)
        }
    }

    /// A scenario made the call wait for a resource it models (threads,
    /// connections): the call gives its server back and waits off the node's
    /// servers, so the scenario's queue, bounded by its own timeout, is the
    /// only one. A call the scenario rejects fails when its wait ends; the
    /// others take a server again, ahead of newer arrivals.
    mutating func waitForResource(_ c: Int32, node: Int) {
        let wait = calls[c].resourceWait
        calls[c].resourceWait = 0
        calls[c].phase = .waitingServer
        stats.nodes[node].queueWait += wait
        stats.nodes[node].queueWaitSquares += wait * wait
        stats.nodes[node].resourceWait += wait
        if calls[c].holdsServer {
            calls[c].holdsServer = false
            serverFreed(node: node, deferred: true)
        }
        let generation = calls.generation(c)
        if calls[c].plannedFailure != nil {
            events.schedule(after: wait, .serviceDone(c, generation))
        } else {
            events.schedule(after: wait, .resume(c, generation))
        }
    }

    /// The resource wait is over: take a server (first in line) and work.
    mutating func resourceWaitEnded(_ c: Int32) {
        let node = Int(calls[c].node)
        calls[c].queuedSince = now
        if stations[node].admitFirst(c, at: now) {
            calls[c].holdsServer = true
            beginService(c)
        }
    }

    /// The node finished its own processing: fail as planned, or make its calls.
    mutating func serviceDone(_ c: Int32) {
        if let failure = calls[c].plannedFailure {
            complete(c, failure)
            return
        }
        let node = Int(calls[c].node)
        if calls[c].isBackgroundTask {
            complete(c, .ok)
            return
        }
        if caches[node] != nil {
            calls[c].cacheKey = caches[node]!.drawKey(&nodeRandom[node])
            if let lookup = model.nodes[node].cacheLookupEdge {
                calls[c].phase = .lookingUp
                startExchange(caller: c, edge: lookup, isLookup: true)
                return
            }
            decideCache(c, forcedMiss: calls[c].forcedMiss)
            return
        }
        if let balancer = balancers[node] {
            let edges = model.nodes[node].syncEdges
            var b = balancer
            let pick = b.choose(count: edges.count, &nodeRandom[node]) { edgeInFlight[edges[$0]] }
            balancers[node] = b
            calls[c].chosenEdge = Int32(edges[pick])
        }
        startCalls(c)
    }

    /// A cache lookup's answer: a fresh entry is a hit; otherwise the backend is
    /// queried (or, coalesced, the call waits for the query in flight).
    mutating func decideCache(_ c: Int32, forcedMiss: Bool) {
        let node = Int(calls[c].node)
        let key = calls[c].cacheKey
        if !forcedMiss, caches[node]!.isFresh(key, at: now) {
            caches[node]!.hits += 1
            calls[c].cacheHit = true
            startCalls(c)
            return
        }
        switch caches[node]!.miss(key, call: c, forced: forcedMiss) {
        case .queryBackend:
            calls[c].fillsCache = true
            startCalls(c)
        case .waitForInFlight:
            calls[c].phase = .waitingForFill
        }
    }

    /// Whether the call should use `edge` in its calling phase.
    @inline(__always)
    func uses(_ c: Int32, edge: Int) -> Bool {
        let chosen = calls[c].chosenEdge
        if chosen >= 0 { return edge == Int(chosen) }
        let node = Int(calls[c].node)
        guard model.nodes[node].cache != nil else { return true }
        if let lookup = model.nodes[node].cacheLookupEdge, edge == lookup { return false }
        if calls[c].cacheHit, model.nodes[node].cacheBackendEdges.contains(edge) { return false }
        return true
    }

    /// Starts the calling phase according to the node's fan-out.
    mutating func startCalls(_ c: Int32) {
        calls[c].phase = .calling
        let node = Int(calls[c].node)
        let first = syncEdgeStart[node], end = syncEdgeStart[node + 1]
        if model.nodes[node].fanOut == .parallel, calls[c].chosenEdge < 0 {
            var started: Int32 = 0
            for i in first..<end where uses(c, edge: syncEdgeList[i]) { started += 1 }
            guard started > 0 else { complete(c, .ok); return }
            calls[c].pending = started
            for i in first..<end where uses(c, edge: syncEdgeList[i]) {
                startExchange(caller: c, edge: syncEdgeList[i], isLookup: false)
            }
            return
        }
        calls[c].stage = 0
        continueSequence(c)
    }

    /// Sequential and failover fan-out: call the next edge in order, or finish.
    mutating func continueSequence(_ c: Int32) {
        let node = Int(calls[c].node)
        let first = syncEdgeStart[node], count = syncEdgeStart[node + 1] - first
        var i = Int(calls[c].stage)
        while i < count, !uses(c, edge: syncEdgeList[first + i]) { i += 1 }
        guard i < count else {
            complete(c, calls[c].failure ?? .ok, propagated: true)
            return
        }
        calls[c].stage = Int32(i)
        startExchange(caller: c, edge: syncEdgeList[first + i], isLookup: false)
    }

    /// An exchange of call `c` ended (after its retries) with `outcome`.
    mutating func exchangeResolved(_ c: Int32, outcome: Outcome, isLookup: Bool, lookupMissed: Bool) {
        if isLookup {
            if outcome.failed {
                // The cache server failed: treat it as a miss and go to the backend.
                decideCache(c, forcedMiss: true)
            } else {
                decideCache(c, forcedMiss: calls[c].forcedMiss || lookupMissed)
            }
            return
        }
        let node = Int(calls[c].node)
        if model.nodes[node].fanOut == .parallel, calls[c].chosenEdge < 0 {
            if outcome.failed, calls[c].failure == nil { calls[c].failure = outcome }
            calls[c].pending -= 1
            if calls[c].pending == 0 { complete(c, calls[c].failure ?? .ok, propagated: true) }
            return
        }
        if model.nodes[node].fanOut == .failover, calls[c].chosenEdge < 0 {
            if !outcome.failed { complete(c, .ok); return }
            calls[c].failure = outcome
            calls[c].stage += 1
            continueSequence(c)
            return
        }
        if outcome.failed {
            complete(c, outcome, propagated: true)
            return
        }
        calls[c].stage += 1
        continueSequence(c)
    }

    /// The call is over: free its server, refill the cache, publish its async
    /// messages, tell whoever waits, and release it.
    /// `propagated`: the failure came back from a call this one made (or its
    /// caller had already given up), rather than starting here.
    mutating func complete(_ c: Int32, _ outcome: Outcome, propagated: Bool = false) {
        let node = Int(calls[c].node)
        let call = calls[c]
        calls[c].phase = .done
        if call.fillsCache {
            let waiters = caches[node]!.fill(call.cacheKey, at: now, succeeded: !outcome.failed, &nodeRandom[node])
            for w in waiters where calls[w].phase == .waitingForFill {
                if outcome.failed {
                    complete(w, outcome, propagated: true)
                } else {
                    calls[w].cacheHit = true
                    startCalls(w)
                }
            }
        }
        if !outcome.failed {
            stats.nodes[node].succeeded += 1
            // Background tasks are the node's own side work (a storm's callbacks
            // were all counted by the scenario): they publish nothing, or each
            // would set off the consumer's effects again, multiplying per hop.
            if hasAsyncEdges[node], !call.isBackgroundTask { for e in model.nodes[node].asyncEdges { publish(edge: e, from: c) } }
        } else {
            stats.nodes[node].failed += 1
            stats.nodes[node].causes[outcome.cause.rawValue] += 1
            if !propagated { stats.nodes[node].originated[outcome.cause.rawValue] += 1 }
        }
        stats.nodeLatency[node].record(now - call.arrived)
        stats.nodes[node].latencySum += now - call.arrived
        closeSpan(c, outcome)

        switch call.role {
        case .child:
            if call.exchange >= 0, exchanges[call.exchange].token == call.exchangeToken {
                attemptFinished(call.exchange, outcome, lookupMissed: call.forcedMiss)
            }
        case .root:
            if requests.isCurrent(call.request, call.requestGeneration) {
                finishRequest(call.request, outcome)
            }
        case .detached:
            break
        }
        calls.release(c)
        if call.holdsServer { serverFreed(node: node) }
    }

    /// Hands a freed server to the next waiting call that is still wanted.
    /// `deferred` starts it through an event at the same instant, for callers
    /// that are themselves inside beginService (no recursion along a queue).
    mutating func serverFreed(node: Int, deferred: Bool = false) {
        while let next = stations[node].release(at: now) {
            if model.deadlinePropagation, calls[next].deadline <= now {
                // Its caller gave up while it waited: skip the work entirely.
                complete(next, Outcome(.deadlineExceeded), propagated: true)
                continue
            }
            calls[next].holdsServer = true
            if deferred {
                events.schedule(after: 0, .begin(next, calls.generation(next)))
            } else {
                beginService(next)
            }
            return
        }
    }

    /// A capacity effect: scale the node's servers and the pools that call it.
    mutating func setCapacity(node: Int, factor: Double) {
        guard capacityFactors[node] != factor else { return }
        capacityFactors[node] = factor
        for c in stations[node].setCapacityFactor(factor, at: now) {
            calls[c].holdsServer = true
            beginService(c)
        }
        for e in poolsInto[node] {
            let granted = pools[e]!.setCapacityFactor(factor, at: now)
            for g in granted { connectionGranted(g.exchange, waited: g.waited) }
        }
    }

    /// Retry and fanout effects add work nobody waits for: extra attempts of a
    /// retrying caller (full requests, calls included) and background tasks of
    /// a fixed cost. They skip scenario effects, or a retry effect would feed itself.
    mutating func spawnBackground(node: Int, _ fx: EffectSummary) {
        for _ in 0..<min(fx.extraAttempts, 100) where !aborted { admitDetached(node: node, fixedCost: nil) }
        let cost = fx.backgroundSeconds > 0 ? fx.backgroundSeconds : serviceSamplers[node].mean
        for _ in 0..<min(fx.backgroundTasks, 1000) where !aborted { admitDetached(node: node, fixedCost: cost) }
    }

    /// Counts a new call against the bounds on simulated work; past one, the
    /// run stops with an error (the event loop ends after this event).
    @inline(__always)
    mutating func countCall() {
        stats.callsStarted &+= 1
        if calls.live > options.maxCallsInFlight || stats.callsStarted > options.maxCallsPerRequest &* max(stats.requestsStarted, 1) {
            workBoundExceeded()
        }
    }

    @inline(never)
    mutating func workBoundExceeded() {
        guard !aborted else { return }
        aborted = true
        let at = DurationText.format(now)
        if calls.live > options.maxCallsInFlight {
            failure = .limitExceeded("more than \(options.maxCallsInFlight) calls in flight at \(at) (options.max_calls_in_flight): the system's retries, background tasks or async deliveries grow without bound")
        } else {
            failure = .limitExceeded("\(stats.callsStarted) calls for \(stats.requestsStarted) requests at \(at), more than options.max_calls_per_request = \(options.maxCallsPerRequest) each: retries, background tasks or async deliveries multiply the work")
        }
    }

    mutating func admitDetached(node: Int, fixedCost: Double?) {
        var record = CallRecord(node: Int32(node), role: .detached, phase: .waitingServer, request: -1,
                                requestGeneration: 0, arrived: now, deadline: .infinity)
        record.queuedSince = now
        if let fixedCost { record.extraTime = -max(fixedCost, 1e-12) }
        let c = calls.allocate(record)
        stats.nodes[node].arrivals += 1
        countCall()
        switch stations[node].admit(c, at: now) {
        case .serve: calls[c].holdsServer = true; beginService(c)
        case .queued: break
        case .rejected: complete(c, Outcome(.queueFull))
        }
    }

    // MARK: async edges

    mutating func publish(edge e: Int, from c: Int32) {
        stats.edges[e].published += 1
        brokers[e]?.publish()
        events.schedule(after: model.edges[e].delay, lane: Lanes.delivery(e, edges: model.edges.count), .deliver(Int32(e)))
    }

    mutating func deliver(edge e: Int) {
        arrive(node: model.edges[e].to, role: .detached, edge: e, exchange: -1, exchangeToken: 0, request: -1,
               requestGeneration: 0, deadline: .infinity, parentSpan: -1, attempt: 1, publishedAt: now - model.edges[e].delay)
    }
}

/// FIFO timer lanes of the event queue, one per fixed delay.
enum Lanes {
    static let clientTimeout = 0
    static func edgeTimeout(_ e: Int) -> Int { 1 + 3 * e }
    static func poolTimeout(_ e: Int) -> Int { 2 + 3 * e }
    static func delivery(_ e: Int, edges: Int) -> Int { 3 + 3 * e }
}
