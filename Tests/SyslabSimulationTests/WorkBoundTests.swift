import SyslabCore
import Testing
@testable import SyslabSimulation

/// Bounds on simulated work (issue 9, defect 6): one request through two async
/// hops with async-callback-storm {fanout: 1000, depth: 1} tried to allocate
/// 2.48 GB, because every background callback published its node's messages
/// and every delivery set off the storm again.
@Suite struct WorkBoundTests {
    static func stormTest(options: String = "{}") throws -> LoadTest {
        try LoadTest(config: JSONValue.parse("""
        {"system": {"topology": {"nodes": [{"id": "api", "kind": "backend"}, {"id": "relay", "kind": "worker"}, {"id": "sink", "kind": "worker"}],
                                 "edges": [{"from": "api", "to": "relay", "mode": "async"}, {"from": "relay", "to": "sink", "mode": "async"}]}},
         "workload": {"executor": "constant-arrival-rate", "rate": 1, "duration": "1s", "arrivals": "uniform"},
         "scenarios": [{"name": "async-callback-storm", "params": {"fanout": 1000, "depth": 1, "callback_ms": 1}}],
         "options": \(options)}
        """))
    }

    @Test func aCallbackStormThroughTwoAsyncHopsIsBounded() throws {
        let report = try Self.stormTest().run()
        let r = report.result
        #expect(r.requestsStarted == 1)
        // Each of the three nodes receives one call (the request, then one
        // message per hop) and runs the storm's 1,000 callbacks, once.
        #expect(r.components.map(\.arrivals) == [1001, 1001, 1001])
        #expect(r.edges.map(\.published) == [1, 1])
    }

    @Test func theSameTestPastItsCallBoundEndsWithAnError() throws {
        #expect(throws: SyslabError.self) { try Self.stormTest(options: #"{"max_calls_per_request": 1500}"#).run() }
        do {
            _ = try Self.stormTest(options: #"{"max_calls_per_request": 1500}"#).run()
        } catch let error as SyslabError {
            guard case .limitExceeded(let message) = error else { Issue.record("\(error)"); return }
            #expect(message.hasPrefix("1501 calls for 1 requests at "))
            #expect(message.contains("more than options.max_calls_per_request = 1500 each"))
        }
    }

    @Test func callsInFlightAreBounded() throws {
        do {
            _ = try Self.stormTest(options: #"{"max_calls_in_flight": 500}"#).run()
            Issue.record("the run finished with 1,000 callbacks in flight")
        } catch let error as SyslabError {
            #expect(error.message.hasPrefix("more than 500 calls in flight at 500ms (options.max_calls_in_flight)"), "\(error.message)")
        }
    }
}
