/// Injection-shaped input, to measure the host's defences and a WAF.
enum SqlInjection {
    static let scenario = Scenario(
        name: "sql-injection", category: "security",
        summary: "A share (`probability`) of matching requests asks the host to carry a classic, non-destructive SQL-injection payload (a tautology, a UNION with NULLs, comment truncation, a zero-second sleep; chosen per request) in the input it names, and to report the status it answered.",
        notes: LearningNotes(
            whatHappens: "Input concatenated into SQL lets a caller change the query: ' OR '1'='1 returns every row, UNION SELECT reads other tables. A WAF catches known shapes; only parameterized queries remove the flaw.",
            howToObserve: "security_probe_responses_total{outcome=\"refused\"} against {outcome=\"served\"}: a served probe means neither validation nor a WAF stopped it (check the database log for the payload); security_probes_total counts the probes sent.",
            howToMitigate: "Use parameterized queries or an ORM everywhere, validate input types, run the database account with least privilege, and keep a WAF rule set (OWASP CRS) as a second layer."),
        parameters: [SecurityProbes.probability],
        metrics: [SecurityProbes.probes, SecurityProbes.responses],
        effectKinds: [.injectionProbe],
        compile: { activation in
            try ProbeProgram(activation) { random in
                .injectionProbe(payload: Double(random.next() % UInt64(AttackPayloads.sqlInjection.count)))
            }
        }
    )
}
