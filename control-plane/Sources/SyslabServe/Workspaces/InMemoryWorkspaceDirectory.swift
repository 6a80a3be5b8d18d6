import SyslabCore
import SyslabStore

/// Workspaces held in this process only: each is a plain `ScenarioRegistry`.
/// What `syslab serve` uses without `--redis` (one process, for tests and demos).
public final class InMemoryWorkspaceDirectory: WorkspaceDirectory, @unchecked Sendable {
    public let kind = "memory"
    private let lock = Lock()
    private var registries: [String: ScenarioRegistry]
    private let makeRegistry: @Sendable () -> ScenarioRegistry

    /// `makeRegistry` builds the registry of each new workspace (tests pass a seeded one).
    public init(makeRegistry: @escaping @Sendable () -> ScenarioRegistry = { ScenarioRegistry() }) {
        self.makeRegistry = makeRegistry
        registries = [WorkspaceName.default: makeRegistry()]
    }

    public func workspaces() -> [String] { lock.withLock { registries.keys.sorted() } }

    public func createWorkspace(_ name: String) throws {
        try WorkspaceName.validate(name)
        let registry = makeRegistry()
        try lock.withLock {
            guard registries[name] == nil else {
                throw SyslabError.alreadyExists("workspace '\(name)' already exists")
            }
            registries[name] = registry
        }
    }

    public func deleteWorkspace(_ name: String) throws {
        guard name != WorkspaceName.default else {
            throw SyslabError.invalidArgument("workspace 'default' cannot be deleted")
        }
        try lock.withLock {
            guard registries.removeValue(forKey: name) != nil else { throw Self.unknown(name) }
        }
    }

    public func registry(for workspace: String) throws -> ScenarioRegistry {
        try lock.withLock {
            guard let registry = registries[workspace] else { throw Self.unknown(workspace) }
            return registry
        }
    }

    public func metricsText() -> String {
        let all = lock.withLock { registries.sorted { $0.key < $1.key } }
        return FleetMetricsText.merge(all.map { .init(workspace: $0.key, instance: nil, text: $0.value.metricsText()) })
    }

    public func close() {}

    static func unknown(_ name: String) -> SyslabError {
        .notFound("unknown workspace '\(ErrorText.quoted(name))'")
    }
}
