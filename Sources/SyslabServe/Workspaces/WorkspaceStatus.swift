import SyslabCore

/// A workspace's status as the API and the command print it: the
/// registry's status (with its `store` state when attached to one) and the
/// workspace's name.
public enum WorkspaceStatus {
    public static func json(of registry: ScenarioRegistry, workspace: String) -> JSONValue {
        var status = registry.statusJSON().objectValue ?? [:]
        status["workspace"] = .string(workspace)
        return .object(status)
    }
}
