import SyslabCore

/// Aggregate snapshots: an order's state at a version, with a checksum of the
/// stored bytes. A snapshot only saves replay work; the log stays the truth, so
/// a snapshot that fails its checksum is ignored and the order is replayed.
struct SnapshotStore {
    let db: SQLiteDatabase

    enum Loaded {
        case none
        case valid(Order)
        case corrupt(String)
    }

    /// Writes `order`'s state; `keepFraction` < 1 stores only that share of the
    /// bytes (what the snapshot-corruption scenario injects: a torn write).
    /// The checksum is always of the intact bytes, as a real writer would compute it.
    func write(_ order: Order, at now: Double, keepFraction: Double = 1) throws {
        let bytes = Array(order.json.serialized().utf8)
        let stored = keepFraction < 1 ? Array(bytes.prefix(Int(Double(bytes.count) * max(0, keepFraction)))) : bytes
        try db.query(
            "INSERT OR REPLACE INTO snapshots (order_id, version, state, checksum, taken_at) VALUES (?, ?, ?, ?, ?)",
            [.text(order.id.value), .integer(Int64(order.version)), .blob(stored), .text(Checksum.fnv1a64(bytes)), .real(now)])
    }

    /// The latest snapshot of `id`, checked. `keepFraction` < 1 damages what was read (a bad read).
    func load(_ id: OrderID, keepFraction: Double = 1) throws -> Loaded {
        let rows = try db.rows("SELECT version, state, checksum FROM snapshots WHERE order_id = ?", [.text(id.value)]) {
            (Int($0.int(0)), $0.blob(1), $0.text(2) ?? "")
        }
        guard let row = rows.first else { return .none }
        let (version, stored, checksum) = row
        let bytes = keepFraction < 1 ? Array(stored.prefix(Int(Double(stored.count) * max(0, keepFraction)))) : stored
        guard Checksum.fnv1a64(bytes) == checksum else {
            return .corrupt("snapshot of order '\(id.value)' at version \(version) fails its checksum")
        }
        do {
            let order = try Order.fromSnapshot(try JSONValue.parse(String(decoding: bytes, as: UTF8.self)), id: id)
            guard order.version == version else { return .corrupt("snapshot of order '\(id.value)' says version \(order.version), row says \(version)") }
            return .valid(order)
        } catch let error as SyslabError {
            return .corrupt(error.message)
        }
    }

    /// Overwrites the stored bytes of a snapshot without touching its checksum:
    /// what a failing disk does. For demonstrations and tests.
    func damage(_ id: OrderID) throws -> Bool {
        try db.query("UPDATE snapshots SET state = substr(state, 1, length(state) / 2) WHERE order_id = ?", [.text(id.value)])
        return db.changes > 0
    }

    func count() throws -> Int64 {
        try db.rows("SELECT COUNT(*) FROM snapshots") { $0.int(0) }.first ?? 0
    }
}
