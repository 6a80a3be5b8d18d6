import SyslabCore

/// An error answer: `{"error": {"status": <C ABI status text>, "message": ...}}`
/// with the HTTP status that fits. Bad input is always a 4xx.
public struct APIError: Error, Sendable, Equatable {
    public var httpStatus: Int
    public var status: String
    public var message: String

    public init(httpStatus: Int, status: String, message: String) {
        self.httpStatus = httpStatus
        self.status = status
        self.message = message
    }

    public init(_ error: SyslabError) {
        switch error {
        case .notFound: httpStatus = 404
        case .alreadyExists: httpStatus = 409
        // The store (Redis) did not answer: the request may be fine.
        case .io: httpStatus = 503
        default: httpStatus = 400
        }
        status = error.statusText
        message = error.message
    }

    public static func unauthorized(_ message: String) -> APIError {
        APIError(httpStatus: 401, status: "unauthorized", message: message)
    }

    public static func forbidden(_ message: String) -> APIError {
        APIError(httpStatus: 403, status: "forbidden", message: message)
    }

    public static func bodyTooLarge(limit: Int) -> APIError {
        APIError(httpStatus: 413, status: SyslabError.limitExceeded("").statusText,
                 message: "request body exceeds the \(JSONLimits.describe(bytes: limit)) limit")
    }

    public var json: JSONValue {
        ["error": ["status": .string(status), "message": .string(message)]]
    }
}
