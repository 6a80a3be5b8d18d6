import ArgumentParser

/// `syslab`: switch scenarios on a fleet that shares a Redis store, manage
/// workspaces, mint tokens, and serve the HTTP control API.
@main
struct Syslab: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "syslab",
        abstract: "Operate libsyslab scenarios on a fleet: scenario commands, workspaces, tokens and the HTTP control API.",
        discussion: """
            Scenario commands act on the enabled set that every registry opened with the same \
            Redis URL and workspace shares. See docs/serve.md.
            """,
        subcommands: [
            ScenariosCommand.self, StatusCommand.self, EnableCommand.self, DisableCommand.self, ResetCommand.self,
            WorkspacesCommand.self, ServeCommand.self, TokenCommand.self,
        ])
}
