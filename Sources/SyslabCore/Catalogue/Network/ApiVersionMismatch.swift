/// Clients on an old API version call a server that no longer accepts it.
enum ApiVersionMismatch {
    static let mismatches = MetricSpec.counter(
        "api_version_mismatches_total", "Requests rejected because client and server API versions disagree.",
        labels: ["scenario", "client_version", "server_version"])

    static let scenario = Scenario(
        name: "api-version-mismatch", category: "network",
        summary: "A share mismatch_probability of callers still speak client_version while the server has moved to server_version; their requests fail with status_code.",
        notes: LearningNotes(
            whatHappens: "A breaking change shipped before every client upgraded (mobile apps, other teams' services); those clients fail consistently while everyone else is fine.",
            howToObserve: "api_version_mismatches_total by version pair; errors concentrated on certain user agents or callers; 400/406/410 where there were none.",
            howToMitigate: "Additive changes only, version in the URL or header with old versions kept until traffic is gone, contract tests between services, tolerant readers, deprecation windows."),
        parameters: [
            .number("mismatch_probability", default: 0.2, min: 0, max: 1, help: "Share of requests from clients on the old version."),
            .integer("status_code", default: 400, min: 400, max: 599, help: "Status the server answers them with."),
            .string("client_version", default: "v1", help: "The outdated client version (metric label)."),
            .string("server_version", default: "v2", help: "The version the server speaks (metric label)."),
        ],
        metrics: [mismatches],
        effectKinds: [.error]
    ) { invocation, emit in
        let p = invocation.parameters
        guard invocation.random.nextUnit() < p.double("mismatch_probability") else { return }
        try invocation.metrics.increment(mismatches.name, LabelValues(p.string("client_version"), p.string("server_version")))
        emit(.error(status: p.int("status_code")))
    }
}
