/// Tips (what to look at) and fixes (what to change) for each kind of
/// finding, chosen by the component's category — general knowledge about
/// the component, never text tied to a particular template.
enum Advice {
    typealias Text = (tips: [String], fixes: [String])

    static func failure(_ kind: ComponentKind?, timedOut: Bool, clientError: Bool) -> Text {
        if clientError {
            return (["A 4xx means the request itself was refused: check the error type and the caller's input or credentials before anything else."],
                    ["Return the reason to the client in a structured error body, and do not retry 4xx answers (except 408 and 429)."])
        }
        var tips = timedOut
            ? ["The span ends at the caller's deadline: the work may have continued after the caller gave up."]
            : ["Open the failing span's exception event and error.type attribute for the cause."]
        var fixes: [String] = []
        switch kind?.category {
        case _ where kind?.isBroker == true:
            fixes += ["Publish through an outbox so a broker outage does not lose or duplicate events."]
        case .dataStores?:
            tips.append("Check the database's slow-query log, locks and connection pool around this time.")
            fixes += ["Give queries a statement timeout shorter than the caller's budget.", "Retry only transient errors (connection reset, serialization failure), with backoff."]
        case .external?, .ai?:
            tips.append("Third-party APIs fail and throttle independently of you; check the provider's status and rate-limit headers.")
            fixes += ["Wrap the call in a timeout and a circuit breaker.", "Degrade gracefully: cached answer, queued retry, or a clear message."]
        case .services?, .containers?, .edge?:
            tips.append("Look at the service's logs and health checks for the instance that served this span.")
            fixes += ["Set a timeout and a bounded retry with backoff on the call into it.", "Make the load balancer eject failing instances (health checks, outlier detection)."]
        case .infra?, .observability?:
            fixes += ["Cache what this dependency provides and keep working from the cache when it is down."]
        default:
            fixes += ["Add a timeout, a bounded retry with backoff, and a fallback on the call into it."]
        }
        return (tips, fixes)
    }

    static func unprotectedPropagation() -> Text {
        (["Each sync hop without a timeout waits as long as the slowest thing below it; the user waits for the sum.",
          "A hop with neither a timeout nor a fallback passes the failure straight up."],
         ["Give every sync call a timeout smaller than its caller's remaining budget (propagate deadlines).",
          "Add a fallback (cached or default answer) or a circuit breaker where the dependency is optional."])
    }

    static func slow(_ kind: ComponentKind?) -> Text {
        switch kind?.category {
        case .dataStores?:
            return (["Compare the query with its plan (EXPLAIN ANALYZE): a sequential scan or lock wait is the usual cause."],
                    ["Add the missing index, cache hot reads, or move the query off the request path."])
        case .external?, .ai?:
            return (["External latency is outside your control; measure it per provider and per endpoint."],
                    ["Set a timeout, stream or cache responses, and call the provider asynchronously when the user need not wait."])
        case .messaging?, .serverless?:
            return (["Cold starts, throttling and broker back-pressure show up as long spans with little work inside."],
                    ["Keep capacity warm (provisioned concurrency), batch, or scale consumers."])
        default:
            return (["Look for CPU saturation, GC pauses, lock contention or pool exhaustion on this service."],
                    ["Profile the handler; add capacity or cache the result if the work is repeatable."])
        }
    }

    static let criticalPath: Text = (
        ["Only spans on the critical path make the request faster when they get faster."],
        ["Speed up, cache or parallelise the dominant span first; work elsewhere does not change latency."])

    static let sequential: Text = (
        ["Calls that do not depend on each other's results can overlap."],
        ["Issue independent calls concurrently (Promise.all, async let, scatter/gather) and wait for all of them."])

    static let fanOut: Text = (
        ["With n parallel calls, the request is as slow as the slowest: tail latency grows with n."],
        ["Reduce the fan-out (batch, precompute, denormalise), use hedged requests, or answer with partial results after a deadline."])

    static let repeated: Text = (
        ["The same operation repeated in a loop (N+1) multiplies round-trips."],
        ["Batch the calls (one query with IN/ANY, a DataLoader), cache per request, or cap loop iterations."])

    static let retries: Text = (
        ["Retries hide transient failures but add latency and load; retries at several layers multiply."],
        ["Retry only idempotent, transient failures, with exponential backoff and jitter, inside a retry budget."])

    static let asyncFailure: Text = (
        ["The caller's success only meant the message was accepted; nobody waits for the consumer's outcome."],
        ["Alert on consumer errors and queue age, use a dead-letter queue, and let clients poll or be notified of the final status."])

    static let partialWrite: Text = (
        ["Two stores were written without a transaction spanning them; one succeeded and one failed."],
        ["Compensate the successful write on failure, or write once and propagate with an outbox or CDC; reconcile periodically."])

    static let slowConsumer: Text = (
        ["A consumer's throughput is consumers / time per message; when that falls below the arrival rate, the backlog and its lag grow without bound.",
         "Lag alone does not say why: compare the consumer's own time with its profile, and its count with the arrival rate."],
        ["Find what slowed the handler (a slow call, a lock, a bigger payload); scale consumers on lag, batch, or move the slow part off the message path."])

    static let queueLag: Text = (
        ["The time between hand-off and processing is queue lag: work waited, not ran."],
        ["Scale consumers to the arrival rate, alert on queue age, and tell users the work is pending."])

    static let missingTimeout: Text = (
        ["A long sync call without a timeout holds the caller's thread or connection for as long as it takes."],
        ["Set a timeout on the call that fits the caller's latency budget."])
}
