/// What a route does; the handler switches on it.
public enum Operation: String, Sendable, CaseIterable {
    case health, metrics
    case listScenarios, status, enable, disable, reset
    case listWorkspaces, createWorkspace, deleteWorkspace
}

/// One route of `syslab serve`. `path` is written as in the OpenAPI document
/// (`{workspace}` for the path parameter); the route table is the single
/// source of the server's routes and of `syslab serve --print-routes`.
public struct Route: Sendable, Equatable {
    public var method: String
    public var path: String
    public var operation: Operation

    /// Scenario routes under /api/sim act on the `default` workspace.
    public var takesWorkspace: Bool { path.contains("{workspace}") }

    public static let all: [Route] = {
        var routes = [
            Route(method: "GET", path: "/healthz", operation: .health),
            Route(method: "GET", path: "/metrics", operation: .metrics),
            Route(method: "GET", path: "/api/workspaces", operation: .listWorkspaces),
            Route(method: "POST", path: "/api/workspaces", operation: .createWorkspace),
            Route(method: "DELETE", path: "/api/workspaces/{workspace}", operation: .deleteWorkspace),
        ]
        let scenarioRoutes: [(String, String, Operation)] = [
            ("GET", "scenarios", .listScenarios), ("GET", "status", .status),
            ("POST", "enable", .enable), ("POST", "disable", .disable), ("POST", "reset", .reset),
        ]
        for prefix in ["/api/sim", "/api/workspaces/{workspace}/sim"] {
            for (method, leaf, operation) in scenarioRoutes {
                routes.append(Route(method: method, path: "\(prefix)/\(leaf)", operation: operation))
            }
        }
        return routes
    }()

    /// One line per route, `METHOD path`, sorted: what --print-routes prints.
    public static var table: String {
        all.map { "\($0.method) \($0.path)" }.sorted().joined(separator: "\n")
    }
}
