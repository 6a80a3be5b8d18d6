import SyslabCore

/// OpenTelemetry's span status.
public enum SpanStatusCode: String, Sendable, CaseIterable {
    case unset, ok, error

    /// The integer of the OTLP protobuf enum `Status.StatusCode`.
    public var otlpValue: Int {
        switch self {
        case .unset: return 0
        case .ok: return 1
        case .error: return 2
        }
    }
}

public struct SpanStatus: Sendable, Equatable {
    public var code: SpanStatusCode
    public var message: String

    public init(_ code: SpanStatusCode, _ message: String = "") { self.code = code; self.message = message }

    public static let unset = SpanStatus(.unset)
    public static let ok = SpanStatus(.ok)
    public static func error(_ message: String) -> SpanStatus { SpanStatus(.error, message) }
}

/// A key and value; spans keep attributes in insertion order so exports are stable.
public struct Attribute: Sendable, Equatable {
    public var key: String
    public var value: AttributeValue
    public init(_ key: String, _ value: AttributeValue) { self.key = key; self.value = value }
}

/// Something that happened at an instant during a span (an exception, a retry, a fallback).
public struct SpanEvent: Sendable, Equatable {
    public var name: String
    /// Unix time in nanoseconds.
    public var timeUnixNano: UInt64
    public var attributes: [Attribute]

    public init(name: String, timeUnixNano: UInt64, attributes: [Attribute] = []) {
        self.name = name; self.timeUnixNano = timeUnixNano; self.attributes = attributes
    }
}

/// A causal link to another span (here: the producer of the message a consumer handles).
public struct SpanLink: Sendable, Equatable {
    public var traceId: TraceId
    public var spanId: SpanId
    public var attributes: [Attribute]

    public init(traceId: TraceId, spanId: SpanId, attributes: [Attribute] = []) {
        self.traceId = traceId; self.spanId = spanId; self.attributes = attributes
    }
}

/// One operation of one component.
public struct Span: Sendable, Equatable {
    public var spanId: SpanId
    public var parentSpanId: SpanId?
    public var name: String
    public var kind: SpanKind
    /// The `service.name` of the resource that emitted the span.
    public var service: String
    /// The topology node and component kind (empty for spans not made from a topology).
    public var node: String
    public var component: String
    /// Unix time in nanoseconds.
    public var startUnixNano: UInt64
    public var endUnixNano: UInt64
    public var status: SpanStatus
    public var attributes: [Attribute]
    public var events: [SpanEvent]
    public var links: [SpanLink]

    public init(
        spanId: SpanId, parentSpanId: SpanId?, name: String, kind: SpanKind, service: String, node: String = "",
        component: String = "", startUnixNano: UInt64, endUnixNano: UInt64, status: SpanStatus = .unset,
        attributes: [Attribute] = [], events: [SpanEvent] = [], links: [SpanLink] = []
    ) {
        self.spanId = spanId; self.parentSpanId = parentSpanId; self.name = name; self.kind = kind
        self.service = service; self.node = node; self.component = component
        self.startUnixNano = startUnixNano; self.endUnixNano = endUnixNano; self.status = status
        self.attributes = attributes; self.events = events; self.links = links
    }

    public var durationNanos: UInt64 { endUnixNano >= startUnixNano ? endUnixNano - startUnixNano : 0 }
    public var durationMs: Double { Double(durationNanos) / 1e6 }
    public var isError: Bool { status.code == .error }

    public func attribute(_ key: String) -> AttributeValue? {
        attributes.first { $0.key == key }?.value
    }

    /// Sets or replaces an attribute, keeping the original position.
    public mutating func set(_ key: String, _ value: AttributeValue) {
        if let i = attributes.firstIndex(where: { $0.key == key }) { attributes[i].value = value }
        else { attributes.append(Attribute(key, value)) }
    }
}
