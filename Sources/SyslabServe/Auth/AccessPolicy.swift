import SyslabCore

/// Who may call what. Every route but /healthz needs a valid bearer token
/// when the server has a secret:
///   viewer   GET routes, in the workspaces the token lists;
///   operator also enable, disable and reset there;
///   admin    also create and delete workspaces (listed, or "*").
/// /metrics takes any valid token, or none with `metricsOpen`. Without a
/// secret (a loopback demo) nothing is checked.
public struct AccessPolicy: Sendable {
    public let authority: TokenAuthority?
    public let metricsOpen: Bool

    public init(authority: TokenAuthority?, metricsOpen: Bool = false) {
        self.authority = authority
        self.metricsOpen = metricsOpen
    }

    /// What a route needs, given the workspace it acts on.
    public enum Need: Sendable, Equatable {
        case nothing
        case metricsReader
        case anyToken
        case read(workspace: String)
        case control(workspace: String)
        /// nil: the role is checked now, the workspace once the body names it.
        case administer(workspace: String?)
    }

    public static func need(for operation: Operation, workspace: String) -> Need {
        switch operation {
        case .health: return .nothing
        case .metrics: return .metricsReader
        case .listWorkspaces: return .anyToken
        case .listScenarios, .status: return .read(workspace: workspace)
        case .enable, .disable, .reset: return .control(workspace: workspace)
        case .createWorkspace: return .administer(workspace: nil)
        case .deleteWorkspace: return .administer(workspace: workspace)
        }
    }

    /// The token's claims (nil when none was needed or no secret is set),
    /// or the 401/403 to answer.
    public func authorize(_ need: Need, authorization: String?) async throws(APIError) -> AccessClaims? {
        guard let authority else { return nil }
        if need == .nothing || (need == .metricsReader && metricsOpen) { return nil }
        guard let authorization else { throw .unauthorized("missing bearer token (Authorization: Bearer <JWT>)") }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw .unauthorized("the Authorization header must be 'Bearer <JWT>'")
        }
        let claims: AccessClaims
        do { claims = try await authority.verify(String(parts[1]).trimmingSpaces) } catch {
            throw .unauthorized(error.reason)
        }
        try Self.check(need, claims)
        return claims
    }

    /// The role and workspace rules alone (a verified token's claims).
    public static func check(_ need: Need, _ claims: AccessClaims) throws(APIError) {
        switch need {
        case .nothing, .metricsReader, .anyToken:
            return
        case .read(let workspace):
            try requireWorkspace(workspace, claims)
        case .control(let workspace):
            guard claims.role >= .operator else {
                throw .forbidden("role '\(claims.role.rawValue)' cannot change scenarios (needs operator or admin)")
            }
            try requireWorkspace(workspace, claims)
        case .administer(let workspace):
            guard claims.role == .admin else {
                throw .forbidden("role '\(claims.role.rawValue)' cannot create or delete workspaces (needs admin)")
            }
            if let workspace { try requireWorkspace(workspace, claims) }
        }
    }

    private static func requireWorkspace(_ workspace: String, _ claims: AccessClaims) throws(APIError) {
        guard claims.covers(workspace: workspace) else {
            throw .forbidden("the token does not cover workspace '\(ErrorText.quoted(workspace))'")
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
