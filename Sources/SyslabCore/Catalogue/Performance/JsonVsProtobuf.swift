/// JSON against a compact binary encoding (the Protocol Buffers wire format).
enum JsonVsProtobuf {
    static let encodedBytes = MetricSpec.gauge(
        "serialization_payload_bytes", "Size of the encoded payload of one request, by encoding.", labels: ["scenario", "encoding"])

    static let scenario = Scenario(
        name: "json-vs-protobuf", category: "performance",
        summary: "When enabled, encodes and decodes records_per_request seeded order records as JSON (the library's own writer and parser) and in the Protocol Buffers wire format, checks both round trips, and measures time and size; each request burns the JSON round trip's cost.",
        notes: LearningNotes(
            whatHappens: "JSON repeats every field name in every record and writes numbers as text, which must be parsed back; a schema-based binary format sends field numbers and varints. The binary payload is a fraction of the size and much cheaper to encode and decode, at the cost of needing the schema to read it.",
            howToObserve: "benchmark_operation_seconds{variant=\"json\"} and {variant=\"protobuf\"} give the measured round-trip time per request; serialization_payload_bytes compares sizes; cpu_injected_seconds_total adds the JSON cost per request.",
            howToMitigate: "Use a binary encoding (Protocol Buffers, MessagePack, CBOR) on hot internal paths; for public JSON APIs, trim payloads, compress, and reuse encoders."),
        parameters: [
            .integer("records_per_request", default: 100, min: 1, max: 100_000, help: "Records encoded and decoded per request."),
        ],
        metrics: [Benchmark.operationSeconds, Benchmark.slowdownRatio, encodedBytes, DomainMetrics.cpuInjected],
        effectKinds: [.cpuBurn],
        compile: { activation in
            let m = try measure(records: activation.parameters.int("records_per_request"))
            Benchmark.publish(activation, variant: "json", seconds: m.jsonSeconds)
            Benchmark.publish(activation, variant: "protobuf", seconds: m.wireSeconds)
            Benchmark.publishRatio(activation, slow: max(m.jsonSeconds, m.wireSeconds), fast: min(m.jsonSeconds, m.wireSeconds))
            activation.publishOnInstall(encodedBytes, LabelValues("json"), Double(m.jsonBytes))
            activation.publishOnInstall(encodedBytes, LabelValues("protobuf"), Double(m.wireBytes))
            return try MeasuredCostProgram(activation, seconds: max(m.jsonSeconds, m.wireSeconds))
        }
    )

    /// The seed of the sample records.
    static let seed: UInt64 = 0x15_0B

    struct Measurement {
        var jsonSeconds: Double, wireSeconds: Double
        var jsonBytes: Int, wireBytes: Int
    }

    /// Round-trip seconds and encoded bytes of `records` records in each encoding.
    static func measure(records count: Int) throws -> Measurement {
        let records = OrderRecord.sample(count, seed: seed)
        // Both encodings must give the records back, or the comparison means nothing.
        let jsonText = OrderRecord.encodeJSON(records)
        let wire = OrderRecord.encodeWire(records)
        guard try OrderRecord.decodeJSON(jsonText) == records, try OrderRecord.decodeWire(wire) == records else {
            throw SyslabError.invalidArgument("json-vs-protobuf: a round trip did not reproduce the records")
        }
        let json = Benchmark.seconds { _ in (try? OrderRecord.decodeJSON(OrderRecord.encodeJSON(records)))?.count ?? 0 }
        let binary = Benchmark.seconds { _ in (try? OrderRecord.decodeWire(OrderRecord.encodeWire(records)))?.count ?? 0 }
        return Measurement(jsonSeconds: json, wireSeconds: binary, jsonBytes: jsonText.utf8.count, wireBytes: wire.count)
    }
}
