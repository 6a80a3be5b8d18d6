import SyslabCore

/// The rules, one method each. Thresholds are written where they are used.
extension AnalysisContext {
    // MARK: errors

    /// One finding per component where a failure started (an error span with
    /// no failed sync child), saying how far it travelled; plus one for each
    /// chain that reached the caller through hops with no timeout or fallback.
    func errorFindings() -> [Finding] {
        let origins = spans.indices.filter { i in spans[i].isError && !syncChildren(i).contains { spans[$0].isError } }
        // Attempts of the same call are one problem.
        let groups = groupedInOrder(origins) { i in
            // Attempts, and replicas of one kind failing under the same caller, are one problem.
            let s = spans[i]
            return (s.component.isEmpty ? key(s) : s.component) + "\u{1F}" + (s.parentSpanId?.hex ?? "")
        }
        // Where a failure starting at each span stops travelling up (its caller
        // did not fail, or the call was async), and each span's depth: one
        // pass, so many failures under one long failing chain stay linear.
        var stopsAt = Array(spans.indices)
        var depth = [Int](repeating: 0, count: spans.count)
        for i in parentsFirst {
            guard let p = parent(i) else { continue }
            depth[i] = depth[p] + 1
            if spans[p].isError, !AnalysisContext.isAsync(spans[i]) { stopsAt[i] = stopsAt[p] }
        }
        var findings: [Finding] = []
        var reported = Set<String>()
        for (_, members) in groups {
            let first = members[0]
            let s = spans[first]
            let hops = depth[first] - depth[stopsAt[first]]
            let chain = failureChain(from: first, hops: hops, top: stopsAt[first])
            let reachedRoot = chain.last == root
            let isRecovered = members.allSatisfy(recovered)
            // Only the last span of a chain can be async: the walk stops there.
            let async = AnalysisContext.isAsync(spans[chain.last!])
            let clientError = isRefusal(first)
            let timedOut = isTimeout(s)
            var services: [String] = []
            for m in members where !services.contains(spans[m].service) { services.append(spans[m].service) }
            let who = services.count > 1 ? services.joined(separator: ", ") + (s.component.isEmpty ? "" : " (\(s.component))") : name(s)
            let attempts = members.count > 1 ? " (\(members.count) \(services.count > 1 ? "spans" : "attempts"))" : ""
            let severity: Severity
            let how: String
            if isRecovered {
                severity = .low
                how = "A later attempt succeeded, so the caller recovered."
            } else if clientError {
                severity = .medium
                how = reachedRoot ? "The refusal was passed back to the caller (\(chainText(chain)))." : "The caller handled the refusal."
            } else if reachedRoot {
                severity = .critical
                how = "It propagated through every sync caller up to the request: \(chainText(chain)). The request failed."
            } else if async {
                severity = .high
                how = "It happened in asynchronous processing, after the caller had its answer; nothing reports it back."
            } else {
                severity = .medium
                let handler = spans[chain.last!]
                how = "\(handler.service) contained it (fallback, failover or a handled error), so the request itself did not fail."
            }
            let advice = Advice.failure(ComponentCatalogue.kind(s.component), timedOut: timedOut, clientError: clientError)
            findings.append(Finding(
                rule: "error-origin", severity: severity,
                title: "\(who) failed\(attempts): \(s.status.message.isEmpty ? "error" : s.status.message)",
                detail: "The failure starts in span \(s.spanId.hex) (\(s.name)). \(how)",
                spans: members.map { spans[$0] } + chain.dropFirst().map { spans[$0] },
                tips: advice.tips, fixes: advice.fixes,
                metrics: ["attempts": Double(members.count), "hops": Double(hops)]))

            // Hops the failure crossed with neither a timeout nor a fallback.
            guard reachedRoot, !clientError, !isRecovered, chain.count > 1 else { continue }
            let unprotected = chain.dropLast().filter { i in
                spans[i].attribute("syslab.call.timeout_ms") == nil && spans[i].attribute("syslab.call.fallback")?.boolValue != true
            }
            guard !unprotected.isEmpty, reported.insert(s.node + s.service).inserted else { continue }
            let waited = spans[root].durationMs
            findings.append(Finding(
                rule: "unprotected-propagation", severity: .high,
                title: "\(name(s))'s failure reached the caller through sync calls with no timeout or fallback",
                detail: "Unprotected hops: " + unprotected.map { "\(spans[parent($0)!].service) → \(spans[$0].service)" }.joined(separator: ", ")
                    + ". The caller waited \(fmt(waited)) and got an error.",
                spans: chain.map { spans[$0] }, tips: Advice.unprotectedPropagation().tips,
                fixes: Advice.unprotectedPropagation().fixes, metrics: ["waited_ms": waited, "hops": Double(unprotected.count)]))
        }
        return findings
    }

    /// `items` grouped by `key`, groups in order of first appearance.
    func groupedInOrder(_ items: [Int], by key: (Int) -> String) -> [(key: String, members: [Int])] {
        var groups: [(key: String, members: [Int])] = []
        var position: [String: Int] = [:]
        for i in items {
            let k = key(i)
            if let g = position[k] { groups[g].members.append(i) } else { position[k] = groups.count; groups.append((k, [i])) }
        }
        return groups
    }

    /// Hops of a failure chain listed in findings; longer chains list their
    /// first hops and where the failure stopped.
    static let listedHops = 48

    /// The spans a failure crossed, from its origin `i` up to `top`, `hops` above it.
    func failureChain(from i: Int, hops: Int, top: Int) -> [Int] {
        var chain = [i]
        while chain.count <= min(hops, AnalysisContext.listedHops), let p = parent(chain.last!) { chain.append(p) }
        if hops > AnalysisContext.listedHops { chain.append(top) }
        return chain
    }

    func chainText(_ chain: [Int]) -> String {
        let names = chain.map { spans[$0].service }
        guard chain.count > AnalysisContext.listedHops + 1 else { return names.joined(separator: " → ") }
        return names.dropLast().joined(separator: " → ") + " → … → " + names.last!
    }

    /// The caller was told "accepted" (2xx) while an async consumer failed for good.
    func asyncFailureFindings() -> [Finding] {
        let rootSpan = spans[root]
        guard !rootSpan.isError else { return [] }
        let failed = spans.indices.filter { AnalysisContext.isAsync(spans[$0]) && spans[$0].isError && !recovered($0) }
        guard !failed.isEmpty else { return [] }
        // Who acknowledged: the span nearest the caller on the way to the consumer that answered 202, else the root.
        let topmostAccepted: [Int?] = fromRoots(nil) { above, p in above ?? (status(spans[p]) == 202 ? p : nil) }
        return groupedInOrder(failed) { key(spans[$0]) }.map { _, members in
            let s = spans[members[0]]
            let acknowledger = topmostAccepted[members[0]] ?? root
            let answer = status(spans[acknowledger]).map { "\($0)" } ?? "success"
            return Finding(
                rule: "async-failure-after-ack", severity: .high,
                title: "\(spans[acknowledger].service) answered \(answer) but \(name(s)) failed afterwards",
                detail: "\(s.service) consumed the message \(fmt(ms(s.startUnixNano) - ms(rootSpan.endUnixNano))) after the response and failed (\(s.status.message)). The caller believes the work succeeded.",
                spans: members.map { spans[$0] } + [rootSpan], tips: Advice.asyncFailure.tips, fixes: Advice.asyncFailure.fixes,
                metrics: ["failed_attempts": Double(members.count)])
        }
    }

    static let writeVerbs: Set<String> = [
        "INSERT", "UPDATE", "UPSERT", "DELETE", "MERGE", "REPLACE", "PUTOBJECT", "PUTITEM", "UPDATEITEM", "DELETEITEM",
        "BATCHWRITEITEM", "INDEX", "BULK", "SET", "SETEX", "HSET", "LPUSH", "RPUSH", "XADD", "INSERTONE", "INSERTMANY",
        "UPDATEONE", "UPDATEMANY", "DELETEONE", "WRITE",
    ]

    func isWrite(_ s: Span) -> Bool {
        let op = s.attribute("db.operation.name")?.stringValue ?? String(s.name.split(separator: " ").first ?? "")
        return AnalysisContext.writeVerbs.contains(op.uppercased())
    }

    /// Writes under one caller where one store succeeded and another failed: orphaned or diverged data.
    func partialWriteFindings() -> [Finding] {
        var findings: [Finding] = []
        for p in spans.indices {
            let writes = syncChildren(p).filter { isWrite(spans[$0]) && !recovered($0) }
            let ok = writes.filter { !spans[$0].isError }, failed = writes.filter { spans[$0].isError }
            guard let good = ok.first, let bad = failed.first, spans[good].service != spans[bad].service else { continue }
            let g = spans[good], b = spans[bad]
            findings.append(Finding(
                rule: "partial-write", severity: .high,
                title: "\(name(g)) was written but \(name(b)) failed: orphaned or inconsistent data",
                detail: "\(spans[p].service) wrote to \(g.service) (\(g.name)) successfully and to \(b.service) (\(b.name)) unsuccessfully, with no compensating write after. The stores now disagree.",
                spans: [g, b, spans[p]], tips: Advice.partialWrite.tips, fixes: Advice.partialWrite.fixes))
        }
        return findings
    }

    // MARK: latency

    /// Own work well above the component's usual time, judged against its
    /// latency profile: beyond its normal spread (3.5 standard deviations)
    /// and at least a quarter above its mean. A tight profile flags a small
    /// step; a wide one (an exponential service) needs a large one.
    func slowSpanFindings() -> [Finding] {
        var findings: [Finding] = []
        for i in spans.indices where !spans[i].isError && !AnalysisContext.isAsync(spans[i]) {
            guard let (base, own, threshold) = slowness(i) else { continue }
            let ratio = own / base
            let severity: Severity = own >= 1000 && ratio >= 10 ? .high : own - base >= 50 ? .medium : .low
            let s = spans[i]
            let advice = Advice.slow(ComponentCatalogue.kind(s.component))
            findings.append(Finding(
                rule: "slow-span", severity: severity,
                title: "\(name(s)) was slow: \(fmt(own)) of its own work, \(fmtRatio(ratio))× its usual \(fmt(base))",
                detail: "Span \(s.spanId.hex) (\(s.name)) spent \(fmt(own)) outside its calls; \(pct(own, spans[root].durationMs)) of the response time. Its profile makes anything above \(fmt(threshold)) unusual.",
                spans: [s], tips: advice.tips, fixes: advice.fixes,
                metrics: ["self_ms": own, "baseline_ms": base, "ratio": ratio, "threshold_ms": threshold]))
        }
        return findings
    }

    /// An async consumer whose own work is well above its profile: while it
    /// lasts, each consumer handles fewer messages per second, and the queue
    /// grows once they arrive faster than that.
    func slowConsumerFindings() -> [Finding] {
        var findings: [Finding] = []
        for i in spans.indices where !spans[i].isError && AnalysisContext.isAsync(spans[i]) {
            guard let (base, own, threshold) = slowness(i) else { continue }
            let ratio = own / base
            let s = spans[i]
            let producer = parent(i).map { spans[$0].service } ?? "its producer"
            findings.append(Finding(
                rule: "slow-consumer", severity: own >= 1000 && ratio >= 10 ? .high : .medium,
                title: "async consumer \(name(s)) was slow: \(fmt(own)) per message, \(fmtRatio(ratio))× its usual \(fmt(base))",
                detail: "\(s.service) processes messages from \(producer) at \(fmtRatio(1000 / max(own, 1e-9))) per second per consumer instead of \(fmtRatio(1000 / max(base, 1e-9))); above its profile's \(fmt(threshold)), a backlog builds once messages arrive faster than that, and lag follows.",
                spans: [s], tips: Advice.slowConsumer.tips, fixes: Advice.slowConsumer.fixes,
                metrics: ["self_ms": own, "baseline_ms": base, "ratio": ratio, "threshold_ms": threshold]))
        }
        return findings
    }

    /// The span's usual time, its own time and the threshold its profile sets,
    /// when its own time is above the threshold.
    func slowness(_ i: Int) -> (base: Double, own: Double, threshold: Double)? {
        guard let (base, spread) = profile(spans[i]), base > 0 else { return nil }
        let own = selfMs(i)
        let threshold = base + max(3.5 * spread, 0.25 * base, 1)
        return own >= threshold ? (base, own, threshold) : nil
    }

    func fmtRatio(_ x: Double) -> String { x >= 10 ? "\(x.saturatingInt)" : "\((x * 10).rounded() / 10)" }

    /// Long sync calls made without a timeout.
    func missingTimeoutFindings() -> [Finding] {
        spans.indices.compactMap { i in
            let s = spans[i]
            guard i != root, !s.isError, !AnalysisContext.isAsync(s), s.attribute("syslab.call.mode") != nil,
                  s.attribute("syslab.call.timeout_ms") == nil, s.durationMs >= 1000, let p = parent(i) else { return nil }
            return Finding(
                rule: "missing-timeout", severity: s.durationMs >= 3000 ? .medium : .low,
                title: "\(spans[p].service) waited \(fmt(s.durationMs)) on \(name(s)) with no timeout",
                detail: "The call \(s.name) has no timeout: had \(s.service) hung, \(spans[p].service) would have waited indefinitely.",
                spans: [s, spans[p]], tips: Advice.missingTimeout.tips, fixes: Advice.missingTimeout.fixes,
                metrics: ["duration_ms": s.durationMs])
        }
    }

    /// Messages that waited long in a queue before a consumer started.
    func queueLagFindings() -> [Finding] {
        spans.indices.compactMap { i in
            let s = spans[i]
            guard AnalysisContext.isAsync(s), attempt(s) == 1, let p = parent(i) else { return nil }
            let lag = ms(s.startUnixNano) - ms(spans[p].endUnixNano)
            let severity: Severity
            if lag >= 30_000 { severity = .high } else if lag >= 5000 { severity = .medium } else if lag >= 1000 { severity = .low } else { return nil }
            return Finding(
                rule: "queue-lag", severity: severity,
                title: "\(name(s)) started \(fmt(lag)) after \(spans[p].service) handed the message off",
                detail: "The message waited \(fmt(lag)) before processing began: queue lag, not work.",
                spans: [s, spans[p]], tips: Advice.queueLag.tips, fixes: Advice.queueLag.fixes, metrics: ["lag_ms": lag])
        }
    }

    // MARK: shape

    /// Successful calls to different components made one after another.
    func sequentialFindings() -> [Finding] {
        var findings: [Finding] = []
        for p in spans.indices {
            let kids = syncChildren(p).filter { attempt(spans[$0]) == 1 }
            let counts = Dictionary(grouping: kids, by: { key(spans[$0]) }).mapValues(\.count)
            let distinct = kids.filter { counts[key(spans[$0])] == 1 && !spans[$0].isError }
                .sorted { spans[$0].startUnixNano < spans[$1].startUnixNano }
            guard distinct.count >= 2 else { continue }
            let sequential = zip(distinct, distinct.dropFirst()).allSatisfy { spans[$0].endUnixNano <= spans[$1].startUnixNano }
            guard sequential else { continue }
            let durations = distinct.map { spans[$0].durationMs }
            let saving = durations.reduce(0, +) - durations.max()!
            let parentMs = spans[p].durationMs
            let severity: Severity
            if saving >= 500 && saving >= 0.3 * parentMs { severity = .medium } else if saving >= 50 && saving >= 0.15 * parentMs { severity = .low } else { continue }
            findings.append(Finding(
                rule: "sequential-calls", severity: severity,
                title: "\(spans[p].service) made \(distinct.count) calls one after another; in parallel it could save up to \(fmt(saving))",
                detail: "Sequential calls: " + distinct.map { "\(spans[$0].service) \(fmt(spans[$0].durationMs))" }.joined(separator: ", ")
                    + ". If they do not depend on each other, overlapping them cuts \(pct(saving, parentMs)) of \(spans[p].service)'s time.",
                spans: [spans[p]] + distinct.map { spans[$0] }, tips: Advice.sequential.tips, fixes: Advice.sequential.fixes,
                metrics: ["saving_ms": saving, "calls": Double(distinct.count)]))
        }
        return findings
    }

    /// Many calls in flight at once from one span.
    func fanOutFindings() -> [Finding] {
        var findings: [Finding] = []
        for p in spans.indices {
            let kids = syncChildren(p)
            guard kids.count >= 5 else { continue }
            var events: [(Double, Int)] = []
            for k in kids { events.append((ms(spans[k].startUnixNano), 1)); events.append((ms(spans[k].endUnixNano), -1)) }
            events.sort { ($0.0, $0.1) < ($1.0, $1.1) }
            var current = 0, peak = 0
            for e in events { current += e.1; peak = max(peak, current) }
            let severity: Severity
            if peak >= 25 { severity = .high } else if peak >= 10 { severity = .medium } else if peak >= 5 { severity = .low } else { continue }
            findings.append(Finding(
                rule: "wide-fan-out", severity: severity,
                title: "\(spans[p].service) fans out to \(peak) concurrent calls",
                detail: "With \(peak) calls in parallel, the slowest decides the latency: if each has a 1% chance of being slow, \(pct(1 - pow99(peak), 1)) of requests are slow.",
                spans: [spans[p]] + kids.map { spans[$0] }, tips: Advice.fanOut.tips, fixes: Advice.fanOut.fixes,
                metrics: ["concurrent_calls": Double(peak)]))
        }
        return findings
    }

    private func pow99(_ n: Int) -> Double { (0..<n).reduce(1.0) { acc, _ in acc * 0.99 } }

    /// The same operation on the same component, many times under one parent (N+1).
    func repeatedCallFindings() -> [Finding] {
        var findings: [Finding] = []
        for p in spans.indices {
            let kids = allChildren(p).filter { attempt(spans[$0]) == 1 }
            for (_, members) in groupedInOrder(kids, by: { key(spans[$0]) }) where members.count >= 3 {
                let n = members.count
                let severity: Severity = n >= 10 ? .high : n >= 6 ? .medium : .low
                let s = spans[members[0]]
                let total = members.reduce(0.0) { $0 + spans[$1].durationMs }
                findings.append(Finding(
                    rule: "repeated-calls", severity: severity,
                    title: "\(spans[p].service) called \(name(s)) \(n) times with the same operation (N+1)",
                    detail: "\(n) × \"\(s.name)\" took \(fmt(total)) in total; one batched call would take about one round-trip.",
                    spans: [spans[p]] + members.map { spans[$0] }, tips: Advice.repeated.tips, fixes: Advice.repeated.fixes,
                    metrics: ["calls": Double(n), "total_ms": total]))
            }
        }
        return findings
    }

    /// Calls retried (or messages redelivered), and retries nested inside retries.
    func retryFindings() -> [Finding] {
        var findings: [Finding] = []
        var seen = Set<String>()
        var attemptsOf: [String: [Int]] = [:]
        for i in spans.indices { attemptsOf[AnalysisContext.attemptGroup(spans[i]), default: []].append(i) }
        let insideRetry = fromRoots(false) { above, p in above || attempt(spans[p]) > 1 }
        for i in spans.indices where attempt(spans[i]) > 1 {
            let groupKey = AnalysisContext.attemptGroup(spans[i])
            guard seen.insert(groupKey).inserted else { continue }
            let members = attemptsOf[groupKey]!
            let last = members.max { spans[$0].startUnixNano < spans[$1].startUnixNano }!
            let failures = members.filter { spans[$0].isError }.count
            let nested = insideRetry[i]
            let succeeded = !spans[last].isError
            let s = spans[i]
            let severity: Severity = nested ? .high : succeeded ? .low : .medium
            let verb = AnalysisContext.isAsync(s) ? "delivered" : "called"
            findings.append(Finding(
                rule: "retries", severity: severity,
                title: "\(name(s)) was \(verb) \(members.count) times: \(failures) failed\(succeeded ? ", the last succeeded" : ", all failed")",
                detail: (nested ? "These retries run inside a retried call, so attempts multiply. " : "")
                    + "Retries added \(fmt(ms(spans[last].startUnixNano) - ms(spans[members.min { spans[$0].startUnixNano < spans[$1].startUnixNano }!].startUnixNano))) before the last attempt started.",
                spans: members.map { spans[$0] }, tips: Advice.retries.tips, fixes: Advice.retries.fixes,
                metrics: ["attempts": Double(members.count), "failed": Double(failures)]))
        }
        return findings
    }
}
