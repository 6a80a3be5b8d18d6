import ArgumentParser
import SyslabCore
import SyslabServe

struct WorkspacesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workspaces",
        abstract: "List, create or delete the workspaces of a Redis store.",
        discussion: "syslab workspaces [list] | create NAME | delete NAME  (all with --redis URL)")

    @Argument(help: "list, create or delete.")
    var action: String = "list"

    @Argument(help: "The workspace to create or delete.")
    var name: String?

    @Option(name: .long, help: "The fleet's Redis store, e.g. redis://127.0.0.1:6379/0.")
    var redis: String?

    @Flag(name: .long, help: "Print JSON instead of readable text.")
    var json = false

    func run() async throws {
        try await reportingErrors {
            guard redis != nil else {
                throw SyslabError.invalidArgument("workspaces needs --redis URL: workspaces live in the fleet's Redis store")
            }
            let directory = try WorkspaceDirectories.open(redis: redis, joinsFleet: false)
            defer { directory.close() }
            switch (action, name) {
            case ("list", nil):
                let names = try directory.workspaces()
                emit(["workspaces": .array(names.map { .string($0) })], json: json) { _ in names.joined(separator: "\n") }
            case ("create", let name?):
                try directory.createWorkspace(name)
                emit(["workspace": .string(name), "created": true], json: json) { _ in "created workspace \(name)" }
            case ("delete", let name?):
                try directory.deleteWorkspace(name)
                emit(["workspace": .string(name), "deleted": true], json: json) { _ in "deleted workspace \(name)" }
            default:
                throw SyslabError.invalidArgument("usage: syslab workspaces [list] | create NAME | delete NAME")
            }
        }
    }
}
