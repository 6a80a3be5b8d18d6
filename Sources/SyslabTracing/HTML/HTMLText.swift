import SyslabCore

/// Escaping and number formatting for the HTML pages (the trace page and the
/// load-test report). Every string that reaches a page goes through `escape`:
/// node names, span names, finding titles and scenario names come from users'
/// Lua and JSON, so a name such as `<script>` or `" onload="` must stay text.
public enum HTMLText {
    /// Text or a quoted attribute value, escaped. Control characters other
    /// than newline and tab become spaces (HTML forbids most of them, and a
    /// NUL would cut the C string the page crosses the ABI as).
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\n", "\t": out.unicodeScalars.append(c)
            case _ where c.value < 0x20 || (0x7F...0x9F).contains(c.value): out += " "
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// A number with a fixed count of decimals (0-6), without Foundation's
    /// formatters; non-finite values print as "–".
    public static func fixed(_ value: Double, _ decimals: Int = 1) -> String {
        guard value.isFinite else { return "–" }
        let digits = min(max(decimals, 0), 6)
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (value * scale).rounded()
        guard abs(scaled) < 9e15 else { return JSONValue.format(number: value) }
        let units = Int64(scaled)
        let sign = units < 0 ? "-" : ""
        let magnitude = units.magnitude
        let whole = magnitude / UInt64(scale)
        guard digits > 0 else { return sign + String(whole) }
        let fraction = String(magnitude % UInt64(scale))
        return sign + String(whole) + "." + String(repeating: "0", count: digits - fraction.count) + fraction
    }

    /// SVG coordinates: one decimal is plenty.
    public static func coordinate(_ value: Double) -> String { fixed(value, 1) }

    /// A duration given in milliseconds, for people: "850 µs", "24.3 ms", "12.5 s".
    public static func milliseconds(_ ms: Double) -> String {
        guard ms.isFinite else { return "–" }
        if ms <= 0 { return "0 ms" }
        if ms >= 10_000 { return fixed(ms / 1000, 1) + " s" }
        if ms >= 100 { return fixed(ms, 0) + " ms" }
        if ms >= 1 { return fixed(ms, 1) + " ms" }
        return fixed(ms * 1000, 0) + " µs"
    }

    /// A fraction as a percentage: 0.0123 → "1.23%".
    public static func percent(_ fraction: Double, _ decimals: Int = 2) -> String {
        guard fraction.isFinite else { return "–" }
        return fixed(fraction * 100, decimals) + "%"
    }

    /// A count with thin grouping: 12345 → "12 345".
    public static func count(_ n: Int) -> String {
        let digits = Array(String(n.magnitude))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out += "\u{202F}" }
            out.append(d)
        }
        return (n < 0 ? "-" : "") + out
    }
}
