import SyslabCore

/// Built-in templates (read-only) plus custom templates kept as one JSON file
/// each in a data directory: `$SYSLAB_HOME/templates`, else
/// `$XDG_DATA_HOME/syslab/templates`, else `~/.local/share/syslab/templates`.
/// Writes are atomic (temporary file, fsync, rename). A corrupt file is
/// reported by name and never stops the other templates from loading.
/// Thread-safe within a process.
public final class TemplateStore: @unchecked Sendable {
    public let directory: String
    private let lock = Lock()

    public static let maxFileBytes = 4 << 20
    /// Template JSON given to create, update or import: what fits in a file.
    public static let fileLimit = JSONLimits(maxBytes: maxFileBytes)

    /// A file that could not be loaded, and why.
    public struct Problem: Sendable, Equatable {
        public var file: String
        public var message: String
        public var json: JSONValue { ["file": .string(file), "message": .string(message)] }
    }

    /// `directory` nil means the default data directory (created on first write).
    public init(directory: String? = nil) throws {
        self.directory = try directory ?? TemplateStore.defaultDirectory()
        guard !self.directory.isEmpty else { throw SyslabError.invalidArgument("template directory must not be empty") }
    }

    public static func defaultDirectory() throws -> String {
        if let home = FileSystem.environment("SYSLAB_HOME") { return home + "/templates" }
        if let xdg = FileSystem.environment("XDG_DATA_HOME") { return xdg + "/syslab/templates" }
        if let home = FileSystem.environment("HOME") { return home + "/.local/share/syslab/templates" }
        throw SyslabError.invalidArgument("no data directory: set SYSLAB_HOME, XDG_DATA_HOME or HOME")
    }

    private func path(_ id: String) -> String { "\(directory)/\(id).json" }

    // MARK: reading

    /// Every template, built-ins first, then custom ones by id; corrupt files are listed as problems.
    public func list() throws -> (templates: [Template], problems: [Problem]) {
        try lock.withLock {
            var templates = BuiltinTemplates.all
            var problems: [Problem] = []
            for name in try FileSystem.list(directory) where name.hasSuffix(".json") {
                let id = String(name.dropLast(5))
                do {
                    templates.append(try load(id))
                } catch let e as SyslabError {
                    problems.append(Problem(file: "\(directory)/\(name)", message: e.message))
                }
            }
            return (templates, problems)
        }
    }

    /// `{"templates": [summary...], "problems": [{file, message}]}`.
    public func listJSON() throws -> JSONValue {
        let (templates, problems) = try list()
        return ["templates": .array(templates.map(\.summaryJSON)), "problems": .array(problems.map(\.json))]
    }

    public func template(_ id: String) throws -> Template {
        if let builtin = BuiltinTemplates.template(id) { return builtin }
        try Template.validateId(id)
        return try lock.withLock { try load(id) }
    }

    /// Caller holds the lock.
    private func load(_ id: String) throws -> Template {
        let file = path(id)
        guard FileSystem.exists(file) else {
            let known = BuiltinTemplates.ids + ((try? FileSystem.list(directory)) ?? []).filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }
            let hint = JSONFields.suggestion(for: id, in: known).map { " (did you mean '\($0)'?)" } ?? ""
            throw SyslabError.notFound("unknown template '\(ErrorText.quoted(id))'\(hint)")
        }
        let bytes = try FileSystem.read(file, limit: TemplateStore.maxFileBytes)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw SyslabError.corrupt("template file \(file) is corrupt: not valid UTF-8")
        }
        do {
            let template = try Template.parse(try JSONValue.parse(text))
            guard template.id == id else {
                throw SyslabError.corrupt("template file \(file) is corrupt: it holds template '\(ErrorText.quoted(template.id))', not '\(ErrorText.quoted(id))'")
            }
            return template
        } catch let e as SyslabError {
            if case .corrupt = e { throw e }
            throw SyslabError.corrupt("template file \(file) is corrupt: \(e.message)")
        }
    }

    // MARK: writing

    /// Adds a custom template; its id must not be taken by a built-in or another custom one.
    public func create(_ template: Template) throws {
        try checkWritable(template.id)
        try lock.withLock {
            guard !FileSystem.exists(path(template.id)) else {
                throw SyslabError.alreadyExists("template '\(ErrorText.quoted(template.id))' already exists; use update to change it")
            }
            try save(template)
        }
    }

    /// Replaces an existing custom template (even one whose file is corrupt).
    public func update(_ template: Template) throws {
        try checkWritable(template.id)
        try lock.withLock {
            guard FileSystem.exists(path(template.id)) else {
                throw SyslabError.notFound("unknown template '\(ErrorText.quoted(template.id))'; use create to add it")
            }
            try save(template)
        }
    }

    public func delete(_ id: String) throws {
        try checkWritable(id)
        try lock.withLock {
            guard FileSystem.exists(path(id)) else { throw SyslabError.notFound("unknown template '\(ErrorText.quoted(id))'") }
            try FileSystem.remove(path(id))
        }
    }

    /// The template as pretty JSON, ready to share and import elsewhere.
    public func export(_ id: String) throws -> String {
        var t = try template(id)
        t.builtin = false
        var o = t.json.objectValue!
        o.removeValue(forKey: "builtin")
        return JSONValue.object(o).serialized(pretty: true) + "\n"
    }

    /// Parses exported JSON and stores it as a custom template; `overwrite`
    /// replaces an existing custom one with the same id. Returns what was stored.
    @discardableResult
    public func importJSON(_ text: String, overwrite: Bool = false) throws -> Template {
        let template = try Template.parse(try JSONValue.parse(text, limit: TemplateStore.fileLimit, source: "a template import"))
        try checkWritable(template.id)
        try lock.withLock {
            if FileSystem.exists(path(template.id)) && !overwrite {
                throw SyslabError.alreadyExists("template '\(ErrorText.quoted(template.id))' already exists; import with overwrite to replace it")
            }
            try save(template)
        }
        return template
    }

    private func checkWritable(_ id: String) throws {
        try Template.validateId(id)
        if BuiltinTemplates.template(id) != nil {
            throw SyslabError.invalidArgument("template '\(ErrorText.quoted(id))' is built in and read-only; create a custom template with another id")
        }
    }

    /// Caller holds the lock.
    private func save(_ template: Template) throws {
        var t = template
        t.builtin = false
        var o = t.json.objectValue!
        o.removeValue(forKey: "builtin")
        try FileSystem.makeDirectories(directory)
        try FileSystem.writeAtomically(path(t.id), JSONValue.object(o).serialized(pretty: true) + "\n")
    }
}
