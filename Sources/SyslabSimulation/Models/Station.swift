import SyslabCore
import DequeModule

/// A node's servers and its FIFO queue: `servers` requests are worked on at
/// once (threads, workers, connections the component accepts); the rest wait,
/// up to `queueLimit`, and beyond that are rejected. A capacity effect scales
/// the number of servers while it lasts.
public struct Station {
    public let servers: Int
    public let queueLimit: Int
    public private(set) var busy = 0
    public private(set) var waiting = Deque<Int32>()
    /// Fraction of `servers` currently usable (a capacity effect); 1 normally.
    public private(set) var capacityFactor = 1.0
    public private(set) var effectiveServers: Int

    public var busyTime = TimeAverage()
    public var queueTime = TimeAverage()

    public init(servers: Int, queueLimit: Int) {
        self.servers = servers
        self.queueLimit = queueLimit
        self.effectiveServers = servers
    }

    public var isUnlimited: Bool { servers == Int.max }

    public enum Admission { case serve, queued, rejected }

    /// Admits `call`: a free server takes it now, or it waits, or the queue is full.
    @inline(__always)
    public mutating func admit(_ call: Int32, at now: Double) -> Admission {
        if busy < effectiveServers {
            busy += 1
            busyTime.set(Double(busy), at: now)
            return .serve
        }
        if waiting.count >= queueLimit { return .rejected }
        waiting.append(call)
        queueTime.set(Double(waiting.count), at: now)
        return .queued
    }

    /// Admits a call that was already admitted once and comes back (after a
    /// scenario's resource wait): a free server, or the head of the queue,
    /// whatever the queue limit. Returns true when it is served now.
    public mutating func admitFirst(_ call: Int32, at now: Double) -> Bool {
        if busy < effectiveServers {
            busy += 1
            busyTime.set(Double(busy), at: now)
            return true
        }
        waiting.prepend(call)
        queueTime.set(Double(waiting.count), at: now)
        return false
    }

    /// A server finished. Returns the next waiting call, which now holds the
    /// server, or nil when the server goes idle.
    @inline(__always)
    public mutating func release(at now: Double) -> Int32? {
        if busy <= effectiveServers, let next = waiting.popFirst() {
            queueTime.set(Double(waiting.count), at: now)
            return next
        }
        busy -= 1
        busyTime.set(Double(busy), at: now)
        return nil
    }

    /// Changes the usable fraction of servers (at least one stays). Returns
    /// the waiting calls that can start now because capacity grew.
    public mutating func setCapacityFactor(_ factor: Double, at now: Double) -> [Int32] {
        guard factor != capacityFactor, !isUnlimited else { return [] }
        capacityFactor = factor
        effectiveServers = max(1, (Double(servers) * factor).saturatingInt)
        var started: [Int32] = []
        while busy < effectiveServers, let next = waiting.popFirst() {
            busy += 1
            started.append(next)
        }
        if !started.isEmpty {
            busyTime.set(Double(busy), at: now)
            queueTime.set(Double(waiting.count), at: now)
        }
        return started
    }

    /// Removes a waiting call (its caller gave up and deadlines propagate).
    public mutating func removeWaiting(_ call: Int32, at now: Double) -> Bool {
        guard let i = waiting.firstIndex(of: call) else { return false }
        waiting.remove(at: i)
        queueTime.set(Double(waiting.count), at: now)
        return true
    }
}
