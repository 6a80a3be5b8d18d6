import SyslabCore

/// OrderSummary: one row per order with its current status and money, what an
/// "my orders" page reads.
struct OrderSummaryProjection: Projection {
    let name = "order_summary"

    func appliedVersion(of id: OrderID, in db: SQLiteDatabase) throws -> Int {
        try db.rows("SELECT version FROM order_summary WHERE order_id = ?", [.text(id.value)]) { Int($0.int(0)) }.first ?? 0
    }

    func apply(_ recorded: RecordedEvent, in db: SQLiteDatabase) throws {
        let id = SQLValue.text(recorded.orderID.value), version = SQLValue.integer(Int64(recorded.version))
        let at = SQLValue.real(recorded.recordedAt)
        func update(_ set: String, _ values: [SQLValue]) throws {
            try db.query("UPDATE order_summary SET \(set), version = ?, updated_at = ? WHERE order_id = ?", values + [version, at, id])
            guard db.changes == 1 else {
                throw SyslabError.corrupt("order_summary has no row for order '\(recorded.orderID.value)' at version \(recorded.version)")
            }
        }
        switch recorded.event {
        case let .placed(customer, amount, address, sku, quantity):
            try db.query(
                """
                INSERT INTO order_summary (order_id, version, customer_id, status, amount, currency, captured, refunded,
                    sku, quantity, city, country, flag_reason, placed_at, updated_at)
                VALUES (?, ?, ?, 'placed', ?, ?, 0, 0, ?, ?, ?, ?, NULL, ?, ?)
                """,
                [id, version, .text(customer.value), .integer(amount.minorUnits), .text(amount.currency), .text(sku.value),
                 .integer(Int64(quantity)), .text(address.city), .text(address.country), at, at])
        case let .paymentCaptured(amount, _):
            try update("status = 'paid', captured = captured + ?", [.integer(amount)])
        case .cancelled: try update("status = 'cancelled'", [])
        case .shipped: try update("status = 'shipped'", [])
        case let .paymentRefunded(amount, _): try update("refunded = refunded + ?", [.integer(amount)])
        case let .flagged(reason): try update("flag_reason = ?", [.text(reason)])
        }
    }

    func clear(in db: SQLiteDatabase) throws { try db.execute("DELETE FROM order_summary") }

    private static let columns = """
        order_id, version, customer_id, status, amount, currency, captured, refunded, sku, quantity, city, country,
        flag_reason, placed_at, updated_at
        """

    private static func row(_ r: SQLRow) -> JSONValue {
        var o: [String: JSONValue] = [
            "order_id": .string(r.text(0) ?? ""), "version": .number(Double(r.int(1))), "customer_id": .string(r.text(2) ?? ""),
            "status": .string(r.text(3) ?? ""), "amount": .number(Double(r.int(4))), "currency": .string(r.text(5) ?? ""),
            "captured": .number(Double(r.int(6))), "refunded": .number(Double(r.int(7))), "sku": .string(r.text(8) ?? ""),
            "quantity": .number(Double(r.int(9))), "city": .string(r.text(10) ?? ""), "country": .string(r.text(11) ?? ""),
            "flagged": .bool(!r.isNull(12)), "placed_at": .number(r.double(13)), "updated_at": .number(r.double(14)),
        ]
        if let reason = r.text(12) { o["flag_reason"] = .string(reason) }
        return .object(o)
    }

    func summary(of id: OrderID, in db: SQLiteDatabase) throws -> JSONValue? {
        try db.rows("SELECT \(OrderSummaryProjection.columns) FROM order_summary WHERE order_id = ?", [.text(id.value)], OrderSummaryProjection.row).first
    }

    /// Every summary in order-id order (bounded by `limit`).
    func all(in db: SQLiteDatabase, limit: Int) throws -> [JSONValue] {
        try db.rows("SELECT \(OrderSummaryProjection.columns) FROM order_summary ORDER BY order_id LIMIT ?", [.integer(Int64(limit))], OrderSummaryProjection.row)
    }
}
