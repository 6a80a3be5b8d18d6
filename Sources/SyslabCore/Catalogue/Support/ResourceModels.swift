/// Small queueing models scenarios keep in their `ActivationState`. They are
/// driven by the decision times (wall clock for a host, virtual time in the
/// simulator), so load above a capacity produces waits and rejections
/// without any background thread.
enum SlotPool {
    /// A pool of `size` identical resources (connections, threads), each busy
    /// until a time. A request takes the earliest-free slot for `hold` seconds,
    /// waiting if it is still busy; if the wait would exceed `timeout` the
    /// request gets no slot. Returns the wait (nil = timed out) and how many
    /// slots were busy when it arrived.
    static func acquire(
        _ values: inout ActivationState.Values, size: Int, now: Double, hold: Double, timeout: Double
    ) -> (wait: Double?, busy: Int) {
        values.withArray("slots", count: size, initial: -Double.infinity) { releases in
            var earliest = 0
            var busy = 0
            for i in releases.indices {
                if releases[i] > now { busy += 1 }
                if releases[i] < releases[earliest] { earliest = i }
            }
            let wait = max(0, releases[earliest] - now)
            guard wait <= timeout else { return (nil, busy) }
            releases[earliest] = now + wait + hold
            return (wait, busy)
        }
    }

    /// How many slots are busy at `now`.
    static func busy(_ values: inout ActivationState.Values, size: Int, now: Double) -> Int {
        values.withArray("slots", count: size, initial: -Double.infinity) { releases in
            releases.reduce(0) { $0 + ($1 > now ? 1 : 0) }
        }
    }
}

/// A backlog of work that drains at a constant rate (a fluid queue): a
/// server that does `rate` units per second, or a disk with a fixed IOPS.
enum DrainingBacklog {
    /// Drains the backlog to `now`, then adds `work` unless that would exceed
    /// `limit`. Returns the backlog found on arrival and whether `work` was accepted.
    static func arrive(
        _ values: inout ActivationState.Values, now: Double, rate: Double, work: Double, limit: Double
    ) -> (backlog: Double, accepted: Bool) {
        let last = values["backlog.at", default: now]
        let elapsed = max(0, now - last)
        let backlog = max(0, values["backlog"] - elapsed * rate)
        values["backlog.at"] = max(now, last)
        guard backlog + work <= limit else {
            values["backlog"] = backlog
            return (backlog, false)
        }
        values["backlog"] = backlog + work
        return (backlog, true)
    }
}

/// A token bucket: `rate` tokens per second up to `burst`; each request takes one.
enum TokenBucket {
    /// Returns nil when a token was taken, or the seconds until one is available.
    static func take(_ values: inout ActivationState.Values, now: Double, rate: Double, burst: Double) -> (retryAfter: Double?, tokens: Double) {
        let last = values["bucket.at", default: now]
        var tokens = values["bucket.tokens", default: burst]
        tokens = min(burst, tokens + max(0, now - last) * rate)
        values["bucket.at"] = max(now, last)
        if tokens >= 1 {
            values["bucket.tokens"] = tokens - 1
            return (nil, tokens - 1)
        }
        values["bucket.tokens"] = tokens
        return ((1 - tokens) / rate, tokens)
    }
}
