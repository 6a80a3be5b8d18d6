/// Files or sockets are opened and never closed.
enum FileDescriptorLeak {
    static let leaked = MetricSpec.gauge(
        "file_descriptors_leaked", "File descriptors opened and never closed.", labels: ["scenario"])
    static let exhausted = MetricSpec.counter(
        "file_descriptor_exhaustion_errors_total", "Requests that failed because no descriptor was left (EMFILE).", labels: ["scenario"])

    static let scenario = Scenario(
        name: "file-descriptor-leak", category: "resources",
        summary: "Each request leaks a descriptor with leak_probability; once baseline_fds plus leaked reach fd_limit, requests fail (500, or the connection is dropped).",
        notes: LearningNotes(
            whatHappens: "An error path forgets to close a file or socket; descriptors accumulate until the process hits its limit and can no longer accept connections or open files ('too many open files').",
            howToObserve: "file_descriptors_leaked only grows; process open fds approach the ulimit; then file_descriptor_exhaustion_errors_total and EMFILE errors.",
            howToMitigate: "Close in finally / with-blocks, use connection pools, alert on open fds against the limit, lsof to find what leaks."),
        parameters: [
            .number("leak_probability", default: 0.1, min: 0, max: 1, help: "Chance that a request leaks a descriptor."),
            .integer("fd_limit", default: 1_024, min: 16, max: 10_000_000, help: "The process's descriptor limit (ulimit -n)."),
            .integer("baseline_fds", default: 900, min: 0, max: 10_000_000, help: "Descriptors legitimately open."),
            .choice("on_exhaustion", default: "error", choices: ["error", "drop"], help: "What a request sees when none are left."),
        ],
        metrics: [leaked, exhausted],
        effectKinds: [.error, .drop]
    ) { invocation, emit in
        let p = invocation.parameters
        let room = Double(p.int("fd_limit") - p.int("baseline_fds"))
        let leaks = invocation.random.nextUnit() < p.double("leak_probability")
        let before = invocation.state.transaction { values -> Double in
            let count = values["leaked"]
            if count < room, leaks { values["leaked"] = count + 1 }
            return count
        }
        try invocation.metrics.set(leaked.name, max(0, min(room, before + (leaks ? 1 : 0))))
        guard before >= room else { return }
        try invocation.metrics.increment(exhausted.name)
        if p.string("on_exhaustion") == "drop" { emit(.drop()) } else { emit(.error(status: 500)) }
    }
}
