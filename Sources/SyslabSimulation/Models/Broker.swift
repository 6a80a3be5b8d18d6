/// Messages handed over an async edge: the producer moves on at once, the
/// message reaches the consumer after the edge's delay and then waits in the
/// consumer's queue. Consumer lag is the time from publish until a consumer
/// starts on the message; the backlog is the consumer's queue length.
public struct Broker {
    public var published = 0
    public var consumed = 0
    public var lag = LatencyHistogram(significantDigits: 2)

    public init() {}

    @inline(__always)
    public mutating func publish() { published += 1 }

    @inline(__always)
    public mutating func startConsuming(publishedAt: Double, now: Double) {
        consumed += 1
        lag.record(now - publishedAt)
    }
}
