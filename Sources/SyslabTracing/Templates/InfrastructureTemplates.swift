import SyslabCore

extension BuiltinTemplates {
    /// Containers, meshes and databases at scale.
    static let infrastructure: [Template] = {
        typealias B = TemplateBuilder
        return [
            B.template(
                "kubernetes-pod-service", "Kubernetes Pod + Service",
                "Client → Ingress → K8s Service → Pod ×3. Teaches service discovery, iptables routing, readiness probes and PodDisruptionBudget.",
                uses: ["Ingress", "K8s Service", "3 Pods"],
                B.topology("kubernetes-pod-service", "GET", "/api/catalog", [
                    B.node("client", "frontend"),
                    B.node("ingress", "load-balancer", label: "ingress-nginx", op: "GET /api/catalog"),
                    B.node("service", "k8s-service", label: "catalog-svc", fanOut: .failover),
                    B.node("pod-1", "docker", label: "catalog-pod-1", op: "GET /api/catalog", attrs: ["k8s.pod.name": "catalog-7d9f-1"]),
                    B.node("pod-2", "docker", label: "catalog-pod-2", op: "GET /api/catalog", attrs: ["k8s.pod.name": "catalog-7d9f-2"]),
                    B.node("pod-3", "docker", label: "catalog-pod-3", op: "GET /api/catalog", attrs: ["k8s.pod.name": "catalog-7d9f-3"]),
                ], [
                    B.call("client", "ingress"),
                    B.call("ingress", "service"),
                    B.call("service", "pod-1"), B.call("service", "pod-2"), B.call("service", "pod-3"),
                ]),
                success: Variant(.success, title: "request routed to healthy pod",
                    story: "The Service routes the request to one ready pod. The other two pods are not in this trace: each request reaches exactly one endpoint."),
                slow: Variant(.slow, title: "pod in CrashLoopBackOff still receiving traffic",
                    story: "catalog-pod-1 keeps crashing but its readiness probe is too lax, so it stays in the endpoints. The request waits for the connect timeout, then retries on pod-2: slow, not failed. A proper readiness probe removes the pod before users hit it.",
                    nodes: ["pod-1": B.fail(503, "ECONNREFUSED", "pod restarting (CrashLoopBackOff)", ms: 1000)]),
                error: Variant(.error, title: "all pods down → 503 Service Unavailable",
                    story: "Every pod fails, one after another, and the request ends in 503. A PodDisruptionBudget and spreading pods across nodes keep a single drain or node failure from taking all replicas at once.",
                    nodes: ["pod-1": B.fail(503, "ECONNREFUSED", "connection refused", ms: 2),
                            "pod-2": B.fail(503, "ECONNREFUSED", "connection refused", ms: 2),
                            "pod-3": B.fail(503, "ECONNREFUSED", "connection refused", ms: 2),
                            "service": B.fail(503, "503", "no healthy endpoints for service catalog-svc", after: true)])),

            B.template(
                "service-mesh-istio", "Service Mesh (Istio)",
                "Service A → Envoy sidecar → Envoy sidecar → Service B. Teaches transparent mTLS, tracing header injection and circuit breaking via sidecar proxy.",
                uses: ["Service A", "Envoy ×2", "Service B", "DB"],
                B.topology("service-mesh-istio", "GET", "/api/recommendations", [
                    B.node("svc-a", "backend", label: "service-a", op: "GET /api/recommendations", ms: 15),
                    B.node("envoy-out", "envoy", label: "service-a-sidecar", op: "outbound|8080||service-b"),
                    B.node("envoy-in", "envoy", label: "service-b-sidecar", op: "inbound|8080||"),
                    B.node("svc-b", "backend", label: "service-b", op: "GET /recommendations", ms: 25),
                    B.node("db", "postgres", ms: 15),
                ], [
                    B.call("svc-a", "envoy-out"),
                    B.call("envoy-out", "envoy-in", attrs: ["tls.established": true]),
                    B.call("envoy-in", "svc-b"),
                    B.call("svc-b", "db", op: "SELECT recommendations"),
                ]),
                success: Variant(.success, title: "transparent mTLS + tracing",
                    story: "Each sidecar adds under a millisecond, handles mTLS between the pods and propagates the trace headers, so service A and B need no TLS or tracing code of their own."),
                slow: Variant(.slow, title: "sidecar overhead during config reload",
                    story: "The outbound sidecar is applying a large configuration push and its span grows to hundreds of milliseconds. The services did nothing different: the proxy is on every hop, so its health is everyone's latency.",
                    nodes: ["envoy-out": B.slow(ms: 450)]),
                error: Variant(.error, title: "Envoy circuit breaker opens after 5 DB timeouts",
                    story: "After five consecutive failures the outbound sidecar's outlier detection ejected service-b and its circuit breaker is open: it answers 503 (UO) immediately and service-b is never called. Fast failure, with no code in service A.",
                    nodes: ["envoy-out": B.fail(503, "UO", "upstream overflow: circuit breaker open after 5 consecutive 5xx", ms: 1,
                                                attrs: ["envoy.outlier.consecutive_5xx": 5])],
                    edges: ["envoy-out->envoy-in": B.skip])),

            B.template(
                "read-replicas", "Read Replicas",
                "App → Primary (write) + Replica (read). Teaches replication lag, read-your-writes inconsistency and replica failover.",
                uses: ["App", "Primary DB", "Replica DB"],
                B.topology("read-replicas", "POST", "/api/profile", [
                    B.node("app", "backend", op: "POST /api/profile", ms: 10),
                    B.node("primary", "postgres", label: "db-primary", ms: 12),
                    B.node("replica", "postgres", label: "db-replica", ms: 6),
                ], [
                    B.call("app", "primary", op: "UPDATE profiles", attrs: ["db.operation.name": "UPDATE"]),
                    B.call("app", "replica", op: "SELECT profiles", fallback: true),
                    B.call("app", "primary", id: "read-primary", op: "SELECT profiles"),
                ]),
                success: Variant(.success, title: "write + read consistent (low lag)",
                    story: "The write goes to the primary and the read to the replica, which is a few milliseconds behind: the read sees the new profile.",
                    nodes: ["replica": B.healthy(attrs: ["db.replication.lag_ms": 4])],
                    edges: ["read-primary": B.skip]),
                slow: Variant(.slow, title: "replication lag → stale read-your-writes",
                    story: "The replica is 2.5 s behind. Both queries succeed quickly, yet the read returns the profile as it was before the write: nothing in the timings shows it, only the lag attribute. Read your own writes from the primary.",
                    nodes: ["replica": B.healthy(attrs: ["db.replication.lag_ms": 2500, "db.stale_read": true])],
                    edges: ["read-primary": B.skip]),
                error: Variant(.error, title: "replica down → failover to primary",
                    story: "The replica refuses the connection; the app falls back to reading from the primary. The user sees no error, but the primary now carries all reads — watch its load.",
                    nodes: ["replica": B.fail(500, "ECONNREFUSED", "connect ECONNREFUSED db-replica:5432", ms: 4)])),

            B.template(
                "zero-downtime-migration", "Zero-Downtime DB Migration",
                "App → Old Table + New Table (shadow write). Teaches the dual-write migration pattern used by Stripe and GitHub for zero-downtime schema changes.",
                uses: ["App", "Old Table", "New Table"],
                B.topology("zero-downtime-migration", "POST", "/api/subscriptions", [
                    B.node("app", "backend", op: "POST /api/subscriptions", ms: 10),
                    B.node("old-table", "postgres", label: "subscriptions", ms: 10),
                    B.node("new-table", "postgres", label: "subscriptions_v2", ms: 10),
                ], [
                    B.call("app", "old-table", op: "INSERT subscriptions", attrs: ["db.operation.name": "INSERT"]),
                    B.call("app", "new-table", op: "INSERT subscriptions_v2 (shadow)", fallback: true,
                           attrs: ["db.operation.name": "INSERT"]),
                ]),
                success: Variant(.success, title: "dual-write active, both tables consistent",
                    story: "Every write goes to the old table (the source of truth) and then, as a shadow write, to the new one. Both succeed; once backfilled and verified, reads can switch."),
                slow: Variant(.slow, title: "new table missing index, shadow write takes 2.5s",
                    story: "The new table lacks an index the insert path needs, so the shadow write takes 2.5 s and drags the whole request. Shadow writes must be cheap — or asynchronous.",
                    nodes: ["new-table": B.slow(ms: 2500)]),
                error: Variant(.error, title: "schema mismatch → shadow write constraint violation",
                    story: "The new schema has a NOT NULL column the app does not fill: the shadow write fails and is ignored, so production keeps working while the two tables diverge. Compare them before switching reads.",
                    nodes: ["new-table": B.fail(500, "23502", "null value in column \"plan_id\" violates not-null constraint", ms: 5)])),

            B.template(
                "database-sharding", "Database Sharding",
                "API → Shard Router → [Shard 1, 2, 3]. Teaches hash partitioning, cross-shard scatter/gather and partial failure when one shard is down.",
                uses: ["API", "Shard Router", "3 Shards"],
                B.topology("database-sharding", "GET", "/api/users/42", [
                    B.node("api", "backend", op: "GET /api/users/:id", ms: 20),
                    B.node("router", "backend", label: "shard-router", op: "route hash(user_id)", fanOut: .parallel, ms: 5),
                    B.node("shard-1", "postgres", label: "shard-1", ms: 25),
                    B.node("shard-2", "postgres", label: "shard-2", ms: 25),
                    B.node("shard-3", "postgres", label: "shard-3", ms: 25),
                ], [
                    B.call("api", "router"),
                    B.call("router", "shard-1", op: "SELECT users"),
                    B.call("router", "shard-2", op: "SELECT users"),
                    B.call("router", "shard-3", op: "SELECT users"),
                ]),
                success: Variant(.success, title: "routed to correct shard in 80ms",
                    story: "hash(42) picks shard-2 and only shard-2 is queried: single-shard reads cost the same as an unsharded database.",
                    edges: ["router->shard-1": B.skip, "router->shard-3": B.skip]),
                slow: Variant(.slow, title: "cross-shard query (scatter/gather)",
                    story: "The query has no shard key, so the router asks all three shards and waits for the slowest. Scatter/gather latency is the worst shard's, and it multiplies load.",
                    nodes: ["shard-3": B.slow(ms: 600)]),
                error: Variant(.error, title: "one shard down → 33% of users affected",
                    story: "User 42 lives on shard-3, which is down: this request fails, as does every request for a third of the users, while the rest are fine. Replicate each shard so one machine is not a third of your users.",
                    nodes: ["shard-3": B.fail(500, "57P01", "terminating connection due to administrator command", ms: 3)],
                    edges: ["router->shard-1": B.skip, "router->shard-2": B.skip])),
        ]
    }()
}
