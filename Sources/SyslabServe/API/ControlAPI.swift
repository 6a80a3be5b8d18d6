import FoundationEssentials
import SyslabCore

/// A response before it meets HTTP: status, content type and body.
public struct APIResponse: Sendable, Equatable {
    public static let jsonType = "application/json"

    public var status: Int
    public var contentType: String
    public var body: String
    /// Extra headers (WWW-Authenticate on a 401).
    public var headers: [(String, String)] = []

    public init(status: Int, contentType: String = APIResponse.jsonType, body: String) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    public init(status: Int = 200, json: JSONValue) {
        self.init(status: status, body: json.serialized())
    }

    public init(_ error: APIError) {
        self.init(status: error.httpStatus, json: error.json)
        if error.httpStatus == 401 { headers = [("WWW-Authenticate", "Bearer")] }
    }

    public static func == (a: APIResponse, b: APIResponse) -> Bool {
        a.status == b.status && a.contentType == b.contentType && a.body == b.body
            && a.headers.map { "\($0.0): \($0.1)" } == b.headers.map { "\($0.0): \($0.1)" }
    }
}

/// The control API of `syslab serve`, free of HTTP: a route, its workspace
/// path parameter, the Authorization header and the body in; a response out.
/// Bodies are parsed by the core's JSON parser (size and depth limits), and
/// every failure becomes a JSON error with a 4xx status.
public final class ControlAPI: Sendable {
    /// Request bodies above this are refused with 413 before parsing.
    public static let maxBodyBytes = JSONLimits.request.maxBytes

    public let directory: any WorkspaceDirectory
    public let policy: AccessPolicy

    public init(directory: any WorkspaceDirectory, policy: AccessPolicy) {
        self.directory = directory
        self.policy = policy
    }

    public func handle(_ route: Route, workspace pathWorkspace: String?, authorization: String?, body: [UInt8]) async -> APIResponse {
        do {
            return try await respond(route, pathWorkspace, authorization, body)
        } catch let error as APIError {
            return APIResponse(error)
        } catch let error as SyslabError {
            return APIResponse(APIError(error))
        } catch {
            return APIResponse(APIError(httpStatus: 500, status: "internal error", message: "\(error)"))
        }
    }

    private func respond(_ route: Route, _ pathWorkspace: String?, _ authorization: String?, _ body: [UInt8]) async throws -> APIResponse {
        // The workspace a route acts on: the path's, `default` under /api/sim,
        // the body's name for POST /api/workspaces (read after the token check).
        var workspace = route.takesWorkspace ? (pathWorkspace ?? "") : WorkspaceName.default
        let claims = try await policy.authorize(AccessPolicy.need(for: route.operation, workspace: workspace),
                                                authorization: authorization)
        var request: JSONValue? = nil
        if route.operation == .createWorkspace {
            request = try Self.object(body)
            workspace = try Self.string(request, "name", required: true) ?? ""
            if let claims { try AccessPolicy.check(.administer(workspace: workspace), claims) }
        }

        switch route.operation {
        case .health:
            return APIResponse(json: ["status": "ok", "store": .string(directory.kind)])
        case .metrics:
            return APIResponse(status: 200, contentType: MetricsStore.contentType, body: try directory.metricsText())
        case .listWorkspaces:
            let visible = try directory.workspaces().filter { claims?.covers(workspace: $0) ?? true }
            return APIResponse(json: ["workspaces": .array(visible.map { .string($0) })])
        case .createWorkspace:
            try Self.onlyKeys(request, ["name"])
            try directory.createWorkspace(workspace)
            return APIResponse(status: 201, json: ["workspace": .string(workspace)])
        case .deleteWorkspace:
            try directory.deleteWorkspace(workspace)
            return APIResponse(json: ["workspace": .string(workspace), "deleted": true])
        case .listScenarios:
            let registry = try directory.registry(for: workspace)
            var catalogue = registry.catalogueJSON().objectValue ?? [:]
            catalogue["workspace"] = .string(workspace)
            return APIResponse(json: .object(catalogue))
        case .status:
            return APIResponse(json: try status(workspace))
        case .enable:
            let registry = try directory.registry(for: workspace)
            let request = try Self.object(body)
            try Self.onlyKeys(request, ["name", "params", "ttl_seconds", "target"])
            let name = try Self.string(request, "name", required: true) ?? ""
            let ttl = try Self.ttl(request)
            try registry.enable(name, parameters: try Self.parameters(request, scenario: name), ttl: ttl)
            return APIResponse(json: try status(workspace))
        case .disable:
            let registry = try directory.registry(for: workspace)
            let request = try Self.object(body)
            try Self.onlyKeys(request, ["name"])
            try registry.disable(try Self.string(request, "name", required: true) ?? "")
            return APIResponse(json: try status(workspace))
        case .reset:
            // A body, if any, is ignored: reset takes no arguments.
            try directory.registry(for: workspace).reset()
            return APIResponse(json: try status(workspace))
        }
    }

    /// The workspace's status: `{"workspace", "now", "enabled": [...], "store"?}`.
    public func status(_ workspace: String) throws -> JSONValue {
        try WorkspaceStatus.json(of: directory.registry(for: workspace), workspace: workspace)
    }

    // MARK: request bodies

    static func object(_ body: [UInt8]) throws -> JSONValue {
        guard !body.isEmpty else { throw SyslabError.invalidJSON("the request body is empty; expected a JSON object") }
        let value = try JSONValue.parse(Data(body), limit: .request, source: "the request body")
        guard case .object = value else {
            throw SyslabError.typeMismatch("the request body must be a JSON object, got \(value.typeName)")
        }
        return value
    }

    static func onlyKeys(_ request: JSONValue?, _ known: [String]) throws {
        for key in (request?.objectValue ?? [:]).keys.sorted() where !known.contains(key) {
            throw SyslabError.invalidArgument(
                "unknown field '\(ErrorText.quoted(key))' in the request body (expected \(known.joined(separator: ", ")))")
        }
    }

    static func string(_ request: JSONValue?, _ key: String, required: Bool) throws -> String? {
        guard let value = request?[key], !value.isNull else {
            if required { throw SyslabError.invalidArgument("the request body needs '\(key)'") }
            return nil
        }
        guard let s = value.stringValue else {
            throw SyslabError.typeMismatch("'\(key)' must be a string, got \(value.typeName)")
        }
        return s
    }

    static func ttl(_ request: JSONValue) throws -> Double {
        guard let value = request["ttl_seconds"], !value.isNull else { return 0 }
        guard let seconds = value.doubleValue else {
            throw SyslabError.typeMismatch("'ttl_seconds' must be a number, got \(value.typeName)")
        }
        guard seconds >= 0, seconds.isFinite else {
            throw SyslabError.outOfRange("'ttl_seconds' must be 0 (no expiry) or more, got \(JSONValue.format(number: seconds))")
        }
        return seconds
    }

    /// `params` with `target` folded in, as the registry takes them.
    static func parameters(_ request: JSONValue, scenario: String) throws -> JSONValue? {
        var params: [String: JSONValue] = [:]
        if let value = request["params"], !value.isNull {
            guard let members = value.objectValue else {
                throw SyslabError.typeMismatch("'params' must be an object, got \(value.typeName)")
            }
            params = members
        }
        if let target = request["target"], !target.isNull {
            guard case .object = target else {
                throw SyslabError.typeMismatch("'target' must be an object, got \(target.typeName)")
            }
            params["target"] = target
        }
        return params.isEmpty ? nil : .object(params)
    }
}
