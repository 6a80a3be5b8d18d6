/// What the security scenarios share. They never weaken a host's security:
/// each asks the host to present a synthetic, attack-shaped request to its
/// own defences (authentication, CSRF protection, a WAF, object-level
/// authorization) or to write clearly marked synthetic data where a scanner
/// should find it, and counts what happened. docs/effects.md says what a
/// host does for each kind.
enum SecurityProbes {
    static let probes = MetricSpec.counter(
        "security_probes_total", "Attack-shaped requests scenarios asked the host to present.", labels: ["scenario"])
    /// Filled by `ScenarioRegistry.recordResponse` with the status the host answered a probe with.
    static let responses = MetricSpec.counter(
        "security_probe_responses_total",
        "Statuses hosts reported for security probes: refused (4xx, the defence worked), served (2xx/3xx, it did not) or failed (5xx).",
        labels: ["scenario", "outcome"])

    /// How a status answered to a probe is counted.
    static func outcome(status: Int) -> String? {
        switch status {
        case 200..<400: return "served"
        case 400..<500: return "refused"
        case 500..<600: return "failed"
        default: return nil
        }
    }

    static let probability = ParameterSpec.number(
        "probability", default: 0.05, min: 0, max: 1, help: "Share of matching requests turned into a probe.")
}

/// The synthetic, PII-shaped canary line the pii-leak scenario asks a host
/// to log. Every value is shaped like personal data so PII scanners match
/// it, yet none can belong to a person: the e-mail domain is reserved
/// (.invalid), 555-01xx numbers are fictional, SSN area 000 is never
/// issued, and 4111 1111 1111 1111 is the standard Visa test card number.
public enum PIICanary {
    /// The marker every canary line starts with, so a leak can be traced back.
    public static let marker = "SYSLAB-PII-CANARY"

    /// The canary line for `serial` (1...999999).
    public static func line(serial: Int) -> String {
        let n = max(1, min(999_999, serial))
        let four = String(n % 10_000).leftPadded(to: 4)
        let two = String(n % 100).leftPadded(to: 2)
        return "\(marker) serial=\(n) email=canary-\(n)@example.invalid phone=+1-202-555-01\(two) ssn=000-12-\(four) card=4111111111111111 (synthetic test data, not personal data)"
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

/// The SQL-injection payloads an injection probe refers to by number. Each
/// is a classic detection test string and none modifies data if a host were
/// vulnerable: tautologies, a UNION with NULLs, comment truncation, a
/// zero-second sleep.
public enum AttackPayloads {
    public static let sqlInjection: [String] = [
        "' OR '1'='1' --",
        "1 OR 1=1",
        "' UNION SELECT NULL, NULL --",
        "admin'--",
        "1' AND SLEEP(0) --",
        "\" OR \"\"=\"",
    ]

    /// CSRF probe variants by number.
    public static let csrfVariants = ["missing_token", "forged_token", "cross_site_origin"]
}

/// Shared program: with `probability`, emit `effect(random)` and count a probe.
final class ProbeProgram: ScenarioProgram, @unchecked Sendable {
    let probability: Double
    let makeEffect: @Sendable (inout SeededGenerator) -> Effect
    let counter: MetricSeries?
    let extra: MetricSeries?

    init(_ activation: ScenarioActivation, counter spec: MetricSpec = SecurityProbes.probes, extra extraSpec: MetricSpec? = nil,
         _ makeEffect: @escaping @Sendable (inout SeededGenerator) -> Effect) throws {
        probability = activation.parameters.double("probability")
        self.makeEffect = makeEffect
        counter = try activation.series(spec)
        extra = try extraSpec.flatMap { try activation.series($0) }
    }

    override var readsTime: Bool { false }

    override func run(_ request: inout ScenarioRequest, _ context: UnsafePointer<RequestContext>, _ emit: (Effect) -> Void) throws {
        guard probability > 0, request.random.nextUnit() < probability else { return }
        counter?.add(1, shard: request.shard)
        extra?.add(1, shard: request.shard)
        emit(makeEffect(&request.random))
    }
}
