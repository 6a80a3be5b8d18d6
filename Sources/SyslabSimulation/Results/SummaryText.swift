import SyslabCore

/// The end-of-test summary for a terminal, in k6's layout: request metrics,
/// the phases before/during/after scenarios, components, thresholds and the
/// diagnosis.
public enum SummaryText {
    public static func render(_ r: SimulationResult, thresholds: [ThresholdResult] = [], diagnosis: [Finding] = []) -> String {
        var out = ""
        func line(_ s: String = "") { out += s + "\n" }
        func ms(_ s: Double) -> String { DurationText.format(s) }
        func pct(_ x: Double) -> String { JSONValue.format(number: (x * 10000).rounded() / 100) + "%" }
        func num(_ x: Double) -> String { JSONValue.format(number: (x * 100).rounded() / 100) }
        func dotted(_ name: String, _ value: String) -> String {
            let width = 32
            return "  " + name + String(repeating: ".", count: max(2, width - name.count)) + ": " + value
        }
        func latency(_ p: Percentiles) -> String {
            "avg=\(ms(p.mean)) p(50)=\(ms(p.p50)) p(90)=\(ms(p.p90)) p(95)=\(ms(p.p95)) p(99)=\(ms(p.p99)) p(99.9)=\(ms(p.p999)) max=\(ms(p.max))"
        }

        line("  system: \(r.system)   workload: \(r.workload.summary)   seed: \(r.options.seed)")
        if !r.schedule.entries.isEmpty {
            let s = r.schedule.entries.map { e in
                "\(e.name) at \(ms(e.at))" + (e.duration.map { " for \(ms($0))" } ?? " until the end")
            }
            line("  scenarios: " + s.joined(separator: "; "))
        }
        line()
        line(dotted("http_req_duration", latency(r.latency)))
        if r.workload.executor.isOpen {
            if r.delayedIterations > 0 || abs(r.uncorrectedLatency.p99 - r.latency.p99) > 0.01 * r.latency.p99 {
                line(dotted("  (from send, uncorrected)", latency(r.uncorrectedLatency)))
            } else {
                line(dotted("  (from send, uncorrected)", "the same: every request started on schedule"))
            }
        }
        line(dotted("http_req_failed", "\(pct(r.failureRate))  \(r.failed) of \(r.completed)"))
        if !r.causes.isEmpty {
            let causes = r.causes.sorted { $0.value > $1.value }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            line(dotted("  by cause", causes))
            let statuses = r.statuses.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            line(dotted("  by status", statuses))
        }
        line(dotted("http_reqs", "\(r.completed)  \(num(r.throughput))/s over \(ms(r.duration)) of virtual time"))
        if r.droppedIterations > 0 { line(dotted("dropped_iterations", "\(r.droppedIterations)")) }
        if r.delayedIterations > 0 { line(dotted("delayed_iterations", "\(r.delayedIterations) (started late: all maxVUs busy)")) }
        if r.interrupted > 0 { line(dotted("interrupted_iterations", "\(r.interrupted) (still running at the graceful stop)")) }
        line(dotted("peak in flight", "\(r.peakInFlight)"))

        if r.phases.count > 1 {
            let names = r.phases.map { "\($0.name) [\(ms($0.start))–\(ms($0.end))]" }
            let width = max(28, names.map(\.count).max() ?? 0)
            line()
            line("  " + pad("phases", width) + "  requests  failed       p50       p95       p99")
            for (p, name) in zip(r.phases, names) {
                guard !p.noCompletions else {
                    line("  " + pad(name, width) + " " + lpad("0", 9) + "  no request completed (\(p.started) started)")
                    continue
                }
                let unfinished = p.unfinished > 0 ? "  (\(p.unfinished) unfinished)" : ""
                line("  " + pad(name, width) + " " + lpad(String(p.requests), 9) + "  " + lpad(pct(p.failureRate), 6)
                     + "  " + lpad(ms(p.latency.p50), 8) + "  " + lpad(ms(p.latency.p95), 8) + "  " + lpad(ms(p.latency.p99), 8) + unfinished)
            }
        }

        line()
        line("  components                   calls/s   util   queue  q.wait   service       p99  failed")
        for c in r.components {
            // A node without a server limit (a client) has no utilisation to show.
            let util = c.utilisation.map(pct) ?? "n/a"
            line("  " + pad("\(c.id) (\(c.kind))", 28) + " " + lpad(num(c.arrivalRate), 8) + " " + lpad(util, 6) + " "
                 + lpad(num(c.meanQueue), 7) + " " + lpad(ms(c.meanQueueWait), 7) + " " + lpad(ms(c.meanService), 9) + " "
                 + lpad(c.latency.map { ms($0.p99) } ?? "-", 9) + " " + lpad(String(c.failed), 7))
            if let cache = c.cache {
                line("    cache: hit ratio \(pct(cache.hitRatio)), \(cache.backendQueries) backend queries, \(cache.coalesced) coalesced")
            }
            if c.consumed > 0 { line("    consumer: \(c.consumed) messages, mean lag \(ms(c.meanLag))") }
        }
        let busyEdges = r.edges.filter { $0.poolSize != nil || $0.retries > 0 || $0.timeouts > 0 || $0.breakerRejections > 0 || $0.bulkheadRejections > 0 || $0.lag != nil }
        if !busyEdges.isEmpty {
            line()
            line("  edges")
            for e in busyEdges {
                var parts = ["\(e.attempts) attempts"]
                if e.retries > 0 { parts.append("\(e.retries) retries") }
                if e.timeouts > 0 { parts.append("\(e.timeouts) timeouts") }
                if let size = e.poolSize {
                    parts.append("pool \(size): mean wait \(ms(e.meanPoolWait)), \(pct(e.poolUtilisation)) in use, \(e.poolTimeouts) wait timeouts")
                }
                if e.breakerRejections > 0 { parts.append("breaker rejected \(e.breakerRejections)") }
                if e.bulkheadRejections > 0 { parts.append("bulkhead rejected \(e.bulkheadRejections)") }
                if e.fallbacks > 0 { parts.append("\(e.fallbacks) fallbacks") }
                if let lag = e.lag, e.published > 0 {
                    parts = ["\(e.published) messages published", "consumer lag p50 \(ms(lag.p50)), p99 \(ms(lag.p99)), max \(ms(lag.max))"]
                }
                line("    \(e.id): " + parts.joined(separator: ", "))
            }
        }

        if !thresholds.isEmpty {
            line()
            line("  thresholds")
            for t in thresholds {
                let value = t.threshold.metric.hasPrefix("http_req_duration") || t.threshold.metric.hasPrefix("pool_wait")
                    ? JSONValue.format(number: (t.value * 100).rounded() / 100) + "ms" : JSONValue.format(number: (t.value * 10000).rounded() / 10000)
                line("    \(t.passed ? "✓" : "✗") \(t.threshold.metric): \(t.threshold.expression)  (actual \(value))")
            }
        }
        if !diagnosis.isEmpty {
            line()
            line("  diagnosis (from observations; the first finding is the likely root cause)")
            for f in diagnosis {
                line("    [\(f.severity.rawValue)] \(f.title)")
                line("      \(f.evidence)")
                line("      → \(f.tip)")
            }
        }
        let injected = r.injected.lines
        if !injected.isEmpty {
            line()
            line("  injected (what the simulator applied; the diagnosis does not read it)")
            for l in injected { line("    " + l) }
        }
        for w in r.warnings { line("  warning: \(w)") }
        return out
    }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }

    static func lpad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
    }
}
