/// A weak cellular signal: low capacity (Shannon) and retransmissions.
enum PoorCellularSignal {
    static let snr = MetricSpec.gauge(
        "mobile_signal_to_noise_db", "Signal-to-noise ratio of the simulated cellular link.", labels: ["scenario"])
    static let capacity = MetricSpec.gauge(
        "mobile_link_capacity_bytes_per_second", "Throughput the link achieves at its signal-to-noise ratio.", labels: ["scenario"])
    static let retransmissions = MetricSpec.counter(
        "mobile_retransmissions_total", "Requests that needed a radio retransmission (an extra round trip).", labels: ["scenario"])

    static let scenario = Scenario(
        name: "poor-cellular-signal", category: "mobile",
        summary: "The link's signal-to-noise ratio is signal_dbm - noise_dbm. Its throughput is Shannon's capacity of a channel_hz channel at that ratio times spectral_efficiency (bandwidth); each request waits rtt_ms (delay), and with probability 1 / (1 + SNR) (a simple model of the block error rate) needs one retransmission, another round trip (retry).",
        notes: LearningNotes(
            whatHappens: "At the cell edge, indoors or in a moving car the received signal sinks toward the noise floor: the modem falls back to robust, slow coding, and more blocks arrive corrupt and are sent again. The phone shows one bar; throughput drops tenfold and latency jitters.",
            howToObserve: "mobile_signal_to_noise_db and mobile_link_capacity_bytes_per_second; mobile_retransmissions_total against requests; on devices, RSRP/SINR from the modem correlated with request time in real user monitoring.",
            howToMitigate: "Keep payloads small and resumable, prefer fewer larger requests to many chatty ones, adapt media quality to measured throughput, and retry with backoff; for edge deployments, place antennas or use Wi-Fi offload."),
        parameters: [
            .number("signal_dbm", default: -110, min: -140, max: -40, unit: "dBm", help: "Received signal power (RSRP-like: -80 good, -110 poor, -120 edge)."),
            .number("noise_dbm", default: -120, min: -150, max: -60, unit: "dBm", help: "Noise and interference floor."),
            .number("channel_hz", default: 5_000_000, min: 1_000, max: 400_000_000, unit: "Hz", help: "Channel bandwidth."),
            .number("spectral_efficiency", default: 0.5, min: 0.01, max: 1, help: "Share of Shannon's capacity the radio achieves."),
            .number("rtt_ms", default: 100, min: 0, max: 10_000, unit: "ms", help: "Round trip of the link."),
        ],
        metrics: [snr, capacity, retransmissions],
        effectKinds: [.delay, .bandwidth, .retry],
        compile: { try Program($0) }
    )

    final class Program: ScenarioProgram, @unchecked Sendable {
        let rate: Double, rtt: Double, retransmitProbability: Double
        let retransmitted: MetricSeries?

        init(_ activation: ScenarioActivation) throws {
            let p = activation.parameters
            let snrDecibels = p.double("signal_dbm") - p.double("noise_dbm")
            let ratio = MobileNetwork.linear(decibels: snrDecibels)
            rate = max(1, MobileNetwork.capacity(hertz: p.double("channel_hz"), snr: ratio, efficiency: p.double("spectral_efficiency")))
            rtt = p.double("rtt_ms") / 1000
            retransmitProbability = 1 / (1 + ratio)
            retransmitted = try activation.series(retransmissions)
            activation.publishOnInstall(snr, .none, snrDecibels)
            activation.publishOnInstall(capacity, .none, rate)
        }

        override var readsTime: Bool { false }

        override func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {
            if rtt > 0 { emit(.delay(seconds: rtt)) }
            emit(.bandwidth(bytesPerSecond: rate))
            if request.random.nextUnit() < retransmitProbability {
                retransmitted?.add(1, shard: request.shard)
                emit(.retry(attempts: 1, seconds: rtt))
            }
        }
    }
}
