import ArgumentParser
import SyslabCore

#if canImport(Glibc)
import Glibc
#endif

/// Options every scenario command takes.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "The fleet's Redis store, e.g. redis://127.0.0.1:6379/0.")
    var redis: String?

    @Option(name: .long, help: "The workspace to act on.")
    var workspace: String = "default"

    @Flag(name: .long, help: "Print JSON instead of readable text.")
    var json = false
}

/// Runs `body`; a library error is printed as `syslab: <status>: <message>`
/// on stderr and ends the command with exit code 1.
func reportingErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as SyslabError {
        printError("\(error.statusText): \(error.message)")
        throw ExitCode(1)
    }
}

func printError(_ message: String) {
    var line = "syslab: \(message)\n"
    line.withUTF8 { _ = fwrite($0.baseAddress, 1, $0.count, stderr) }
}

/// Prints JSON (sorted keys, indented) or the readable text.
func emit(_ value: JSONValue, json: Bool, text: (JSONValue) -> String) {
    print(json ? value.serialized(pretty: true) : text(value))
}

enum Readable {
    static func scenarios(_ catalogue: JSONValue) -> String {
        let rows = (catalogue["scenarios"]?.arrayValue ?? []).map { s in
            (s["name"]?.stringValue ?? "", s["category"]?.stringValue ?? "", s["summary"]?.stringValue ?? "")
        }
        let nameWidth = rows.map(\.0.count).max() ?? 0
        let categoryWidth = rows.map(\.1.count).max() ?? 0
        return rows.map { name, category, summary in
            name.padding(nameWidth) + "  " + category.padding(categoryWidth) + "  " + summary
        }.joined(separator: "\n")
    }

    static func status(_ status: JSONValue) -> String {
        let workspace = status["workspace"]?.stringValue ?? "default"
        let enabled = status["enabled"]?.arrayValue ?? []
        var lines = ["workspace \(workspace): \(enabled.count) scenario\(enabled.count == 1 ? "" : "s") enabled"]
        for entry in enabled {
            var line = "  " + (entry["name"]?.stringValue ?? "?")
            if let params = entry["params"], params.objectValue?.isEmpty == false { line += " " + params.serialized() }
            if let target = entry["target"], narrows(target) { line += " target " + target.serialized() }
            if let remaining = entry["remaining_seconds"]?.doubleValue {
                line += " (expires in \(JSONValue.format(number: remaining.rounded(.up)))s)"
            }
            lines.append(line)
        }
        if let store = status["store"], let connected = store["connected"]?.boolValue, !connected {
            lines.append("  store disconnected: applying the last known set")
        }
        return lines.joined(separator: "\n")
    }

    /// True when a target limits where the scenario applies (not the default "everything").
    private static func narrows(_ target: JSONValue) -> Bool {
        target["route"] != nil || target["method"] != nil || target["component"] != nil
            || (target["probability"]?.doubleValue ?? 1) < 1 || target["tags"]?.arrayValue?.isEmpty == false
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
