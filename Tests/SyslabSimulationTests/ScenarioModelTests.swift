import Foundation
import SyslabCore
import Testing
@testable import SyslabSimulation

/// Each scenario's symptom in the simulator is the one its learning notes
/// promise, in numbers: queueing theory where it applies.
@Suite struct ScenarioModelTests {
    static func scenario(_ name: String, _ params: String, at: Double, for duration: Double) throws -> ScheduledScenario {
        ScheduledScenario(name: name, parameters: try JSONValue.parse(params), at: at, duration: duration)
    }

    /// One node, `servers` servers, a constant service time.
    static func single(servers: Int, serviceMs: Double, queue: String = "\"unbounded\"", kind: String = "backend") throws -> SystemModel {
        try SystemModel(config: JSONValue.parse("""
        {"topology": {"name": "single", "nodes": [{"id": "api", "kind": "\(kind)"}]},
         "nodes": {"api": {"servers": \(servers), "queue": \(queue), "service": \(serviceMs / 1000)}}}
        """))
    }

    static func uniform(_ rate: Double, seconds: Double) -> Workload {
        Workload(executor: .constantArrivalRate(rate: rate, duration: seconds), arrivals: .uniform)
    }

    @Test func effectsAreDecidedWhenTheWorkStarts() throws {
        // One server, 10 ms per call: it serves 100 calls/s. 150 calls/s arrive,
        // so a queue grows by 50/s. error-burst fails every call from 5 s to
        // 10 s. Decided when the server takes a call, it fails exactly the calls
        // served in that window, 100/s x 5 s = 500, not the 750 that arrived then;
        // the calls still queued at 10 s are served normally.
        let model = try Self.single(servers: 1, serviceMs: 10)
        let burst = try Self.scenario("error-burst", #"{"probability": 1}"#, at: 5, for: 5)
        let r = try Systems.run(model, Self.uniform(150, seconds: 20), scenarios: [burst])
        let injected = r.causes["injected_error"] ?? 0
        #expect(abs(injected - 500) <= 2, "injected errors \(injected), expected 100/s x 5 s = 500")
        #expect(r.components[0].effects == injected)
        let after = try #require(r.phases.last)
        #expect(after.name == "after")
        #expect(after.components[0].effects == 0)
        #expect((after.components[0].causes["injected_error"] ?? 0) <= 1, "after-phase injected errors: \(after.components[0].causes)")
        #expect(after.requests > 1_000)
    }
}
