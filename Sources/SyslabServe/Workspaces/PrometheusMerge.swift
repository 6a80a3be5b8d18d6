import SyslabCore

/// Joins the Prometheus text expositions of several registries into one,
/// labelling every sample with its `workspace`. The format wants each
/// family's samples together under one HELP and TYPE, so samples are
/// regrouped by family, in the order families first appear.
enum PrometheusMerge {
    static func merge(_ expositions: [(workspace: String, text: String)]) -> String {
        var order: [String] = []
        var headers: [String: [Substring]] = [:]
        // HELP and TYPE are taken from the first exposition naming the family.
        var headerSource: [String: Int] = [:]
        var samples: [String: [String]] = [:]
        for (index, (workspace, text)) in expositions.enumerated() {
            let label = "workspace=\"\(PrometheusText.escapeLabelValue(workspace))\""
            var family = ""
            for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
                if line.hasPrefix("#") {
                    let words = line.split(separator: " ", maxSplits: 3)
                    guard words.count >= 3, words[1] == "HELP" || words[1] == "TYPE" else { continue }
                    family = String(words[2])
                    if headerSource[family] == nil { headerSource[family] = index; order.append(family) }
                    if headerSource[family] == index { headers[family, default: []].append(line) }
                    continue
                }
                if headerSource[family] == nil { headerSource[family] = index; order.append(family) }
                samples[family, default: []].append(labelled(line, label))
            }
        }
        var out = ""
        for family in order {
            for header in headers[family] ?? [] { out += header; out += "\n" }
            for sample in samples[family] ?? [] { out += sample; out += "\n" }
        }
        return out
    }

    /// `name{a="b"} 1` -> `name{workspace="w",a="b"} 1`; `name 1` -> `name{workspace="w"} 1`.
    static func labelled(_ line: Substring, _ label: String) -> String {
        let nameEnd = line.firstIndex { $0 == "{" || $0 == " " } ?? line.endIndex
        let name = line[..<nameEnd]
        let rest = line[nameEnd...]
        if rest.hasPrefix("{}") { return "\(name){\(label)}\(rest.dropFirst(2))" }
        if rest.hasPrefix("{") { return "\(name){\(label),\(rest.dropFirst())" }
        return "\(name){\(label)}\(rest)"
    }
}
