import SyslabCore

/// Stock per SKU, and the reservations the payment saga holds. Reserving and
/// releasing are idempotent per order, so a saga step repeated after a crash
/// never takes or returns stock twice.
struct Inventory {
    let db: SQLiteDatabase

    func set(_ sku: SKU, available: Int64) throws {
        guard available >= 0, available <= 1_000_000_000 else {
            throw SyslabError.outOfRange("stock for '\(sku.value)' must be in [0, 1000000000], got \(available)")
        }
        try db.query("INSERT OR REPLACE INTO stock (sku, available) VALUES (?, ?)", [.text(sku.value), .integer(available)])
    }

    func available(_ sku: SKU) throws -> Int64 {
        try db.rows("SELECT available FROM stock WHERE sku = ?", [.text(sku.value)]) { $0.int(0) }.first ?? 0
    }

    func isReserved(for id: OrderID) throws -> Bool {
        try !db.rows("SELECT 1 FROM stock_reservations WHERE order_id = ?", [.text(id.value)]) { $0.int(0) }.isEmpty
    }

    /// Reserves `quantity` for the order; nil on success, or why stock is short. Call inside a transaction.
    func reserve(_ sku: SKU, quantity: Int, for id: OrderID) throws -> String? {
        if try isReserved(for: id) { return nil }
        let available = try available(sku)
        guard available >= Int64(quantity) else {
            return "insufficient stock for '\(sku.value)': \(available) available, \(quantity) needed"
        }
        try db.query("UPDATE stock SET available = available - ? WHERE sku = ?", [.integer(Int64(quantity)), .text(sku.value)])
        try db.query("INSERT INTO stock_reservations (order_id, sku, quantity) VALUES (?, ?, ?)",
                     [.text(id.value), .text(sku.value), .integer(Int64(quantity))])
        return nil
    }

    /// Gives a reservation back. Call inside a transaction.
    func release(for id: OrderID) throws {
        let rows = try db.rows("SELECT sku, quantity FROM stock_reservations WHERE order_id = ?", [.text(id.value)]) { ($0.text(0) ?? "", $0.int(1)) }
        guard let row = rows.first else { return }
        let (sku, quantity) = row
        try db.query("INSERT OR IGNORE INTO stock (sku, available) VALUES (?, 0)", [.text(sku)])
        try db.query("UPDATE stock SET available = available + ? WHERE sku = ?", [.integer(quantity), .text(sku)])
        try db.query("DELETE FROM stock_reservations WHERE order_id = ?", [.text(id.value)])
    }
}
