/// Compressible responses sent uncompressed.
enum UncompressedPayload {
    static let scenario = Scenario(
        name: "uncompressed-payload", category: "cost",
        summary: "When enabled, compresses a seeded JSON-like payload of payload_bytes with zlib (level 6, as gzip does by default) to measure what compression would save; each request then sends the uncompressed bytes: the saving is wasted transfer time at client_bytes_per_second and egress at egress_dollars_per_gib.",
        notes: LearningNotes(
            whatHappens: "Text payloads (JSON, HTML, logs) shrink 5-10x with gzip, yet compression is often off (a proxy strips Accept-Encoding, an internal API never enabled it), so every response pays for bytes a few milliseconds of CPU would have removed.",
            howToObserve: "compression_ratio{level=\"6\"} is the measured ratio; response_wasted_bytes_total and cloud_cost_dollars_total{resource=\"egress\"} count what was sent needlessly; time to last byte grows on slow links.",
            howToMitigate: "Enable gzip or brotli for text content at the edge or in the service, skip tiny and already-compressed bodies, check Content-Encoding in monitoring."),
        parameters: [
            .integer("payload_bytes", default: 102_400, min: 64, max: 16_777_216, unit: "bytes", help: "Uncompressed size of each response."),
            CostModel.clientBandwidth, CostModel.egressPrice,
        ],
        metrics: [CompressionTradeoffs.ratio, CostModel.wastedBytes, CostModel.dollars],
        effectKinds: [.delay],
        compile: { activation in
            let payload = CompressionTradeoffs.sample(bytes: activation.parameters.int("payload_bytes"))
            guard let compressed = CompressionTradeoffs.compress(payload, level: 6) else {
                throw SyslabError.invalidArgument("uncompressed-payload: zlib could not compress the sample payload")
            }
            activation.publishOnInstall(CompressionTradeoffs.ratio, LabelValues("6"), Double(payload.count) / Double(max(1, compressed.count)))
            return try WastedBytesProgram(activation, wastedBytes: Double(max(0, payload.count - compressed.count)))
        }
    )
}
