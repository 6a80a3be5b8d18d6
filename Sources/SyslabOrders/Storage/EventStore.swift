import SyslabCore

/// The append-only event log. Appends name the version they expect the order to
/// be at; if another writer got there first the append fails with
/// `SyslabError.conflict` and writes nothing (optimistic concurrency).
struct EventStore {
    let db: SQLiteDatabase

    func currentVersion(of id: OrderID) throws -> Int {
        try db.rows("SELECT COALESCE(MAX(version), 0) FROM events WHERE order_id = ?", [.text(id.value)]) { Int($0.int(0)) }.first ?? 0
    }

    /// Appends `events` after `expectedVersion`. Call inside a transaction.
    func append(_ events: [OrderEvent], to id: OrderID, expectedVersion: Int, at now: Double) throws -> [RecordedEvent] {
        let current = try currentVersion(of: id)
        guard current == expectedVersion else {
            throw SyslabError.conflict("order '\(id.value)' is at version \(current), the command expected version \(expectedVersion)")
        }
        var recorded: [RecordedEvent] = []
        for (i, event) in events.enumerated() {
            let version = expectedVersion + i + 1
            do {
                try db.query(
                    "INSERT INTO events (order_id, version, type, payload, recorded_at) VALUES (?, ?, ?, ?, ?)",
                    [.text(id.value), .integer(Int64(version)), .text(event.typeName), .text(event.payload.serialized()), .real(now)])
            } catch SyslabError.conflict {
                // The UNIQUE (order_id, version) index: a writer that bypassed the check above.
                throw SyslabError.conflict("order '\(id.value)' already has a version \(version)")
            }
            recorded.append(RecordedEvent(position: db.lastInsertRowID, orderID: id, version: version, recordedAt: now, event: event))
        }
        return recorded
    }

    private static let columns = "position, order_id, version, type, payload, recorded_at"

    private static func read(_ row: SQLRow) throws -> RecordedEvent {
        let type = row.text(3) ?? ""
        let orderText = row.text(1) ?? ""
        let id: OrderID
        do { id = try OrderID(orderText) } catch { throw SyslabError.corrupt("event at position \(row.int(0)) has a bad order id") }
        return RecordedEvent(
            position: row.int(0), orderID: id, version: Int(row.int(2)), recordedAt: row.double(5),
            event: try OrderEvent.decode(type: type, payload: row.text(4) ?? ""))
    }

    /// One order's events after `version`, in order.
    func events(of id: OrderID, after version: Int = 0) throws -> [RecordedEvent] {
        try db.rows(
            "SELECT \(EventStore.columns) FROM events WHERE order_id = ? AND version > ? ORDER BY version",
            [.text(id.value), .integer(Int64(version))], EventStore.read)
    }

    /// Up to `limit` events of the whole log after `position`, in log order.
    func events(after position: Int64, limit: Int) throws -> [RecordedEvent] {
        try db.rows(
            "SELECT \(EventStore.columns) FROM events WHERE position > ? ORDER BY position LIMIT ?",
            [.integer(position), .integer(Int64(limit))], EventStore.read)
    }

    func lastPosition() throws -> Int64 {
        try db.rows("SELECT COALESCE(MAX(position), 0) FROM events") { $0.int(0) }.first ?? 0
    }

    func count() throws -> Int64 {
        try db.rows("SELECT COUNT(*) FROM events") { $0.int(0) }.first ?? 0
    }

    /// When the first event after `position` was appended (nil when there is none).
    func recordedAt(firstAfter position: Int64) throws -> Double? {
        try db.rows("SELECT recorded_at FROM events WHERE position > ? ORDER BY position LIMIT 1", [.integer(position)]) { $0.double(0) }.first
    }
}
