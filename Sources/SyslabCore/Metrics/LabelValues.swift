/// The label values of one time series, in the order of its family's label
/// names. Fixed-size (up to `capacity` values) so building one to look a
/// series up allocates nothing.
public struct LabelValues: Hashable, Sendable, Comparable {
    public static let capacity = 4
    public static let none = LabelValues()

    private var v0 = "", v1 = "", v2 = "", v3 = ""
    public private(set) var count = 0

    public init() {}
    public init(_ a: String) { v0 = a; count = 1 }
    public init(_ a: String, _ b: String) { v0 = a; v1 = b; count = 2 }
    public init(_ a: String, _ b: String, _ c: String) { v0 = a; v1 = b; v2 = c; count = 3 }
    public init(_ a: String, _ b: String, _ c: String, _ d: String) { v0 = a; v1 = b; v2 = c; v3 = d; count = 4 }

    /// Builds from an array (at most `capacity` values).
    public init?(_ values: [String]) {
        guard values.count <= LabelValues.capacity else { return nil }
        for value in values { append(value) }
    }

    public subscript(index: Int) -> String {
        switch index {
        case 0: return v0
        case 1: return v1
        case 2: return v2
        default: return v3
        }
    }

    /// Appends a value; callers check `count < capacity` first.
    public mutating func append(_ value: String) {
        switch count {
        case 0: v0 = value
        case 1: v1 = value
        case 2: v2 = value
        default: v3 = value
        }
        count += 1
    }

    public var values: [String] { (0..<count).map { self[$0] } }

    public static func < (a: LabelValues, b: LabelValues) -> Bool {
        for i in 0..<min(a.count, b.count) where a[i] != b[i] { return a[i] < b[i] }
        return a.count < b.count
    }
}
