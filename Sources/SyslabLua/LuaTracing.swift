import CLuaShim
import SyslabCore
import SyslabTracing

/// The `syslab.tracing` table: components, templates, trace generation,
/// exports, views and analysis. Tables cross as JSON, so the schema and the
/// error messages are the same as in C and Python.
///
///   tracing.components()                       → catalogue table
///   tracing.template_ids()                     → built-in template ids
///   tracing.templates([directory])             → syslab.Templates (custom templates on disk)
///   tracing.validate(topology)                 → normalised topology, or nil, message
///   tracing.generate(request [, registry])     → syslab.Trace, or nil, message
///   tracing.from_json(text_or_table)           → syslab.Trace (from the "trace-json" form)
///   tracing.formats                            → the export format names
public enum LuaTracing {
    public static let traceMetatable = "syslab.Trace"
    public static let templatesMetatable = "syslab.Templates"

    final class TraceBox {
        let trace: Trace
        init(_ trace: Trace) { self.trace = trace }
    }

    /// Adds `tracing` to the module table on top of the stack.
    public static func register(_ L: LuaState) throws {
        defineTypes(L)
        lua_createtable(L, 0, 8)
        LuaSupport.setFunction(L, "components", components)
        LuaSupport.setFunction(L, "template_ids", templateIds)
        LuaSupport.setFunction(L, "templates", openTemplates)
        LuaSupport.setFunction(L, "validate", validate)
        LuaSupport.setFunction(L, "generate", generate)
        LuaSupport.setFunction(L, "from_json", fromJSON)
        try LuaSupport.push(L, json: .array(TraceFormat.allCases.map { .string($0.rawValue) }))
        lua_setfield(L, -2, "formats")
        lua_setfield(L, -2, "tracing")
    }

    static func defineTypes(_ L: LuaState) {
        if LuaSupport.defineMetatable(L, traceMetatable, methods: [
            ("export", export), ("analyze", analyze), ("json", traceJSON), ("spans", spans), ("id", traceId),
            ("duration_ms", durationMs), ("close", releaseTrace),
        ]) {
            syslab_lua_getmetatable_named(L, traceMetatable)
            LuaSupport.setFunction(L, "__gc", releaseTrace)
            LuaSupport.setFunction(L, "__close", releaseTrace)
            LuaSupport.setFunction(L, "__tostring") { L in
                guard let L else { return 0 }
                if let box = LuaSupport.object(L, 1, metatable: LuaTracing.traceMetatable, as: TraceBox.self) {
                    let t = box.trace
                    let origin = t.template.isEmpty ? "" : " \(t.template)/\(t.variant)"
                    LuaSupport.push(L, "syslab.Trace (\(t.traceId.hex)\(origin), \(t.spans.count) spans, \(t.errorSpans.count) errors)")
                } else {
                    LuaSupport.push(L, "syslab.Trace (closed)")
                }
                return 1
            }
            syslab_lua_pop(L, 1)
        }
        if LuaSupport.defineMetatable(L, templatesMetatable, methods: [
            ("list", list), ("ids", ids), ("get", get), ("create", create), ("update", update), ("delete", delete),
            ("export", exportTemplate), ("import", importTemplate), ("generate", generateFromStore),
            ("directory", directory), ("close", releaseTemplates),
        ]) {
            syslab_lua_getmetatable_named(L, templatesMetatable)
            LuaSupport.setFunction(L, "__gc", releaseTemplates)
            LuaSupport.setFunction(L, "__close", releaseTemplates)
            LuaSupport.setFunction(L, "__tostring") { L in
                guard let L else { return 0 }
                let store = LuaSupport.object(L, 1, metatable: LuaTracing.templatesMetatable, as: TemplateStore.self)
                LuaSupport.push(L, store.map { "syslab.Templates (\($0.directory))" } ?? "syslab.Templates (closed)")
                return 1
            }
            syslab_lua_pop(L, 1)
        }
    }

    // MARK: module functions

    static let components: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            try LuaSupport.push(L, json: ComponentCatalogue.json)
            return 1
        }
    }

    static let templateIds: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            try LuaSupport.push(L, json: .array(BuiltinTemplates.ids.map { .string($0) }))
            return 1
        }
    }

    static let openTemplates: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            let store = try TemplateStore(directory: try LuaSupport.optString(L, 1, "templates"))
            LuaSupport.pushObject(L, store, metatable: templatesMetatable)
            return 1
        }
    }

    static let validate: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            try LuaSupport.checkTable(L, 1, "validate")
            try LuaSupport.push(L, json: try Topology.parse(try LuaSupport.json(L, at: 1, path: "topology")).json)
            return 1
        }
    }

    /// `tracing.generate(request [, registry])`: request is a table
    /// `{template=, variant=, seed=}` or `{topology=, variant=, seed=}`.
    static let generate: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            try pushTrace(L, store: nil, function: "generate", requestIndex: 1)
        }
    }

    static let fromJSON: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            let json: JSONValue
            if lua_type(L, 1) == LUA_TSTRING {
                json = try JSONValue.parse(try LuaSupport.checkString(L, 1, "from_json"))
            } else {
                try LuaSupport.checkTable(L, 1, "from_json")
                json = try LuaSupport.json(L, at: 1, path: "trace")
            }
            LuaSupport.pushObject(L, TraceBox(try Trace.parse(json)), metatable: traceMetatable)
            return 1
        }
    }

    static func pushTrace(_ L: LuaState, store: TemplateStore?, function: String, requestIndex: Int32) throws -> Int32 {
        try LuaSupport.checkTable(L, requestIndex, function)
        let request = try LuaSupport.json(L, at: requestIndex, path: "request")
        var registry: ScenarioRegistry? = nil
        if syslab_lua_isnoneornil(L, requestIndex + 1) == 0 {
            guard let handle = LuaSupport.object(L, requestIndex + 1, metatable: LuaRegistry.metatable, as: LuaRegistry.Handle.self) else {
                throw LuaArgumentError("bad argument #\(requestIndex + 1) to '\(function)' (syslab.Registry expected, got \(LuaSupport.typeName(L, requestIndex + 1)))")
            }
            registry = handle.registry
        }
        let trace = try TraceRequest.parse(request, store: store, registry: registry).generate()
        LuaSupport.pushObject(L, TraceBox(trace), metatable: traceMetatable)
        return 1
    }

    // MARK: syslab.Trace

    static func trace(_ L: LuaState, _ function: String) throws -> Trace {
        try LuaSupport.checkSelf(L, metatable: traceMetatable, as: TraceBox.self, method: function, variable: "trace").trace
    }

    /// `trace:export(format [, options])` → string.
    static let export: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            let t = try trace(L, "export")
            let format = try TraceFormat.named(try LuaSupport.checkString(L, 2, "export"))
            var options: JSONValue? = nil
            if syslab_lua_isnoneornil(L, 3) == 0 {
                try LuaSupport.checkTable(L, 3, "export")
                options = try LuaSupport.json(L, at: 3, path: "options")
                if case .object(let o)? = options, o.isEmpty { options = nil }
            }
            LuaSupport.push(L, try TraceRenderer.render(t, format: format, options: options))
            return 1
        }
    }

    static let analyze: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            try LuaSupport.push(L, json: TraceAnalyzer.analyze(try trace(L, "analyze")).json)
            return 1
        }
    }

    static let traceJSON: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            try LuaSupport.push(L, json: try trace(L, "json").json)
            return 1
        }
    }

    static let spans: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            try LuaSupport.push(L, json: try trace(L, "spans").json["spans"] ?? .array([]))
            return 1
        }
    }

    static let traceId: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            LuaSupport.push(L, try trace(L, "id").traceId.hex)
            return 1
        }
    }

    static let durationMs: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            lua_pushnumber(L, try trace(L, "duration_ms").durationMs)
            return 1
        }
    }

    static let releaseTrace: LuaFunction = { L in
        guard let L else { return 0 }
        LuaSupport.releaseObject(L, 1, metatable: traceMetatable, as: TraceBox.self)
        return 0
    }

    // MARK: syslab.Templates

    static func store(_ L: LuaState, _ function: String) throws -> TemplateStore {
        try LuaSupport.checkSelf(L, metatable: templatesMetatable, as: TemplateStore.self, method: function, variable: "templates")
    }

    /// A template given as a table or as JSON text.
    static func templateArgument(_ L: LuaState, _ index: Int32, _ function: String) throws -> JSONValue {
        if lua_type(L, index) == LUA_TSTRING { return try JSONValue.parse(try LuaSupport.checkString(L, index, function)) }
        try LuaSupport.checkTable(L, index, function)
        return try LuaSupport.json(L, at: index, path: "template")
    }

    static let list: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            try LuaSupport.push(L, json: try store(L, "list").listJSON())
            return 1
        }
    }

    static let ids: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            try LuaSupport.push(L, json: .array(try store(L, "ids").list().templates.map { .string($0.id) }))
            return 1
        }
    }

    static let get: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            let s = try store(L, "get")
            try LuaSupport.push(L, json: try s.template(try LuaSupport.checkString(L, 2, "get")).json)
            return 1
        }
    }

    static let create: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            let s = try store(L, "create")
            try s.create(try Template.parse(try templateArgument(L, 2, "create")))
            lua_pushboolean(L, 1)
            return 1
        }
    }

    static let update: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            let s = try store(L, "update")
            try s.update(try Template.parse(try templateArgument(L, 2, "update")))
            lua_pushboolean(L, 1)
            return 1
        }
    }

    static let delete: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            let s = try store(L, "delete")
            try s.delete(try LuaSupport.checkString(L, 2, "delete"))
            lua_pushboolean(L, 1)
            return 1
        }
    }

    static let exportTemplate: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            let s = try store(L, "export")
            LuaSupport.push(L, try s.export(try LuaSupport.checkString(L, 2, "export")))
            return 1
        }
    }

    /// `templates:import(json_or_table [, overwrite])` → the stored template's id.
    static let importTemplate: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            let s = try store(L, "import")
            let json = try templateArgument(L, 2, "import")
            let overwrite = lua_toboolean(L, 3) != 0
            LuaSupport.push(L, try s.importJSON(json.serialized(), overwrite: overwrite).id)
            return 1
        }
    }

    /// `templates:generate(request [, registry])`: like tracing.generate, resolving custom ids too.
    static let generateFromStore: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            let s = try store(L, "generate")
            return try pushTrace(L, store: s, function: "generate", requestIndex: 2)
        }
    }

    static let directory: LuaFunction = { L in
        LuaSupport.guarded(L) { L in
            LuaSupport.push(L, try store(L, "directory").directory)
            return 1
        }
    }

    static let releaseTemplates: LuaFunction = { L in
        guard let L else { return 0 }
        LuaSupport.releaseObject(L, 1, metatable: templatesMetatable, as: TemplateStore.self)
        return 0
    }
}
