import ArgumentParser
import SyslabCore
import SyslabServe

#if canImport(Glibc)
import Glibc
#endif

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the HTTP control API and /metrics (routes: --print-routes, docs/serve.md).",
        discussion: """
            With --redis URL the server acts on the fleet's shared workspaces. Without it, it keeps \
            workspaces in its own memory: one process, for tests and demos.

            With a JWT secret (SYSLAB_JWT_SECRET or --jwt-secret-file) every route but /healthz \
            needs 'Authorization: Bearer <token>' (mint one with `syslab token`). Without one, \
            nothing is checked, so the server refuses a non-loopback --listen unless --insecure.
            """)

    @Option(name: .long, help: "HOST:PORT to listen on; port 0 picks a free one (the bound address is printed).")
    var listen: String = "127.0.0.1:8080"

    @Option(name: .long, help: "The fleet's Redis store, e.g. redis://127.0.0.1:6379/0 (default: in memory).")
    var redis: String?

    @Option(name: .long, help: "A file holding the HS256 secret (default: $SYSLAB_JWT_SECRET).")
    var jwtSecretFile: String?

    @Flag(name: .long, help: "Serve /metrics without a token.")
    var metricsOpen = false

    @Flag(name: .long, help: "Allow a non-loopback --listen without a JWT secret.")
    var insecure = false

    @Flag(name: .long, help: "Print the route table (METHOD path per line) and exit.")
    var printRoutes = false

    func run() async throws {
        if printRoutes {
            print(Route.table)
            return
        }
        try await reportingErrors {
            let address = try ServeServer.ListenAddress(parsing: listen)
            let secret = try TokenAuthority.secret(file: jwtSecretFile, environment: environment())
            if secret == nil, !address.isLoopback, !insecure {
                throw SyslabError.invalidArgument(
                    "refusing to listen on \(listen) without a JWT secret (set SYSLAB_JWT_SECRET or --jwt-secret-file, or pass --insecure)")
            }
            var authority: TokenAuthority? = nil
            if let secret { authority = try await TokenAuthority(secret: secret) }
            if authority == nil { printError("warning: no JWT secret: requests are not authenticated") }
            let directory = try WorkspaceDirectories.open(redis: redis, joinsFleet: true)
            defer { directory.close() }
            let api = ControlAPI(directory: directory, policy: AccessPolicy(authority: authority, metricsOpen: metricsOpen))
            try await ServeServer.run(api, listen: address) { bound in
                print("syslab serve: listening on http://\(bound) (store: \(directory.kind))")
                fflush(stdout)
            }
        }
    }
}

func environment() -> [String: String] {
    var out: [String: String] = [:]
    var pointer = environ
    while let entry = pointer.pointee {
        let pair = String(cString: entry)
        if let eq = pair.firstIndex(of: "=") { out[String(pair[..<eq])] = String(pair[pair.index(after: eq)...]) }
        pointer += 1
    }
    return out
}
