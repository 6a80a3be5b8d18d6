/// What encryption in transit costs: cipher CPU per byte and handshakes.
enum EncryptionOverhead {
    static let handshakes = MetricSpec.counter(
        "tls_handshakes_total", "Full TLS handshakes (connections not resumed).", labels: ["scenario"])
    static let cipherSeconds = MetricSpec.counter(
        "encryption_cpu_seconds_total", "CPU time spent encrypting and decrypting payloads.", labels: ["scenario"])

    static let scenario = Scenario(
        name: "encryption-overhead", category: "security",
        summary: "Each request encrypts payload_bytes at cipher_bytes_per_second (cpu_burn); with probability 1 - session_reuse it also pays a full TLS handshake: handshake_cpu_ms of CPU plus handshake_round_trips round trips of round_trip_ms (delay).",
        notes: LearningNotes(
            whatHappens: "Bulk encryption is cheap with hardware AES (gigabytes per second per core); what hurts is handshakes: public-key CPU plus one or two extra round trips for every new connection. Without keep-alive or session resumption each request pays them.",
            howToObserve: "tls_handshakes_total against requests gives the resumption rate; encryption_cpu_seconds_total the bulk cipher cost; latency rises by the handshake round trips on new connections.",
            howToMitigate: "Keep connections alive and pooled, enable session resumption (tickets, TLS 1.3 0-RTT where replay-safe), terminate TLS close to clients, use AES-GCM with AES-NI or ChaCha20 on CPUs without it. Do not turn encryption off."),
        parameters: [
            .integer("payload_bytes", default: 65_536, min: 0, max: 1_073_741_824, unit: "bytes", help: "Bytes encrypted and decrypted per request."),
            .number("cipher_bytes_per_second", default: 1_000_000_000, min: 1_000_000, max: 100_000_000_000, unit: "bytes/s", help: "Throughput of the bulk cipher on one core."),
            .number("session_reuse", default: 0.8, min: 0, max: 1, help: "Share of requests on a resumed or kept-alive connection."),
            .number("handshake_cpu_ms", default: 1.5, min: 0, max: 1_000, unit: "ms", help: "CPU of one full handshake (key exchange and signature)."),
            .integer("handshake_round_trips", default: 1, min: 0, max: 3, help: "Extra round trips of a full handshake (1 for TLS 1.3, 2 for TLS 1.2)."),
            .number("round_trip_ms", default: 40, min: 0, max: 10_000, unit: "ms", help: "Network round trip to the client."),
        ],
        metrics: [handshakes, cipherSeconds, DomainMetrics.cpuInjected],
        effectKinds: [.cpuBurn, .delay],
        compile: { try Program($0) }
    )

    final class Program: ScenarioProgram, @unchecked Sendable {
        let bulkSeconds: Double
        let handshakeProbability: Double
        let handshakeCPU: Double
        let handshakeWait: Double
        let handshakes: MetricSeries?
        let cipher: MetricSeries?
        let injected: MetricSeries?

        init(_ activation: ScenarioActivation) throws {
            let p = activation.parameters
            bulkSeconds = Double(p.int("payload_bytes")) / p.double("cipher_bytes_per_second")
            handshakeProbability = 1 - p.double("session_reuse")
            handshakeCPU = p.double("handshake_cpu_ms") / 1000
            handshakeWait = Double(p.int("handshake_round_trips")) * p.double("round_trip_ms") / 1000
            handshakes = try activation.series(EncryptionOverhead.handshakes)
            cipher = try activation.series(cipherSeconds)
            injected = try activation.series(DomainMetrics.cpuInjected)
        }

        override var readsTime: Bool { false }

        override func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {
            var cpu = bulkSeconds
            cipher?.add(bulkSeconds, shard: request.shard)
            if handshakeProbability > 0, request.random.nextUnit() < handshakeProbability {
                handshakes?.add(1, shard: request.shard)
                cpu += handshakeCPU
                if handshakeWait > 0 { emit(.delay(seconds: handshakeWait)) }
            }
            injected?.add(cpu, shard: request.shard)
            if cpu > 0 { emit(.cpuBurn(seconds: cpu)) }
        }
    }
}
