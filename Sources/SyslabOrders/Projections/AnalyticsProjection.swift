import SyslabCore

/// Analytics: per UTC day and currency, how many orders were placed, paid,
/// shipped, cancelled and refunded, and the revenue (captured minus refunded).
struct AnalyticsProjection: Projection {
    let name = "analytics"

    func appliedVersion(of id: OrderID, in db: SQLiteDatabase) throws -> Int {
        try db.rows("SELECT version FROM analytics_orders WHERE order_id = ?", [.text(id.value)]) { Int($0.int(0)) }.first ?? 0
    }

    func apply(_ recorded: RecordedEvent, in db: SQLiteDatabase) throws {
        let id = SQLValue.text(recorded.orderID.value)
        let version = SQLValue.integer(Int64(recorded.version))
        let currency: String
        if case let .placed(_, amount, _, _, _) = recorded.event {
            currency = amount.currency
            try db.query("INSERT INTO analytics_orders (order_id, version, currency) VALUES (?, ?, ?)", [id, version, .text(currency)])
        } else {
            guard let known = try db.rows("SELECT currency FROM analytics_orders WHERE order_id = ?", [id], { $0.text(0) }).first, let known else {
                throw SyslabError.corrupt("analytics has no record of order '\(recorded.orderID.value)' at version \(recorded.version)")
            }
            currency = known
            try db.query("UPDATE analytics_orders SET version = ? WHERE order_id = ?", [version, id])
        }
        let counts: String
        var values: [SQLValue] = []
        switch recorded.event {
        case .placed: counts = "placed = placed + 1"
        case let .paymentCaptured(amount, _): counts = "paid = paid + 1, captured = captured + ?"; values = [.integer(amount)]
        case .shipped: counts = "shipped = shipped + 1"
        case .cancelled: counts = "cancelled = cancelled + 1"
        case let .paymentRefunded(amount, _): counts = "refunds = refunds + 1, refunded = refunded + ?"; values = [.integer(amount)]
        case .flagged: return
        }
        let day = SQLValue.text(UTCDay.string(fromUnixSeconds: recorded.recordedAt))
        try db.query("INSERT OR IGNORE INTO analytics_daily (day, currency) VALUES (?, ?)", [day, .text(currency)])
        try db.query("UPDATE analytics_daily SET \(counts) WHERE day = ? AND currency = ?", values + [day, .text(currency)])
    }

    func clear(in db: SQLiteDatabase) throws {
        try db.execute("DELETE FROM analytics_daily; DELETE FROM analytics_orders")
    }

    func daily(in db: SQLiteDatabase) throws -> [JSONValue] {
        try db.rows(
            "SELECT day, currency, placed, paid, shipped, cancelled, refunds, captured, refunded FROM analytics_daily ORDER BY day, currency"
        ) { r in
            [
                "day": .string(r.text(0) ?? ""), "currency": .string(r.text(1) ?? ""), "placed": .number(Double(r.int(2))),
                "paid": .number(Double(r.int(3))), "shipped": .number(Double(r.int(4))), "cancelled": .number(Double(r.int(5))),
                "refunds": .number(Double(r.int(6))), "captured": .number(Double(r.int(7))), "refunded": .number(Double(r.int(8))),
                "revenue": .number(Double(r.int(7) - r.int(8))),
            ]
        }
    }
}
