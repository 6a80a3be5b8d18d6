import CHiredis
import SyslabCore
#if canImport(Glibc)
import Glibc
#endif

/// A reply from Redis. Bulk and status strings stay bytes: records written by
/// another process are untrusted and may not be UTF-8.
enum RedisReply: Equatable {
    case bytes([UInt8])
    case integer(Int64)
    case array([RedisReply])
    case null
    case error(String)

    var text: String? {
        if case .bytes(let b) = self { return String(decoding: b, as: UTF8.self) }
        return nil
    }
    var integer: Int64? { if case .integer(let i) = self { return i }; return nil }
    var array: [RedisReply]? { if case .array(let a) = self { return a }; return nil }
}

/// One blocking hiredis connection. Any I/O error or timeout leaves it
/// unusable (hiredis' rule), so callers drop it and connect again; commands
/// throw `SyslabError.io` then. Not thread-safe: one owner at a time.
final class RedisConnection {
    private let context: UnsafeMutablePointer<redisContext>
    let url: RedisURL

    /// Connects, authenticates and selects the database; `timeout` bounds the
    /// connect and every later command.
    init(url: RedisURL, timeout: Double) throws {
        self.url = url
        let tv = RedisConnection.timeval(seconds: timeout)
        guard let c = redisConnectWithTimeout(url.host, Int32(url.port), tv) else {
            throw SyslabError.io("cannot reach the store at \(url.redacted): out of memory")
        }
        if c.pointee.err != 0 {
            let message = RedisConnection.errorText(c)
            redisFree(c)
            throw SyslabError.io("cannot reach the store at \(url.redacted): \(message)")
        }
        redisSetTimeout(c, tv)
        context = c
        if let password = url.password {
            let reply = try command(url.user.map { ["AUTH", $0, password] } ?? ["AUTH", password])
            if case .error(let e) = reply { throw SyslabError.io("store \(url.redacted) refused the password: \(e)") }
        }
        if url.database != 0 {
            if case .error(let e) = try command(["SELECT", String(url.database)]) {
                throw SyslabError.io("store \(url.redacted): cannot select database \(url.database): \(e)")
            }
        }
    }

    deinit { redisFree(context) }

    var fileDescriptor: Int32 { context.pointee.fd }

    /// Sends a command and waits for its reply (bounded by the timeout).
    /// A Redis error reply is returned, not thrown; a broken connection throws.
    func command(_ arguments: [String]) throws -> RedisReply {
        let raw = RedisConnection.withoutSIGPIPE {
            withArgv(arguments) { argc, argv, lengths in redisCommandArgv(context, argc, argv, lengths) }
        }
        guard let raw else { throw ioError() }
        defer { freeReplyObject(raw) }
        return RedisConnection.convert(raw.assumingMemoryBound(to: redisReply.self))
    }

    /// Queues a command and writes it out, without waiting for a reply.
    func send(_ arguments: [String]) throws {
        let status = withArgv(arguments) { argc, argv, lengths in
            redisAppendCommandArgv(context, argc, argv, lengths)
        }
        guard status == REDIS_OK else { throw ioError() }
        var done: Int32 = 0
        while done == 0 {
            let written = RedisConnection.withoutSIGPIPE { redisBufferWrite(context, &done) }
            guard written == REDIS_OK else { throw ioError() }
        }
    }

    /// Reads what the socket has (call when poll() says it is readable) and
    /// returns every complete reply. End of stream throws.
    func readAvailable() throws -> [RedisReply] {
        guard redisBufferRead(context) == REDIS_OK else { throw ioError() }
        var replies: [RedisReply] = []
        while true {
            var raw: UnsafeMutableRawPointer? = nil
            guard redisGetReplyFromReader(context, &raw) == REDIS_OK else { throw ioError() }
            guard let reply = raw else { return replies }
            replies.append(RedisConnection.convert(reply.assumingMemoryBound(to: redisReply.self)))
            freeReplyObject(reply)
        }
    }

    /// Runs `body` (which may write to a socket the peer has reset) with
    /// SIGPIPE blocked on this thread, and consumes a SIGPIPE it raised, so
    /// a dead Redis is an error, never a signal that ends the host process.
    private static func withoutSIGPIPE<T>(_ body: () -> T) -> T {
        var pipeOnly = sigset_t()
        sigemptyset(&pipeOnly)
        sigaddset(&pipeOnly, SIGPIPE)
        var previous = sigset_t()
        pthread_sigmask(SIG_BLOCK, &pipeOnly, &previous)
        var pending = sigset_t()
        sigpending(&pending)
        let wasPending = sigismember(&pending, SIGPIPE) == 1
        let result = body()
        if !wasPending {
            sigpending(&pending)
            if sigismember(&pending, SIGPIPE) == 1 {
                var now = timespec(tv_sec: 0, tv_nsec: 0)
                _ = sigtimedwait(&pipeOnly, nil, &now)
            }
        }
        pthread_sigmask(SIG_SETMASK, &previous, nil)
        return result
    }

    private func ioError() -> SyslabError {
        let message = context.pointee.err != 0 ? RedisConnection.errorText(context) : "connection lost"
        return SyslabError.io("store \(url.redacted): \(message)")
    }

    private func withArgv<T>(
        _ arguments: [String],
        _ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) -> T
    ) -> T {
        let storage = arguments.map { Array($0.utf8) }
        let pointers = storage.map { bytes -> UnsafeMutablePointer<CChar> in
            let p = UnsafeMutablePointer<CChar>.allocate(capacity: max(bytes.count, 1))
            bytes.withUnsafeBufferPointer { buffer in
                if let base = buffer.baseAddress {
                    UnsafeMutableRawPointer(p).copyMemory(from: base, byteCount: bytes.count)
                }
            }
            return p
        }
        defer { for p in pointers { p.deallocate() } }
        var argv: [UnsafePointer<CChar>?] = pointers.map { UnsafePointer($0) }
        let lengths = storage.map(\.count)
        return argv.withUnsafeMutableBufferPointer { argvBuffer in
            lengths.withUnsafeBufferPointer { lengthBuffer in
                body(Int32(arguments.count), argvBuffer.baseAddress!, lengthBuffer.baseAddress!)
            }
        }
    }

    private static func convert(_ reply: UnsafeMutablePointer<redisReply>) -> RedisReply {
        let r = reply.pointee
        switch r.type {
        case REDIS_REPLY_STRING, REDIS_REPLY_STATUS:
            guard let str = r.str else { return .bytes([]) }
            return .bytes(Array(UnsafeRawBufferPointer(start: str, count: Int(r.len))))
        case REDIS_REPLY_ERROR:
            guard let str = r.str else { return .error("error") }
            return .error(String(decoding: UnsafeRawBufferPointer(start: str, count: Int(r.len)), as: UTF8.self))
        case REDIS_REPLY_INTEGER:
            return .integer(r.integer)
        case REDIS_REPLY_ARRAY:
            var items: [RedisReply] = []
            items.reserveCapacity(Int(r.elements))
            for i in 0..<Int(r.elements) {
                if let element = r.element[i] { items.append(convert(element)) } else { items.append(.null) }
            }
            return .array(items)
        default:
            return .null
        }
    }

    private static func errorText(_ c: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafePointer(to: &c.pointee.errstr) { tuple in
            tuple.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: tuple.pointee)) {
                String(cString: $0)
            }
        }
    }

    static func timeval(seconds: Double) -> Glibc.timeval {
        let whole = seconds.rounded(.down)
        return Glibc.timeval(tv_sec: Int(whole), tv_usec: Int((seconds - whole) * 1e6))
    }
}
