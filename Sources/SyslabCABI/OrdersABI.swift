import SyslabCore
import SyslabOrders

/// What a `syslab_orders *` points to: the store, and the registry box it uses
/// when the caller passed one (kept alive as long as the store).
final class OrdersBox {
    let store: OrderStore
    let registry: RegistryBox?
    init(store: OrderStore, registry: RegistryBox?) { self.store = store; self.registry = registry }

    static func from(_ pointer: OpaquePointer?, _ function: String) throws -> OrderStore {
        guard let pointer else { throw SyslabError.invalidArgument("\(function): orders is NULL") }
        return Unmanaged<OrdersBox>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue().store
    }
}

@_cdecl("syslab_orders_open")
public func syslab_orders_open(
    _ out: UnsafeMutablePointer<OpaquePointer?>?, _ path: UnsafePointer<CChar>?, _ registry: OpaquePointer?,
    _ options: UnsafePointer<CChar>?
) -> Int32 {
    ABI.call {
        try ABI.requireOutput(out)
        out!.pointee = nil
        let file = try ABI.string(path, "path")
        let parsed = try OrderStoreOptions.parse(try ABI.optionalJSON(options, "options_json", limit: .request))
        let box = try registry.map { try RegistryBox.from($0, "syslab_orders_open") }
        let store = try OrderStore(path: file, registry: box?.registry ?? ScenarioRegistry(), options: parsed)
        out!.pointee = OpaquePointer(Unmanaged.passRetained(OrdersBox(store: store, registry: box)).toOpaque())
    }
}

@_cdecl("syslab_orders_close")
public func syslab_orders_close(_ orders: OpaquePointer?) {
    guard let orders else { return }
    let box = Unmanaged<OrdersBox>.fromOpaque(UnsafeRawPointer(orders))
    box.takeUnretainedValue().store.close()
    box.release()
}

/// Runs `body` on the store and hands its JSON answer to `out`.
private func answer(
    _ orders: OpaquePointer?, _ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ function: String,
    _ body: (OrderStore) throws -> JSONValue
) -> Int32 {
    ABI.call {
        let store = try OrdersBox.from(orders, function)
        try ABI.requireOutput(out)
        out!.pointee = nil
        try ABI.output(out, try body(store).serialized())
    }
}

@_cdecl("syslab_orders_execute")
public func syslab_orders_execute(_ orders: OpaquePointer?, _ command: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    answer(orders, out, "syslab_orders_execute") { store in
        try store.perform(try ABI.requiredJSON(command, "command_json", limit: .request))
    }
}

@_cdecl("syslab_orders_query")
public func syslab_orders_query(_ orders: OpaquePointer?, _ query: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    answer(orders, out, "syslab_orders_query") { store in
        try store.query(try ABI.requiredJSON(query, "query_json", limit: .request))
    }
}

@_cdecl("syslab_orders_rebuild")
public func syslab_orders_rebuild(_ orders: OpaquePointer?, _ projection: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    answer(orders, out, "syslab_orders_rebuild") { store in
        try store.rebuild(try ABI.optionalString(projection, "projection"))
    }
}

@_cdecl("syslab_orders_saga")
public func syslab_orders_saga(_ orders: OpaquePointer?, _ request: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    answer(orders, out, "syslab_orders_saga") { store in
        try store.sagaRequest(try ABI.requiredJSON(request, "request_json", limit: .request))
    }
}

@_cdecl("syslab_orders_metrics_text")
public func syslab_orders_metrics_text(_ orders: OpaquePointer?, _ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    ABI.call {
        let store = try OrdersBox.from(orders, "syslab_orders_metrics_text")
        try ABI.requireOutput(out)
        out!.pointee = nil
        try ABI.output(out, try store.metricsText())
    }
}
