import FoundationEssentials
import JWTKit

/// What a token may do: `viewer` reads, `operator` also changes scenarios,
/// `admin` also creates and deletes workspaces.
public enum Role: String, Codable, Sendable, CaseIterable, Comparable {
    case viewer, `operator`, admin

    private var rank: Int {
        switch self {
        case .viewer: return 0
        case .operator: return 1
        case .admin: return 2
        }
    }

    public static func < (a: Role, b: Role) -> Bool { a.rank < b.rank }
}

/// The claims of a `syslab serve` bearer token. `exp` is required, so no
/// token is valid forever; `workspaces` lists the workspaces it covers,
/// `"*"` meaning all.
public struct AccessClaims: JWTPayload, Equatable {
    public var role: Role
    public var workspaces: [String]
    public var exp: ExpirationClaim
    public var sub: SubjectClaim?

    public init(role: Role, workspaces: [String], expires: Date, subject: String? = nil) {
        self.role = role
        self.workspaces = workspaces
        exp = ExpirationClaim(value: expires)
        sub = subject.map { SubjectClaim(value: $0) }
    }

    public func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
    }

    public func covers(workspace: String) -> Bool {
        workspaces.contains("*") || workspaces.contains(workspace)
    }
}
