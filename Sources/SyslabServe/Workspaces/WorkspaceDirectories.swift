import SyslabCore

/// Opens the workspace directory a command asks for.
public enum WorkspaceDirectories {
    /// `redis` nil: workspaces in this process's memory. `joinsFleet`: the
    /// registries count as fleet members (a long-lived server does; a
    /// one-shot command does not).
    public static func open(redis: String?, joinsFleet: Bool) throws -> any WorkspaceDirectory {
        guard let redis else { return InMemoryWorkspaceDirectory() }
        _ = joinsFleet
        throw SyslabError.invalidArgument(
            "this build of syslab has no Redis store yet (asked for '\(ErrorText.quoted(redis))')")
    }
}
