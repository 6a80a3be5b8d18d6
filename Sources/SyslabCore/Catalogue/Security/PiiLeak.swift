/// Personal data written to logs, exercised with synthetic canaries.
enum PiiLeak {
    static let canaries = MetricSpec.counter(
        "pii_canaries_logged_total", "Synthetic PII canary lines hosts were asked to write to their logs.", labels: ["scenario"])

    static let scenario = Scenario(
        name: "pii-leak", category: "security",
        summary: "A share (`probability`) of requests asks the host to write a synthetic canary line shaped like PII (e-mail, phone, SSN, card number, all provably fake and marked SYSLAB-PII-CANARY) to its log sink, so the log pipeline's PII scanner and redaction can be tested.",
        notes: LearningNotes(
            whatHappens: "Request bodies, headers or exceptions end up in logs with personal data in them; logs are copied to many systems and kept for long, so one debug line becomes a reportable breach.",
            howToObserve: "pii_canaries_logged_total counts the canaries written; compare it with what the log scanner or DLP tool flagged: every canary it misses is a real leak it would miss too. Search the log store for SYSLAB-PII-CANARY to see where logs travel.",
            howToMitigate: "Log allow-listed fields only, redact at the logger (structured logging with a PII filter), scan log streams for PII patterns, restrict and expire log access."),
        parameters: [SecurityProbes.probability],
        metrics: [canaries],
        effectKinds: [.logCanary],
        compile: { activation in
            try ProbeProgram(activation, counter: canaries) { random in
                .logCanary(serial: Double(1 + random.next() % 999_999))
            }
        }
    )
}
