import SyslabCore

/// The role of a span in a call, as OpenTelemetry defines it.
public enum SpanKind: String, Sendable, CaseIterable {
    case `internal`, server, client, producer, consumer

    /// The integer the OTLP protobuf enum `Span.SpanKind` uses.
    public var otlpValue: Int {
        switch self {
        case .internal: return 1
        case .server: return 2
        case .client: return 3
        case .producer: return 4
        case .consumer: return 5
        }
    }

    public init?(otlpValue: Int) {
        guard let kind = SpanKind.allCases.first(where: { $0.otlpValue == otlpValue }) else { return nil }
        self = kind
    }

    /// Zipkin v2 spells kinds in capitals and has no "internal" (the field is omitted).
    public var zipkinName: String? { self == .internal ? nil : rawValue.uppercased() }
}
