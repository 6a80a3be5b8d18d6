import FoundationEssentials
import SyslabCore
import SyslabStore
import Testing

@testable import SyslabServe

/// Request handling of `syslab serve` without HTTP: routes, bodies, errors.
struct ControlAPITests {
    let directory = InMemoryWorkspaceDirectory()
    var api: ControlAPI { ControlAPI(directory: directory, policy: AccessPolicy(authority: nil)) }

    func route(_ method: String, _ path: String) -> Route {
        Route.all.first { $0.method == method && $0.path == path }!
    }

    func call(_ method: String, _ path: String, workspace: String? = nil, body: String = "") async -> (Int, JSONValue) {
        let response = await api.handle(route(method, path), workspace: workspace, authorization: nil, body: Array(body.utf8))
        return (response.status, (try? JSONValue.parse(response.body)) ?? .string(response.body))
    }

    @Test func enableStatusDisableRoundTrip() async throws {
        var (code, body) = await call("POST", "/api/sim/enable", body: #"{"name": "fixed-latency", "params": {"delay_ms": 25}, "ttl_seconds": 60, "target": {"route": "/orders"}}"#)
        #expect(code == 200)
        let enabled = try #require(body["enabled"]?.arrayValue)
        #expect(enabled.map { $0["name"]?.stringValue } == ["fixed-latency"])
        #expect(enabled[0]["params"]?["delay_ms"]?.doubleValue == 25)
        #expect(enabled[0]["target"]?["route"]?.stringValue == "/orders")
        #expect((enabled[0]["remaining_seconds"]?.doubleValue ?? 0) > 59)
        (code, body) = await call("GET", "/api/sim/status")
        #expect(code == 200 && body["workspace"]?.stringValue == "default" && body["enabled"]?.arrayValue?.count == 1)
        (code, body) = await call("POST", "/api/sim/disable", body: #"{"name": "fixed-latency"}"#)
        #expect(code == 200 && body["enabled"]?.arrayValue?.isEmpty == true)
    }

    @Test func workspacesAreIsolated() async throws {
        var (code, _) = await call("POST", "/api/workspaces", body: #"{"name": "team-a"}"#)
        #expect(code == 201)
        (code, _) = await call("POST", "/api/workspaces/{workspace}/sim/enable", workspace: "team-a", body: #"{"name": "error-burst"}"#)
        #expect(code == 200)
        #expect(try directory.registry(for: "team-a").activeScenarios().count == 1)
        #expect(try directory.registry(for: "default").activeScenarios().isEmpty)
        let (_, list) = await call("GET", "/api/workspaces")
        #expect(list["workspaces"] == ["default", "team-a"])
        (code, _) = await call("POST", "/api/workspaces/{workspace}/sim/reset", workspace: "team-a")
        #expect(code == 200)
        #expect(try directory.registry(for: "team-a").activeScenarios().isEmpty)
        (code, _) = await call("DELETE", "/api/workspaces/{workspace}", workspace: "team-a")
        #expect(code == 200)
        (code, _) = await call("GET", "/api/workspaces/{workspace}/sim/status", workspace: "team-a")
        #expect(code == 404)
    }

    @Test func errorsCarryTheStatusTextAndA4xx() async {
        let cases: [(String, String, String?, String, Int, String)] = [
            ("POST", "/api/sim/enable", nil, "{", 400, "malformed JSON"),
            ("POST", "/api/sim/enable", nil, "", 400, "malformed JSON"),
            ("POST", "/api/sim/enable", nil, "[1]", 400, "wrong type"),
            ("POST", "/api/sim/enable", nil, #"{"name": 5}"#, 400, "wrong type"),
            ("POST", "/api/sim/enable", nil, #"{}"#, 400, "invalid argument"),
            ("POST", "/api/sim/enable", nil, #"{"name": "nope"}"#, 404, "not found"),
            ("POST", "/api/sim/enable", nil, #"{"name": "fixed-latency", "extra": 1}"#, 400, "invalid argument"),
            ("POST", "/api/sim/enable", nil, #"{"name": "fixed-latency", "params": {"delay_ms": -5}}"#, 400, "value out of range"),
            ("POST", "/api/sim/enable", nil, #"{"name": "fixed-latency", "ttl_seconds": -1}"#, 400, "value out of range"),
            ("POST", "/api/sim/enable", nil, #"{"name": "fixed-latency", "target": {"probability": 2}}"#, 400, "value out of range"),
            ("POST", "/api/sim/enable", nil, String(repeating: "[", count: 10_000), 400, "malformed JSON"),
            ("POST", "/api/sim/disable", nil, #"{"name": "nope"}"#, 404, "not found"),
            ("GET", "/api/workspaces/{workspace}/sim/status", "missing", "", 404, "not found"),
            ("POST", "/api/workspaces", nil, #"{"name": "bad name"}"#, 400, "invalid argument"),
            ("POST", "/api/workspaces", nil, #"{"name": "default"}"#, 409, "already exists"),
            ("DELETE", "/api/workspaces/{workspace}", "default", "", 400, "invalid argument"),
        ]
        for (method, path, workspace, body, code, status) in cases {
            let (got, json) = await call(method, path, workspace: workspace, body: body)
            #expect(got == code, "\(method) \(path) \(body.prefix(60))")
            #expect(json["error"]?["status"]?.stringValue == status, "\(method) \(path) \(body.prefix(60))")
            #expect(json["error"]?["message"]?.stringValue?.isEmpty == false)
        }
    }

    @Test func invalidUTF8AndOversizedBodiesAreRefused() async {
        let invalid = await api.handle(route("POST", "/api/sim/enable"), workspace: nil, authorization: nil,
                                       body: Array(#"{"name": ""#.utf8) + [0xff, 0xfe] + Array(#""}"#.utf8))
        #expect(invalid.status == 400 && invalid.body.contains("invalid UTF-8"))
        let huge = Array(#"{"name": ""#.utf8) + Array(repeating: UInt8(ascii: "a"), count: ControlAPI.maxBodyBytes) + Array(#""}"#.utf8)
        let refused = await api.handle(route("POST", "/api/sim/enable"), workspace: nil, authorization: nil, body: huge)
        #expect(refused.status == 400 && refused.body.contains("limit exceeded"))
    }

    @Test func metricsCarryTheWorkspaceLabel() async throws {
        try directory.createWorkspace("team-b")
        try directory.registry(for: "team-b").enable("error-burst")
        let response = await api.handle(route("GET", "/metrics"), workspace: nil, authorization: nil, body: [])
        #expect(response.status == 200 && response.contentType == MetricsStore.contentType)
        #expect(response.body.contains(#"simulator_scenarios_enabled{workspace="team-b"} 1"#))
        #expect(response.body.contains(#"simulator_scenarios_enabled{workspace="default"} 0"#))
        // One HELP and one TYPE per family, however many workspaces.
        let helps = response.body.split(separator: "\n").filter { $0.hasPrefix("# HELP simulator_scenarios_enabled ") }
        #expect(helps.count == 1)
    }
}

struct InMemoryMetricsMergeTests {
    @Test func labelsEverySampleAndKeepsFamiliesTogether() {
        let a = "# HELP x_total X.\n# TYPE x_total counter\nx_total{k=\"1\"} 2\n# HELP h H.\n# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_sum 0.5\nh_count 1\n"
        let b = "# HELP x_total X.\n# TYPE x_total counter\nx_total{k=\"1\"} 3\n"
        let merged = FleetMetricsText.merge([.init(workspace: "a", instance: nil, text: a), .init(workspace: "b", instance: nil, text: b)])
        #expect(merged == """
            # HELP x_total X.
            # TYPE x_total counter
            x_total{workspace="a",k="1"} 2
            x_total{workspace="b",k="1"} 3
            # HELP h H.
            # TYPE h histogram
            h_bucket{workspace="a",le="+Inf"} 1
            h_sum{workspace="a"} 0.5
            h_count{workspace="a"} 1

            """)
    }
}

struct CommandArgumentsTests {
    @Test func durations() throws {
        #expect(try CommandArguments.duration("60s", option: "--ttl") == 60)
        #expect(try CommandArguments.duration("5m", option: "--ttl") == 300)
        #expect(try CommandArguments.duration("1.5h", option: "--ttl") == 5400)
        #expect(try CommandArguments.duration("250ms", option: "--ttl") == 0.25)
        #expect(try CommandArguments.duration("7", option: "--ttl") == 7)
        for bad in ["", "s", "-1s", "abc", "1y", "nan", "inf"] {
            #expect(throws: SyslabError.self) { try CommandArguments.duration(bad, option: "--ttl") }
        }
    }

    @Test func parametersAndTargets() throws {
        let params = try CommandArguments.parameters(["delay_ms=25", "message=hello there", "flag=true", "q=\"7\""])
        #expect(params == ["delay_ms": 25, "message": "hello there", "flag": true, "q": "7"])
        #expect(throws: SyslabError.self) { try CommandArguments.parameters(["novalue"]) }
        let target = try CommandArguments.target(["route=/x,component=postgres", "tags=a", "tags=b,probability=0.5"])
        #expect(target == ["route": "/x", "component": "postgres", "tags": ["a", "b"], "probability": 0.5])
        #expect(throws: SyslabError.self) { try CommandArguments.target(["colour=red"]) }
        #expect(try CommandArguments.target([]) == nil)
    }
}

struct ListenAddressTests {
    @Test func parsesHostsAndPorts() throws {
        #expect(try ServeServer.ListenAddress(parsing: "127.0.0.1:8080") == .init(host: "127.0.0.1", port: 8080))
        #expect(try ServeServer.ListenAddress(parsing: "[::1]:0") == .init(host: "::1", port: 0))
        #expect(try ServeServer.ListenAddress(parsing: "localhost:9").isLoopback)
        #expect(try !ServeServer.ListenAddress(parsing: "0.0.0.0:80").isLoopback)
        for bad in ["8080", "host:", ":80", "h:99999", "[::1]80"] {
            #expect(throws: SyslabError.self) { try ServeServer.ListenAddress(parsing: bad) }
        }
    }

    @Test func routeTableHasEveryOperation() {
        #expect(Set(Route.all.map(\.operation)) == Set(Operation.allCases))
        #expect(Set(Route.all.map { "\($0.method) \($0.path)" }).count == Route.all.count)
    }
}
