import SyslabCore

/// The wire protocol a component speaks; it decides which semantic-convention
/// attributes a span gets for its outcome (HTTP status, gRPC status, ...).
public enum ComponentProtocol: String, Sendable, CaseIterable {
    case http, grpc, websocket, database, messaging, faas
}

/// What a component does when it fails, unless a variant says otherwise.
public struct ComponentFailure: Sendable, Equatable {
    /// HTTP status for HTTP-like components (gRPC components report `grpcStatus`).
    public var status: Int
    /// The `error.type` attribute: an exception class, error code or status text.
    public var errorType: String
    public var message: String

    public init(status: Int, errorType: String, message: String) {
        self.status = status; self.errorType = errorType; self.message = message
    }
}

/// One entry of the component catalogue: what a node of this kind is, how
/// its spans look (kind, name, attributes) and how long it takes.
public struct ComponentKind: Sendable, Equatable {
    /// Stable id used in topologies, e.g. "postgres".
    public let id: String
    public let name: String
    public let category: ComponentCategory
    /// The span kind when the component is called synchronously; a node
    /// reached through an async edge is always a consumer.
    public let spanKind: SpanKind
    public let wireProtocol: ComponentProtocol
    /// The span name when neither the edge nor the node names the operation.
    public let operation: String
    /// Semantic-convention attributes every span of this component carries.
    public let attributes: [String: AttributeValue]
    public let latency: LatencyProfile
    public let failure: ComponentFailure
    public let summary: String

    public init(
        id: String, name: String, category: ComponentCategory, spanKind: SpanKind, wireProtocol: ComponentProtocol,
        operation: String, attributes: [String: AttributeValue], latency: LatencyProfile, failure: ComponentFailure,
        summary: String
    ) {
        self.id = id; self.name = name; self.category = category; self.spanKind = spanKind
        self.wireProtocol = wireProtocol; self.operation = operation; self.attributes = attributes
        self.latency = latency; self.failure = failure; self.summary = summary
    }

    /// True for components that hold data (a write there can be left orphaned).
    public var storesData: Bool {
        category == .dataStores || id == "s3" || id == "dynamodb"
    }

    /// True for brokers and event buses: calls into them are publishes.
    public var isBroker: Bool {
        wireProtocol == .messaging
    }

    public var json: JSONValue {
        [
            "id": .string(id), "name": .string(name), "category": .string(category.rawValue),
            "category_title": .string(category.title), "span_kind": .string(spanKind.rawValue),
            "protocol": .string(wireProtocol.rawValue), "operation": .string(operation),
            "attributes": AttributeValue.json(attributes), "latency_ms": latency.json,
            "failure": [
                "status": .number(Double(failure.status)), "error_type": .string(failure.errorType),
                "message": .string(failure.message),
            ],
            "summary": .string(summary),
        ]
    }
}
