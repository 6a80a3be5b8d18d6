/// A query scans the whole table because an index is missing.
enum MissingIndex {
    static let rowsScanned = MetricSpec.counter(
        "db_rows_scanned_total", "Rows read by full table scans.", labels: ["scenario"])

    static let scenario = Scenario(
        name: "missing-index", category: "database",
        summary: "Each query scans table_rows rows (growing by growth_rows_per_second) at scan_rows_per_second, so its delay is rows / rate.",
        notes: LearningNotes(
            whatHappens: "Without an index the database reads every row; fine on a small table, then slower every day as the table grows. It also burns I/O and CPU other queries need.",
            howToObserve: "db_query_duration_seconds grows with the table; db_rows_scanned_total per request equals the table size; EXPLAIN shows a sequential scan.",
            howToMitigate: "Add the index the WHERE/JOIN/ORDER BY needs (check with EXPLAIN), watch the slow query log, test with production-sized data."),
        parameters: [
            .integer("table_rows", default: 1_000_000, min: 1, max: 10_000_000_000, help: "Rows in the table when enabled."),
            .number("scan_rows_per_second", default: 5_000_000, min: 1, max: 10_000_000_000, unit: "rows/s", help: "How fast the database scans rows."),
            .number("growth_rows_per_second", default: 0, min: 0, max: 10_000_000, unit: "rows/s", help: "How fast the table grows."),
        ],
        metrics: [rowsScanned, DomainMetrics.dbQueryDuration],
        effectKinds: [.delay]
    ) { invocation, emit in
        let p = invocation.parameters
        let rows = Double(p.int("table_rows")) + p.double("growth_rows_per_second") * max(0, invocation.elapsed)
        let seconds = min(rows / p.double("scan_rows_per_second"), 3_600)
        try invocation.metrics.increment(rowsScanned.name, by: rows)
        try invocation.metrics.observe(DomainMetrics.dbQueryDuration.name, seconds)
        emit(.delay(seconds: seconds))
    }
}
