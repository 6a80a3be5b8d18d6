/// A 3G link: long round trips and a few hundred kilobits per second.
enum ThreeGBandwidthLimit {
    static let scenario = Scenario(
        name: "3g-bandwidth-limit", category: "mobile",
        summary: "Each request first pays handshake_round_trips round trips of rtt_ms (TCP and TLS set-up, a delay), then its body flows at bytes_per_second (bandwidth; 48000 = 384 kbit/s, a good 3G link). A response of response_bytes then takes handshake_round_trips x rtt + response_bytes / bytes_per_second, exported per request.",
        notes: LearningNotes(
            whatHappens: "Much of the world still reaches services over 3G or congested 4G: a few hundred kbit/s and 200-500 ms round trips. A 2 MB page that loads in a second on office Wi-Fi takes most of a minute, and every extra connection set-up costs another second.",
            howToObserve: "mobile_request_seconds{network=\"3g\"} against payload size; time to first byte is dominated by round trips, time to last byte by bytes; test with network throttling (Chrome DevTools, Network Link Conditioner, tc netem).",
            howToMitigate: "Set a page-weight budget, compress and resize images, paginate, reuse connections (HTTP/2, HTTP/3, TLS resumption and 0-RTT), serve from a nearby CDN, and load what is below the fold lazily."),
        parameters: [
            .integer("bytes_per_second", default: 48_000, min: 1, max: 1_000_000_000, unit: "bytes/s", help: "Link throughput (48000 = 384 kbit/s)."),
            .number("rtt_ms", default: 300, min: 0, max: 10_000, unit: "ms", help: "Round trip of the link."),
            .integer("handshake_round_trips", default: 3, min: 0, max: 10, help: "Round trips before the first byte (TCP + TLS 1.2 = 3; a reused connection 1)."),
            .integer("response_bytes", default: 262_144, min: 0, max: 10_000_000_000, unit: "bytes", help: "Typical response size, for the request-time metric."),
        ],
        metrics: [MobileNetwork.requestSeconds],
        effectKinds: [.delay, .bandwidth],
        compile: { try Program($0) }
    )

    final class Program: ScenarioProgram, @unchecked Sendable {
        let setUp: Double, rate: Double, total: Double
        let seconds: MetricSeries?

        init(_ activation: ScenarioActivation) throws {
            let p = activation.parameters
            rate = Double(p.int("bytes_per_second"))
            setUp = Double(p.int("handshake_round_trips")) * p.double("rtt_ms") / 1000
            total = setUp + Double(p.int("response_bytes")) / rate
            seconds = try activation.series(MobileNetwork.requestSeconds, LabelValues("3g"))
        }

        override var readsTime: Bool { false }

        override func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {
            seconds?.observe(total, shard: request.shard)
            if setUp > 0 { emit(.delay(seconds: setUp)) }
            emit(.bandwidth(bytesPerSecond: rate))
        }
    }
}
