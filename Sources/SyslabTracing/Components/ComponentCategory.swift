/// The groups of the component catalogue.
public enum ComponentCategory: String, Sendable, CaseIterable {
    case clients
    case edge
    case services
    case dataStores = "data-stores"
    case ai
    case messaging
    case external
    case observability
    case infra
    case serverless
    case security
    case containers

    public var title: String {
        switch self {
        case .clients: return "Clients"
        case .edge: return "Edge / entry"
        case .services: return "Services"
        case .dataStores: return "Data stores"
        case .ai: return "AI / LLM"
        case .messaging: return "Messaging"
        case .external: return "External"
        case .observability: return "Observability"
        case .infra: return "Infra support"
        case .serverless: return "Serverless / AWS"
        case .security: return "Security"
        case .containers: return "Containers"
        }
    }
}
