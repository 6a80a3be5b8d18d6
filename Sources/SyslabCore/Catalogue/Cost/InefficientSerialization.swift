/// JSON where a compact binary encoding would do, in bytes and CPU.
enum InefficientSerialization {
    static let scenario = Scenario(
        name: "inefficient-serialization", category: "cost",
        summary: "When enabled, encodes and decodes records_per_request seeded records as JSON and in the Protocol Buffers wire format and measures both; each request then pays JSON's extra CPU (cpu_burn, billed at vcpu_dollars_per_hour) and its extra bytes (a delay at client_bytes_per_second, billed as egress).",
        notes: LearningNotes(
            whatHappens: "Verbose encodings cost twice: CPU to write and parse text on both sides, and bytes on the wire. At scale the serialization layer becomes a visible share of the compute and egress bill.",
            howToObserve: "serialization_payload_bytes{encoding} compares sizes; cloud_cost_dollars_total{resource=\"compute\"} and {resource=\"egress\"} accumulate the difference; cpu_injected_seconds_total shows the CPU.",
            howToMitigate: "Use Protocol Buffers, MessagePack or CBOR between services, keep JSON at the public edge, compress, and avoid re-serializing the same object per request (cache the encoded form)."),
        parameters: [
            .integer("records_per_request", default: 100, min: 1, max: 100_000, help: "Records serialized per request."),
            CostModel.clientBandwidth, CostModel.egressPrice,
            .number("vcpu_dollars_per_hour", default: 0.04, min: 0, max: 100, unit: "USD/h", help: "Price of one vCPU hour."),
        ],
        metrics: [JsonVsProtobuf.encodedBytes, CostModel.dollars, DomainMetrics.cpuInjected],
        effectKinds: [.cpuBurn, .delay],
        compile: { activation in
            let p = activation.parameters
            let m = try JsonVsProtobuf.measure(records: p.int("records_per_request"))
            activation.publishOnInstall(JsonVsProtobuf.encodedBytes, LabelValues("json"), Double(m.jsonBytes))
            activation.publishOnInstall(JsonVsProtobuf.encodedBytes, LabelValues("protobuf"), Double(m.wireBytes))
            return try Program(activation, cpuSeconds: max(0, m.jsonSeconds - m.wireSeconds), bytes: Double(max(0, m.jsonBytes - m.wireBytes)))
        }
    )

    final class Program: ScenarioProgram, @unchecked Sendable {
        let cpuSeconds: Double
        let transferSeconds: Double
        let computeDollars: Double
        let egressDollars: Double
        let compute: MetricSeries?
        let egress: MetricSeries?
        let injected: MetricSeries?

        init(_ activation: ScenarioActivation, cpuSeconds: Double, bytes: Double) throws {
            let p = activation.parameters
            self.cpuSeconds = cpuSeconds
            transferSeconds = bytes / p.double("client_bytes_per_second")
            computeDollars = cpuSeconds / 3_600 * p.double("vcpu_dollars_per_hour")
            egressDollars = bytes / CostModel.gibibyte * p.double("egress_dollars_per_gib")
            compute = try activation.series(CostModel.dollars, LabelValues("compute"))
            egress = try activation.series(CostModel.dollars, LabelValues("egress"))
            injected = try activation.series(DomainMetrics.cpuInjected)
        }

        override var readsTime: Bool { false }

        override func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {
            compute?.add(computeDollars, shard: request.shard)
            egress?.add(egressDollars, shard: request.shard)
            injected?.add(cpuSeconds, shard: request.shard)
            emit(.cpuBurn(seconds: cpuSeconds))
            emit(.delay(seconds: transferSeconds))
        }
    }
}
