/// Requests arriving without credentials: does every route refuse them?
enum AuthBypass {
    static let scenario = Scenario(
        name: "auth-bypass", category: "security",
        summary: "A share (`probability`) of matching requests asks the host to present the request without its credentials (no Authorization header, session cookie or client identity) to its own authentication, and to report the status it answered; security_probe_responses_total counts refusals.",
        notes: LearningNotes(
            whatHappens: "A route added without the auth middleware, a debug endpoint, or a check done only in the UI lets anonymous callers read or change data. The request looks normal; only the missing credential tells.",
            howToObserve: "security_probe_responses_total{outcome=\"refused\"} should equal security_probes_total; any {outcome=\"served\"} is a route that answered an anonymous caller. Target routes one by one (target.route) to map them.",
            howToMitigate: "Deny by default: authenticate in one middleware for every route and allow-list the public ones; test each route anonymously in CI; authorize on the server for every object."),
        parameters: [SecurityProbes.probability],
        metrics: [SecurityProbes.probes, SecurityProbes.responses],
        effectKinds: [.stripCredentials],
        compile: { activation in try ProbeProgram(activation) { _ in .stripCredentials } }
    )
}
