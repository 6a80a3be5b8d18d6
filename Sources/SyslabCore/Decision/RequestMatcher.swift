/// `Targeting` compiled for the hot path: each rule reduced to the bytes it
/// compares, the method lower-cased once, and empty rules dropped. Built per
/// thread, so its storage is the thread's own.
struct RequestMatcher {
    private let route: [UInt8]
    private let routeIsPrefix: Bool
    private let checksRoute: Bool
    /// Lower-case ASCII; compared ignoring case.
    private let method: [UInt8]
    private let component: [UInt8]
    private let tags: [String]

    init(_ targeting: Targeting) {
        var route = Array((targeting.route ?? "").utf8)
        checksRoute = !route.isEmpty
        routeIsPrefix = route.last == UInt8(ascii: "*")
        if routeIsPrefix { route.removeLast() }
        self.route = route
        method = Array((targeting.method ?? "").utf8).map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
        component = Array((targeting.component ?? "").utf8)
        tags = targeting.tags.map { String(decoding: Array($0.utf8), as: UTF8.self) }
    }

    /// Same answer as `Targeting.matches`; allocates nothing.
    @inline(__always)
    func matches(_ context: RequestContext) -> Bool {
        if checksRoute {
            if routeIsPrefix {
                if !context.route.utf8.starts(with: route) { return false }
            } else if !context.route.utf8.elementsEqual(route) {
                return false
            }
        }
        if !method.isEmpty {
            guard context.method.utf8.count == method.count else { return false }
            for (x, y) in zip(context.method.utf8, method) where (x >= 65 && x <= 90 ? x + 32 : x) != y { return false }
        }
        if !component.isEmpty, !context.component.utf8.elementsEqual(component) { return false }
        for tag in tags where !context.tags.contains(tag) { return false }
        return true
    }
}
