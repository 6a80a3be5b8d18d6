import ArgumentParser
import SyslabCore
import SyslabServe

/// The workspace's registry, attached to the fleet's store. Without --redis
/// only the catalogue can be read: a change made in this short-lived
/// process would end with it.
func openRegistry(_ options: StoreOptions, changing: Bool) throws -> (any WorkspaceDirectory, ScenarioRegistry) {
    if options.redis == nil, changing || options.workspace != WorkspaceName.default {
        throw SyslabError.invalidArgument(
            "this command needs --redis URL: the scenario state lives in the fleet's Redis store")
    }
    let directory = try WorkspaceDirectories.open(redis: options.redis, joinsFleet: false)
    do {
        return (directory, try directory.registry(for: options.workspace))
    } catch {
        directory.close()
        throw error
    }
}

struct ScenariosCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenarios", abstract: "List the scenarios a workspace can enable.")

    @OptionGroup var store: StoreOptions

    func run() async throws {
        try await reportingErrors {
            let (directory, registry) = try openRegistry(store, changing: false)
            defer { directory.close() }
            emit(registry.catalogueJSON(), json: store.json, text: Readable.scenarios)
        }
    }
}

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show the scenarios enabled in a workspace.")

    @OptionGroup var store: StoreOptions

    func run() async throws {
        try await reportingErrors {
            let (directory, registry) = try openRegistry(store, changing: true)
            defer { directory.close() }
            emit(WorkspaceStatus.json(of: registry, workspace: store.workspace), json: store.json, text: Readable.status)
        }
    }
}

struct EnableCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enable", abstract: "Enable a scenario in a workspace (every attached process follows).")

    @Argument(help: "The scenario's name (see `syslab scenarios`).")
    var name: String

    @Option(name: .customLong("param"), help: "A parameter, KEY=VALUE (repeatable); VALUE is read as JSON when it can be.")
    var params: [String] = []

    @Option(name: .long, help: "Expire after this long: 30s, 5m, 1h (default: no expiry).")
    var ttl: String?

    @Option(name: .long, help: "Where it applies: route=/x,method=GET,component=postgres,tags=a,probability=0.5 (repeatable).")
    var target: [String] = []

    @OptionGroup var store: StoreOptions

    func run() async throws {
        try await reportingErrors {
            var parameters = try CommandArguments.parameters(params)
            if let target = try CommandArguments.target(target) { parameters["target"] = target }
            let seconds = try ttl.map { try CommandArguments.duration($0, option: "--ttl") } ?? 0
            let (directory, registry) = try openRegistry(store, changing: true)
            defer { directory.close() }
            try registry.enable(name, parameters: parameters.isEmpty ? nil : .object(parameters), ttl: seconds)
            emit(WorkspaceStatus.json(of: registry, workspace: store.workspace), json: store.json, text: Readable.status)
        }
    }
}

struct DisableCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disable", abstract: "Disable a scenario in a workspace.")

    @Argument(help: "The scenario's name.")
    var name: String

    @OptionGroup var store: StoreOptions

    func run() async throws {
        try await reportingErrors {
            let (directory, registry) = try openRegistry(store, changing: true)
            defer { directory.close() }
            try registry.disable(name)
            emit(WorkspaceStatus.json(of: registry, workspace: store.workspace), json: store.json, text: Readable.status)
        }
    }
}

struct ResetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset", abstract: "Disable every scenario in a workspace.")

    @OptionGroup var store: StoreOptions

    func run() async throws {
        try await reportingErrors {
            let (directory, registry) = try openRegistry(store, changing: true)
            defer { directory.close() }
            try registry.reset()
            emit(WorkspaceStatus.json(of: registry, workspace: store.workspace), json: store.json, text: Readable.status)
        }
    }
}
