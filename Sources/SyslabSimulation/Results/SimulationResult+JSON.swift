import SyslabCore
import SyslabTracing

extension SimulationResult {
    /// The end-of-test summary as versioned JSON (format "syslab.loadtest",
    /// version `formatVersion`; times in seconds). Thresholds and diagnosis
    /// are included when given; what the simulator applied is in "injected",
    /// apart from the diagnosis, which is drawn from observations only. The time series is in `seriesCSV` and traces in `tracesJSON`.
    public func json(thresholds: [ThresholdResult] = [], diagnosis: [Finding] = []) -> JSONValue {
        var causesJSON: [String: JSONValue] = [:]
        for (k, v) in causes { causesJSON[k] = .number(Double(v)) }
        var statusJSON: [String: JSONValue] = [:]
        for (k, v) in statuses { statusJSON[String(k)] = .number(Double(v)) }
        return .object([
            "format": "syslab.loadtest", "version": .number(Double(Self.formatVersion)),
            "system": .string(system), "workload": workload.json, "scenarios": schedule.json, "options": options.json,
            "duration": .number(duration), "wall_seconds": .number(wallSeconds),
            "requests": [
                "started": .number(Double(requestsStarted)), "completed": .number(Double(completed)),
                "failed": .number(Double(failed)), "failure_rate": .number(failureRate), "throughput": .number(throughput),
                "dropped_iterations": .number(Double(droppedIterations)), "delayed_iterations": .number(Double(delayedIterations)),
                "interrupted": .number(Double(interrupted)), "peak_in_flight": .number(Double(peakInFlight)),
                "by_cause": .object(causesJSON), "by_status": .object(statusJSON),
            ],
            "latency": latency.json, "latency_uncorrected": uncorrectedLatency.json,
            "components": .array(components.map(\.json)), "edges": .array(edges.map(\.json)),
            "phases": .array(phases.map(\.json)), "injected": injected.json,
            "littles_law": .array(littlesLaw.map {
                ["node": .string($0.node), "measured_l": .number($0.measured), "lambda_w": .number($0.predicted), "error": .number($0.error)]
            }),
            "thresholds": .array(thresholds.map(\.json)),
            "thresholds_ok": .bool(thresholds.allSatisfy(\.passed)),
            "diagnosis": .array(diagnosis.map(\.json)),
            "traces": .number(Double(traces.count)),
            "warnings": .array(warnings.map { .string($0) }),
        ])
    }

    /// The time series as CSV, one row per interval: request counts and
    /// latency, then per node utilisation, queue and arrivals, per pool the
    /// mean wait, per edge retries, per cache the backend queries.
    public var seriesCSV: String {
        var header = ["time_s", "started", "completed", "failed", "p50_ms", "p95_ms", "p99_ms", "mean_ms", "in_flight"]
        for id in nodeIds { header += ["\(id)_utilisation", "\(id)_queue", "\(id)_arrivals"] }
        for id in poolEdgeIds { header.append("\(id)_pool_wait_ms") }
        for id in edgeIds { header.append("\(id)_retries") }
        for id in cacheNodeIds { header.append("\(id)_backend_queries") }
        header.append("scenarios")
        var out = header.map(Self.csvField).joined(separator: ",") + "\n"
        func f(_ x: Double) -> String { JSONValue.format(number: (x * 1e6).rounded() / 1e6) }
        for row in series {
            var fields = [f(row.time), String(row.started), String(row.completed), String(row.failed),
                          f(row.p50 * 1000), f(row.p95 * 1000), f(row.p99 * 1000), f(row.mean * 1000), String(row.inFlight)]
            for i in nodeIds.indices {
                let utilisation = row.utilisation[i].isNaN ? "n/a" : f(row.utilisation[i])
                fields += [utilisation, f(row.queue[i]), String(row.arrivals[i])]
            }
            fields += row.poolWait.map { f($0 * 1000) }
            fields += row.retries.map(String.init)
            fields += row.cacheBackend.map(String.init)
            fields.append(Self.csvField(row.activeScenarios.joined(separator: "+")))
            out += fields.joined(separator: ",") + "\n"
        }
        return out
    }

    static func csvField(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return s }
        return "\"" + s.replacingQuotes() + "\""
    }

    /// Kept traces in the tracing module's JSON form.
    public var tracesJSON: JSONValue { .array(traces.map(\.json)) }
}

extension String {
    func replacingQuotes() -> String {
        var out = ""
        for c in self { if c == "\"" { out += "\"\"" } else { out.append(c) } }
        return out
    }
}
