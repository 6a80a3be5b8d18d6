import SyslabCore
import SyslabTracing

/// One structured log line for a sampled request, as a service's access log
/// would write it when the request ends. It carries the W3C ids of the
/// request's trace and root span, so a log line leads to its trace: the same
/// requests are kept as by `options.traces`, and the ids are those of the
/// exported traces.
public struct RequestLog: Sendable {
    /// When the request ended (Unix seconds, from `options.epoch`).
    public var time: Double
    /// "error" for a failed request, "warn" for one at least `traces.slower_than`
    /// slow, "info" otherwise.
    public var level: String
    public var message: String
    public var traceId: TraceId
    /// The root span: the entry node's span of the request.
    public var spanId: SpanId
    /// The entry node, which answered (or failed) the request.
    public var node: String
    /// HTTP status; 0 when no response came.
    public var status: Int
    /// Why the request failed ("pool_timeout", ...); nil when it succeeded.
    public var error: String?
    /// From the intended start (what the user waited), seconds.
    public var latency: Double
    /// Scenarios active when the request started (its phase).
    public var scenarios: [String]
    public var sampledBy: String

    /// The line's fields in a fixed order: time, level and message first, as log shippers expect.
    public var fields: [(String, JSONValue)] {
        [("ts", .string(Self.rfc3339(time))), ("level", .string(level)), ("msg", .string(message)),
         ("trace_id", .string(traceId.hex)), ("span_id", .string(spanId.hex)), ("node", .string(node)),
         ("status", .number(Double(status))), ("latency_ms", .number((latency * 1e6).rounded() / 1e3)),
         ("error", error.map { .string($0) } ?? .null), ("scenarios", .array(scenarios.map { .string($0) })),
         ("sampled_by", .string(sampledBy))]
    }

    public var json: JSONValue { .object(Dictionary(uniqueKeysWithValues: fields)) }

    /// One line of JSON, without the newline.
    public var line: String {
        "{" + fields.map { JSONValue.string($0.0).serialized() + ":" + $0.1.serialized() }.joined(separator: ",") + "}"
    }

    /// `2023-11-14T22:13:20.123456Z`: RFC 3339 in UTC with microseconds.
    public static func rfc3339(_ unixSeconds: Double) -> String {
        // Virtual time starts at options.epoch (0 to 4e9 s), so the value is never negative.
        let micros = Int64((max(0, unixSeconds) * 1e6).rounded())
        let seconds = micros / 1_000_000, fraction = micros % 1_000_000
        let days = seconds / 86_400, secondsOfDay = seconds % 86_400
        // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ v: Int64, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondsOfDay / 3600, 2)):\(pad(secondsOfDay / 60 % 60, 2)):"
            + "\(pad(secondsOfDay % 60, 2)).\(pad(fraction, 6))Z"
    }
}

extension SimulationResult {
    /// The request logs as JSON Lines: one object per line, each line ending in a newline.
    public var logsJSONL: String {
        var out = ""
        for log in logs { out += log.line + "\n" }
        return out
    }

    public var logsJSON: JSONValue { .array(logs.map(\.json)) }
}
