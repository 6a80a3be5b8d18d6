import SyslabCore

/// Where `syslab serve` and the `syslab` command find workspaces: isolated
/// enabled sets, each seen through a `ScenarioRegistry`. Two adapters: one
/// process's memory (`InMemoryWorkspaceDirectory`) and a Redis fleet
/// (`RedisWorkspaceDirectory`). Failures are `SyslabError`s.
public protocol WorkspaceDirectory: AnyObject, Sendable {
    /// "memory" or "redis", reported by /healthz and `syslab status`.
    var kind: String { get }

    /// Every workspace, sorted; always includes `default`.
    func workspaces() throws -> [String]

    /// Throws `alreadyExists`, or `invalidArgument` for a bad name.
    func createWorkspace(_ name: String) throws

    /// Throws `notFound`; `default` cannot be deleted (`invalidArgument`).
    func deleteWorkspace(_ name: String) throws

    /// The registry of an existing workspace (`notFound` otherwise).
    /// Enable, disable and reset on it change the workspace's enabled set.
    func registry(for workspace: String) throws -> ScenarioRegistry

    /// The Prometheus text of every workspace, each sample labelled `workspace`.
    func metricsText() throws -> String

    /// Lets go of connections (a no-op in memory).
    func close()
}

/// Workspace names: what a URL path segment, a Redis key part and a
/// Prometheus label value all carry without escaping (the Redis store's rule).
public enum WorkspaceName {
    public static let `default` = "default"
    public static let maxLength = 64

    public static func validate(_ name: String) throws {
        let allowed = name.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || c == UInt8(ascii: "_") || c == UInt8(ascii: ".") || c == UInt8(ascii: "-")
        }
        guard allowed, (1...maxLength).contains(name.utf8.count) else {
            throw SyslabError.invalidArgument(
                "workspace name '\(ErrorText.quoted(name))' must be 1 to \(maxLength) characters from A-Z, a-z, 0-9, '_', '.', '-'")
        }
    }
}
