#if canImport(Glibc)
import Glibc
#endif
import SyslabCore

/// Swift mirrors of the fixed-layout structs in Include/syslab.h. Field order,
/// types and alignment match the C declarations (LP64: `syslab_request` is 40
/// bytes, `syslab_effect` 32); Tests/c/test_decision.c checks each field.
struct CRequest {
    var route: UnsafePointer<CChar>?
    var method: UnsafePointer<CChar>?
    var component: UnsafePointer<CChar>?
    var tags: UnsafePointer<UnsafePointer<CChar>?>?
    var tagCount: Int
}

struct CEffect {
    var kind: Int32
    var status: Int32
    var seconds: Double
    var amount: Double
    var scenario: UnsafePointer<CChar>?
}

/// Static C strings for `syslab_effect_kind_name`, indexed by raw value.
enum EffectKindNames {
    static let table: [UnsafePointer<CChar>] = {
        let count = Int(EffectKind.allCases.map(\.rawValue).max() ?? 0) + 1
        return (0..<count).map { raw in
            let name = EffectKind(rawValue: Int32(raw))?.name ?? "unknown"
            return UnsafePointer(strdup(name)!)
        }
    }()

    static func name(_ kind: Int32) -> UnsafePointer<CChar> {
        guard kind > 0, Int(kind) < table.count else { return table[0] }
        return table[Int(kind)]
    }
}

@_cdecl("syslab_effect_kind_name")
public func syslab_effect_kind_name(_ kind: Int32) -> UnsafePointer<CChar> {
    EffectKindNames.name(kind)
}

/// The hot path: no JSON, no allocation once the request shape is known on
/// this thread (see `RequestInterner`), and no reference count of a shared
/// object touched (the registry is borrowed, see `RegistryBox.borrowRegistry`).
@_cdecl("syslab_registry_decide")
public func syslab_registry_decide(
    _ r: OpaquePointer?, _ request: UnsafeRawPointer?, _ out: UnsafeMutableRawPointer?,
    _ capacity: Int, _ outCount: UnsafeMutablePointer<Int>?
) -> Int32 {
    // Idle fast path, taken before any closure or error plumbing: with valid
    // arguments and nothing enabled, a decision is one atomic load (target: at
    // most twice a no-op call). Everything else goes through the checks below.
    if let r, let outCount, capacity >= 0, out != nil || capacity == 0,
       Unmanaged<RegistryBox>.fromOpaque(UnsafeRawPointer(r))._withUnsafeGuaranteedRef({ $0.registry.isIdle }) {
        outCount.pointee = 0
        return SyslabStatus.ok
    }
    return ABI.call {
        guard r != nil else { throw SyslabError.invalidArgument("syslab_registry_decide: registry is NULL") }
        guard let outCount else { throw SyslabError.invalidArgument("syslab_registry_decide: out_count is NULL") }
        outCount.pointee = 0
        // size_t values above Int.max arrive negative; no buffer is that large.
        guard capacity >= 0 else { throw SyslabError.invalidArgument("syslab_registry_decide: capacity is too large") }
        guard out != nil || capacity == 0 else {
            throw SyslabError.invalidArgument("syslab_registry_decide: out is NULL but capacity is \(capacity)")
        }
        let effects = out?.assumingMemoryBound(to: CEffect.self)
        var written = 0
        let total = try RegistryBox.borrowRegistry(r, "syslab_registry_decide") { registry in
            if registry.isIdle { return 0 }
            // The request's strings are read only when some scenario is enabled.
            let req = request?.load(as: CRequest.self) ?? CRequest(route: nil, method: nil, component: nil, tags: nil, tagCount: 0)
            return try registry.decide(
                route: req.route, method: req.method, component: req.component, tags: req.tags, tagCount: req.tagCount
            ) { entry, effect in
                guard written < capacity, let effects else { return }
                effects[written] = CEffect(
                    kind: effect.kind.rawValue, status: Int32(truncatingIfNeeded: effect.status),
                    seconds: effect.seconds, amount: effect.amount, scenario: entry.instruments.cName)
                written += 1
            }
        }
        outCount.pointee = total
        if total > capacity {
            throw SyslabError.limitExceeded(
                "syslab_registry_decide: \(total) effects did not fit in a buffer of \(capacity); the first \(capacity) were written")
        }
    }
}

/// The registry's enabled-scenario count, by address, for hosts that check it
/// without a call (Python's middleware): see syslab.h.
@_cdecl("syslab_registry_active_word")
public func syslab_registry_active_word(
    _ r: OpaquePointer?, _ out: UnsafeMutablePointer<UnsafePointer<Int64>?>?
) -> Int32 {
    ABI.call {
        try ABI.requireOutput(out)
        out!.pointee = nil
        let box = try RegistryBox.from(r, "syslab_registry_active_word")
        out!.pointee = box.registry.activeCountAddress
    }
}
