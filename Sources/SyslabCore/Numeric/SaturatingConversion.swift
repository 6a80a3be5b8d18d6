/// Rounding a Double into an integer traps when the value is out of range or
/// NaN. Values computed from user input (a latency of 1e-308 ms, an effect
/// amount of 1e300) can be, so conversions of such values saturate instead.
extension Double {
    /// Rounded to the nearest integer and clamped to Int's range; NaN is 0.
    @inline(__always)
    public var saturatingInt: Int {
        guard !isNaN else { return 0 }
        let r = rounded()
        if r >= 9.223_372_036_854_775e18 { return .max }
        if r <= -9.223_372_036_854_775e18 { return .min }
        return Int(r)
    }

    /// Rounded and clamped to UInt64's range; NaN and negatives are 0.
    @inline(__always)
    public var saturatingUInt64: UInt64 {
        guard !isNaN, self > 0 else { return 0 }
        let r = rounded()
        if r >= 1.844_674_407_370_955e19 { return .max }
        return UInt64(r)
    }
}
