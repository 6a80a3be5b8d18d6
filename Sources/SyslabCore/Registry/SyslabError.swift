/// Every failure the library reports. Each case maps to one stable C status
/// code (`SYSLAB_E*` in Include/syslab.h); the message names the problem.
public enum SyslabError: Error, Equatable, CustomStringConvertible, Sendable {
    case invalidArgument(String)
    case invalidJSON(String)
    case invalidUTF8(String)
    case notFound(String)
    case outOfRange(String)
    case typeMismatch(String)
    case alreadyExists(String)
    case scriptError(String)
    case io(String)
    case corrupt(String)
    case limitExceeded(String)
    /// Someone else changed the data first (an optimistic-concurrency version check failed).
    case conflict(String)

    public var message: String {
        switch self {
        case .invalidArgument(let m), .invalidJSON(let m), .invalidUTF8(let m), .notFound(let m),
            .outOfRange(let m), .typeMismatch(let m), .alreadyExists(let m), .scriptError(let m),
            .io(let m), .corrupt(let m), .limitExceeded(let m), .conflict(let m):
            return m
        }
    }

    public var description: String { message }

    /// The words `syslab_strerror` gives for this error's status code, for
    /// surfaces that report errors as text (the HTTP API, the `syslab` command).
    public var statusText: String {
        switch self {
        case .invalidArgument: return "invalid argument"
        case .invalidJSON: return "malformed JSON"
        case .invalidUTF8: return "invalid UTF-8"
        case .notFound: return "not found"
        case .outOfRange: return "value out of range"
        case .typeMismatch: return "wrong type"
        case .alreadyExists: return "already exists"
        case .scriptError: return "Lua script error"
        case .io: return "I/O error"
        case .corrupt: return "corrupt data"
        case .limitExceeded: return "limit exceeded"
        case .conflict: return "version conflict"
        }
    }
}

extension SyslabError {
    /// The same error with `prefix` before its message (to say where it happened).
    public func prefixed(_ prefix: String) -> SyslabError {
        switch self {
        case .invalidArgument(let m): return .invalidArgument(prefix + m)
        case .invalidJSON(let m): return .invalidJSON(prefix + m)
        case .invalidUTF8(let m): return .invalidUTF8(prefix + m)
        case .notFound(let m): return .notFound(prefix + m)
        case .outOfRange(let m): return .outOfRange(prefix + m)
        case .typeMismatch(let m): return .typeMismatch(prefix + m)
        case .alreadyExists(let m): return .alreadyExists(prefix + m)
        case .scriptError(let m): return .scriptError(prefix + m)
        case .io(let m): return .io(prefix + m)
        case .corrupt(let m): return .corrupt(prefix + m)
        case .limitExceeded(let m): return .limitExceeded(prefix + m)
        case .conflict(let m): return .conflict(prefix + m)
        }
    }
}
