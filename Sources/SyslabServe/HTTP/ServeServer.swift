import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SyslabCore

/// `syslab serve` on Hummingbird: registers `Route.all`, hands each request
/// to `ControlAPI`, and turns router-level failures (unknown path, wrong
/// method, body over the limit) into the same JSON errors.
public enum ServeServer {
    /// Where to listen: `host:port` or `[v6]:port`; port 0 picks a free one.
    public struct ListenAddress: Sendable, Equatable {
        public var host: String
        public var port: Int

        public init(host: String, port: Int) { self.host = host; self.port = port }

        public init(parsing text: String) throws {
            let host: Substring, port: Substring
            if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
                host = text[text.index(after: text.startIndex)..<close]
                let rest = text[text.index(after: close)...]
                guard rest.hasPrefix(":") else { throw Self.bad(text) }
                port = rest.dropFirst()
            } else {
                guard let colon = text.lastIndex(of: ":") else { throw Self.bad(text) }
                host = text[..<colon]
                port = text[text.index(after: colon)...]
            }
            guard !host.isEmpty, let number = Int(port), (0...65535).contains(number) else { throw Self.bad(text) }
            self.init(host: String(host), port: number)
        }

        /// 127.0.0.0/8, ::1 and localhost: reachable from this machine only.
        public var isLoopback: Bool {
            host == "localhost" || host == "::1" || host.hasPrefix("127.")
        }

        private static func bad(_ text: String) -> SyslabError {
            .invalidArgument("--listen wants HOST:PORT (e.g. 127.0.0.1:8080, [::1]:8080), got '\(ErrorText.quoted(text))'")
        }
    }

    /// The Hummingbird router serving `api`.
    public static func router(_ api: ControlAPI) -> Router<BasicRequestContext> {
        let router = Router()
        router.middlewares.add(JSONErrorMiddleware())
        for route in Route.all {
            router.on(RouterPath(route.path), method: HTTPRequest.Method(route.method)!) { request, context in
                let body: ByteBuffer
                do {
                    body = try await request.body.collect(upTo: ControlAPI.maxBodyBytes)
                } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
                    return response(APIResponse(APIError.bodyTooLarge(limit: ControlAPI.maxBodyBytes)))
                }
                let answer = await api.handle(
                    route, workspace: context.parameters.get("workspace"),
                    authorization: request.headers[.authorization], body: Array(buffer: body))
                return response(answer)
            }
        }
        return router
    }

    /// Serves until SIGINT or SIGTERM. `onListening` gets the bound address
    /// (the real port when 0 was asked for).
    public static func run(
        _ api: ControlAPI, listen: ListenAddress, onListening: @escaping @Sendable (String) -> Void
    ) async throws {
        var logger = Logger(label: "syslab-serve")
        logger.logLevel = .warning
        let app = Application(
            router: router(api),
            configuration: .init(address: .hostname(listen.host, port: listen.port), serverName: "syslab"),
            onServerRunning: { channel in
                let address = channel.localAddress
                let host = address?.ipAddress ?? listen.host
                let shown = host.contains(":") ? "[\(host)]" : host
                onListening("\(shown):\(address?.port ?? listen.port)")
            },
            logger: logger)
        try await app.runService()
    }

    static func response(_ answer: APIResponse) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = answer.contentType
        for (name, value) in answer.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        return Response(status: .init(code: answer.status), headers: headers,
                        body: .init(byteBuffer: ByteBuffer(string: answer.body)))
    }
}

/// Errors raised outside `ControlAPI` (no route for the path, a method the
/// path does not take, an unreadable body) answered as JSON errors.
struct JSONErrorMiddleware<Context: Hummingbird.RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError {
            let code = Int(error.status.code)
            let path = ErrorText.quoted(request.uri.path)
            let (status, message): (String, String)
            switch code {
            case 404: (status, message) = ("not found", "no route for \(request.method.rawValue) \(path)")
            case 405: (status, message) = ("invalid argument", "\(request.method.rawValue) is not allowed on \(path)")
            case 413: (status, message) = ("limit exceeded", "request body exceeds the \(JSONLimits.describe(bytes: ControlAPI.maxBodyBytes)) limit")
            default: (status, message) = ("invalid argument", (error as? HTTPError)?.body ?? "the request could not be read (\(code))")
            }
            return ServeServer.response(APIResponse(APIError(httpStatus: code, status: status, message: message)))
        } catch {
            return ServeServer.response(APIResponse(APIError(httpStatus: 500, status: "internal error", message: "\(error)")))
        }
    }
}
