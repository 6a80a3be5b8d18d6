#if canImport(Glibc)
import Glibc
#endif

/// `Targeting` compiled for the hot path: each rule reduced to the bytes it
/// compares, the method lower-cased once, and empty rules dropped. The bytes
/// live in one allocation owned by the thread that built the matcher (freed
/// with `deallocate()`), so the matcher is a plain value: copying it touches
/// no reference count, and matching allocates nothing.
struct RequestMatcher {
    private let storage: UnsafeMutableBufferPointer<UInt8>
    private let route: UnsafeBufferPointer<UInt8>
    private let checksRoute: Bool
    private let routeIsPrefix: Bool
    /// Lower-case ASCII; compared ignoring case.
    private let method: UnsafeBufferPointer<UInt8>
    private let component: UnsafeBufferPointer<UInt8>
    /// Required tags, each followed by a NUL.
    private let tags: UnsafeBufferPointer<UInt8>
    /// True when no rule is left: every request matches, nothing to compare.
    let acceptsAll: Bool

    init(_ targeting: Targeting) {
        var route = Array((targeting.route ?? "").utf8)
        checksRoute = !route.isEmpty
        let prefix = route.last == UInt8(ascii: "*")
        if prefix { route.removeLast() }
        let method = Array((targeting.method ?? "").utf8).map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
        let component = Array((targeting.component ?? "").utf8)
        let tags: [UInt8] = targeting.tags.flatMap { Array($0.utf8) + [0] }
        let all = route + method + component + tags
        let storage = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(all.count, 1))
        _ = storage.initialize(from: all)
        func slice(_ start: Int, _ count: Int) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: storage[start..<start + count])
        }
        self.storage = storage
        self.route = slice(0, route.count)
        routeIsPrefix = prefix
        self.method = slice(route.count, method.count)
        self.component = slice(route.count + method.count, component.count)
        self.tags = slice(route.count + method.count + component.count, tags.count)
        acceptsAll = all.isEmpty
    }

    func deallocate() { storage.deallocate() }

    /// Same answer as `Targeting.matches` on the request's context, read
    /// from the interned bytes: no string is touched (the decision path).
    @inline(__always)
    func matches(_ request: InternedRequest) -> Bool {
        if checksRoute, !routeMatches(request.route) { return false }
        if !method.isEmpty, !methodMatches(request.method) { return false }
        if !component.isEmpty, !RequestMatcher.equal(request.component, component) { return false }
        return tagsMatch { required in
            for j in 0..<request.tagCount where RequestMatcher.equal(request.tag(j), required) { return true }
            return false
        }
    }

    /// Same answer as `Targeting.matches`; allocates nothing (callers that
    /// hold a `RequestContext` rather than an interned request).
    @inline(__always)
    func matches(_ context: RequestContext) -> Bool {
        if checksRoute, !RequestMatcher.bytes(of: context.route, routeMatches) { return false }
        if !method.isEmpty, !RequestMatcher.bytes(of: context.method, methodMatches) { return false }
        if !component.isEmpty, !RequestMatcher.bytes(of: context.component, { RequestMatcher.equal($0, component) }) {
            return false
        }
        return tagsMatch { required in
            context.tags.contains { RequestMatcher.bytes(of: $0) { RequestMatcher.equal($0, required) } }
        }
    }

    @inline(__always)
    private func routeMatches(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        routeIsPrefix ? RequestMatcher.starts(bytes, with: route) : RequestMatcher.equal(bytes, route)
    }

    @inline(__always)
    private func methodMatches(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count == method.count else { return false }
        for i in 0..<bytes.count where (bytes[i] >= 65 && bytes[i] <= 90 ? bytes[i] + 32 : bytes[i]) != method[i] {
            return false
        }
        return true
    }

    /// True when the request carries every required tag (`carries` answers for one).
    @inline(__always)
    private func tagsMatch(_ carries: (UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
        var start = 0
        for i in 0..<tags.count where tags[i] == 0 {
            let required = UnsafeBufferPointer(rebasing: tags[start..<i])
            start = i + 1
            if !carries(required) { return false }
        }
        return true
    }

    /// The UTF-8 bytes of a string without copying them (native strings).
    @inline(__always)
    private static func bytes<T>(of s: String, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        if let answer = s.utf8.withContiguousStorageIfAvailable(body) { return answer }
        return Array(s.utf8).withUnsafeBufferPointer(body)  // strings not stored as UTF-8 (never on Linux)
    }

    @inline(__always)
    private static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        a.count == b.count && (a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0)
    }

    @inline(__always)
    private static func starts(_ a: UnsafeBufferPointer<UInt8>, with b: UnsafeBufferPointer<UInt8>) -> Bool {
        a.count >= b.count && (b.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, b.count) == 0)
    }
}
