import SyslabCore

/// A read model kept from the event log. Each projection records, per order, the
/// version it has applied, so the runner can hand it events in version order
/// whatever order they arrive in, and skip what it has already applied.
protocol Projection {
    /// Its name in projection_positions, metrics labels and queries.
    var name: String { get }
    /// The last version of `id` this projection applied (0: none).
    func appliedVersion(of id: OrderID, in db: SQLiteDatabase) throws -> Int
    /// Applies one event: always the order's next version.
    func apply(_ recorded: RecordedEvent, in db: SQLiteDatabase) throws
    /// Empties the read model (before a rebuild).
    func clear(in db: SQLiteDatabase) throws
}

/// Days since 1970-01-01 to a civil date "YYYY-MM-DD" (UTC), after Howard Hinnant's
/// days_from_civil inverse; Analytics groups by it.
enum UTCDay {
    static func string(fromUnixSeconds seconds: Double) -> String {
        let days = Int64((seconds / 86_400).rounded(.down))
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ n: Int64, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }
}
