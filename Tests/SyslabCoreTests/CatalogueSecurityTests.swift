import Testing
@testable import SyslabCore

/// The security scenarios only ask a host to present synthetic probes to its
/// own defences; the tests check the probes, their rates and what gets counted.
@Suite("Catalogue: security")
struct CatalogueSecurityTests {
    @Test func piiCanariesAreShapedLikePIIButProvablySynthetic() throws {
        let line = PIICanary.line(serial: 4_207)
        #expect(line.hasPrefix("SYSLAB-PII-CANARY serial=4207 "))
        #expect(line.contains("email=canary-4207@example.invalid"), "a reserved top-level domain")
        #expect(line.contains("ssn=000-12-4207"), "SSN area 000 is never issued")
        #expect(line.contains("phone=+1-202-555-0107"), "555-01xx numbers are fictional")
        // The card number passes the Luhn check scanners apply, and is the standard test number.
        let digits = "4111111111111111".compactMap(\.wholeNumberValue)
        let luhn = digits.reversed().enumerated().reduce(0) { sum, item in
            let doubled = item.offset % 2 == 1 ? item.element * 2 : item.element
            return sum + (doubled > 9 ? doubled - 9 : doubled)
        }
        #expect(luhn % 10 == 0 && line.contains("card=4111111111111111"))
        #expect(PIICanary.line(serial: 0).contains("serial=1 "), "serials are clamped to 1...999999")

        let h = try CatalogueHarness("pii-leak", ["probability": 0.1])
        let canaries = try h.run(10_000).flatMap { $0 }
        #expect(canaries.allSatisfy { $0.kind == .logCanary && $0.amount >= 1 && $0.amount <= 999_999 })
        #expect(abs(Double(canaries.count) - 1_000) < 100, "10% of 10000 requests: \(canaries.count)")
        #expect(h.metric("pii_canaries_logged_total", LabelValues("pii-leak")) == Double(canaries.count))
    }

    @Test func probesAreCountedAndResponsesClassified() throws {
        let h = try CatalogueHarness("auth-bypass", ["probability": 0.5])
        let probes = try h.run(2_000).filter { $0 == [.stripCredentials] }.count
        #expect(abs(Double(probes) - 1_000) < 100)
        #expect(h.metric("security_probes_total", LabelValues("auth-bypass")) == Double(probes))
        // The host refused 3 probes and served 1 (a hole).
        for status in [401, 403, 401, 200] { try h.registry.recordResponse(scenario: "auth-bypass", status: status) }
        try h.registry.recordResponse(scenario: "auth-bypass", status: 502)
        #expect(h.metric("security_probe_responses_total", LabelValues("auth-bypass", "refused")) == 3)
        #expect(h.metric("security_probe_responses_total", LabelValues("auth-bypass", "served")) == 1)
        #expect(h.metric("security_probe_responses_total", LabelValues("auth-bypass", "failed")) == 1)
        // Misuse is an error, never a crash.
        #expect(throws: SyslabError.self) { try h.registry.recordResponse(scenario: "auth-bypass", status: 42) }
        #expect(throws: SyslabError.self) { try h.registry.recordResponse(scenario: "no-such-scenario", status: 403) }
        #expect(throws: SyslabError.self) { try h.registry.recordResponse(scenario: "fixed-latency", status: 403) }
        // After the scenario ends, a late report is dropped quietly.
        try h.registry.disable("auth-bypass")
        try h.registry.recordResponse(scenario: "auth-bypass", status: 403)
        #expect(h.metric("security_probe_responses_total", LabelValues("auth-bypass", "refused")) == 3)
    }

    @Test func injectionPayloadsAreClassicAndNonDestructive() throws {
        for payload in AttackPayloads.sqlInjection {
            let upper = payload.uppercased()
            for verb in ["DROP", "DELETE", "UPDATE", "INSERT", "TRUNCATE", "ALTER", "GRANT", "EXEC"] {
                #expect(!upper.contains(verb), "\(payload) must not modify anything")
            }
        }
        let h = try CatalogueHarness("sql-injection", ["probability": 1])
        let used = Set(try h.run(600).map { try #require($0.first(.injectionProbe)).amount })
        #expect(used == Set((0..<AttackPayloads.sqlInjection.count).map(Double.init)), "every payload is drawn")
    }

    @Test func csrfVariantsFollowTheParameter() throws {
        let fixed = try CatalogueHarness("csrf-attack", ["probability": 1, "variant": "forged_token"])
        #expect(try fixed.run(50).allSatisfy { $0 == [.csrfProbe(variant: 2)] })
        let mixed = try CatalogueHarness("csrf-attack", ["probability": 1])
        #expect(Set(try mixed.run(300).map { $0[0].amount }) == [1, 2, 3])
        let data = try CatalogueHarness("data-breach", ["probability": 1])
        #expect(try data.decide() == [.foreignObjectProbe])
    }

    @Test func auditFailuresFailClosedOrLoseTheTrail() throws {
        let closed = try CatalogueHarness("audit-log-failure", ["failure_probability": 1, "write_timeout_ms": 250])
        #expect(try closed.decide() == [.delay(seconds: 0.25), .error(status: 503)])
        let open = try CatalogueHarness("audit-log-failure", ["failure_probability": 0.25, "policy": "fail_open"])
        let runs = try open.run(4_000)
        #expect(runs.allSatisfy { $0.isEmpty || $0 == [.delay(seconds: 0.5)] }, "served, after the write gave up")
        let lost = try #require(open.metric("audit_records_lost_total", LabelValues("audit-log-failure")))
        #expect(lost == Double(runs.filter { !$0.isEmpty }.count) && abs(lost - 1_000) < 100)
        #expect(open.metric("audit_write_failures_total", LabelValues("audit-log-failure")) == lost)
    }

    @Test func encryptionCostsCipherCPUAndHandshakesOnNewConnections() throws {
        let h = try CatalogueHarness("encryption-overhead", [
            "payload_bytes": 1_000_000, "cipher_bytes_per_second": 500_000_000, "session_reuse": 0.75,
            "handshake_cpu_ms": 2, "handshake_round_trips": 2, "round_trip_ms": 30,
        ])
        let runs = try h.run(4_000)
        let withHandshake = runs.filter { $0.has(.delay) }
        #expect(abs(Double(withHandshake.count) - 1_000) < 100, "a quarter of connections are new")
        #expect(withHandshake.allSatisfy { same($0, [.delay(seconds: 0.06), .cpuBurn(seconds: 0.004)]) }, "2 round trips; 2 ms cipher + 2 ms handshake")
        #expect(runs.filter { !$0.has(.delay) }.allSatisfy { same($0, [.cpuBurn(seconds: 0.002)]) }, "1 MB at 500 MB/s")
        #expect(h.metric("tls_handshakes_total", LabelValues("encryption-overhead")) == Double(withHandshake.count))
        #expect(abs(h.metric("encryption_cpu_seconds_total", LabelValues("encryption-overhead"))! - 8) < 1e-6)
    }

    @Test func retentionViolationsServeRecordsOlderThanThePolicy() throws {
        let h = try CatalogueHarness("compliance-violation", ["probability": 0.2, "retention_days": 30, "max_overdue_days": 10])
        let reads = try h.run(5_000).compactMap { $0.first(.staleRead) }
        #expect(abs(Double(reads.count) - 1_000) < 100)
        #expect(reads.allSatisfy { $0.seconds > 30 * 86_400 && $0.seconds <= 40 * 86_400 })
        #expect(h.metric("compliance_violations_total", LabelValues("compliance-violation", "retention")) == Double(reads.count))
        let overdue = try #require(h.histogram("retention_overdue_seconds", LabelValues("compliance-violation")))
        #expect(overdue.count == UInt64(reads.count))
    }
}
