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

    public var message: String {
        switch self {
        case .invalidArgument(let m), .invalidJSON(let m), .invalidUTF8(let m), .notFound(let m),
            .outOfRange(let m), .typeMismatch(let m), .alreadyExists(let m), .scriptError(let m),
            .io(let m), .corrupt(let m), .limitExceeded(let m):
            return m
        }
    }

    public var description: String { message }
}
