/// Responses are squeezed through a narrow link.
enum BandwidthLimit {
    static let limit = MetricSpec.gauge(
        "network_bandwidth_limit_bytes_per_second", "Throughput cap applied to responses.", labels: ["scenario"])
    static let transfer = MetricSpec.histogram(
        "network_transfer_seconds", "Time a response of response_bytes takes at the cap.", labels: ["scenario"], buckets: LatencyBuckets.seconds)

    static let scenario = Scenario(
        name: "bandwidth-limit", category: "resources",
        summary: "Caps each response's throughput at bytes_per_second; a response of response_bytes then takes response_bytes / bytes_per_second to send.",
        notes: LearningNotes(
            whatHappens: "A saturated link (or a slow mobile network) makes large responses slow while small ones are barely affected; connections stay open longer, so concurrency grows.",
            howToObserve: "network_transfer_seconds grows with payload size; time to first byte stays low while time to last byte rises; interface throughput flat at the cap.",
            howToMitigate: "Compress, paginate and trim payloads, serve static content from a CDN, use range requests and streaming, provision bandwidth or QoS for critical traffic."),
        parameters: [
            .integer("bytes_per_second", default: 125_000, min: 1, max: 1_000_000_000_000, unit: "bytes/s", help: "Throughput cap (125000 = 1 Mbit/s)."),
            .integer("response_bytes", default: 1_048_576, min: 0, max: 100_000_000_000, unit: "bytes", help: "Typical response size, for the transfer-time metric."),
        ],
        metrics: [limit, transfer],
        effectKinds: [.bandwidth]
    ) { invocation, emit in
        let p = invocation.parameters
        let rate = Double(p.int("bytes_per_second"))
        try invocation.metrics.set(limit.name, rate)
        try invocation.metrics.observe(transfer.name, Double(p.int("response_bytes")) / rate)
        emit(.bandwidth(bytesPerSecond: rate))
    }
}
