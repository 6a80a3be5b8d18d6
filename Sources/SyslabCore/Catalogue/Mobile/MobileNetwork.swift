#if canImport(Glibc)
import Glibc
#endif

/// What the mobile and edge scenarios share: the time a phone waits for a
/// response, by the network it is on, and the radio models they use.
enum MobileNetwork {
    static let requestSeconds = MetricSpec.histogram(
        "mobile_request_seconds", "Time a mobile client waits for its response (round trips and transfer), by network or link state.",
        labels: ["scenario", "network"], buckets: LatencyBuckets.seconds)
    static let lostRequests = MetricSpec.counter(
        "mobile_requests_lost_total", "Requests the mobile network lost before a response arrived.", labels: ["scenario"])

    /// A ratio in decibels as a linear factor (10 dB = 10x).
    static func linear(decibels: Double) -> Double { pow(10, decibels / 10) }

    /// Shannon's limit for a channel of `hertz` at a linear signal-to-noise
    /// ratio, scaled by the share of it a real radio achieves, in bytes/s.
    static func capacity(hertz: Double, snr: Double, efficiency: Double) -> Double {
        hertz * log2(1 + snr) * efficiency / 8
    }
}
