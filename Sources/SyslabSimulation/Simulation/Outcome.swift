/// Why a call or request ended the way it did. Every failure has a cause,
/// so a summary can say not only "3% errors" but "2.9% pool timeouts".
public enum Cause: Int, CaseIterable, Sendable {
    case ok
    /// The component's own baseline error rate.
    case error
    /// An error effect from an enabled scenario.
    case injected
    /// A throttle effect (429 with Retry-After).
    case throttled
    /// The node's token bucket was empty.
    case rateLimited
    /// All servers busy and the queue full.
    case queueFull
    /// The connection was dropped (no response).
    case dropped
    /// A hang effect: the request stalled and then failed.
    case hang
    /// A timeout effect, or the caller's timeout on an edge.
    case timeout
    /// The load generator's own request timeout.
    case clientTimeout
    /// The caller had already given up, so the work was skipped (deadline propagation).
    case deadlineExceeded
    /// No pooled connection became free within the pool's wait timeout.
    case poolTimeout
    /// The circuit breaker was open.
    case breakerOpen
    /// The bulkhead was full.
    case bulkheadFull
    /// A disk-full effect failed a write.
    case diskFull
    /// Still in flight when the test's graceful stop ended.
    case interrupted
    /// The call could not reach its callee (a network partition refused the connection).
    case connectFailed

    public var name: String {
        switch self {
        case .ok: return "ok"
        case .error: return "error"
        case .injected: return "injected_error"
        case .throttled: return "throttled"
        case .rateLimited: return "rate_limited"
        case .queueFull: return "queue_full"
        case .dropped: return "dropped"
        case .hang: return "hang"
        case .timeout: return "timeout"
        case .clientTimeout: return "client_timeout"
        case .deadlineExceeded: return "deadline_exceeded"
        case .poolTimeout: return "pool_timeout"
        case .breakerOpen: return "breaker_open"
        case .bulkheadFull: return "bulkhead_full"
        case .diskFull: return "disk_full"
        case .interrupted: return "interrupted"
        case .connectFailed: return "connect_failed"
        }
    }

    /// Whether a caller's retry policy may retry this failure.
    func isRetryable(status: Int, retryOnThrottle: Bool) -> Bool {
        switch self {
        case .ok, .breakerOpen, .bulkheadFull, .diskFull, .clientTimeout, .interrupted, .deadlineExceeded: return false
        case .throttled, .rateLimited: return retryOnThrottle
        case .injected, .error: return status >= 500 || status == 0
        case .queueFull, .dropped, .hang, .timeout, .poolTimeout, .connectFailed: return true
        }
    }
}

/// The result of a call: a cause and the HTTP status the caller saw
/// (0 when no response arrived, as k6 reports it).
public struct Outcome: Sendable, Equatable {
    public var cause: Cause
    public var status: Int

    public static let ok = Outcome(cause: .ok, status: 200)

    public init(cause: Cause, status: Int) { self.cause = cause; self.status = status }

    public init(_ cause: Cause) {
        self.cause = cause
        switch cause {
        case .ok: status = 200
        case .error, .injected: status = 500
        case .throttled, .rateLimited: status = 429
        case .queueFull, .poolTimeout, .breakerOpen, .bulkheadFull, .connectFailed: status = 503
        case .hang, .timeout, .deadlineExceeded: status = 504
        case .diskFull: status = 507
        case .dropped, .clientTimeout, .interrupted: status = 0
        }
    }

    public var failed: Bool { cause != .ok }
}
