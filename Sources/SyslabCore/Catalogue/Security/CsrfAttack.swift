/// Cross-site request forgery against state-changing routes.
enum CsrfAttack {
    static let scenario = Scenario(
        name: "csrf-attack", category: "security",
        summary: "A share (`probability`) of matching requests asks the host to present the request as a cross-site forgery (`variant`: no CSRF token, a forged token, a cross-site Origin, or a mix) to its CSRF protection, and to report the status it answered. Target it at state-changing methods.",
        notes: LearningNotes(
            whatHappens: "A page on another site makes the victim's browser send a state-changing request with the victim's cookies. Without a token check or an Origin check the server cannot tell it from a real one.",
            howToObserve: "security_probe_responses_total{outcome=\"refused\"} should match security_probes_total; each {outcome=\"served\"} is a forged request the service accepted.",
            howToMitigate: "Check a per-session CSRF token (synchronizer or double-submit) on every unsafe method, verify Origin/Referer, set SameSite=Lax or Strict on session cookies."),
        parameters: [
            SecurityProbes.probability,
            .choice("variant", default: "mixed", choices: AttackPayloads.csrfVariants + ["mixed"], help: "Which forgery to present (mixed draws one per request)."),
        ],
        metrics: [SecurityProbes.probes, SecurityProbes.responses],
        effectKinds: [.csrfProbe],
        compile: { activation in
            let fixed = AttackPayloads.csrfVariants.firstIndex(of: activation.parameters.string("variant"))
            return try ProbeProgram(activation) { random in
                .csrfProbe(variant: Double(1 + (fixed ?? Int(random.next() % UInt64(AttackPayloads.csrfVariants.count)))))
            }
        }
    )
}
