import Testing
@testable import SyslabCore

/// A store that records what it is asked and can refuse, to test the port
/// without Redis.
private final class RecordingStore: EnabledSetStore, @unchecked Sendable {
    var changes: [String] = []
    var refuse = false
    var next = 0
    func commit(_ change: EnabledSetChange, apply: (String) throws -> Void) throws {
        if refuse { throw SyslabError.io("store unavailable: refused for the test") }
        switch change {
        case let .enable(name, parameters, target, ttl):
            changes.append("enable \(name) \(parameters.serialized()) \(target.serialized()) \(ttl)")
        case let .disable(name): changes.append("disable \(name)")
        case .reset: changes.append("reset")
        }
        next += 1
        try apply("r\(next)")
    }
    var statusJSON: JSONValue { ["kind": "recording"] }
    func close() {}
}

@Suite("EnabledSetStore")
struct EnabledSetStoreTests {
    @Test func changesAreValidatedLocallyThenCommittedThenApplied() throws {
        let registry = ScenarioRegistry(clock: ManualClock())
        let store = RecordingStore()
        registry.attach(store: store)
        #expect(throws: SyslabError.self) { try registry.enable("nope") }
        #expect(throws: SyslabError.self) { try registry.enable("fixed-latency", parameters: ["delay_ms": -1]) }
        #expect(throws: SyslabError.self) { try registry.disable("nope") }
        #expect(store.changes.isEmpty, "invalid changes never reach the store")

        try registry.enable("fixed-latency", parameters: ["delay_ms": 5, "target": ["route": "/a"]], ttl: 10)
        #expect(store.changes == [#"enable fixed-latency {"delay_ms":5} {"route":"/a"} 10.0"#])
        #expect(registry.activeScenarios().map(\.scenario.name) == ["fixed-latency"])
        #expect(registry.statusJSON()["store"] == ["kind": "recording"])

        store.refuse = true
        #expect(throws: SyslabError.io("store unavailable: refused for the test")) { try registry.enable("error-burst") }
        #expect(throws: SyslabError.self) { try registry.disable("fixed-latency") }
        #expect(throws: SyslabError.self) { try registry.reset() }
        #expect(registry.activeScenarios().map(\.scenario.name) == ["fixed-latency"], "refused changes are not applied")
        store.refuse = false
        try registry.reset()
        #expect(registry.activeScenarios().isEmpty)
    }

    @Test func applyingAStoredSetChangesOnlyTheDifference() throws {
        let clock = ManualClock()
        let registry = ScenarioRegistry(clock: clock)
        registry.attach(store: RecordingStore())
        let latency = StoredActivation(name: "fixed-latency", parameters: ["delay_ms": 7], target: .null,
                                       revision: "a", remainingSeconds: 30, elapsedSeconds: 2)
        #expect(registry.applyStoredSet([latency]).isEmpty)
        let first = try #require(registry.activeScenarios().first)
        #expect(first.enabledAt == clock.now() - 2 && first.expiresAt == clock.now() + 30)
        #expect(first.parameters.int("delay_ms") == 7)

        try clock.advance(by: 1)
        let unknown = StoredActivation(name: "lua-only", parameters: [:], target: .null, revision: "b",
                                       remainingSeconds: nil, elapsedSeconds: 0)
        let unapplied = registry.applyStoredSet([latency, unknown], unreadable: [UnappliedActivation(name: "x", reason: "bad")])
        #expect(unapplied.map(\.name) == ["x", "lua-only"])
        #expect(registry.activeScenarios().first === first, "same revision: the activation and its state stay")

        var changed = latency
        changed.revision = "c"
        changed.parameters = ["delay_ms": 9]
        registry.applyStoredSet([changed])
        #expect(registry.activeScenarios().first !== first)
        #expect(registry.activeScenarios().first?.parameters.int("delay_ms") == 9)

        try clock.advance(by: 30)
        #expect(registry.activeScenarios().isEmpty, "the remaining TTL expires locally")
        registry.applyStoredSet([])
        #expect(registry.activeScenarios().isEmpty)
        #expect(registry.metrics.value("simulator_scenarios_enabled") == 0)
    }
}
