#if canImport(Glibc)
import Glibc
#endif
import Testing
import SyslabCore
@testable import SyslabTracing

@Suite("Template store")
struct TemplateStoreTests {
    func temporaryDirectory() -> String {
        var template = Array("/tmp/syslab-store-XXXXXX".utf8CString)
        let path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
        return path + "/templates"
    }

    static let custom = #"""
    {"id": "checkout", "name": "Checkout", "description": "cart to payment",
     "topology": {"route": "/api/checkout", "method": "POST",
                  "nodes": [{"id": "web", "kind": "frontend"}, {"id": "api", "kind": "backend"}, {"id": "pay", "kind": "stripe"}],
                  "edges": [{"from": "web", "to": "api"}, {"from": "api", "to": "pay", "timeout_ms": 2000}]},
     "variants": {"error": {"title": "declined", "story": "Stripe declines.", "nodes": {"pay": {"state": "failing", "status": 402}}}}}
    """#

    @Test func createListGetUpdateDelete() throws {
        let store = try TemplateStore(directory: temporaryDirectory())
        #expect(try store.list().templates.count == 43, "built-ins only at first (directory not yet created)")
        let template = try Template.parse(JSONValue.parse(Self.custom))
        try store.create(template)
        #expect(FileSystem.exists(store.directory + "/checkout.json"))
        let (all, problems) = try store.list()
        #expect(all.count == 44 && problems.isEmpty)
        #expect(try store.template("checkout") == template)
        #expect(throws: SyslabError.alreadyExists("template 'checkout' already exists; use update to change it")) { try store.create(template) }

        var changed = template
        changed.name = "Checkout v2"
        try store.update(changed)
        #expect(try store.template("checkout").name == "Checkout v2")

        let trace = try TraceGenerator.generate(template: store.template("checkout"), variant: .error)
        #expect(trace.errorSpans.contains { $0.node == "pay" })

        try store.delete("checkout")
        #expect(throws: SyslabError.self) { try store.template("checkout") }
        #expect(throws: SyslabError.notFound("unknown template 'checkout'")) { try store.delete("checkout") }
        #expect(try FileSystem.list(store.directory).isEmpty, "no temporary files left behind")
    }

    @Test func builtinsAreReadOnly() throws {
        let store = try TemplateStore(directory: temporaryDirectory())
        var simple = try #require(BuiltinTemplates.template("simple"))
        simple.builtin = false
        #expect(throws: SyslabError.self) { try store.update(simple) }
        #expect(throws: SyslabError.self) { try store.delete("simple") }
        #expect(throws: SyslabError.self) { try store.importJSON(store.export("simple")) }
        do { try store.delete("simple") } catch let e as SyslabError { #expect(e.message.contains("built in and read-only")) }
    }

    @Test func exportImportRoundTrip() throws {
        let a = try TemplateStore(directory: temporaryDirectory()), b = try TemplateStore(directory: temporaryDirectory())
        try a.importJSON(Self.custom)
        let exported = try a.export("checkout")
        let imported = try b.importJSON(exported)
        #expect(imported == (try a.template("checkout")))
        #expect(throws: SyslabError.self) { try b.importJSON(exported) }
        try b.importJSON(exported, overwrite: true)
        // Exporting a built-in gives JSON that imports under a new id.
        let simple = try a.export("simple").replacingFirst("\"id\": \"simple\"", with: "\"id\": \"my-simple\"")
        #expect(try b.importJSON(simple).topology == BuiltinTemplates.template("simple")!.topology)
    }

    @Test func corruptFileIsReportedAndLosesNothingElse() throws {
        let store = try TemplateStore(directory: temporaryDirectory())
        try store.importJSON(Self.custom)
        try FileSystem.writeAtomically(store.directory + "/broken.json", "{\"id\": \"broken\", \"topology\": ")
        try FileSystem.writeAtomically(store.directory + "/renamed.json", try store.export("checkout"))
        try FileSystem.writeAtomically(store.directory + "/notes.txt", "ignored")
        let (templates, problems) = try store.list()
        #expect(templates.contains { $0.id == "checkout" }, "the good template still loads")
        #expect(problems.count == 2)
        #expect(problems.contains { $0.file.hasSuffix("broken.json") && $0.message.contains("is corrupt: malformed JSON") })
        #expect(problems.contains { $0.file.hasSuffix("renamed.json") && $0.message.contains("holds template 'checkout', not 'renamed'") })
        do {
            _ = try store.template("broken")
            Issue.record("a corrupt template must not load")
        } catch let e as SyslabError {
            guard case .corrupt = e else { Issue.record("expected corrupt, got \(e)"); return }
        }
        // A corrupt file can be replaced or deleted.
        try store.delete("broken")
        #expect(try store.list().problems.count == 1)
    }

    @Test func defaultDirectoryFollowsEnvironment() throws {
        let saved = FileSystem.environment("SYSLAB_HOME")
        setenv("SYSLAB_HOME", "/tmp/syslab-home-test", 1)
        #expect(try TemplateStore.defaultDirectory() == "/tmp/syslab-home-test/templates")
        if let saved { setenv("SYSLAB_HOME", saved, 1) } else { unsetenv("SYSLAB_HOME") }
    }

    @Test func badIdsAreRejected() throws {
        let store = try TemplateStore(directory: temporaryDirectory())
        #expect(throws: SyslabError.self) { try store.template("../etc/passwd") }
        #expect(throws: SyslabError.self) { try store.delete("a/b") }
        do { _ = try store.template("simpel") } catch let e as SyslabError { #expect(e.message.contains("did you mean 'simple'?")) }
    }

    // Regression (issue 9, defect 8): a FIFO named x.json, or a symlink to
    // one, hung the store forever; a symlink loop looked like a missing file.
    @Test func filesThatAreNotRegularFilesAreListedProblems() throws {
        let store = try TemplateStore(directory: temporaryDirectory())
        try FileSystem.makeDirectories(store.directory)
        let dir = store.directory
        #expect(mkfifo(dir + "/pipe.json", 0o644) == 0)
        #expect(symlink(dir + "/pipe.json", dir + "/to-pipe.json") == 0)
        #expect(symlink(dir + "/loop.json", dir + "/loop.json") == 0)
        #expect(mkdir(dir + "/folder.json", 0o755) == 0)
        try store.create(try Template.parse(JSONValue.parse(Self.custom)))

        let (templates, problems) = try store.list()
        #expect(templates.count == 44, "the good custom template still loads")
        let byFile = Dictionary(uniqueKeysWithValues: problems.map { ($0.file, $0.message) })
        #expect(byFile[dir + "/pipe.json"] == "\(dir)/pipe.json is not a regular file (it is a FIFO)")
        #expect(byFile[dir + "/to-pipe.json"] == "\(dir)/to-pipe.json is not a regular file (it is a FIFO)")
        #expect(byFile[dir + "/folder.json"] == "\(dir)/folder.json is not a regular file (it is a directory)")
        #expect(byFile[dir + "/loop.json"] == "cannot open \(dir)/loop.json: Too many levels of symbolic links (a symbolic link loop)")
        #expect(problems.count == 4)

        #expect(throws: SyslabError.io("cannot open \(dir)/loop.json: Too many levels of symbolic links (a symbolic link loop)")) {
            try store.template("loop")
        }
        #expect(throws: SyslabError.io("\(dir)/pipe.json is not a regular file (it is a FIFO)")) { try store.template("pipe") }
        try store.delete("loop")
        #expect(!FileSystem.exists(dir + "/loop.json"), "a broken entry can be deleted")
    }
}
