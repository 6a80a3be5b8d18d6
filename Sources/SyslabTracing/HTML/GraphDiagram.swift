/// Draws a graph as inline SVG in layers, top to bottom: layer 0 (the entry)
/// first, each node under the nodes that call it. Within a layer nodes are
/// ordered by the mean position of their callers, which keeps most edges
/// from crossing in the small graphs of topologies and traces. Nodes carry
/// data attributes (e.g. `data-node`, `data-injected`) for styling and tests.
public struct GraphDiagram: Sendable {
    public struct Node: Sendable {
        public var id: String
        public var label: String
        public var detail: String
        public var layer: Int
        /// Extra attributes on the node's `<g>`: name and (unescaped) value.
        public var attributes: [(String, String)]
        /// A hover text.
        public var tooltip: String

        public init(id: String, label: String, detail: String = "", layer: Int, attributes: [(String, String)] = [], tooltip: String = "") {
            self.id = id; self.label = label; self.detail = detail; self.layer = layer
            self.attributes = attributes; self.tooltip = tooltip
        }
    }

    public struct Edge: Sendable {
        public var from: String
        public var to: String
        public var dashed: Bool
        public init(from: String, to: String, dashed: Bool = false) { self.from = from; self.to = to; self.dashed = dashed }
    }

    public var nodes: [Node]
    public var edges: [Edge]

    public init(nodes: [Node], edges: [Edge]) { self.nodes = nodes; self.edges = edges }

    static let boxWidth = 150.0, boxHeight = 44.0, columnGap = 24.0, rowGap = 46.0, margin = 12.0

    /// `id` must be unique in the page (it prefixes the arrow marker's id).
    public func svg(id: String, title: String) -> String {
        guard !nodes.isEmpty else { return "<p class=\"muted\">No nodes to draw.</p>\n" }
        let layers = orderedLayers()
        let widest = layers.map(\.count).max() ?? 1
        let width = Self.margin * 2 + Double(widest) * Self.boxWidth + Double(max(widest - 1, 0)) * Self.columnGap
        let height = Self.margin * 2 + Double(layers.count) * Self.boxHeight + Double(max(layers.count - 1, 0)) * Self.rowGap
        var position: [String: (x: Double, y: Double)] = [:]
        for (row, layer) in layers.enumerated() {
            let rowWidth = Double(layer.count) * Self.boxWidth + Double(max(layer.count - 1, 0)) * Self.columnGap
            let left = (width - rowWidth) / 2
            for (column, index) in layer.enumerated() {
                position[nodes[index].id] = (left + Double(column) * (Self.boxWidth + Self.columnGap),
                                             Self.margin + Double(row) * (Self.boxHeight + Self.rowGap))
            }
        }
        let e = HTMLText.escape, c = HTMLText.coordinate
        let marker = e(id) + "-arrow"
        // Narrow screens scroll the diagram sideways rather than shrink its text below reading size.
        var s = "<div class=\"table-wrap\"><svg class=\"diagram\" id=\"\(e(id))\" role=\"img\" aria-label=\"\(e(title))\" "
        s += "viewBox=\"0 0 \(c(width)) \(c(height))\" style=\"min-width: \(c(min(width, 900) * 0.75))px; max-width: \(c(width * 1.25))px; margin: 0 auto\" xmlns=\"http://www.w3.org/2000/svg\">\n"
        s += "<title>\(e(title))</title>\n"
        s += "<defs><marker id=\"\(marker)\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">"
        s += "<path class=\"arrow\" d=\"M0 0 L10 5 L0 10 z\"/></marker></defs>\n"
        for edge in edges {
            guard let a = position[edge.from], let b = position[edge.to] else { continue }
            let x1 = a.x + Self.boxWidth / 2, x2 = b.x + Self.boxWidth / 2
            let path: String
            if b.y > a.y {
                let y1 = a.y + Self.boxHeight, y2 = b.y - 2, mid = (y1 + y2) / 2
                path = "M\(c(x1)) \(c(y1)) C\(c(x1)) \(c(mid)) \(c(x2)) \(c(mid)) \(c(x2)) \(c(y2))"
            } else {
                // A call back up or sideways: around the right-hand side.
                let y1 = a.y + Self.boxHeight / 2, y2 = b.y + Self.boxHeight / 2
                let bend = max(a.x, b.x) + Self.boxWidth + Self.columnGap * 0.8
                path = "M\(c(a.x + Self.boxWidth)) \(c(y1)) C\(c(bend)) \(c(y1)) \(c(bend)) \(c(y2)) \(c(b.x + Self.boxWidth + 2)) \(c(y2))"
            }
            s += "<path class=\"edge\(edge.dashed ? " async" : "")\" data-from=\"\(e(edge.from))\" data-to=\"\(e(edge.to))\" d=\"\(path)\" marker-end=\"url(#\(marker))\"/>\n"
        }
        for node in nodes {
            guard let p = position[node.id] else { continue }
            s += "<g class=\"node\" data-node=\"\(e(node.id))\""
            for (name, value) in node.attributes { s += " \(e(name))=\"\(e(value))\"" }
            s += ">"
            if !node.tooltip.isEmpty { s += "<title>\(e(node.tooltip))</title>" }
            s += "<rect x=\"\(c(p.x))\" y=\"\(c(p.y))\" width=\"\(c(Self.boxWidth))\" height=\"\(c(Self.boxHeight))\" rx=\"6\"/>"
            s += "<text x=\"\(c(p.x + Self.boxWidth / 2))\" y=\"\(c(p.y + 19))\" text-anchor=\"middle\">\(e(Self.clipped(node.label, 20)))</text>"
            if !node.detail.isEmpty {
                s += "<text class=\"kind\" x=\"\(c(p.x + Self.boxWidth / 2))\" y=\"\(c(p.y + 34))\" text-anchor=\"middle\">\(e(Self.clipped(node.detail, 26)))</text>"
            }
            s += "</g>\n"
        }
        s += "</svg></div>\n"
        return s
    }

    /// Node indices by layer, each layer ordered by its callers' mean column.
    func orderedLayers() -> [[Int]] {
        let deepest = nodes.map { max($0.layer, 0) }.max() ?? 0
        var layers = Array(repeating: [Int](), count: deepest + 1)
        for (i, node) in nodes.enumerated() { layers[max(node.layer, 0)].append(i) }
        var column: [String: Double] = [:]
        var callers: [String: [String]] = [:]
        for edge in edges { callers[edge.to, default: []].append(edge.from) }
        for l in layers.indices {
            if l > 0 {
                let keyed = layers[l].enumerated().map { offset, index -> (Double, Int, Int) in
                    let placed = (callers[nodes[index].id] ?? []).compactMap { column[$0] }
                    let mean = placed.isEmpty ? Double(offset) : placed.reduce(0, +) / Double(placed.count)
                    return (mean, offset, index)
                }
                layers[l] = keyed.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
            }
            // Columns centred, so layers of different widths line up under their callers.
            for (k, index) in layers[l].enumerated() { column[nodes[index].id] = Double(k) - Double(layers[l].count - 1) / 2 }
        }
        return layers.filter { !$0.isEmpty }
    }

    static func clipped(_ s: String, _ limit: Int) -> String {
        s.count <= limit ? s : String(s.prefix(limit - 1)) + "…"
    }
}
