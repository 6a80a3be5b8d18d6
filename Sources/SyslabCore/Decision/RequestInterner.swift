#if canImport(Glibc)
import Glibc
#endif

/// Turns the raw C strings of a request (route, method, component, tags) into
/// a `RequestContext` without allocating when the same request shape was seen
/// before on this thread: each thread keeps a small direct-mapped cache keyed
/// by the bytes. Host services pass route templates ("/orders/{id}"), so the
/// set of shapes is small and the steady state allocates nothing. A new shape
/// costs one validation and a few allocations, once.
public final class RequestInterner {
    /// Safety limits: a request may carry at most this many tags and this many
    /// bytes across all its strings.
    public static let maximumTags = 64
    public static let maximumBytes = 65_536
    static let slots = 256

    private struct Entry {
        /// The fields' bytes, each followed by a NUL.
        var key: [UInt8]
        var context: RequestContext

        /// True when the C strings are exactly the key's fields.
        func matches(
            _ route: UnsafePointer<CChar>?, _ method: UnsafePointer<CChar>?, _ component: UnsafePointer<CChar>?,
            _ tags: UnsafePointer<UnsafePointer<CChar>?>?, _ tagCount: Int
        ) -> Bool {
            key.withUnsafeBufferPointer { key in
                var offset = 0
                func next(_ field: UnsafePointer<CChar>?) -> Bool {
                    let n = field.map { strlen($0) } ?? 0
                    guard offset + n < key.count, key[offset + n] == 0 else { return false }
                    if n > 0, memcmp(key.baseAddress! + offset, field!, n) != 0 { return false }
                    offset += n + 1
                    return true
                }
                guard next(route), next(method), next(component) else { return false }
                for i in 0..<tagCount where !next(tags![i]) { return false }
                return offset == key.count
            }
        }
    }

    // Each interner is confined to one thread, so the runtime's exclusivity
    // checks on these properties would only cost time.
    @exclusivity(unchecked) private var entries: [Entry?] = Array(repeating: nil, count: RequestInterner.slots)
    @exclusivity(unchecked) private var scratch: [UInt8] = []
    /// Lookups answered from the cache / by building a new context (for tests and tuning).
    @exclusivity(unchecked) public private(set) var hits = 0
    @exclusivity(unchecked) public private(set) var misses = 0

    public init() { scratch.reserveCapacity(1024) }

    /// The calling thread's interner.
    public static var current: RequestInterner {
        if let existing = pthread_getspecific(key) {
            return Unmanaged<RequestInterner>.fromOpaque(existing).takeUnretainedValue()
        }
        let created = RequestInterner()
        pthread_setspecific(key, Unmanaged.passRetained(created).toOpaque())
        return created
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { pointer in
            guard let pointer else { return }
            Unmanaged<RequestInterner>.fromOpaque(pointer).release()
        }
        return key
    }()

    /// The context for these C strings (NULL counts as ""). Throws for invalid
    /// UTF-8, NULL tags, or requests beyond the safety limits.
    public func context(
        route: UnsafePointer<CChar>?, method: UnsafePointer<CChar>?, component: UnsafePointer<CChar>?,
        tags: UnsafePointer<UnsafePointer<CChar>?>?, tagCount: Int
    ) throws -> RequestContext {
        guard tagCount >= 0, tagCount <= RequestInterner.maximumTags else {
            // A size_t above Int.max arrives negative: report it as the unsigned value the caller passed.
            throw SyslabError.limitExceeded(
                "a request may carry at most \(RequestInterner.maximumTags) tags, got \(UInt(bitPattern: tagCount))")
        }
        guard tagCount == 0 || tags != nil else {
            throw SyslabError.invalidArgument("request.tags is NULL but tag_count is \(tagCount)")
        }
        // Fast path: hash the fields in place and compare them with the cached
        // key, copying nothing.
        var hash = RequestInterner.hashSeed
        var total = 0
        RequestInterner.hash(route, into: &hash, total: &total)
        RequestInterner.hash(method, into: &hash, total: &total)
        RequestInterner.hash(component, into: &hash, total: &total)
        for i in 0..<tagCount {
            guard let tag = tags![i] else { throw SyslabError.invalidArgument("request.tags[\(i)] is NULL") }
            RequestInterner.hash(tag, into: &hash, total: &total)
        }
        guard total <= RequestInterner.maximumBytes else {
            throw SyslabError.limitExceeded("request strings total \(total) bytes; the limit is \(RequestInterner.maximumBytes)")
        }
        let slot = Int(hash % UInt64(RequestInterner.slots))
        if let entry = entries[slot], entry.matches(route, method, component, tags, tagCount) {
            hits += 1
            return entry.context
        }
        misses += 1
        scratch.removeAll(keepingCapacity: true)
        append(route)
        append(method)
        append(component)
        for i in 0..<tagCount { append(tags![i]) }
        let context = try build(tagCount: tagCount, tags: tags)
        // A real copy, so the scratch buffer stays uniquely owned (no copy-on-write later).
        entries[slot] = Entry(key: scratch.withUnsafeBufferPointer { Array($0) }, context: context)
        return context
    }

    /// Appends a field's bytes and a NUL separator (C strings cannot contain
    /// NUL, so the key is unambiguous).
    private func append(_ s: UnsafePointer<CChar>?) {
        if let s {
            let n = strlen(s)
            s.withMemoryRebound(to: UInt8.self, capacity: n) { scratch.append(contentsOf: UnsafeBufferPointer(start: $0, count: n)) }
        }
        scratch.append(0)
    }

    /// Splits the scratch key back into validated strings.
    private func build(tagCount: Int, tags: UnsafePointer<UnsafePointer<CChar>?>?) throws -> RequestContext {
        var fields: [String] = []
        var start = 0
        for (i, byte) in scratch.enumerated() where byte == 0 {
            let name = fields.count < 3 ? ["route", "method", "component"][fields.count] : "tags[\(fields.count - 3)]"
            guard let s = scratch[start..<i].withUnsafeBufferPointer({ String(validating: $0, as: UTF8.self) }) else {
                throw SyslabError.invalidUTF8("request.\(name) is not valid UTF-8")
            }
            fields.append(s)
            start = i + 1
        }
        return RequestContext(route: fields[0], method: fields[1], component: fields[2], tags: Array(fields[3...]))
    }

    /// FNV-1a over each field's bytes and a NUL: fast and good enough to
    /// spread request shapes over the slots.
    static let hashSeed: UInt64 = 0xcbf2_9ce4_8422_2325

    @inline(__always)
    static func hash(_ field: UnsafePointer<CChar>?, into h: inout UInt64, total: inout Int) {
        if var p = field {
            while p.pointee != 0 {
                h ^= UInt64(UInt8(bitPattern: p.pointee))
                h = h &* 0x100_0000_01b3
                p += 1
                total += 1
            }
        }
        h = h &* 0x100_0000_01b3  // the separator (NUL): xor with 0, then multiply
        total += 1
    }
}
