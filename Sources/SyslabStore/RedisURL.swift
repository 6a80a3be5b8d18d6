import SyslabCore

/// A parsed `redis://[[user]:password@]host[:port][/db]` address.
public struct RedisURL: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var user: String?
    public var password: String?
    public var database: Int
    public let text: String

    public init(_ text: String) throws {
        self.text = text
        let prefix = "redis://"
        guard text.hasPrefix(prefix) else {
            // Only the scheme is quoted: the rest may hold a password.
            let scheme = text.prefix { $0 != ":" && $0 != "/" }
            throw SyslabError.invalidArgument(
                "store URL must be redis://[[user]:password@]host[:port][/db] (TLS and Unix sockets are not supported), got one starting '\(ErrorText.quoted(scheme, limit: 20))'")
        }
        var rest = Substring(text.dropFirst(prefix.count))
        var database = 0
        if let slash = rest.firstIndex(of: "/") {
            let db = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
            if !db.isEmpty {
                guard let n = Int(db), n >= 0, n < 1 << 16 else {
                    throw SyslabError.invalidArgument("store URL '\(RedisURL.redact(text))': database must be a number, got '\(ErrorText.quoted(String(db)))'")
                }
                database = n
            }
        }
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                let name = credentials[..<colon]
                user = name.isEmpty ? nil : String(name)
                password = String(credentials[credentials.index(after: colon)...])
            } else {
                password = String(credentials)
            }
        }
        var host = String(rest)
        var port = 6379
        if let colon = rest.lastIndex(of: ":") {
            host = String(rest[..<colon])
            guard let p = Int(rest[rest.index(after: colon)...]), p > 0, p < 65536 else {
                throw SyslabError.invalidArgument("store URL '\(RedisURL.redact(text))': port must be 1-65535")
            }
            port = p
        }
        if host.hasPrefix("["), host.hasSuffix("]"), host.count > 2 {  // [::1]
            host = String(host.dropFirst().dropLast())
        }
        guard !host.isEmpty, !host.contains("\0") else {
            throw SyslabError.invalidArgument("store URL '\(RedisURL.redact(text))' names no host")
        }
        self.host = host
        self.port = port
        self.database = database
    }

    /// The URL with its password replaced by `***`, for messages and status.
    public var redacted: String { RedisURL.redact(text) }

    static func redact(_ text: String) -> String {
        let prefix = "redis://"
        guard text.hasPrefix(prefix) else { return text }
        let rest = text.dropFirst(prefix.count)
        let authority = rest.prefix { $0 != "/" }
        guard let at = authority.lastIndex(of: "@") else { return text }
        let credentials = authority[..<at]
        let user: Substring = credentials.firstIndex(of: ":").map { credentials[..<$0] } ?? ""
        let tail = String(rest[at...])
        return prefix + String(user) + ":***" + tail
    }
}
