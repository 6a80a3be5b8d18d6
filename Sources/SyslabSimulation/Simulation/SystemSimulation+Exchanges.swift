import SyslabCore

/// The caller's side of a sync call: connection pool, bulkhead, circuit
/// breaker, timeout, retries with backoff and budget, repetitions.
extension SystemSimulation {
    mutating func startExchange(caller c: Int32, edge e: Int, isLookup: Bool) {
        var repetitions = Int32(model.edges[e].calls)
        // A scenario's extra queries land on the first data store the call reaches.
        if calls[c].extraQueries > 0, !isLookup, model.nodes[model.edges[e].to].storesData {
            repetitions += calls[c].extraQueries
            calls[c].extraQueries = 0
        }
        let x = exchanges.allocate(ExchangeRecord(
            caller: c, callerGeneration: calls.generation(c), edge: Int32(e), repetitionsLeft: repetitions,
            token: token(), isLookup: isLookup))
        budgets[e].deposit()
        beginAttempt(x)
    }

    /// One attempt: breaker, bulkhead, then a pooled connection, then send.
    mutating func beginAttempt(_ x: Int32) {
        let e = Int(exchanges[x].edge)
        let caller = exchanges[x].caller
        exchanges[x].token = token()
        if model.deadlinePropagation, calls[caller].deadline <= now {
            resolve(x, Outcome(.deadlineExceeded))
            return
        }
        if breakers[e] != nil, !breakers[e]!.allow(at: now) {
            stats.edges[e].breakerRejections += 1
            refuse(x, Outcome(.breakerOpen))
            return
        }
        if bulkheads[e] != nil {
            guard bulkheads[e]!.tryEnter() else {
                stats.edges[e].bulkheadRejections += 1
                refuse(x, Outcome(.bulkheadFull))
                return
            }
            exchanges[x].holdsBulkhead = true
        }
        if pools[e] != nil {
            if !pools[e]!.tryAcquire(at: now) {
                pools[e]!.enqueue(x, at: now)
                exchanges[x].state = .waitingConnection
                exchanges[x].holdsConnection = false
                events.schedule(after: pools[e]!.config.waitTimeout, lane: Lanes.poolTimeout(e), .poolTimeout(x, exchanges[x].token))
                return
            }
            stats.edges[e].poolWaits += 1
            exchanges[x].holdsConnection = true
        }
        send(x)
    }

    mutating func connectionGranted(_ x: Int32, waited: Double) {
        let e = Int(exchanges[x].edge)
        stats.edges[e].poolWaits += 1
        stats.edges[e].poolWaitSum += waited
        exchanges[x].holdsConnection = true
        send(x)
    }

    mutating func connectionWaitTimedOut(_ x: Int32) {
        let e = Int(exchanges[x].edge)
        let waited = pools[e]!.abandon(x, at: now) ?? 0
        pools[e]!.timeouts += 1
        stats.edges[e].poolTimeouts += 1
        stats.edges[e].poolWaits += 1
        stats.edges[e].poolWaitSum += waited
        attemptFinished(x, Outcome(.poolTimeout), lookupMissed: false)
    }

    /// Sends the attempt to the callee (arrives at once: network time is part of the callee's latency).
    mutating func send(_ x: Int32) {
        let e = Int(exchanges[x].edge)
        let timeout = model.edges[e].timeout
        let caller = exchanges[x].caller
        exchanges[x].state = .inFlight
        exchanges[x].sentAt = now
        edgeInFlight[e] += 1
        stats.edges[e].attempts += 1
        if exchanges[x].attempt > 1 { stats.edges[e].retries += 1 }
        var deadline = Double.infinity
        if model.deadlinePropagation {
            deadline = min(calls[caller].deadline, timeout.map { now + $0 } ?? .infinity)
        }
        let t = exchanges[x].token
        if let timeout { events.schedule(after: timeout, lane: Lanes.edgeTimeout(e), .edgeTimeout(x, t)) }
        if let failure = linkFailure(to: model.edges[e].to, edge: e, callerTimeout: timeout) {
            // The call never reaches the callee: the caller sees the failure,
            // or its own timeout first.
            exchanges[x].linkFailure = failure.outcome
            if let after = failure.after { events.schedule(after: after, .linkFailed(x, t)) }
            return
        }
        stats.edges[e].reached += 1
        let child = arrive(node: model.edges[e].to, role: .child, edge: e, exchange: x, exchangeToken: t,
                           request: calls[caller].request, requestGeneration: calls[caller].requestGeneration,
                           deadline: deadline, parentSpan: calls[caller].span, attempt: exchanges[x].attempt)
        // The child may already have finished (rejected at once); only a live one is tracked.
        if exchanges[x].token == t, exchanges[x].state == .inFlight {
            exchanges[x].child = child
            exchanges[x].childGeneration = calls.generation(child)
        }
    }

    /// Asks the link scenarios about a call sent to `node`. Returns nil when it
    /// gets through; otherwise how it fails and after how long (nil: only the
    /// caller's own timeout ends it). A connection that a partition drops
    /// without a caller timeout is reset at once, or the caller would wait forever.
    mutating func linkFailure(to node: Int, edge: Int, callerTimeout: Double?) -> (outcome: Outcome, after: Double?)? {
        let fx = linkEffects(node: node, edge: edge)
        guard fx.any else { return nil }
        stats.nodes[node].effects += 1
        if let status = fx.errorStatus { return (Outcome(cause: .connectFailed, status: status), 0) }
        if let t = fx.timeout { return (Outcome(.timeout), t) }
        if fx.drop { return callerTimeout == nil ? (Outcome(.dropped), fx.dropAfter) : (Outcome(.timeout), nil) }
        return nil
    }

    /// The caller stops waiting; the callee keeps working (its result is ignored).
    mutating func edgeTimedOut(_ x: Int32) {
        let e = Int(exchanges[x].edge)
        stats.edges[e].timeouts += 1
        let child = exchanges[x].child
        if child >= 0, calls.isCurrent(child, exchanges[x].childGeneration) {
            calls[child].exchange = -1
        }
        attemptFinished(x, Outcome(.timeout), lookupMissed: false)
    }

    /// An attempt ended: return its resources, teach the breaker, then retry,
    /// repeat or resolve.
    mutating func attemptFinished(_ x: Int32, _ outcome: Outcome, lookupMissed: Bool) {
        let e = Int(exchanges[x].edge)
        if exchanges[x].state == .inFlight {
            edgeInFlight[e] -= 1
            stats.edges[e].attemptTime += now - exchanges[x].sentAt
            stats.edges[e].attemptsEnded += 1
        }
        exchanges[x].state = .idle
        exchanges[x].token = token()   // any timer of this attempt is now stale
        exchanges[x].child = -1
        if exchanges[x].holdsBulkhead {
            bulkheads[e]!.leave()
            exchanges[x].holdsBulkhead = false
        }
        if exchanges[x].holdsConnection {
            exchanges[x].holdsConnection = false
            for granted in pools[e]!.release(at: now) { connectionGranted(granted.exchange, waited: granted.waited) }
        }
        if breakers[e] != nil, outcome.cause != .poolTimeout {
            breakers[e]!.record(failure: outcome.failed, at: now)
        }
        if outcome.failed {
            let caller = exchanges[x].caller
            let retryable = outcome.cause.isRetryable(status: outcome.status, retryOnThrottle: model.edges[e].retry.retryOnThrottle)
            let deadlineLeft = !model.deadlinePropagation || calls[caller].deadline > now
            if retryable, Int(exchanges[x].attempt) <= model.edges[e].retry.retries, deadlineLeft {
                if budgets[e].tryWithdraw() {
                    exchanges[x].attempt += 1
                    exchanges[x].state = .backingOff
                    let wait = model.edges[e].retry.delay(beforeAttempt: Int(exchanges[x].attempt), &retryRandom)
                    events.schedule(after: wait, .retry(x, exchanges[x].token))
                    return
                }
                stats.edges[e].retryBudgetDenied += 1
            }
            if model.edges[e].fallback {
                stats.edges[e].fallbacks += 1
                // A failed cache lookup absorbed by a fallback is still a miss.
                resolve(x, .ok, lookupMissed: exchanges[x].isLookup)
            } else {
                stats.edges[e].failures += 1
                resolve(x, outcome)
            }
            return
        }
        if exchanges[x].repetitionsLeft > 1 {
            exchanges[x].repetitionsLeft -= 1
            exchanges[x].attempt = 1
            budgets[e].deposit()
            beginAttempt(x)
            return
        }
        resolve(x, .ok, lookupMissed: lookupMissed)
    }

    /// The caller's own policy refused the attempt before sending it (breaker
    /// open, bulkhead full). Retrying would meet the same refusal, so it is not
    /// retried; a fallback absorbs it like any other failure of the call.
    mutating func refuse(_ x: Int32, _ outcome: Outcome) {
        let e = Int(exchanges[x].edge)
        if model.edges[e].fallback {
            stats.edges[e].fallbacks += 1
            resolve(x, .ok, lookupMissed: exchanges[x].isLookup)
        } else {
            resolve(x, outcome)
        }
    }

    /// The exchange is over; its caller carries on.
    mutating func resolve(_ x: Int32, _ outcome: Outcome, lookupMissed: Bool = false) {
        let record = exchanges[x]
        if record.holdsBulkhead { bulkheads[Int(record.edge)]!.leave() }
        exchanges[x].token = 0
        exchanges.release(x)
        guard calls.isCurrent(record.caller, record.callerGeneration) else { return }
        exchangeResolved(record.caller, outcome: outcome, isLookup: record.isLookup, lookupMissed: lookupMissed)
    }
}
