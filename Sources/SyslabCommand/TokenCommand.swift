import ArgumentParser
import FoundationEssentials
import SyslabCore
import SyslabServe

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Mint a bearer token for `syslab serve` (HS256, the server's secret).")

    @Option(name: .long, help: "viewer, operator or admin.")
    var role: String

    @Option(name: .long, help: "A workspace the token covers (repeatable; * for all).")
    var workspace: [String] = []

    @Option(name: .long, help: "How long it is valid: 30m, 1h, 7d.")
    var ttl: String = "1h"

    @Option(name: .long, help: "The token's subject (who holds it).")
    var subject: String?

    @Option(name: .long, help: "A file holding the HS256 secret (default: $SYSLAB_JWT_SECRET).")
    var jwtSecretFile: String?

    func run() async throws {
        try await reportingErrors {
            guard let role = Role(rawValue: role) else {
                throw SyslabError.invalidArgument("--role must be viewer, operator or admin, got '\(ErrorText.quoted(role))'")
            }
            guard !workspace.isEmpty else {
                throw SyslabError.invalidArgument("give at least one --workspace (or --workspace '*' for all)")
            }
            for name in workspace where name != "*" { try WorkspaceName.validate(name) }
            let seconds = try CommandArguments.duration(ttl, option: "--ttl")
            guard seconds > 0 else { throw SyslabError.outOfRange("--ttl must be more than 0") }
            guard let secret = try TokenAuthority.secret(file: jwtSecretFile, environment: environment()) else {
                throw SyslabError.invalidArgument("no JWT secret: set SYSLAB_JWT_SECRET or pass --jwt-secret-file")
            }
            let authority = try await TokenAuthority(secret: secret)
            let claims = AccessClaims(role: role, workspaces: workspace, expires: Date(timeIntervalSinceNow: seconds), subject: subject)
            print(try await authority.sign(claims))
        }
    }
}
