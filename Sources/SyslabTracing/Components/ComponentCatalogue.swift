import SyslabCore

/// The 40 built-in component kinds in 12 categories. Attributes follow the
/// OpenTelemetry semantic conventions (http.*, db.system, messaging.system,
/// rpc.system, cloud.*, gen_ai.*); latencies are milliseconds for a healthy,
/// a slow (degraded) and a failing component.
public enum ComponentCatalogue {
    public static let all: [ComponentKind] = clients + edge + services + dataStores + ai + messaging + external
        + observability + infra + serverless + security + containers

    private static let byId: [String: ComponentKind] = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })

    public static func kind(_ id: String) -> ComponentKind? { byId[id] }

    public static var ids: [String] { all.map(\.id) }

    public static func kinds(in category: ComponentCategory) -> [ComponentKind] {
        all.filter { $0.category == category }
    }

    /// `{"version": 1, "categories": [{id, title, components: [...]}]}`.
    public static var json: JSONValue {
        .object([
            "version": 1,
            "categories": .array(ComponentCategory.allCases.map { category in
                ["id": .string(category.rawValue), "title": .string(category.title),
                 "components": .array(kinds(in: category).map(\.json))]
            }),
        ])
    }

    // MARK: builders

    private static func make(
        _ id: String, _ name: String, _ category: ComponentCategory, _ kind: SpanKind, _ proto: ComponentProtocol,
        op: String, _ attributes: [String: AttributeValue], ms: (Double, Double, Double),
        fail: (Int, String, String), _ summary: String
    ) -> ComponentKind {
        ComponentKind(
            id: id, name: name, category: category, spanKind: kind, wireProtocol: proto, operation: op,
            attributes: attributes, latency: .around(healthy: ms.0, slow: ms.1, failing: ms.2),
            failure: ComponentFailure(status: fail.0, errorType: fail.1, message: fail.2), summary: summary)
    }

    private static func http(_ host: String, port: Int64 = 443) -> [String: AttributeValue] {
        ["server.address": .string(host), "server.port": .int(port), "network.protocol.name": "http", "url.scheme": "https"]
    }

    private static func db(_ system: String, port: Int64, namespace: String = "app") -> [String: AttributeValue] {
        ["db.system": .string(system), "db.namespace": .string(namespace), "server.port": .int(port)]
    }

    private static func aws(_ service: String) -> [String: AttributeValue] {
        ["cloud.provider": "aws", "cloud.region": "us-east-1", "rpc.system": "aws-api", "rpc.service": .string(service)]
    }

    private static func merge(_ parts: [String: AttributeValue]...) -> [String: AttributeValue] {
        parts.reduce(into: [:]) { out, part in out.merge(part) { _, new in new } }
    }

    // MARK: the catalogue

    static let clients: [ComponentKind] = [
        make("frontend", "Frontend (React)", .clients, .client, .http, op: "GET /",
             ["user_agent.original": "Mozilla/5.0 (React SPA)", "browser.platform": "web"],
             ms: (12, 60, 8), fail: (0, "NetworkError", "the browser could not reach the server"),
             "A single-page web app; its span is the user's view of the request."),
        make("mobile", "Mobile (iOS/Android)", .clients, .client, .http, op: "GET /",
             ["os.name": "iOS", "device.model.identifier": "iPhone15,2"],
             ms: (20, 90, 10), fail: (0, "NSURLErrorDomain", "the request failed on the device"),
             "A native mobile app on a phone network: extra latency and flaky links."),
    ]

    static let edge: [ComponentKind] = [
        make("cdn", "CDN", .edge, .server, .http, op: "GET /assets",
             merge(http("cdn.example.com"), ["http.request.method": "GET"]),
             ms: (6, 120, 30), fail: (502, "502", "origin unreachable from the CDN edge"),
             "Caches static content close to users; misses go to the origin."),
        make("load-balancer", "Load Balancer", .edge, .server, .http, op: "route",
             merge(http("lb.internal", port: 443), ["network.transport": "tcp"]),
             ms: (1, 25, 5), fail: (503, "503", "no healthy upstream"),
             "Spreads requests across instances and stops routing to dead ones."),
        make("api-gateway", "API Gateway", .edge, .server, .http, op: "route",
             http("api.example.com"),
             ms: (4, 60, 10), fail: (502, "502", "bad gateway: upstream failed"),
             "The single entry point: routing, authentication, rate limits."),
        make("auth", "Auth", .edge, .server, .http, op: "POST /authorize",
             http("auth.internal"),
             ms: (15, 400, 12), fail: (401, "401", "unauthorized: token rejected"),
             "Verifies who the caller is (tokens, sessions) and what they may do."),
    ]

    static let services: [ComponentKind] = [
        make("backend", "Backend", .services, .server, .http, op: "GET /api",
             merge(http("backend.internal", port: 8080), ["http.request.method": "GET"]),
             ms: (20, 300, 15), fail: (500, "500", "internal server error"),
             "An HTTP service holding business logic."),
        make("grpc", "gRPC", .services, .server, .grpc, op: "Service/Method",
             ["rpc.system": "grpc", "rpc.service": "app.v1.Service", "rpc.method": "Call", "server.port": 50051],
             ms: (6, 200, 10), fail: (14, "UNAVAILABLE", "UNAVAILABLE: connection refused"),
             "A typed internal RPC service over HTTP/2."),
        make("graphql", "GraphQL", .services, .server, .http, op: "query",
             merge(http("graphql.internal", port: 4000), ["graphql.operation.type": "query", "http.request.method": "POST"]),
             ms: (10, 250, 12), fail: (500, "500", "resolver error"),
             "A GraphQL server resolving one query from several sources."),
        make("websocket", "WebSocket", .services, .server, .websocket, op: "message",
             ["network.protocol.name": "websocket", "server.address": "ws.example.com", "server.port": 443],
             ms: (4, 120, 8), fail: (1011, "1011", "websocket closed: internal error"),
             "Keeps a bidirectional connection open for real-time messages."),
        make("worker", "Worker", .services, .consumer, .messaging, op: "process",
             ["messaging.operation.type": "process", "code.function.name": "handle"],
             ms: (40, 1500, 30), fail: (500, "WorkerCrash", "worker crashed while processing"),
             "A background process that consumes jobs or events."),
    ]

    static let dataStores: [ComponentKind] = [
        make("postgres", "PostgreSQL", .dataStores, .client, .database, op: "SELECT",
             merge(db("postgresql", port: 5432), ["db.operation.name": "SELECT"]),
             ms: (8, 900, 5000), fail: (500, "57014", "canceling statement due to statement timeout"),
             "A relational database."),
        make("mongodb", "MongoDB", .dataStores, .client, .database, op: "find",
             merge(db("mongodb", port: 27017), ["db.operation.name": "find"]),
             ms: (6, 600, 3000), fail: (500, "MongoTimeoutError", "server selection timed out"),
             "A document database."),
        make("redis", "Redis", .dataStores, .client, .database, op: "GET",
             merge(db("redis", port: 6379, namespace: "0"), ["db.operation.name": "GET"]),
             ms: (1.5, 60, 250), fail: (500, "ECONNREFUSED", "connect ECONNREFUSED redis:6379"),
             "An in-memory key-value store: cache, counters, queues, pub/sub."),
        make("elasticsearch", "Elasticsearch", .dataStores, .client, .database, op: "search",
             merge(db("elasticsearch", port: 9200, namespace: "products"), ["db.operation.name": "search"]),
             ms: (18, 900, 800), fail: (429, "es_rejected_execution_exception", "rejected execution: write queue full"),
             "A search engine with an inverted index."),
        make("vector-db", "Vector DB", .dataStores, .client, .database, op: "query",
             merge(db("qdrant", port: 6333, namespace: "documents"), ["db.operation.name": "query"]),
             ms: (25, 900, 600), fail: (500, "CollectionEmpty", "no vectors in collection 'documents'"),
             "Stores embeddings and finds the nearest neighbours of a query."),
    ]

    static let ai: [ComponentKind] = [
        make("llm-api", "LLM API (OpenAI, Groq, Anthropic)", .ai, .client, .http, op: "chat",
             merge(http("api.openai.com"), ["gen_ai.system": "openai", "gen_ai.operation.name": "chat",
                                            "gen_ai.request.model": "gpt-4o-mini", "http.request.method": "POST"]),
             ms: (1400, 7000, 600), fail: (429, "rate_limit_exceeded", "429 rate limit reached for requests"),
             "A hosted large language model behind an HTTP API."),
    ]

    static let messaging: [ComponentKind] = [
        make("kafka", "Kafka", .messaging, .producer, .messaging, op: "publish",
             ["messaging.system": "kafka", "messaging.operation.type": "publish", "messaging.destination.name": "events"],
             ms: (4, 250, 3000), fail: (500, "NotLeaderForPartition", "not leader for partition"),
             "A partitioned, replicated log; consumers read at their own pace."),
        make("rabbitmq", "RabbitMQ", .messaging, .producer, .messaging, op: "publish",
             ["messaging.system": "rabbitmq", "messaging.operation.type": "publish", "messaging.destination.name": "jobs"],
             ms: (3, 150, 1000), fail: (500, "ChannelClosed", "channel closed by broker"),
             "A message broker with queues; each message goes to one consumer."),
        make("pubsub", "Pub/Sub", .messaging, .producer, .messaging, op: "publish",
             ["messaging.system": "gcp_pubsub", "messaging.operation.type": "publish", "messaging.destination.name": "events",
              "cloud.provider": "gcp"],
             ms: (15, 400, 1000), fail: (503, "UNAVAILABLE", "Pub/Sub service unavailable"),
             "Google Cloud Pub/Sub: every subscription receives every message."),
    ]

    static let external: [ComponentKind] = [
        make("stripe", "Stripe", .external, .client, .http, op: "POST /v1/charges",
             merge(http("api.stripe.com"), ["http.request.method": "POST", "peer.service": "stripe"]),
             ms: (350, 4000, 400), fail: (402, "card_declined", "your card was declined"),
             "A payment provider's API."),
        make("email-api", "Email API", .external, .client, .http, op: "POST /v3/mail/send",
             merge(http("api.sendgrid.com"), ["http.request.method": "POST", "peer.service": "sendgrid"]),
             ms: (150, 2500, 300), fail: (503, "503", "email provider unavailable"),
             "A transactional email provider (SendGrid, SES)."),
        make("twilio", "Twilio", .external, .client, .http, op: "POST /Messages",
             merge(http("api.twilio.com"), ["http.request.method": "POST", "peer.service": "twilio"]),
             ms: (200, 3000, 250), fail: (400, "21211", "invalid 'To' phone number"),
             "An SMS and voice provider."),
        make("analytics", "Analytics (Mixpanel)", .external, .client, .http, op: "POST /track",
             merge(http("api.mixpanel.com"), ["http.request.method": "POST", "peer.service": "mixpanel"]),
             ms: (60, 1500, 2000), fail: (503, "503", "analytics ingest unavailable"),
             "A product analytics service receiving events."),
    ]

    static let observability: [ComponentKind] = [
        make("prometheus", "Prometheus", .observability, .client, .http, op: "POST /api/v1/write",
             merge(http("prometheus.monitoring", port: 9090), ["http.request.method": "POST", "signal": "metrics"]),
             ms: (3, 200, 1000), fail: (503, "503", "remote write rejected: Prometheus down"),
             "Stores metrics as time series."),
        make("jaeger", "Jaeger", .observability, .client, .http, op: "export spans",
             merge(http("jaeger.monitoring", port: 4318), ["http.request.method": "POST", "signal": "traces"]),
             ms: (4, 200, 1000), fail: (503, "503", "collector unavailable"),
             "Collects and stores traces."),
        make("loki", "Loki", .observability, .client, .http, op: "POST /loki/api/v1/push",
             merge(http("loki.monitoring", port: 3100), ["http.request.method": "POST", "signal": "logs"]),
             ms: (6, 1500, 1000), fail: (503, "503", "ingester unavailable"),
             "Stores logs indexed by labels."),
    ]

    static let infra: [ComponentKind] = [
        make("vault", "Vault", .infra, .client, .http, op: "GET /v1/database/creds",
             merge(http("vault.internal", port: 8200), ["http.request.method": "GET"]),
             ms: (12, 2000, 40), fail: (503, "503", "Vault is sealed"),
             "Issues secrets and short-lived credentials."),
        make("feature-flags", "Feature Flags (LaunchDarkly)", .infra, .client, .http, op: "evaluate flag",
             merge(http("sdk.launchdarkly.com"), ["feature_flag.provider.name": "LaunchDarkly"]),
             ms: (8, 1500, 2000), fail: (503, "503", "flag service unreachable"),
             "Evaluates feature flags to separate deploy from release."),
    ]

    static let serverless: [ComponentKind] = [
        make("lambda", "Lambda", .serverless, .server, .faas, op: "invoke",
             ["cloud.provider": "aws", "cloud.platform": "aws_lambda", "cloud.region": "us-east-1",
              "faas.trigger": "http", "faas.coldstart": false, "faas.name": "handler"],
             ms: (35, 2000, 25), fail: (429, "TooManyRequestsException", "Rate Exceeded: concurrency limit reached"),
             "A function run on demand, billed per millisecond."),
        make("dynamodb", "DynamoDB", .serverless, .client, .database, op: "Query",
             merge(aws("DynamoDB"), ["db.system": "dynamodb", "db.operation.name": "Query",
                                     "aws.dynamodb.table_names": "app"]),
             ms: (7, 300, 40), fail: (400, "ProvisionedThroughputExceededException", "provisioned throughput exceeded"),
             "A managed key-value and document database."),
        make("step-functions", "Step Functions", .serverless, .client, .http, op: "StartExecution",
             aws("StepFunctions"),
             ms: (25, 500, 60), fail: (500, "States.TaskFailed", "state machine task failed"),
             "A managed state machine orchestrating steps."),
        make("eventbridge", "EventBridge", .serverless, .producer, .messaging, op: "PutEvents",
             merge(aws("EventBridge"), ["messaging.system": "aws_eventbridge", "messaging.operation.type": "publish",
                                        "messaging.destination.name": "default"]),
             ms: (18, 300, 80), fail: (500, "InternalException", "EventBridge internal error"),
             "An event bus that routes events to targets by rules."),
        make("sns", "SNS", .serverless, .producer, .messaging, op: "Publish",
             merge(aws("SNS"), ["messaging.system": "aws_sns", "messaging.operation.type": "publish",
                                "messaging.destination.name": "notifications"]),
             ms: (14, 250, 80), fail: (500, "InternalError", "SNS internal error"),
             "A managed pub/sub topic that pushes to subscribers."),
        make("sqs", "SQS", .serverless, .producer, .messaging, op: "SendMessage",
             merge(aws("SQS"), ["messaging.system": "aws_sqs", "messaging.operation.type": "publish",
                                "messaging.destination.name": "jobs"]),
             ms: (9, 200, 80), fail: (500, "AWS.SimpleQueueService.ServiceUnavailable", "SQS unavailable"),
             "A managed queue; consumers poll and delete messages."),
        make("s3", "S3", .serverless, .client, .http, op: "PutObject",
             merge(aws("S3"), ["aws.s3.bucket": "uploads", "http.request.method": "PUT"]),
             ms: (60, 4500, 200), fail: (503, "SlowDown", "please reduce your request rate"),
             "Object storage."),
    ]

    static let security: [ComponentKind] = [
        make("waf", "WAF", .security, .server, .http, op: "inspect request",
             merge(http("waf.edge"), ["http.request.method": "POST"]),
             ms: (2, 1500, 4), fail: (403, "403", "request blocked by WAF rule"),
             "A web application firewall filtering attacks before they reach the app."),
    ]

    static let containers: [ComponentKind] = [
        make("docker", "Docker", .containers, .server, .http, op: "GET /",
             merge(http("container.local", port: 8080), ["container.runtime": "docker", "container.name": "app"]),
             ms: (18, 400, 10), fail: (502, "502", "container exited"),
             "An application running in a container."),
        make("k8s-service", "K8s Service", .containers, .server, .http, op: "route",
             ["k8s.namespace.name": "default", "k8s.service.name": "app", "network.transport": "tcp"],
             ms: (0.6, 50, 5), fail: (503, "503", "no ready endpoints for service"),
             "A Kubernetes Service routing to ready pods."),
        make("envoy", "Envoy Sidecar", .containers, .server, .http, op: "proxy",
             ["network.protocol.name": "http", "envoy.cluster": "outbound", "tls.protocol.name": "tls"],
             ms: (0.8, 80, 4), fail: (503, "UO", "upstream overflow: circuit breaker open"),
             "A proxy next to each service: mTLS, retries, circuit breaking, tracing headers."),
    ]
}
