import FoundationEssentials
import JWTKit
import SyslabCore

/// Signs and verifies `syslab serve` bearer tokens: HS256 (jwt-kit) with one
/// shared secret. Only HS256 is accepted; anything else (`alg: none` among
/// them), a bad signature, a missing or past `exp` or a missing claim is an
/// invalid token.
public final class TokenAuthority: Sendable {
    /// HS256 wants a key at least as long as its 32-byte output (RFC 7518 3.2).
    public static let minimumSecretBytes = 32
    private let keys: JWTKeyCollection

    public init(secret: String) async throws {
        guard secret.utf8.count >= Self.minimumSecretBytes else {
            throw SyslabError.invalidArgument(
                "the JWT secret must be at least \(Self.minimumSecretBytes) bytes, got \(secret.utf8.count)")
        }
        keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
    }

    /// Reads the secret from `file` (trailing newline dropped) or, without
    /// one, from the environment variable `SYSLAB_JWT_SECRET`; nil when neither is set.
    public static func secret(file: String?, environment: [String: String]) throws -> String? {
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw SyslabError.io("cannot read the JWT secret file '\(ErrorText.quoted(file))'")
            }
            guard var text = String(validating: data, as: UTF8.self) else {
                throw SyslabError.invalidUTF8("the JWT secret file '\(ErrorText.quoted(file))' is not UTF-8")
            }
            while text.last == "\n" || text.last == "\r" { text.removeLast() }
            return text
        }
        if let value = environment["SYSLAB_JWT_SECRET"], !value.isEmpty { return value }
        return nil
    }

    public func sign(_ claims: AccessClaims) async throws -> String {
        try await keys.sign(claims)
    }

    /// The claims of a valid token; `InvalidToken` otherwise.
    public func verify(_ token: String) async throws(InvalidToken) -> AccessClaims {
        guard token.utf8.count <= 8192 else { throw InvalidToken(reason: "token is longer than 8192 bytes") }
        guard Self.algorithm(of: token) == "HS256" else {
            throw InvalidToken(reason: "token is not signed with HS256")
        }
        do {
            return try await keys.verify(token, as: AccessClaims.self)
        } catch let error as JWTError where error.errorType == .claimVerificationFailure {
            throw InvalidToken(reason: "token has expired")
        } catch {
            throw InvalidToken(reason: "token signature or claims are invalid")
        }
    }

    /// The `alg` of the token's header, or nil when the header is not base64url JSON.
    static func algorithm(of token: String) -> String? {
        guard let headerPart = token.split(separator: ".", omittingEmptySubsequences: false).first else { return nil }
        var base64 = String(headerPart).replacing("-", with: "+").replacing("_", with: "/")
        while base64.utf8.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64),
            let header = try? JSONValue.parse(data, limit: .request, source: "the token header")
        else { return nil }
        return header["alg"]?.stringValue
    }
}

/// Why a bearer token was refused (answered with 401).
public struct InvalidToken: Error, Sendable, Equatable {
    public var reason: String
}
