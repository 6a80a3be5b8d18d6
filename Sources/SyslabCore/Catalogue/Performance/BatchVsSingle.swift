/// One round trip per item against one per batch.
enum BatchVsSingle {
    static let roundTrips = MetricSpec.gauge(
        "batch_round_trips_per_request", "Round trips one request makes, by mode.", labels: ["scenario", "mode"])

    static let scenario = Scenario(
        name: "batch-vs-single", category: "performance",
        summary: "When enabled, encodes `items` seeded records as one message per item and as messages of batch_size items (Protocol Buffers wire format), measuring the CPU of both; each request then makes the single-item mode's extra round trips: items - ceil(items / batch_size) extra queries of round_trip_ms plus the measured per-message cost.",
        notes: LearningNotes(
            whatHappens: "Each call pays a fixed price (a network round trip, a transaction, framing) no matter how little it carries. Sending 100 items one by one pays it 100 times; one batch pays it once, so latency falls almost by the batch size while the work per item stays the same.",
            howToObserve: "batch_round_trips_per_request{mode=\"single\"} against {mode=\"batch\"}; benchmark_operation_seconds{variant} gives the measured encoding CPU per request; simulator_injections_total{effect=\"extra_queries\"} and the request latency show the round trips.",
            howToMitigate: "Batch writes and reads (multi-row INSERT, IN (...) lookups, pipelining, bulk APIs) with a bounded batch size; coalesce calls made in loops."),
        parameters: [
            .integer("items", default: 100, min: 1, max: 100_000, help: "Items one request sends."),
            .integer("batch_size", default: 100, min: 1, max: 100_000, help: "Items per batched call."),
            .number("round_trip_ms", default: 1, min: 0, max: 10_000, unit: "ms", help: "Fixed cost of one call (network round trip)."),
        ],
        metrics: [Benchmark.operationSeconds, Benchmark.slowdownRatio, roundTrips],
        effectKinds: [.extraQueries],
        compile: { activation in
            let p = activation.parameters
            let items = p.int("items"), batch = p.int("batch_size")
            let rtt = p.double("round_trip_ms") / 1000
            let batches = (items + batch - 1) / batch
            let cpu = measure(items: items, batchSize: batch)
            let single = cpu.single + Double(items) * rtt, batched = cpu.batched + Double(batches) * rtt
            Benchmark.publish(activation, variant: "single", seconds: cpu.single)
            Benchmark.publish(activation, variant: "batch", seconds: cpu.batched)
            Benchmark.publishRatio(activation, slow: max(single, batched), fast: min(single, batched))
            activation.publishOnInstall(roundTrips, LabelValues("single"), Double(items))
            activation.publishOnInstall(roundTrips, LabelValues("batch"), Double(batches))
            return Program(extra: items - batches, secondsEach: rtt + cpu.single / Double(items))
        }
    )

    /// CPU seconds to encode one request's items (one message each, in batches).
    static func measure(items: Int, batchSize: Int) -> (single: Double, batched: Double) {
        let records = OrderRecord.sample(items, seed: 0xBA7C)
        let single = Benchmark.seconds { _ in records.reduce(0) { $0 + OrderRecord.encodeWire([$1]).count } }
        let batched = Benchmark.seconds { _ in
            stride(from: 0, to: records.count, by: batchSize).reduce(0) {
                $0 + OrderRecord.encodeWire(Array(records[$1..<min($1 + batchSize, records.count)])).count
            }
        }
        return (single, batched)
    }

    final class Program: ScenarioProgram, @unchecked Sendable {
        let extra: Double
        let secondsEach: Double

        init(extra: Int, secondsEach: Double) {
            self.extra = Double(extra); self.secondsEach = secondsEach
        }

        override var readsTime: Bool { false }

        override func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {
            if extra > 0 { emit(.extraQueries(extra, secondsEach: secondsEach)) }
        }
    }
}
