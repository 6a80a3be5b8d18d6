import SyslabCore
import SyslabTracing
@testable import SyslabSimulation

/// Small systems for the tests, written the way users write them (JSON).
enum Systems {
    static func parse(_ text: String) throws -> JSONValue { try JSONValue.parse(text) }

    /// One backend with `servers` servers and exponential service.
    static func single(servers: Int, meanServiceMs: Double) throws -> SystemModel {
        try SystemModel(config: parse("""
        {"topology": {"name": "single", "nodes": [{"id": "api", "kind": "backend"}]},
         "nodes": {"api": {"servers": \(servers), "service": {"kind": "exponential", "mean": \(meanServiceMs / 1000)}}}}
        """))
    }

    /// api -> db with a connection pool on the edge.
    static func apiDB(apiServers: Int = 50, dbServers: Int = 20, poolSize: Int = 10, retries: Int = 0,
                      timeout: String? = nil, extraEdge: String = "", extraNodes: String = "", propagation: Bool = false) throws -> SystemModel {
        let timeoutField = timeout.map { "\"timeout\": \"\($0)\"," } ?? ""
        return try SystemModel(config: parse("""
        {"topology": {"name": "api-db", "nodes": [{"id": "api", "kind": "backend"}, {"id": "db", "kind": "postgres"}],
                      "edges": [{"from": "api", "to": "db"}]},
         "nodes": {"api": {"servers": \(apiServers), "service": "2ms"},
                   "db": {"servers": \(dbServers), "service": {"kind": "exponential", "mean": "5ms"}} \(extraNodes)},
         "edges": {"api->db": {\(timeoutField) "retries": \(retries), "pool": {"size": \(poolSize), "wait_timeout": "1s"} \(extraEdge)}},
         "deadline_propagation": \(propagation)}
        """))
    }

    static func rate(_ rate: Double, seconds: Double) -> Workload {
        Workload(executor: .constantArrivalRate(rate: rate, duration: seconds))
    }

    static func run(_ model: SystemModel, _ workload: Workload, scenarios: [ScheduledScenario] = [], seed: UInt64 = 1,
                    options: SimulationOptions? = nil, registry: ScenarioRegistry? = nil) throws -> SimulationResult {
        var o = options ?? SimulationOptions()
        o.seed = seed
        var sim = try SystemSimulation(model: model, workload: workload, schedule: ScenarioSchedule(scenarios), options: o, registry: registry)
        return sim.run()
    }
}
