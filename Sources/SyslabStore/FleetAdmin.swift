import SyslabCore

/// Workspace administration and the fleet's metrics, over short-lived
/// connections (for servers and the command-line tool).
public enum FleetAdmin {
    /// Every workspace, sorted; "default" always exists.
    public static func workspaces(url: String) throws -> [String] {
        try withConnection(url) { connection in
            let reply = try connection.command(["SMEMBERS", StoreKeys.workspaces])
            let names = try expectArray(reply, connection).compactMap(\.text)
            return Set(names + [StoreKeys.defaultWorkspace]).sorted()
        }
    }

    /// Creates a workspace; `SyslabError.alreadyExists` when it exists.
    public static func createWorkspace(_ name: String, url: String) throws {
        try StoreKeys.validate(workspace: name)
        try withConnection(url) { connection in
            let reply = try connection.command(["SADD", StoreKeys.workspaces, name])
            if case .error(let message) = reply { throw refused(connection, message) }
            if name == StoreKeys.defaultWorkspace || reply.integer == 0 {
                throw SyslabError.alreadyExists("workspace '\(name)' already exists")
            }
        }
    }

    /// Deletes a workspace and its enabled set (attached registries then see
    /// an empty set). `.notFound` when absent; "default" cannot be deleted.
    public static func deleteWorkspace(_ name: String, url: String) throws {
        let keys = try StoreKeys(workspace: name)
        guard name != StoreKeys.defaultWorkspace else {
            throw SyslabError.invalidArgument("workspace 'default' cannot be deleted")
        }
        try withConnection(url) { connection in
            let reply = try connection.command(["EVAL", StoreScripts.deleteWorkspace, "0", keys.prefix, name])
            if case .error(let message) = reply { throw refused(connection, message) }
            if reply.integer == 0 { throw SyslabError.notFound("workspace '\(name)' does not exist") }
        }
    }

    /// The merged Prometheus text of the fleet's registries: of `workspace`,
    /// or of every workspace when nil. `.notFound` for an unknown workspace.
    public static func metricsText(url: String, workspace: String?) throws -> String {
        let scope: [String]
        if let workspace {
            try StoreKeys.validate(workspace: workspace)
            scope = [workspace]
        } else {
            scope = []
        }
        return try withConnection(url) { connection in
            let known = Set(try expectArray(try connection.command(["SMEMBERS", StoreKeys.workspaces]), connection)
                .compactMap(\.text) + [StoreKeys.defaultWorkspace])
            if let workspace, !known.contains(workspace) {
                throw SyslabError.notFound("workspace '\(workspace)' does not exist")
            }
            var sources: [FleetMetricsText.Source] = []
            for name in (scope.isEmpty ? known.sorted() : scope) {
                let keys = try StoreKeys(workspace: name)
                let reply = try connection.command(["EVAL", StoreScripts.readMetrics, "0", keys.prefix,
                                                    String(RedisStore.fleetMetricsLifetimeMs)])
                let items = try expectArray(reply, connection)
                var i = 0
                while i + 1 < items.count {
                    if let instance = items[i].text, case .bytes(let bytes) = items[i + 1] {
                        sources.append(.init(workspace: name, instance: instance, text: String(decoding: bytes, as: UTF8.self)))
                    }
                    i += 2
                }
            }
            return FleetMetricsText.merge(sources)
        }
    }

    private static func withConnection<T>(_ url: String, _ body: (RedisConnection) throws -> T) throws -> T {
        let parsed = try RedisURL(url)
        let connection = try RedisConnection(url: parsed, timeout: RedisStore.ioTimeout)
        return try body(connection)
    }

    private static func expectArray(_ reply: RedisReply, _ connection: RedisConnection) throws -> [RedisReply] {
        switch reply {
        case .array(let items): return items
        case .error(let message): throw refused(connection, message)
        default: throw SyslabError.io("store \(connection.url.redacted) gave an unexpected reply")
        }
    }

    private static func refused(_ connection: RedisConnection, _ message: String) -> SyslabError {
        .io("store \(connection.url.redacted) refused the request: \(message)")
    }
}
