/// Reading another principal's objects (broken object-level authorization).
enum DataBreach {
    static let scenario = Scenario(
        name: "data-breach", category: "security",
        summary: "A share (`probability`) of matching requests asks the host to request an object that belongs to another principal (a canary record the host keeps for the purpose) with the caller's own credentials, and to report the status it answered.",
        notes: LearningNotes(
            whatHappens: "An API that checks who the caller is but not whether the object is theirs (IDOR / BOLA) lets any user read others' records by changing an id; scraping ids one by one becomes a breach.",
            howToObserve: "security_probe_responses_total{outcome=\"served\"} counts canary objects handed to the wrong principal; an access-pattern detector should also flag the caller (many distinct ids, 403/404 bursts).",
            howToMitigate: "Authorize every object access against the caller (policy checks in the data layer), use unguessable ids, rate-limit and alert on enumeration patterns."),
        parameters: [SecurityProbes.probability],
        metrics: [SecurityProbes.probes, SecurityProbes.responses],
        effectKinds: [.foreignObjectProbe],
        compile: { activation in try ProbeProgram(activation) { _ in .foreignObjectProbe } }
    )
}
