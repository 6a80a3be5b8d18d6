import SyslabCore
import SyslabLua

/// What a `syslab_registry *` points to: the registry, its optional manual
/// clock, and the Lua states that scripts loaded into it (closed on free).
public final class RegistryBox: @unchecked Sendable {
    public let handle: LuaRegistry.Handle
    /// `handle.registry`, held directly so the hot path reads one field.
    public let registry: ScenarioRegistry
    private let lock = Lock()
    private var hosts: [LuaScriptHost] = []

    init(handle: LuaRegistry.Handle) {
        self.handle = handle
        registry = handle.registry
    }

    func adopt(_ host: LuaScriptHost) { lock.withLock { hosts.append(host) } }

    func closeHosts() {
        let closing = lock.withLock { () -> [LuaScriptHost] in
            defer { hosts.removeAll() }
            return hosts
        }
        for host in closing { host.close() }
    }

    /// The box behind a handle; a NULL handle is an error naming the function.
    public static func from(_ pointer: OpaquePointer?, _ function: String) throws -> RegistryBox {
        guard let pointer else { throw SyslabError.invalidArgument("\(function): registry is NULL") }
        return Unmanaged<RegistryBox>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
    }

    /// Runs `body` with the registry behind a handle, borrowed: no retain
    /// and release of the shared box on every call (the hot path). The
    /// caller's handle keeps it alive for the call, as the C API requires.
    @inline(__always)
    static func borrowRegistry<T>(
        _ pointer: OpaquePointer?, _ function: StaticString, _ body: (ScenarioRegistry) throws -> T
    ) throws -> T {
        guard let pointer else { throw SyslabError.invalidArgument("\(function): registry is NULL") }
        return try Unmanaged<RegistryBox>.fromOpaque(UnsafeRawPointer(pointer))._withUnsafeGuaranteedRef { box in
            try body(box.registry)
        }
    }
}

/// Memory ceiling and instruction budget for scripts loaded through the C ABI.
enum HostedScriptLimits {
    static let memoryBytes = 256 << 20
    static let instructions: Int64 = 2_000_000_000
}

@_cdecl("syslab_registry_new")
public func syslab_registry_new(_ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    syslab_registry_new_with_options(out, nil)
}

/// Options JSON: {"seed": integer, "manual_clock": true | start_seconds} and the
/// store keys ("store": "redis://...", "workspace", "on_store_down",
/// "resync_seconds", "instance", "joins_fleet"; docs/fleet.md).
@_cdecl("syslab_registry_new_with_options")
public func syslab_registry_new_with_options(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ options: UnsafePointer<CChar>?) -> Int32 {
    ABI.call {
        try ABI.requireOutput(out)
        out!.pointee = nil
        let handle = try LuaRegistry.Handle.open(options: try ABI.optionalJSON(options, "options", limit: .request))
        let box = RegistryBox(handle: handle)
        out!.pointee = OpaquePointer(Unmanaged.passRetained(box).toOpaque())
    }
}

@_cdecl("syslab_registry_free")
public func syslab_registry_free(_ r: OpaquePointer?) {
    guard let r else { return }
    let box = Unmanaged<RegistryBox>.fromOpaque(UnsafeRawPointer(r))
    box.takeUnretainedValue().closeHosts()
    box.takeUnretainedValue().handle.store?.close()
    box.release()
}

@_cdecl("syslab_registry_catalogue_json")
public func syslab_registry_catalogue_json(_ r: OpaquePointer?, _ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    ABI.call {
        let box = try RegistryBox.from(r, "syslab_registry_catalogue_json")
        try ABI.output(out, box.registry.catalogueJSON().serialized())
    }
}

@_cdecl("syslab_registry_enable")
public func syslab_registry_enable(_ r: OpaquePointer?, _ name: UnsafePointer<CChar>?, _ params: UnsafePointer<CChar>?, _ ttl: Double) -> Int32 {
    ABI.call {
        let box = try RegistryBox.from(r, "syslab_registry_enable")
        let scenario = try ABI.string(name, "name")
        let parameters = try ABI.optionalJSON(params, "params_json", limit: .request)
        try box.registry.enable(scenario, parameters: parameters, ttl: ttl)
    }
}

@_cdecl("syslab_registry_disable")
public func syslab_registry_disable(_ r: OpaquePointer?, _ name: UnsafePointer<CChar>?) -> Int32 {
    ABI.call {
        let box = try RegistryBox.from(r, "syslab_registry_disable")
        try box.registry.disable(try ABI.string(name, "name"))
    }
}

@_cdecl("syslab_registry_record_response")
public func syslab_registry_record_response(_ r: OpaquePointer?, _ scenario: UnsafePointer<CChar>?, _ status: Int32) -> Int32 {
    ABI.call {
        let box = try RegistryBox.from(r, "syslab_registry_record_response")
        try box.registry.recordResponse(scenario: try ABI.string(scenario, "scenario"), status: Int(status))
    }
}

@_cdecl("syslab_registry_reset")
public func syslab_registry_reset(_ r: OpaquePointer?) -> Int32 {
    ABI.call {
        try RegistryBox.from(r, "syslab_registry_reset").registry.reset()
    }
}

@_cdecl("syslab_registry_status_json")
public func syslab_registry_status_json(_ r: OpaquePointer?, _ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    ABI.call {
        let box = try RegistryBox.from(r, "syslab_registry_status_json")
        try ABI.output(out, box.registry.statusJSON().serialized())
    }
}

@_cdecl("syslab_registry_advance_clock")
public func syslab_registry_advance_clock(_ r: OpaquePointer?, _ seconds: Double) -> Int32 {
    ABI.call {
        let box = try RegistryBox.from(r, "syslab_registry_advance_clock")
        guard let clock = box.handle.manualClock else {
            throw SyslabError.invalidArgument("syslab_registry_advance_clock needs a registry made with {\"manual_clock\": true}")
        }
        try clock.advance(by: seconds)
    }
}

/// Decides effects for one request given as JSON; returns a JSON array
/// (the convenient, allocating form; the hot path is syslab_registry_decide).
@_cdecl("syslab_registry_decide_json")
public func syslab_registry_decide_json(_ r: OpaquePointer?, _ request: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    ABI.call {
        let box = try RegistryBox.from(r, "syslab_registry_decide_json")
        try ABI.requireOutput(out)
        let context = try RequestContext.parse(try ABI.optionalJSON(request, "request_json", limit: .request) ?? .null)
        var effects: [JSONValue] = []
        try box.registry.decide(context) { entry, effect in
            effects.append(effect.json(scenario: entry.scenario.name))
        }
        try ABI.output(out, JSONValue.array(effects).serialized())
    }
}

/// Runs a Lua file with the global `registry` bound to `r`; scenarios it
/// defines join `r`. The Lua state stays open (for their apply functions)
/// until the registry is freed.
@_cdecl("syslab_registry_load_lua")
public func syslab_registry_load_lua(_ r: OpaquePointer?, _ path: UnsafePointer<CChar>?) -> Int32 {
    ABI.call {
        let box = try RegistryBox.from(r, "syslab_registry_load_lua")
        try loadLua(into: box, path: try ABI.string(path, "path"), code: nil, chunkName: "")
    }
}

@_cdecl("syslab_registry_load_lua_string")
public func syslab_registry_load_lua_string(_ r: OpaquePointer?, _ code: UnsafePointer<CChar>?, _ chunkName: UnsafePointer<CChar>?) -> Int32 {
    ABI.call {
        let box = try RegistryBox.from(r, "syslab_registry_load_lua_string")
        let source = try ABI.string(code, "code")
        let name = try ABI.optionalString(chunkName, "chunk_name") ?? "lua"
        try loadLua(into: box, path: nil, code: source, chunkName: "=" + name)
    }
}

private func loadLua(into box: RegistryBox, path: String?, code: String?, chunkName: String) throws {
    let host = try LuaScriptHost(memoryLimit: HostedScriptLimits.memoryBytes)
    // Adopted even when the script fails part-way, so scenarios it defined
    // before the error keep working.
    box.adopt(host)
    try host.run(path: path, code: code, chunkName: chunkName, registry: box.handle,
                 instructionLimit: HostedScriptLimits.instructions)
}
