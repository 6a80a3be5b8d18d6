/// The enabled scenarios at one moment, in enable order: immutable. The
/// registry publishes a new one on every change (enable, disable, reset,
/// expiry) and bumps its generation number; deciding threads keep the one
/// they last saw until the generation moves (see `DecisionThread`).
final class ActiveSet: Sendable {
    let entries: [ActiveScenario]
    /// The earliest `expiresAt` among `entries` (infinity when none expires):
    /// a decision at or after it must prune before applying anything.
    let earliestExpiry: Double

    init(_ entries: [ActiveScenario]) {
        self.entries = entries
        earliestExpiry = entries.compactMap(\.expiresAt).min() ?? .infinity
    }

    static let empty = ActiveSet([])
}
