/// The time-average of a piecewise-constant quantity (number in system, busy
/// servers, queue length): the area under its curve divided by elapsed time.
/// This is the L of Little's law, measured rather than derived.
public struct TimeAverage: Sendable {
    public private(set) var value: Double = 0
    public private(set) var area: Double = 0
    public private(set) var peak: Double = 0
    private var lastChange: Double
    private let start: Double

    public init(start: Double = 0, value: Double = 0) {
        self.start = start
        self.lastChange = start
        self.value = value
        self.peak = value
    }

    /// The quantity changes to `newValue` at time `now` (non-decreasing times).
    @inline(__always)
    public mutating func set(_ newValue: Double, at now: Double) {
        area += value * (now - lastChange)
        lastChange = now
        value = newValue
        if newValue > peak { peak = newValue }
    }

    @inline(__always)
    public mutating func add(_ delta: Double, at now: Double) { set(value + delta, at: now) }

    /// The average over [start, now].
    public func mean(at now: Double) -> Double {
        let elapsed = now - start
        guard elapsed > 0 else { return value }
        return (area + value * (now - lastChange)) / elapsed
    }

    /// The area under the curve over [start, now].
    public func area(at now: Double) -> Double { area + value * (now - lastChange) }
}
