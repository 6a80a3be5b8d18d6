import SyslabCore
import SyslabStore

/// Workspaces of a Redis fleet (SyslabStore): each workspace's registry is
/// attached to the store, so enable, disable and reset reach every process
/// attached to the same workspace, and /metrics is the fleet's text.
/// Registries are attached on first use and kept; one deleted through this
/// directory is closed at once.
public final class RedisWorkspaceDirectory: WorkspaceDirectory, @unchecked Sendable {
    public let kind = "redis"
    public let url: String
    private let joinsFleet: Bool
    private let lock = Lock()
    private var attached: [String: (registry: ScenarioRegistry, store: RedisStore)] = [:]

    /// Checks that the store answers (a clear error now rather than on the first request).
    public init(url: String, joinsFleet: Bool) throws {
        self.url = url
        self.joinsFleet = joinsFleet
        _ = try FleetAdmin.workspaces(url: url)
    }

    public func workspaces() throws -> [String] { try FleetAdmin.workspaces(url: url) }

    public func createWorkspace(_ name: String) throws {
        try WorkspaceName.validate(name)
        try FleetAdmin.createWorkspace(name, url: url)
    }

    public func deleteWorkspace(_ name: String) throws {
        try FleetAdmin.deleteWorkspace(name, url: url)
        let dropped = lock.withLock { attached.removeValue(forKey: name) }
        dropped?.store.close()
    }

    public func registry(for workspace: String) throws -> ScenarioRegistry {
        if let known = lock.withLock({ attached[workspace] }) { return known.registry }
        // A name no workspace can have is as unknown as any other (404, as in memory).
        guard (try? WorkspaceName.validate(workspace)) != nil, try FleetAdmin.workspaces(url: url).contains(workspace) else {
            throw InMemoryWorkspaceDirectory.unknown(workspace)
        }
        let registry = ScenarioRegistry()
        var options = StoreOptions(url: url, workspace: workspace)
        options.joinsFleet = joinsFleet
        let store = try RedisStore.attach(registry, options: options)
        return lock.withLock {
            // Another request may have attached it meanwhile: keep the first.
            if let winner = attached[workspace] {
                store.close()
                return winner.registry
            }
            attached[workspace] = (registry, store)
            return registry
        }
    }

    public func metricsText() throws -> String { try FleetAdmin.metricsText(url: url, workspace: nil) }

    public func close() {
        let all = lock.withLock { () -> [RedisStore] in
            defer { attached = [:] }
            return attached.values.map(\.store)
        }
        for store in all { store.close() }
    }
}
