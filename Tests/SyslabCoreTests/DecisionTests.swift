import Testing
@testable import SyslabCore

@Suite("Decision")
struct DecisionTests {
    /// Runs `body` with NUL-terminated copies of the strings.
    func withCStrings<T>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) throws -> T) rethrows -> T {
        let copies = strings.map { s -> UnsafeMutablePointer<CChar> in
            let bytes = Array(s.utf8CString)
            let p = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
            p.initialize(from: bytes, count: bytes.count)
            return p
        }
        defer { copies.forEach { $0.deallocate() } }
        return try body(copies.map { UnsafePointer($0) })
    }

    @Test func internerReusesContextsForRepeatedRequestShapes() throws {
        let interner = RequestInterner()
        try withCStrings(["/orders/{id}", "GET", "backend", "canary", "eu"]) { p in
            try p[3...].withUnsafeBufferPointer { tags in
                let a = try interner.context(route: p[0], method: p[1], component: p[2], tags: tags.baseAddress, tagCount: 2)
                #expect(a == RequestContext(route: "/orders/{id}", method: "GET", component: "backend", tags: ["canary", "eu"]))
                let b = try interner.context(route: p[0], method: p[1], component: p[2], tags: tags.baseAddress, tagCount: 2)
                #expect(a == b)
                let c = try interner.context(route: p[0], method: p[1], component: p[2], tags: tags.baseAddress, tagCount: 1)
                #expect(c.tags == ["canary"])
            }
        }
        #expect(interner.hits == 1 && interner.misses == 2)
        let empty = try interner.context(route: nil, method: nil, component: nil, tags: nil, tagCount: 0)
        #expect(empty == RequestContext())
    }

    @Test func internerDistinguishesFieldBoundaries() throws {
        let interner = RequestInterner()
        try withCStrings(["/a", "GET", ""]) { p in
            let a = try interner.context(route: p[0], method: p[1], component: nil, tags: nil, tagCount: 0)
            let b = try interner.context(route: p[0], method: p[2], component: p[1], tags: nil, tagCount: 0)
            #expect(a.method == "GET" && a.component == "")
            #expect(b.method == "" && b.component == "GET")
        }
    }

    @Test func internerRejectsBadInput() throws {
        let interner = RequestInterner()
        let invalid: [CChar] = [0x2F, -1, 0]  // "/" then 0xFF: not UTF-8
        _ = invalid.withUnsafeBufferPointer { bad in
            #expect(throws: SyslabError.invalidUTF8("request.route is not valid UTF-8")) {
                try interner.context(route: bad.baseAddress, method: nil, component: nil, tags: nil, tagCount: 0)
            }
        }
        #expect(throws: SyslabError.self) { try interner.context(route: nil, method: nil, component: nil, tags: nil, tagCount: 3) }
        #expect(throws: SyslabError.self) { try interner.context(route: nil, method: nil, component: nil, tags: nil, tagCount: 65) }
        let nullTag: [UnsafePointer<CChar>?] = [nil]
        _ = nullTag.withUnsafeBufferPointer { tags in
            #expect(throws: SyslabError.invalidArgument("request.tags[0] is NULL")) {
                try interner.context(route: nil, method: nil, component: nil, tags: tags.baseAddress, tagCount: 1)
            }
        }
        let long = String(repeating: "x", count: RequestInterner.maximumBytes + 1)
        _ = withCStrings([long]) { p in
            #expect(throws: SyslabError.self) { try interner.context(route: p[0], method: nil, component: nil, tags: nil, tagCount: 0) }
        }
    }

    @Test func theCurrentThreadKeepsOneInterner() {
        #expect(RequestInterner.current === RequestInterner.current)
    }

    @Test func targetingMatchesRouteMethodComponentAndTags() {
        let t = Targeting(route: "/api/*", method: "post", component: "backend", tags: ["canary"])
        #expect(t.matches(RequestContext(route: "/api/orders", method: "POST", component: "backend", tags: ["canary", "eu"])))
        #expect(!t.matches(RequestContext(route: "/apix", method: "POST", component: "backend", tags: ["canary"])))
        #expect(!t.matches(RequestContext(route: "/api/orders", method: "GET", component: "backend", tags: ["canary"])))
        #expect(!t.matches(RequestContext(route: "/api/orders", method: "POST", component: "db", tags: ["canary"])))
        #expect(!t.matches(RequestContext(route: "/api/orders", method: "POST", component: "backend", tags: [])))
        #expect(Targeting(route: "/exact").matches(RequestContext(route: "/exact")))
        #expect(!Targeting(route: "/exact").matches(RequestContext(route: "/exact/more")))
        #expect(!Targeting(method: "GET").matches(RequestContext(method: "GETX")))
    }

    @Test func effectValidationCatchesBadMagnitudes() {
        #expect(throws: SyslabError.self) { try Effect.delay(seconds: -1).validate(scenario: "x") }
        #expect(throws: SyslabError.self) { try Effect.delay(seconds: .infinity).validate(scenario: "x") }
        #expect(throws: SyslabError.self) { try Effect.truncate(keeping: 1.5).validate(scenario: "x") }
        #expect(throws: SyslabError.self) { try Effect(kind: .error).validate(scenario: "x") }
        #expect(throws: SyslabError.self) { try Effect.error(status: 700).validate(scenario: "x") }
        #expect(throws: Never.self) { try Effect.clockOffset(seconds: -5).validate(scenario: "x") }
        #expect(throws: Never.self) { try Effect.throttle(status: 429, retryAfter: 1).validate(scenario: "x") }
    }

    @Test func parsedEffectsRejectImpossibleStatuses() throws {
        #expect(throws: SyslabError.self) { try Effect.parse(["kind": "error", "status": 1e300], scenario: "x") }
        #expect(throws: SyslabError.self) { try Effect.parse(["kind": "error", "status": 500.5], scenario: "x") }
        #expect(try Effect.parse(["kind": "error", "status": 503], scenario: "x") == .error(status: 503))
    }

    @Test func everyEffectKindHasAStableNameAndNumber() {
        #expect(EffectKind.allCases.count == 28)
        #expect(EffectKind.allCases.map(\.rawValue) == Array(1...28))
        for kind in EffectKind.allCases { #expect(EffectKind(name: kind.name) == kind) }
    }
}
