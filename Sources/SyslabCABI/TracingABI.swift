import SyslabCore
import SyslabTracing

// The "Topologies and traces" section of Include/syslab.h: the component
// catalogue, topology validation, the template store, trace generation and
// every export, view and analysis format. Everything crosses as JSON text.

/// A `syslab_templates *` is a retained `TemplateStore`.
enum TemplatesHandle {
    static func from(_ pointer: OpaquePointer?, _ function: String) throws -> TemplateStore {
        guard let pointer else { throw SyslabError.invalidArgument("\(function): templates is NULL") }
        return Unmanaged<TemplateStore>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
    }
}

@_cdecl("syslab_components_json")
public func syslab_components_json(_ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    ABI.call {
        try ABI.requireOutput(out)
        out!.pointee = nil
        try ABI.output(out, ComponentCatalogue.json.serialized())
    }
}

@_cdecl("syslab_topology_validate")
public func syslab_topology_validate(_ topology: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    ABI.call {
        if let out { out.pointee = nil }
        guard let json = try ABI.optionalJSON(topology, "topology_json") else {
            throw SyslabError.invalidArgument("topology_json is NULL")
        }
        let normalized = try Topology.parse(json)
        if let out { try ABI.output(out, normalized.json.serialized()) }
    }
}

@_cdecl("syslab_templates_open")
public func syslab_templates_open(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ directory: UnsafePointer<CChar>?) -> Int32 {
    ABI.call {
        try ABI.requireOutput(out)
        out!.pointee = nil
        let store = try TemplateStore(directory: try ABI.optionalString(directory, "directory"))
        out!.pointee = OpaquePointer(Unmanaged.passRetained(store).toOpaque())
    }
}

@_cdecl("syslab_templates_free")
public func syslab_templates_free(_ t: OpaquePointer?) {
    guard let t else { return }
    Unmanaged<TemplateStore>.fromOpaque(UnsafeRawPointer(t)).release()
}

@_cdecl("syslab_templates_list_json")
public func syslab_templates_list_json(_ t: OpaquePointer?, _ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    ABI.call {
        try ABI.requireOutput(out)
        out!.pointee = nil
        let store = try TemplatesHandle.from(t, "syslab_templates_list_json")
        var listing = try store.listJSON().objectValue!
        listing["directory"] = .string(store.directory)
        try ABI.output(out, JSONValue.object(listing).serialized())
    }
}

@_cdecl("syslab_templates_get_json")
public func syslab_templates_get_json(_ t: OpaquePointer?, _ id: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    ABI.call {
        try ABI.requireOutput(out)
        out!.pointee = nil
        let store = try TemplatesHandle.from(t, "syslab_templates_get_json")
        try ABI.output(out, try store.template(try ABI.string(id, "id")).json.serialized())
    }
}

@_cdecl("syslab_templates_create")
public func syslab_templates_create(_ t: OpaquePointer?, _ template: UnsafePointer<CChar>?) -> Int32 {
    ABI.call {
        let store = try TemplatesHandle.from(t, "syslab_templates_create")
        try store.create(try Template.parse(try ABI.requiredJSON(template, "template_json", limit: TemplateStore.fileLimit)))
    }
}

@_cdecl("syslab_templates_update")
public func syslab_templates_update(_ t: OpaquePointer?, _ template: UnsafePointer<CChar>?) -> Int32 {
    ABI.call {
        let store = try TemplatesHandle.from(t, "syslab_templates_update")
        try store.update(try Template.parse(try ABI.requiredJSON(template, "template_json", limit: TemplateStore.fileLimit)))
    }
}

@_cdecl("syslab_templates_delete")
public func syslab_templates_delete(_ t: OpaquePointer?, _ id: UnsafePointer<CChar>?) -> Int32 {
    ABI.call {
        let store = try TemplatesHandle.from(t, "syslab_templates_delete")
        try store.delete(try ABI.string(id, "id"))
    }
}

@_cdecl("syslab_templates_export")
public func syslab_templates_export(_ t: OpaquePointer?, _ id: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    ABI.call {
        try ABI.requireOutput(out)
        out!.pointee = nil
        let store = try TemplatesHandle.from(t, "syslab_templates_export")
        try ABI.output(out, try store.export(try ABI.string(id, "id")))
    }
}

@_cdecl("syslab_templates_import")
public func syslab_templates_import(_ t: OpaquePointer?, _ template: UnsafePointer<CChar>?, _ overwrite: Int32) -> Int32 {
    ABI.call {
        let store = try TemplatesHandle.from(t, "syslab_templates_import")
        try store.importJSON(try ABI.string(template, "template_json"), overwrite: overwrite != 0)
    }
}

@_cdecl("syslab_trace_generate")
public func syslab_trace_generate(
    _ t: OpaquePointer?, _ r: OpaquePointer?, _ request: UnsafePointer<CChar>?, _ format: UnsafePointer<CChar>?,
    _ options: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
    ABI.call {
        try ABI.requireOutput(out)
        out!.pointee = nil
        let store = try t.map { try TemplatesHandle.from($0, "syslab_trace_generate") }
        let registry = try r.map { try RegistryBox.from($0, "syslab_trace_generate").registry }
        let traceFormat = try TraceFormat.named(try ABI.optionalString(format, "format") ?? TraceFormat.traceJSON.rawValue)
        let renderOptions = try ABI.optionalJSON(options, "options_json", limit: .request)
        let trace = try TraceRequest.parse(try ABI.requiredJSON(request, "request_json"), store: store, registry: registry).generate()
        try ABI.output(out, try TraceRenderer.render(trace, format: traceFormat, options: renderOptions))
    }
}

@_cdecl("syslab_trace_render")
public func syslab_trace_render(
    _ trace: UnsafePointer<CChar>?, _ format: UnsafePointer<CChar>?, _ options: UnsafePointer<CChar>?,
    _ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
    ABI.call {
        try ABI.requireOutput(out)
        out!.pointee = nil
        let parsed = try Trace.parse(try ABI.requiredJSON(trace, "trace_json"))
        let traceFormat = try TraceFormat.named(try ABI.string(format, "format"))
        try ABI.output(out, try TraceRenderer.render(parsed, format: traceFormat, options: try ABI.optionalJSON(options, "options_json", limit: .request)))
    }
}

