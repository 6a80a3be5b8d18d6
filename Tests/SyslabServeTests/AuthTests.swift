import FoundationEssentials
import JWTKit
import SyslabCore
import Testing

@testable import SyslabServe

/// Bearer tokens and role decisions: 401 for a token that is not valid,
/// 403 for a valid one without the right.
struct AuthTests {
    static let secret = "a-test-secret-of-32-bytes-length"

    func token(_ role: Role, _ workspaces: [String], expiresIn seconds: Double = 600, secret: String = secret) async throws -> String {
        let authority = try await TokenAuthority(secret: secret)
        return try await authority.sign(AccessClaims(role: role, workspaces: workspaces, expires: Date(timeIntervalSinceNow: seconds)))
    }

    static func base64url(_ text: String) -> String {
        Data(text.utf8).base64EncodedString().replacing("+", with: "-").replacing("/", with: "_").replacing("=", with: "")
    }

    @Test func validTokenRoundTrips() async throws {
        let authority = try await TokenAuthority(secret: Self.secret)
        let claims = try await authority.verify(try await token(.operator, ["team-a"]))
        #expect(claims.role == .operator && claims.workspaces == ["team-a"])
    }

    @Test func invalidTokensAreRefused() async throws {
        let authority = try await TokenAuthority(secret: Self.secret)
        let expired = try await token(.admin, ["*"], expiresIn: -5)
        let otherSecret = try await token(.admin, ["*"], secret: "another-secret-of-32-bytes-or-more")
        let payload = Self.base64url(#"{"role":"admin","workspaces":["*"],"exp":4102444800}"#)
        let unsigned = Self.base64url(#"{"alg":"none","typ":"JWT"}"#) + "." + payload + "."
        // Signed correctly, but without the required exp claim.
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: Self.secret), digestAlgorithm: .sha256)
        struct NoExpiry: JWTPayload {
            var role = "admin"
            var workspaces = ["*"]
            func verify(using algorithm: some JWTAlgorithm) async throws {}
        }
        let noExpiry = try await keys.sign(NoExpiry())
        let valid = try await token(.admin, ["*"])
        let tampered = String(valid.dropLast(2)) + (valid.hasSuffix("AA") ? "BB" : "AA")
        for (label, bad) in [("expired", expired), ("other secret", otherSecret), ("alg none", unsigned),
                             ("no exp", noExpiry), ("tampered", tampered), ("garbage", "not.a.jwt"), ("empty", "")] {
            await #expect(throws: InvalidToken.self, "\(label)") { _ = try await authority.verify(bad) }
        }
        await #expect(throws: SyslabError.self) { _ = try await TokenAuthority(secret: "short") }
    }

    @Test func rolesAndWorkspaces() throws {
        let viewer = AccessClaims(role: .viewer, workspaces: ["team-a"], expires: Date(timeIntervalSinceNow: 60))
        let op = AccessClaims(role: .operator, workspaces: ["team-a"], expires: Date(timeIntervalSinceNow: 60))
        let admin = AccessClaims(role: .admin, workspaces: ["*"], expires: Date(timeIntervalSinceNow: 60))
        func allowed(_ need: AccessPolicy.Need, _ claims: AccessClaims) -> Bool {
            (try? AccessPolicy.check(need, claims)) != nil
        }
        #expect(allowed(.read(workspace: "team-a"), viewer))
        #expect(!allowed(.read(workspace: "team-b"), viewer))
        #expect(!allowed(.control(workspace: "team-a"), viewer))
        #expect(allowed(.control(workspace: "team-a"), op))
        #expect(!allowed(.control(workspace: "default"), op))
        #expect(!allowed(.administer(workspace: "team-a"), op))
        #expect(!allowed(.administer(workspace: nil), op))
        #expect(allowed(.administer(workspace: "anything"), admin))
        #expect(allowed(.metricsReader, viewer) && allowed(.anyToken, viewer))
    }

    @Test func controlAPIAnswers401And403() async throws {
        let directory = InMemoryWorkspaceDirectory()
        try directory.createWorkspace("team-a")
        let api = ControlAPI(directory: directory, policy: AccessPolicy(authority: try await TokenAuthority(secret: Self.secret)))
        let enable = Route.all.first { $0.operation == .enable && $0.takesWorkspace }!
        let body = Array(#"{"name": "error-burst"}"#.utf8)
        func status(_ authorization: String?, _ workspace: String = "team-a") async -> Int {
            await api.handle(enable, workspace: workspace, authorization: authorization, body: body).status
        }
        #expect(await status(nil) == 401)
        #expect(await status("Basic abc") == 401)
        #expect(await status("Bearer " + (try await token(.operator, ["team-a"], expiresIn: -1))) == 401)
        #expect(await status("Bearer " + (try await token(.viewer, ["team-a"]))) == 403)
        #expect(await status("Bearer " + (try await token(.operator, ["team-b"]))) == 403)
        #expect(await status("Bearer " + (try await token(.operator, ["team-a"]))) == 200)
        let unauthorized = await api.handle(enable, workspace: "team-a", authorization: nil, body: body)
        #expect(unauthorized.headers.contains { $0.0 == "WWW-Authenticate" })
        // Health needs nothing; metrics needs a token unless open.
        let health = Route.all.first { $0.operation == .health }!
        let metrics = Route.all.first { $0.operation == .metrics }!
        #expect(await api.handle(health, workspace: nil, authorization: nil, body: []).status == 200)
        #expect(await api.handle(metrics, workspace: nil, authorization: nil, body: []).status == 401)
        #expect(await api.handle(metrics, workspace: nil, authorization: "Bearer " + (try await token(.viewer, ["x"])), body: []).status == 200)
        let open = ControlAPI(directory: directory, policy: AccessPolicy(authority: try await TokenAuthority(secret: Self.secret), metricsOpen: true))
        #expect(await open.handle(metrics, workspace: nil, authorization: nil, body: []).status == 200)
        // A viewer sees only the workspaces its token lists; an admin creates workspaces.
        let list = Route.all.first { $0.operation == .listWorkspaces }!
        let listed = await api.handle(list, workspace: nil, authorization: "Bearer " + (try await token(.viewer, ["team-a"])), body: [])
        #expect(try JSONValue.parse(listed.body)["workspaces"] == ["team-a"])
        let create = Route.all.first { $0.operation == .createWorkspace }!
        let created = await api.handle(create, workspace: nil, authorization: "Bearer " + (try await token(.admin, ["*"])),
                                       body: Array(#"{"name": "team-c"}"#.utf8))
        #expect(created.status == 201)
        let refused = await api.handle(create, workspace: nil, authorization: "Bearer " + (try await token(.admin, ["team-a"])),
                                       body: Array(#"{"name": "team-d"}"#.utf8))
        #expect(refused.status == 403)
    }
}
