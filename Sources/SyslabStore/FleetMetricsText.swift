/// Merges the Prometheus text expositions the fleet's registries publish
/// into one: HELP and TYPE once per family, every series labelled with its
/// `workspace` (unless it already carries one) and `syslab_instance`.
enum FleetMetricsText {
    struct Source {
        var workspace: String
        var instance: String
        var text: String
    }

    private struct Family {
        var help: String?
        var type: String?
        var samples: [String] = []
    }

    static func merge(_ sources: [Source]) -> String {
        var order: [String] = []
        var families: [String: Family] = [:]
        func touch(_ name: String) {
            if families[name] == nil {
                families[name] = Family()
                order.append(name)
            }
        }
        for source in sources {
            var current: String? = nil
            let extra = "syslab_instance=\"\(escape(source.instance))\""
            let workspace = "workspace=\"\(escape(source.workspace))\""
            for line in source.text.split(separator: "\n", omittingEmptySubsequences: true) {
                if line.hasPrefix("# HELP ") || line.hasPrefix("# TYPE ") {
                    let rest = line.dropFirst(7)
                    let name = String(rest.prefix { $0 != " " })
                    guard !name.isEmpty else { continue }
                    touch(name)
                    current = name
                    if line.hasPrefix("# HELP "), families[name]?.help == nil { families[name]?.help = String(line) }
                    if line.hasPrefix("# TYPE "), families[name]?.type == nil { families[name]?.type = String(line) }
                    continue
                }
                if line.hasPrefix("#") { continue }
                let family = current ?? String(line.prefix { $0 != "{" && $0 != " " })
                touch(family)
                families[family]?.samples.append(labelled(line, instance: extra, workspace: workspace))
            }
        }
        var out = ""
        for name in order {
            guard let family = families[name], !family.samples.isEmpty else { continue }
            if let help = family.help { out += help + "\n" }
            if let type = family.type { out += type + "\n" }
            for sample in family.samples { out += sample + "\n" }
        }
        return out
    }

    /// The sample line with `workspace` (when absent) and `syslab_instance`
    /// added: right after a leading `workspace` label (how a store-attached
    /// registry writes it), else first.
    private static func labelled(_ line: Substring, instance: String, workspace: String) -> String {
        guard let split = line.firstIndex(where: { $0 == "{" || $0 == " " }) else { return String(line) }
        let name = line[..<split]
        if line[split] == " " {
            return "\(name){\(workspace),\(instance)}\(line[split...])"
        }
        let labels = line[line.index(after: split)...]
        if labels.hasPrefix(workspace + ",") || labels.hasPrefix(workspace + "}") {
            let rest = labels.dropFirst(workspace.count)
            return "\(name){\(workspace),\(instance)\(rest)"
        }
        if labels.hasPrefix("workspace=\"") || labels.contains(",workspace=\"") {
            return "\(name){\(instance),\(labels)"
        }
        let separator = labels.hasPrefix("}") ? "" : ","
        return "\(name){\(workspace),\(instance)\(separator)\(labels)"
    }

    private static func escape(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
