/// The same app on two networks: a share of users is on cellular.
enum CellularVsWifi {
    static let requests = MetricSpec.counter(
        "mobile_requests_total", "Requests by the network the client was on.", labels: ["scenario", "network"])

    static let scenario = Scenario(
        name: "cellular-vs-wifi", category: "mobile",
        summary: "Each request comes from a client on cellular with cellular_fraction, otherwise on Wi-Fi; it waits its network's round trip plus response_bytes at its network's throughput (a delay), so the latency distribution splits into two modes.",
        notes: LearningNotes(
            whatHappens: "Users on cellular see several times the round trip and a fraction of the throughput of users on Wi-Fi. Averages blend the two populations; a p50 that looks fine hides a cellular p75 that is slow, and a payload that is free on Wi-Fi is costly on a metered plan.",
            howToObserve: "mobile_requests_total{network} for the mix; mobile_request_seconds{network=\"cellular\"} against {network=\"wifi\"}; a bimodal latency histogram; real user monitoring split by connection type (Network Information API, NWPathMonitor).",
            howToMitigate: "Segment latency SLOs by network, adapt payloads and image quality to the connection, defer large downloads to Wi-Fi, cache aggressively, and test on throttled cellular profiles."),
        parameters: [
            .number("cellular_fraction", default: 0.4, min: 0, max: 1, help: "Share of requests from clients on cellular."),
            .number("cellular_rtt_ms", default: 120, min: 0, max: 10_000, unit: "ms", help: "Round trip on cellular."),
            .integer("cellular_bytes_per_second", default: 1_250_000, min: 1, max: 10_000_000_000, unit: "bytes/s", help: "Throughput on cellular (10 Mbit/s)."),
            .number("wifi_rtt_ms", default: 20, min: 0, max: 10_000, unit: "ms", help: "Round trip on Wi-Fi."),
            .integer("wifi_bytes_per_second", default: 6_250_000, min: 1, max: 10_000_000_000, unit: "bytes/s", help: "Throughput on Wi-Fi (50 Mbit/s)."),
            .integer("response_bytes", default: 500_000, min: 0, max: 10_000_000_000, unit: "bytes", help: "Size of each response."),
        ],
        metrics: [requests, MobileNetwork.requestSeconds],
        effectKinds: [.delay],
        compile: { try Program($0) }
    )

    final class Program: ScenarioProgram, @unchecked Sendable {
        let cellularFraction: Double
        let cellularSeconds: Double, wifiSeconds: Double
        let cellularCount: MetricSeries?, wifiCount: MetricSeries?
        let cellularTime: MetricSeries?, wifiTime: MetricSeries?

        init(_ activation: ScenarioActivation) throws {
            let p = activation.parameters
            let bytes = Double(p.int("response_bytes"))
            cellularFraction = p.double("cellular_fraction")
            cellularSeconds = p.double("cellular_rtt_ms") / 1000 + bytes / Double(p.int("cellular_bytes_per_second"))
            wifiSeconds = p.double("wifi_rtt_ms") / 1000 + bytes / Double(p.int("wifi_bytes_per_second"))
            cellularCount = try activation.series(requests, LabelValues("cellular"))
            wifiCount = try activation.series(requests, LabelValues("wifi"))
            cellularTime = try activation.series(MobileNetwork.requestSeconds, LabelValues("cellular"))
            wifiTime = try activation.series(MobileNetwork.requestSeconds, LabelValues("wifi"))
        }

        override var readsTime: Bool { false }

        override func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {
            let cellular = request.random.nextUnit() < cellularFraction
            let seconds = cellular ? cellularSeconds : wifiSeconds
            (cellular ? cellularCount : wifiCount)?.add(1, shard: request.shard)
            (cellular ? cellularTime : wifiTime)?.observe(seconds, shard: request.shard)
            if seconds > 0 { emit(.delay(seconds: seconds)) }
        }
    }
}
