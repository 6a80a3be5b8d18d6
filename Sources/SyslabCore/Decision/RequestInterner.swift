#if canImport(Glibc)
import Glibc
#endif

/// One request shape as a thread's `RequestInterner` keeps it: the fields'
/// bytes (for matching without touching a Swift string) and the validated
/// `RequestContext` (for programs that read it), at stable addresses so a
/// decision borrows them instead of copying strings (each copy would be a
/// reference-count update).
final class InternedRequest {
    /// route, method, component, then each tag, each followed by a NUL.
    let key: UnsafeMutableBufferPointer<UInt8>
    /// Start and length of each field in `key`, in the same order.
    private let fields: UnsafeMutableBufferPointer<(start: Int, count: Int)>
    let context: UnsafeMutablePointer<RequestContext>

    init(key bytes: [UInt8], context: RequestContext) {
        key = .allocate(capacity: max(bytes.count, 1))
        _ = key.initialize(from: bytes)
        var spans: [(start: Int, count: Int)] = []
        var start = 0
        for (i, byte) in bytes.enumerated() where byte == 0 {
            spans.append((start, i - start))
            start = i + 1
        }
        fields = .allocate(capacity: spans.count)
        _ = fields.initialize(from: spans)
        self.context = .allocate(capacity: 1)
        self.context.initialize(to: context)
    }

    deinit {
        key.deallocate()
        fields.deallocate()
        context.deinitialize(count: 1)
        context.deallocate()
    }

    var route: UnsafeBufferPointer<UInt8> { field(0) }
    var method: UnsafeBufferPointer<UInt8> { field(1) }
    var component: UnsafeBufferPointer<UInt8> { field(2) }
    var tagCount: Int { fields.count - 3 }
    func tag(_ i: Int) -> UnsafeBufferPointer<UInt8> { field(3 + i) }

    @inline(__always)
    private func field(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: key.baseAddress! + fields[i].start, count: fields[i].count)
    }

    /// True when the C strings are exactly these fields; `lengths` holds the
    /// route's, method's and component's lengths, already measured.
    @inline(__always)
    func matches(
        _ route: UnsafePointer<CChar>?, _ method: UnsafePointer<CChar>?, _ component: UnsafePointer<CChar>?,
        _ lengths: (Int, Int, Int), _ tags: UnsafePointer<UnsafePointer<CChar>?>?, _ tagCount: Int
    ) -> Bool {
        guard fields.count == 3 + tagCount, InternedRequest.equal(field(0), route, lengths.0),
              InternedRequest.equal(field(1), method, lengths.1), InternedRequest.equal(field(2), component, lengths.2)
        else { return false }
        for i in 0..<tagCount {
            let tag = tags![i]!
            if !InternedRequest.equal(field(3 + i), tag, strlen(tag)) { return false }
        }
        return true
    }

    /// Whether the field holds the `n` bytes at `s`. Fields up to 16 bytes
    /// (methods, components, most routes and tags) compare as two
    /// overlapping loads, without a loop or a call.
    @inline(__always)
    private static func equal(_ field: UnsafeBufferPointer<UInt8>, _ s: UnsafePointer<CChar>?, _ n: Int) -> Bool {
        guard field.count == n else { return false }
        if n == 0 { return true }
        let a = UnsafeRawPointer(field.baseAddress!), b = UnsafeRawPointer(s!)
        if n < 4 {
            // First, middle and last byte cover every byte of 1 to 3.
            return a.load(as: UInt8.self) == b.load(as: UInt8.self)
                && a.load(fromByteOffset: n / 2, as: UInt8.self) == b.load(fromByteOffset: n / 2, as: UInt8.self)
                && a.load(fromByteOffset: n - 1, as: UInt8.self) == b.load(fromByteOffset: n - 1, as: UInt8.self)
        }
        if n < 8 {
            return a.loadUnaligned(as: UInt32.self) == b.loadUnaligned(as: UInt32.self)
                && a.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self) == b.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
        }
        if n <= 16 {
            return a.loadUnaligned(as: UInt64.self) == b.loadUnaligned(as: UInt64.self)
                && a.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) == b.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        }
        return memcmp(a, b, n) == 0
    }
}

/// Turns the raw C strings of a request (route, method, component, tags) into
/// an `InternedRequest` without allocating when the same request shape was
/// seen before on this thread: each thread keeps a small direct-mapped cache
/// keyed by the bytes. Host services pass route templates ("/orders/{id}"),
/// so the set of shapes is small and the steady state allocates nothing. A
/// new shape costs one validation and a few allocations, once.
public final class RequestInterner {
    /// Safety limits: a request may carry at most this many tags and this many
    /// bytes across all its strings.
    public static let maximumTags = 64
    public static let maximumBytes = 65_536
    static let slotBits = 8
    static let slots = 1 << slotBits

    // Each interner is confined to one thread, so the runtime's exclusivity
    // checks on these properties would only cost time.
    /// Owned references (released on replacement), so a lookup hands one out
    /// without touching a reference count.
    private let entries: UnsafeMutablePointer<Unmanaged<InternedRequest>?>
    /// Entries replaced while a decision on this thread was still using them
    /// (a scenario's script deciding from inside its apply); released when
    /// the outermost decision ends.
    @exclusivity(unchecked) private var retired: [Unmanaged<InternedRequest>] = []
    @exclusivity(unchecked) private var inUse = 0
    @exclusivity(unchecked) private var scratch: [UInt8] = []
    /// Lookups answered from the cache / by building a new context (for tests and tuning).
    @exclusivity(unchecked) public private(set) var hits = 0
    @exclusivity(unchecked) public private(set) var misses = 0

    public init() {
        entries = .allocate(capacity: RequestInterner.slots)
        entries.initialize(repeating: nil, count: RequestInterner.slots)
        scratch.reserveCapacity(1024)
    }

    deinit {
        for i in 0..<RequestInterner.slots { entries[i]?.release() }
        entries.deallocate()
        for entry in retired { entry.release() }
    }

    /// The calling thread's interner (the one its decisions use).
    public static var current: RequestInterner { DecisionThread.withCurrent { $0.interner } }

    /// The context for these C strings (NULL counts as ""), as a copy. Throws
    /// for invalid UTF-8, NULL tags, or requests beyond the safety limits.
    public func context(
        route: UnsafePointer<CChar>?, method: UnsafePointer<CChar>?, component: UnsafePointer<CChar>?,
        tags: UnsafePointer<UnsafePointer<CChar>?>?, tagCount: Int
    ) throws -> RequestContext {
        try withRequest(route: route, method: method, component: component, tags: tags, tagCount: tagCount) {
            $0.context.pointee
        }
    }

    /// Runs `body` with the interned request for these C strings, borrowed:
    /// it stays valid until `body` returns, even if a nested decision on this
    /// thread displaces it from the cache.
    @inline(__always)
    func withRequest<T>(
        route: UnsafePointer<CChar>?, method: UnsafePointer<CChar>?, component: UnsafePointer<CChar>?,
        tags: UnsafePointer<UnsafePointer<CChar>?>?, tagCount: Int, _ body: (InternedRequest) throws -> T
    ) throws -> T {
        let entry = try lookup(route: route, method: method, component: component, tags: tags, tagCount: tagCount)
        inUse += 1
        defer {
            inUse -= 1
            if inUse == 0, !retired.isEmpty { releaseRetired() }
        }
        return try entry._withUnsafeGuaranteedRef(body)
    }

    @inline(__always)
    private func lookup(
        route: UnsafePointer<CChar>?, method: UnsafePointer<CChar>?, component: UnsafePointer<CChar>?,
        tags: UnsafePointer<UnsafePointer<CChar>?>?, tagCount: Int
    ) throws -> Unmanaged<InternedRequest> {
        guard tagCount >= 0, tagCount <= RequestInterner.maximumTags else {
            // A size_t above Int.max arrives negative: report it as the unsigned value the caller passed.
            throw SyslabError.limitExceeded(
                "a request may carry at most \(RequestInterner.maximumTags) tags, got \(UInt(bitPattern: tagCount))")
        }
        guard tagCount == 0 || tags != nil else {
            throw SyslabError.invalidArgument("request.tags is NULL but tag_count is \(tagCount)")
        }
        // Fast path: measure the fields and hash a few bytes of each in place,
        // then compare with the cached key, copying nothing.
        let lengths = (RequestInterner.length(route), RequestInterner.length(method), RequestInterner.length(component))
        var hash = RequestInterner.hashSeed
        RequestInterner.hash(route, lengths.0, into: &hash)
        RequestInterner.hash(method, lengths.1, into: &hash)
        RequestInterner.hash(component, lengths.2, into: &hash)
        var total = lengths.0 + lengths.1 + lengths.2 + 3
        for i in 0..<tagCount {
            guard let tag = tags![i] else { throw SyslabError.invalidArgument("request.tags[\(i)] is NULL") }
            let n = strlen(tag)
            RequestInterner.hash(tag, n, into: &hash)
            total += n + 1
        }
        guard total <= RequestInterner.maximumBytes else {
            throw SyslabError.limitExceeded("request strings total \(total) bytes; the limit is \(RequestInterner.maximumBytes)")
        }
        let slot = Int(truncatingIfNeeded: (hash &* RequestInterner.multiplier) >> UInt64(64 - RequestInterner.slotBits))
        if let entry = entries[slot],
           entry._withUnsafeGuaranteedRef({ $0.matches(route, method, component, lengths, tags, tagCount) }) {
            hits += 1
            return entry
        }
        return try insert(slot, route: route, method: method, component: component, tags: tags, tagCount: tagCount)
    }

    @inline(never)
    private func insert(
        _ slot: Int, route: UnsafePointer<CChar>?, method: UnsafePointer<CChar>?, component: UnsafePointer<CChar>?,
        tags: UnsafePointer<UnsafePointer<CChar>?>?, tagCount: Int
    ) throws -> Unmanaged<InternedRequest> {
        misses += 1
        scratch.removeAll(keepingCapacity: true)
        append(route)
        append(method)
        append(component)
        for i in 0..<tagCount { append(tags![i]) }
        let entry = Unmanaged.passRetained(InternedRequest(key: scratch, context: try build()))
        if let old = entries[slot] {
            if inUse > 0 { retired.append(old) } else { old.release() }
        }
        entries[slot] = entry
        return entry
    }

    private func releaseRetired() {
        for entry in retired { entry.release() }
        retired.removeAll(keepingCapacity: true)
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
    private func build() throws -> RequestContext {
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

    @inline(__always)
    private static func length(_ s: UnsafePointer<CChar>?) -> Int { s.map { strlen($0) } ?? 0 }

    static let hashSeed: UInt64 = 0xcbf2_9ce4_8422_2325
    static let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// Mixes a field's length and a few of its bytes (the first and last
    /// eight, or of a short field its first, middle and last): enough to
    /// spread request shapes over the slots at a fixed cost per field (the
    /// full bytes are compared on a hit).
    @inline(__always)
    static func hash(_ field: UnsafePointer<CChar>?, _ n: Int, into h: inout UInt64) {
        var head = UInt64(n)
        var tail: UInt64 = 0
        if let field, n > 0 {
            let raw = UnsafeRawPointer(field)
            if n >= 8 {
                head ^= raw.loadUnaligned(as: UInt64.self)
                tail = raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            } else {
                tail = UInt64(raw.load(as: UInt8.self)) | UInt64(raw.load(fromByteOffset: n / 2, as: UInt8.self)) << 8
                    | UInt64(raw.load(fromByteOffset: n - 1, as: UInt8.self)) << 16
            }
        }
        h = (h ^ head) &* multiplier
        h = (h ^ tail) &* multiplier
        h ^= h >> 32
    }
}
