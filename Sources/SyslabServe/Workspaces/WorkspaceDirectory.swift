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

    /// The workspace's store state for status (`store` field), nil in memory.
    func storeStatus(for workspace: String) -> JSONValue?

    /// The Prometheus text of every workspace, each sample labelled `workspace`.
    func metricsText() throws -> String

    /// Lets go of connections (a no-op in memory).
    func close()
}

/// Workspace names: what a URL path segment, a Redis key part and a
/// Prometheus label value all carry without escaping.
public enum WorkspaceName {
    public static let `default` = "default"
    public static let maxLength = 64

    public static func validate(_ name: String) throws {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= maxLength else {
            throw SyslabError.invalidArgument(
                "workspace name must be 1 to \(maxLength) characters, got \(bytes.count)")
        }
        let allowed = { (b: UInt8) in
            (b >= 97 && b <= 122) || (b >= 48 && b <= 57) || b == UInt8(ascii: "-") || b == UInt8(ascii: "_")
        }
        guard bytes.allSatisfy(allowed), bytes[0] != UInt8(ascii: "-"), bytes[0] != UInt8(ascii: "_") else {
            throw SyslabError.invalidArgument(
                "workspace name '\(ErrorText.quoted(name))' must be lowercase letters, digits, '-' and '_', starting with a letter or digit")
        }
    }
}
