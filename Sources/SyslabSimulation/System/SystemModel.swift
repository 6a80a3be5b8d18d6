import SyslabCore
import SyslabTracing

/// One node of a simulated system: the topology node plus what the
/// simulator needs to know about its capacity and behaviour.
public struct NodeModel: Sendable {
    public let index: Int
    public let id: String
    public let kind: String
    /// Concurrent requests it works on; `Int.max` = unlimited (a pure delay).
    public var servers: Int
    /// Requests allowed to wait for a server; `Int.max` = unbounded.
    public var queueLimit: Int
    /// Its own processing time per request, in seconds (downstream calls come on top).
    public var service: Distribution
    /// How long a baseline or injected error takes to surface, in seconds
    /// (by default the service time: the node answers with an error as fast as with data).
    public var failing: Distribution
    /// Baseline fraction of requests that fail on their own.
    public var errorRate: Double
    public var errorStatus: Int
    public var fanOut: FanOut
    /// When set, each request calls one of the outgoing sync edges, chosen by this policy.
    public var balance: BalancePolicy?
    public var rateLimit: TokenBucketConfig?
    public var cache: CacheConfig?
    /// Outgoing sync edges in declaration order, and async ones.
    public var syncEdges: [Int]
    public var asyncEdges: [Int]
    /// For a cache: the lookup edge (cache-aside) and the edges called only on a miss.
    public var cacheLookupEdge: Int?
    public var cacheBackendEdges: [Int]
    /// Data stores receive a scenario's extra queries.
    public var storesData: Bool
}

/// One edge of a simulated system: the topology edge plus the caller's client
/// policies for it (timeout, retries, pool, breaker, bulkhead).
public struct EdgeModel: Sendable {
    public let index: Int
    public let id: String
    public let from: Int
    public let to: Int
    public let mode: EdgeMode
    public var timeout: Double?
    public var retry: RetryPolicy
    /// Sequential repetitions per visit (loops, N+1 queries).
    public var calls: Int
    /// A failure is absorbed (cached or default answer) instead of failing the caller.
    public var fallback: Bool
    /// Async hand-off delay in seconds.
    public var delay: Double
    public var pool: ConnectionPoolConfig?
    public var breaker: CircuitBreakerConfig?
    public var bulkhead: BulkheadConfig?
}

/// A system ready to simulate: a validated topology with capacities and
/// client policies resolved for every node and edge.
public struct SystemModel: Sendable {
    public let topology: Topology
    public var nodes: [NodeModel]
    public var edges: [EdgeModel]
    public var entry: Int
    /// A callee gives up on work whose caller has already timed out.
    public var deadlinePropagation: Bool

    public var name: String { topology.name }

    public func node(_ id: String) -> NodeModel? { nodes.first { $0.id == id } }
    public func edge(_ id: String) -> EdgeModel? { edges.first { $0.id == id } }

    /// Default concurrency by component category, so an unconfigured
    /// template still queues somewhere plausible.
    public static func defaultServers(for kind: ComponentKind) -> Int {
        switch kind.category {
        case .clients: return Int.max
        case .services: return 64
        case .dataStores: return kind.id == "redis" ? 256 : 32
        case .ai: return 16
        case .external: return 100
        case .edge, .security, .containers: return 1024
        case .messaging, .observability, .infra, .serverless: return 256
        }
    }
}
