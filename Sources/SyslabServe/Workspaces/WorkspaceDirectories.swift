/// Opens the workspace directory a command asks for.
public enum WorkspaceDirectories {
    /// `redis` nil: workspaces in this process's memory. Otherwise the fleet's
    /// Redis store; `joinsFleet`: the registries count as fleet members and
    /// publish their metrics (a long-lived server does; a one-shot command does not).
    public static func open(redis: String?, joinsFleet: Bool) throws -> any WorkspaceDirectory {
        guard let redis else { return InMemoryWorkspaceDirectory() }
        return try RedisWorkspaceDirectory(url: redis, joinsFleet: joinsFleet)
    }
}
