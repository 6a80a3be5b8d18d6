/// The 43 read-only templates of the tracing lab, each with its success,
/// slow and error variants and what each should show the learner. Listed in
/// the order of the original catalogue.
public enum BuiltinTemplates {
    public static let all: [Template] = {
        let grouped = fundamentals + asyncAndEvents + integrations + cloudAndSecurity + infrastructure
        let rank = Dictionary(uniqueKeysWithValues: catalogueOrder.enumerated().map { ($1, $0) })
        return grouped.sorted { rank[$0.id, default: .max] < rank[$1.id, default: .max] }
    }()

    private static let byId: [String: Template] = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })

    public static func template(_ id: String) -> Template? { byId[id] }

    public static var ids: [String] { all.map(\.id) }

    static let catalogueOrder = [
        "simple", "redis-cache", "stripe-api", "kafka-fanout", "sqs-async", "upload-s3", "api-gateway-microservices",
        "rag-pipeline", "realtime-chat", "load-balanced-api", "search-sync", "graphql-federation", "grpc-interservice",
        "ai-agent-tools", "saga-pattern", "cqrs-event-sourcing", "oauth-login", "webhook-receiver", "background-jobs",
        "cdc-pipeline", "observability-stack", "secrets-management", "feature-flag-rollout", "rabbitmq-work-queue",
        "pubsub-multi-region", "sms-notification", "product-analytics", "lambda-api-gateway", "s3-event-lambda",
        "step-functions-saga", "eventbridge-routing", "dynamodb-single-table", "rate-limiting", "jwt-idor",
        "mtls-service-to-service", "waf-owasp", "kubernetes-pod-service", "service-mesh-istio", "read-replicas",
        "zero-downtime-migration", "database-sharding", "circuit-breaker", "bulkhead-isolation",
    ]
}
