import Foundation
import Testing
@testable import SyslabStore
import SyslabCore

@Suite("RedisStore", .serialized)
struct RedisStoreTests {
    @Test func twoRegistriesShareEnableDisableAndResetWithinOneSecond() throws {
        let server = try RedisServer()
        defer { server.stop() }
        let (a, storeA) = try attach(server)
        let (b, storeB) = try attach(server)
        defer { storeA.close(); storeB.close() }

        try a.enable("error-burst", parameters: ["probability": 1])
        #expect(names(a) == ["error-burst"], "applied locally before enable returns")
        #expect(eventually(within: 1) { names(b) == ["error-burst"] })
        let effects = try b.decideAll(RequestContext(route: "/api"))
        #expect(effects.map(\.scenario) == ["error-burst"], "b's decisions see a's enable")

        try b.disable("error-burst")
        #expect(eventually(within: 1) { names(a).isEmpty })

        try a.enable("fixed-latency")
        try a.enable("error-burst")
        #expect(eventually(within: 1) { names(b) == ["fixed-latency", "error-burst"] })
        try b.reset()
        #expect(eventually(within: 1) { names(a).isEmpty })
    }

    @Test func anUnchangedRevisionKeepsTheActivation() throws {
        let server = try RedisServer()
        defer { server.stop() }
        let (a, storeA) = try attach(server)
        let (b, storeB) = try attach(server)
        defer { storeA.close(); storeB.close() }
        try a.enable("fixed-latency")
        #expect(eventually(within: 1) { names(b) == ["fixed-latency"] })
        let first = try #require(b.activeScenarios().first)
        usleep(1_200_000)  // at least two periodic resyncs (0.5 s)
        let later = try #require(b.activeScenarios().first)
        #expect(first === later, "resync left the activation (state, enabled_at) alone")
        #expect(a.activeScenarios().first?.enabledAt == a.activeScenarios().first?.enabledAt)
    }

    @Test func ttlExpiresByTheServersClock() throws {
        let server = try RedisServer()
        defer { server.stop() }
        let (a, storeA) = try attach(server)
        let (b, storeB) = try attach(server)
        defer { storeA.close(); storeB.close() }
        try a.enable("fixed-latency", ttl: 0.6)
        #expect(eventually(within: 1) { names(b) == ["fixed-latency"] })
        let remaining = try #require(b.activeScenarios().first?.expiresAt) - b.clock.now()
        #expect(remaining > 0 && remaining <= 0.6, "b's local expiry comes from the remaining TTL (\(remaining))")
        #expect(eventually(within: 2) { names(a).isEmpty && names(b).isEmpty })
        let exists = try server.connection().command(["EXISTS", "syslab:ws:{default}:scenario:fixed-latency"])
        #expect(exists == .integer(0), "Redis expired the record itself")
    }

    @Test func workspacesAreIsolatedListedCreatedAndDeleted() throws {
        let server = try RedisServer()
        defer { server.stop() }
        let (a, storeA) = try attach(server, workspace: "team-a")
        let (b, storeB) = try attach(server, workspace: "team-b")
        let (a2, storeA2) = try attach(server, workspace: "team-a")
        defer { storeA.close(); storeB.close(); storeA2.close() }
        try a.enable("error-burst")
        #expect(eventually(within: 1) { names(a2) == ["error-burst"] })
        usleep(700_000)
        #expect(names(b).isEmpty, "team-b does not see team-a's set")

        #expect(try FleetAdmin.workspaces(url: server.url) == ["default", "team-a", "team-b"])
        try FleetAdmin.createWorkspace("team-c", url: server.url)
        #expect(try FleetAdmin.workspaces(url: server.url).contains("team-c"))
        #expect(throws: SyslabError.alreadyExists("workspace 'team-c' already exists")) {
            try FleetAdmin.createWorkspace("team-c", url: server.url)
        }
        #expect(throws: SyslabError.alreadyExists("workspace 'default' already exists")) {
            try FleetAdmin.createWorkspace("default", url: server.url)
        }
        #expect(throws: SyslabError.self) { try FleetAdmin.createWorkspace("bad name!", url: server.url) }
        #expect(throws: SyslabError.invalidArgument("workspace 'default' cannot be deleted")) {
            try FleetAdmin.deleteWorkspace("default", url: server.url)
        }
        #expect(throws: SyslabError.notFound("workspace 'nope' does not exist")) {
            try FleetAdmin.deleteWorkspace("nope", url: server.url)
        }
        try FleetAdmin.deleteWorkspace("team-a", url: server.url)
        #expect(eventually(within: 1) { names(a).isEmpty && names(a2).isEmpty }, "deleting empties attached registries")
        #expect(try FleetAdmin.workspaces(url: server.url) == ["default", "team-b", "team-c"])
    }

    @Test func recordsThisProcessCannotApplyAreReportedNotFatal() throws {
        let server = try RedisServer()
        defer { server.stop() }
        let (a, storeA) = try attach(server)
        defer { storeA.close() }
        let raw = try server.connection()
        let prefix = "syslab:ws:{default}:"
        // A Lua-defined scenario enabled by another process, through the same script.
        let body = #"{"name":"lua-only","params":{},"target":null,"ttl":0}"#
        _ = try raw.command(["EVAL", StoreScripts.enable, "0", prefix, "lua-only", body, "0", "default"])
        // Parameters this process rejects.
        let badParams = #"{"name":"fixed-latency","params":{"delay_ms":-5},"target":null,"ttl":0}"#
        _ = try raw.command(["EVAL", StoreScripts.enable, "0", prefix, "fixed-latency", badParams, "0", "default"])
        // Corrupt and hostile records written behind the library's back.
        _ = try raw.command(["SET", prefix + "scenario:error-burst", "{not json"])
        _ = try raw.command(["SET", prefix + "scenario:tail-latency", String(repeating: "x", count: 200_000)])
        _ = try raw.command(["HSET", prefix + "scenario:slow-start", "a", "b"])
        _ = try raw.command(["EVAL", "return redis.call('SET', ARGV[1], string.char(123, 255, 125))", "0", prefix + "scenario:variable-latency"])
        _ = try raw.command(["SADD", prefix + "scenarios", "error-burst", "tail-latency", "slow-start", "variable-latency",
                             String(repeating: "n", count: 300)])
        _ = try raw.command(["SET", prefix + "scenario:" + String(repeating: "n", count: 300), "{}"])
        _ = try raw.command(["PUBLISH", prefix + "changes", "x"])

        try a.enable("rate-limit")  // still works beside the bad records
        func unapplied() -> [String: String] {
            var out: [String: String] = [:]
            for item in a.statusJSON()["store"]?["unapplied"]?.arrayValue ?? [] {
                out[item["name"]?.stringValue ?? "?"] = item["reason"]?.stringValue ?? ""
            }
            return out
        }
        #expect(eventually(within: 2) { unapplied().count == 7 })
        let reasons = unapplied()
        #expect(reasons["lua-only"]?.contains("not defined in this process") == true)
        #expect(reasons["fixed-latency"]?.contains("delay_ms") == true)
        #expect(reasons["error-burst"]?.contains("corrupt record") == true)
        #expect(reasons["tail-latency"]?.contains("200000 bytes") == true)
        #expect(reasons["slow-start"]?.contains("hash") == true)
        #expect(reasons["variable-latency"]?.contains("UTF-8") == true)
        #expect(reasons[String(repeating: "n", count: 64) + "..."] == "the name is longer than 256 bytes")
        #expect(names(a) == ["rate-limit"])
        #expect(storeA.isConnected)
    }

    @Test func aFloodOfRecordsIsCappedAndReported() throws {
        let server = try RedisServer()
        defer { server.stop() }
        let flood = """
            for i = 1, 4200 do
              redis.call('SET', ARGV[1] .. 'scenario:x' .. i, '{}')
              redis.call('SADD', ARGV[1] .. 'scenarios', 'x' .. i)
            end
            return 'ok'
            """
        _ = try server.connection().command(["EVAL", flood, "0", "syslab:ws:{default}:"])
        let (a, store) = try attach(server)
        defer { store.close() }
        let unapplied = a.statusJSON()["store"]?["unapplied"]?.arrayValue ?? []
        #expect(unapplied.count == 4097, "4096 records read (each unapplied), then one note")
        #expect(unapplied.contains { $0["reason"]?.stringValue?.contains("more than 4096 records") == true })
        try a.enable("fixed-latency")
        #expect(names(a) == ["fixed-latency"])
    }

    @Test func closeDetachesAndIsIdempotent() throws {
        let server = try RedisServer()
        defer { server.stop() }
        let (a, store) = try attach(server)
        let (b, storeB) = try attach(server)
        defer { storeB.close() }
        store.close()
        store.close()
        #expect(a.attachedStore == nil && !store.isConnected)
        try a.enable("fixed-latency")  // in memory again: not shared
        usleep(700_000)
        #expect(names(b).isEmpty)
    }

    @Test func redisDownAtOpenFailsClearlyOrStartsEmpty() throws {
        let port = try RedisServer.freePort()
        let url = "redis://127.0.0.1:\(port)/0"
        let registry = ScenarioRegistry()
        do {
            _ = try RedisStore.attach(registry, options: StoreOptions(url: url))
            Issue.record("attach to a closed port succeeded")
        } catch let error as SyslabError {
            guard case .io(let message) = error else { Issue.record("not an I/O error: \(error)"); return }
            #expect(message.contains(url), "the message names the URL: \(message)")
        }
        #expect(registry.attachedStore == nil)
        try registry.enable("fixed-latency")  // back in memory, works as before

        var options = StoreOptions(url: "redis://:secret@127.0.0.1:\(port)/0")
        options.startEmptyWhenDown = true
        let empty = ScenarioRegistry()
        let store = try RedisStore.attach(empty, options: options)
        defer { store.close() }
        #expect(!store.isConnected)
        #expect(empty.statusJSON()["store"]?["connected"] == .bool(false))
        #expect(empty.statusJSON()["store"]?["url"] == .string("redis://:***@127.0.0.1:\(port)/0"))
        #expect(empty.metricsText().contains("syslab_store_connected{workspace=\"default\"} 0"))
        #expect(throws: SyslabError.self) { try empty.enable("fixed-latency") }
        do { try empty.enable("fixed-latency") } catch let error as SyslabError {
            #expect(error.message.hasPrefix("store unavailable: "), "\(error)")
        }
        #expect(names(empty).isEmpty, "a refused enable is not applied")
    }

    @Test func killMinus9AndRestartReconnectsAndLosesNothingAcknowledged() throws {
        let server = try RedisServer()
        defer { server.stop() }
        let (a, storeA) = try attach(server)
        let (b, storeB) = try attach(server)
        defer { storeA.close(); storeB.close() }
        try a.enable("error-burst", parameters: ["probability": 1])
        try a.enable("fixed-latency", ttl: 3600)
        #expect(eventually(within: 1) { names(b).count == 2 })

        server.kill()
        #expect(eventually(within: 3) { !storeA.isConnected && !storeB.isConnected })
        #expect(names(b).count == 2, "the last known set keeps applying while disconnected")
        #expect(b.metricsText().contains("syslab_store_connected{workspace=\"default\"} 0"))
        #expect(throws: SyslabError.self) { try a.enable("rate-limit") }
        #expect(throws: SyslabError.self) { try b.disable("error-burst") }
        #expect(names(a).count == 2 && names(b).count == 2, "refused changes were not applied")

        try server.start()
        #expect(eventually(within: 8) { storeA.isConnected && storeB.isConnected }, "reconnected with backoff")
        #expect(names(a) == ["error-burst", "fixed-latency"] && names(b) == ["error-burst", "fixed-latency"],
                "everything acknowledged before the crash survived it")
        try b.disable("error-burst")
        #expect(eventually(within: 1) { names(a) == ["fixed-latency"] })
        #expect(b.metricsText().contains("syslab_store_connected{workspace=\"default\"} 1"))
    }

    @Test func fleetMetricsCarryWorkspaceAndInstanceLabels() throws {
        let server = try RedisServer()
        defer { server.stop() }
        let (a, storeA) = try attach(server, workspace: "w1", instance: "svc-1", joinsFleet: true)
        let (b, storeB) = try attach(server, workspace: "w1", instance: "svc-2", joinsFleet: true)
        let (c, storeC) = try attach(server, workspace: "w2", instance: "svc-3", joinsFleet: true)
        defer { storeA.close(); storeB.close(); storeC.close() }
        try a.enable("error-burst", parameters: ["probability": 1])
        #expect(eventually(within: 1) { names(b) == ["error-burst"] })
        _ = try b.decideAll(RequestContext(route: "/x"))
        _ = c
        #expect(a.metricsText().contains("simulator_scenarios_enabled{workspace=\"w1\"} 1"), "workspace label on a store-attached registry")
        var text = ""
        #expect(eventually(within: 2) {
            text = (try? FleetAdmin.metricsText(url: server.url, workspace: nil)) ?? ""
            return text.contains("syslab_instance=\"svc-2\"") && text.contains("simulator_injections_total{workspace=\"w1\",syslab_instance=\"svc-2\"")
                && text.contains("syslab_instance=\"svc-3\"")
        })
        let helpLines = text.split(separator: "\n").filter { $0.hasPrefix("# HELP simulator_scenarios_enabled ") }
        #expect(helpLines.count == 1, "HELP once per family")
        #expect(text.contains("simulator_scenarios_enabled{workspace=\"w1\",syslab_instance=\"svc-1\"} 1"))
        #expect(text.contains("simulator_scenarios_enabled{workspace=\"w2\",syslab_instance=\"svc-3\"} 0"))
        let w2 = try FleetAdmin.metricsText(url: server.url, workspace: "w2")
        #expect(w2.contains("svc-3") && !w2.contains("svc-1"))
        #expect(throws: SyslabError.notFound("workspace 'zzz' does not exist")) {
            try FleetAdmin.metricsText(url: server.url, workspace: "zzz")
        }
        storeB.close()
        #expect(!(try FleetAdmin.metricsText(url: server.url, workspace: "w1")).contains("svc-2"), "a closed instance withdraws its metrics")
    }

    @Test func inMemoryRegistriesKeepTodaysExposition() throws {
        let registry = ScenarioRegistry()
        try registry.enable("fixed-latency")
        #expect(registry.metricsText().contains("simulator_scenarios_enabled 1\n"))
        #expect(!registry.metricsText().contains("workspace"))
        #expect(registry.statusJSON()["store"] == nil)
    }
}

@Suite("StoreOptions")
struct StoreOptionsTests {
    @Test func readsAndValidatesTheStoreKeys() throws {
        #expect(try StoreOptions.from(options: ["seed": 1]) == nil)
        let o = try #require(try StoreOptions.from(options: [
            "store": "redis://h:7000/2", "workspace": "team-a", "on_store_down": "start_empty",
            "resync_seconds": 0.25, "instance": "x", "joins_fleet": false,
        ]))
        #expect(o.url == "redis://h:7000/2" && o.workspace == "team-a" && o.startEmptyWhenDown)
        #expect(o.resyncInterval == 0.25 && o.instance == "x" && !o.joinsFleet)
        let url = try RedisURL("redis://user:pw@h:7000/2")
        #expect(url.host == "h" && url.port == 7000 && url.database == 2 && url.user == "user" && url.password == "pw")
        #expect(url.redacted == "redis://user:***@h:7000/2")
        #expect(try RedisURL("redis://localhost").port == 6379)
        #expect(try RedisURL("redis://[::1]:7000").host == "::1")
        do {
            _ = try RedisURL("rediss://:topsecret@h:1")
            Issue.record("rediss:// accepted")
        } catch let error as SyslabError {
            #expect(error.message.contains("'rediss'") && !error.message.contains("topsecret"), "\(error)")
        }

        let bad: [[String: JSONValue]] = [
            ["store": 5], ["store": "http://h:1"], ["store": "redis://"], ["store": "redis://h:99999"],
            ["store": "redis://h/x"], ["store": "redis://h", "workspace": "a b"],
            ["store": "redis://h", "workspace": .string(String(repeating: "a", count: 65))],
            ["store": "redis://h", "on_store_down": "ignore"], ["store": "redis://h", "resync_seconds": 0],
            ["store": "redis://h", "joins_fleet": "yes"], ["workspace": "w"],
        ]
        for options in bad {
            #expect(throws: SyslabError.self, "\(options)") { try StoreOptions.from(options: options) }
        }
    }
}
