import SyslabCore

/// Merges the Prometheus text expositions the fleet's registries publish
/// into one: HELP and TYPE once per family, every series labelled with its
/// `workspace` (unless it already carries one) and `syslab_instance` (when
/// the source names one: a server's own in-memory registries do not).
public enum FleetMetricsText {
    public struct Source {
        public var workspace: String
        public var instance: String?
        public var text: String
        public init(workspace: String, instance: String?, text: String) {
            self.workspace = workspace; self.instance = instance; self.text = text
        }
    }

    private struct Family {
        var help: String?
        var type: String?
        var samples: [String] = []
    }

    public static func merge(_ sources: [Source]) -> String {
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
            let extra = source.instance.map { "syslab_instance=\"\(PrometheusText.escapeLabelValue($0))\"" }
            let workspace = "workspace=\"\(PrometheusText.escapeLabelValue(source.workspace))\""
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
    /// (when given) added: right after a leading `workspace` label (how a
    /// store-attached registry writes it), else first.
    private static func labelled(_ line: Substring, instance: String?, workspace: String) -> String {
        guard let split = line.firstIndex(where: { $0 == "{" || $0 == " " }) else { return String(line) }
        let name = line[..<split]
        let added = instance.map { ",\($0)" } ?? ""
        if line[split] == " " {
            return "\(name){\(workspace)\(added)}\(line[split...])"
        }
        let labels = line[line.index(after: split)...]
        if labels.hasPrefix(workspace + ",") || labels.hasPrefix(workspace + "}") {
            let rest = labels.dropFirst(workspace.count)
            return "\(name){\(workspace)\(added)\(rest)"
        }
        if labels.hasPrefix("workspace=\"") || labels.contains(",workspace=\"") {
            guard let instance else { return String(line) }
            return "\(name){\(instance),\(labels)"
        }
        let separator = labels.hasPrefix("}") ? "" : ","
        return "\(name){\(workspace)\(added)\(separator)\(labels)"
    }
}
