#if canImport(Glibc)
import Glibc
#endif
import SyslabCore

/// Status codes of Include/syslab.h. Appended only; never renumbered.
public enum SyslabStatus {
    public static let ok: Int32 = 0
    public static let invalidArgument: Int32 = -1
    public static let invalidJSON: Int32 = -2
    public static let invalidUTF8: Int32 = -3
    public static let notFound: Int32 = -4
    public static let outOfRange: Int32 = -5
    public static let typeMismatch: Int32 = -6
    public static let alreadyExists: Int32 = -7
    public static let scriptError: Int32 = -8
    public static let io: Int32 = -9
    public static let corrupt: Int32 = -10
    public static let limitExceeded: Int32 = -11
    public static let noMemory: Int32 = -12
    public static let `internal`: Int32 = -13
    public static let conflict: Int32 = -14

    static func of(_ error: SyslabError) -> Int32 {
        switch error {
        case .invalidArgument: return invalidArgument
        case .invalidJSON: return invalidJSON
        case .invalidUTF8: return invalidUTF8
        case .notFound: return notFound
        case .outOfRange: return outOfRange
        case .typeMismatch: return typeMismatch
        case .alreadyExists: return alreadyExists
        case .scriptError: return scriptError
        case .io: return io
        case .corrupt: return corrupt
        case .limitExceeded: return limitExceeded
        case .conflict: return conflict
        }
    }

    static func text(_ status: Int32) -> StaticString {
        switch status {
        case ok: return "success"
        case invalidArgument: return "invalid argument"
        case invalidJSON: return "malformed JSON"
        case invalidUTF8: return "invalid UTF-8"
        case notFound: return "not found"
        case outOfRange: return "value out of range"
        case typeMismatch: return "wrong type"
        case alreadyExists: return "already exists"
        case scriptError: return "Lua script error"
        case io: return "I/O error"
        case corrupt: return "corrupt data"
        case limitExceeded: return "limit exceeded"
        case noMemory: return "out of memory"
        case `internal`: return "internal error"
        case conflict: return "version conflict"
        default: return "unknown status code"
        }
    }
}

/// The thread-local message behind `syslab_last_error()`. Each thread keeps
/// its own malloc'd copy, freed when the thread exits or the message changes.
enum LastError {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { pointer in free(pointer) }
        return key
    }()

    static func set(_ message: String) {
        let old = pthread_getspecific(key)
        pthread_setspecific(key, strdup(ErrorText.quoted(message, limit: ErrorText.messageLimit)))
        free(old)
    }

    static var current: UnsafePointer<CChar> {
        if let p = pthread_getspecific(key) { return UnsafePointer(p.assumingMemoryBound(to: CChar.self)) }
        return ABI.emptyString
    }
}

/// Shared plumbing for every @_cdecl function: Swift errors never cross the
/// boundary; each thunk runs its body through `ABI.call`, which converts.
public enum ABI {
    static let emptyString: UnsafePointer<CChar> = {
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: 1)
        p.pointee = 0
        return UnsafePointer(p)
    }()

    /// Runs `body`; a thrown error sets the last error and returns its status.
    @inline(__always)
    public static func call(_ body: () throws -> Void) -> Int32 {
        do {
            try body()
            return SyslabStatus.ok
        } catch let error as SyslabError {
            return fail(SyslabStatus.of(error), error.message)
        } catch {
            return fail(SyslabStatus.internal, "internal error: \(error)")
        }
    }

    /// Records `message` for `syslab_last_error` and returns `status`.
    @discardableResult
    public static func fail(_ status: Int32, _ message: String) -> Int32 {
        LastError.set(message)
        return status
    }

    /// A required C string argument, validated as UTF-8.
    public static func string(_ pointer: UnsafePointer<CChar>?, _ name: String) throws -> String {
        guard let pointer else { throw SyslabError.invalidArgument("\(name) is NULL") }
        guard let s = String(validatingCString: pointer) else {
            throw SyslabError.invalidUTF8("\(name) is not valid UTF-8")
        }
        return s
    }

    /// An optional C string argument (NULL → nil), validated as UTF-8.
    public static func optionalString(_ pointer: UnsafePointer<CChar>?, _ name: String) throws -> String? {
        guard pointer != nil else { return nil }
        return try string(pointer, name)
    }

    /// Optional JSON text (NULL → nil). The size is checked against `limit`
    /// before the text is read, and errors name the argument and the call.
    public static func optionalJSON(_ pointer: UnsafePointer<CChar>?, _ name: String, limit: JSONLimits = .document,
                                    function: String = #function) throws -> JSONValue? {
        guard let pointer else { return nil }
        let entry = String(function.prefix { $0 != "(" })
        do { try limit.check(byteCount: strlen(pointer), source: entry) } catch let e as SyslabError {
            throw e.prefixed("\(name): ")
        }
        let text = try string(pointer, name)
        do { return try JSONValue.parse(text, limit: limit, source: entry) } catch let e as SyslabError {
            throw e.prefixed("\(name): ")
        }
    }

    /// Required JSON text (NULL is an error naming the argument).
    public static func requiredJSON(_ pointer: UnsafePointer<CChar>?, _ name: String, limit: JSONLimits = .document,
                                    function: String = #function) throws -> JSONValue {
        guard let json = try optionalJSON(pointer, name, limit: limit, function: function) else {
            throw SyslabError.invalidArgument("\(name) is NULL")
        }
        return json
    }

    /// Stores a malloc'd copy of `value` in `out` (the caller frees it with
    /// `syslab_string_free`). `out` must not be NULL.
    public static func output(_ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ value: String) throws {
        guard let out else { throw SyslabError.invalidArgument("output pointer is NULL") }
        guard let copy = strdup(value) else { throw SyslabError.limitExceeded("out of memory copying a result") }
        out.pointee = copy
    }

    /// Checks an output pointer before doing any work.
    public static func requireOutput<T>(_ out: UnsafeMutablePointer<T>?, _ name: String = "out") throws {
        guard out != nil else { throw SyslabError.invalidArgument("\(name) is NULL") }
    }
}
