import SyslabCore

/// The tables of an order store, all in one SQLite file. The event log is the
/// truth; everything else (snapshots, projections, their positions) can be
/// rebuilt from it, except the inventory and the sagas' progress.
enum Schema {
    static let version = 1

    static let statements = """
        CREATE TABLE IF NOT EXISTS events (
            position    INTEGER PRIMARY KEY AUTOINCREMENT,
            order_id    TEXT NOT NULL,
            version     INTEGER NOT NULL CHECK (version >= 1),
            type        TEXT NOT NULL,
            payload     TEXT NOT NULL,
            recorded_at REAL NOT NULL,
            UNIQUE (order_id, version)
        );
        CREATE TRIGGER IF NOT EXISTS events_append_only_update BEFORE UPDATE ON events
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
        CREATE TRIGGER IF NOT EXISTS events_append_only_delete BEFORE DELETE ON events
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
        CREATE TABLE IF NOT EXISTS snapshots (
            order_id  TEXT PRIMARY KEY,
            version   INTEGER NOT NULL,
            state     BLOB NOT NULL,
            checksum  TEXT NOT NULL,
            taken_at  REAL NOT NULL
        );
        CREATE TABLE IF NOT EXISTS projection_positions (
            name        TEXT PRIMARY KEY,
            position    INTEGER NOT NULL,
            updated_at  REAL NOT NULL
        );
        CREATE TABLE IF NOT EXISTS order_summary (
            order_id     TEXT PRIMARY KEY,
            version      INTEGER NOT NULL,
            customer_id  TEXT NOT NULL,
            status       TEXT NOT NULL,
            amount       INTEGER NOT NULL,
            currency     TEXT NOT NULL,
            captured     INTEGER NOT NULL,
            refunded     INTEGER NOT NULL,
            sku          TEXT NOT NULL,
            quantity     INTEGER NOT NULL,
            city         TEXT NOT NULL,
            country      TEXT NOT NULL,
            flag_reason  TEXT,
            placed_at    REAL NOT NULL,
            updated_at   REAL NOT NULL
        );
        CREATE TABLE IF NOT EXISTS analytics_daily (
            day        TEXT NOT NULL,
            currency   TEXT NOT NULL,
            placed     INTEGER NOT NULL DEFAULT 0,
            paid       INTEGER NOT NULL DEFAULT 0,
            shipped    INTEGER NOT NULL DEFAULT 0,
            cancelled  INTEGER NOT NULL DEFAULT 0,
            refunds    INTEGER NOT NULL DEFAULT 0,
            captured   INTEGER NOT NULL DEFAULT 0,
            refunded   INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (day, currency)
        );
        CREATE TABLE IF NOT EXISTS analytics_orders (
            order_id  TEXT PRIMARY KEY,
            version   INTEGER NOT NULL,
            currency  TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS stock (
            sku        TEXT PRIMARY KEY,
            available  INTEGER NOT NULL CHECK (available >= 0)
        );
        CREATE TABLE IF NOT EXISTS stock_reservations (
            order_id  TEXT PRIMARY KEY,
            sku       TEXT NOT NULL,
            quantity  INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS sagas (
            order_id     TEXT PRIMARY KEY,
            step         TEXT NOT NULL,
            status       TEXT NOT NULL,
            attempts     INTEGER NOT NULL,
            last_error   TEXT,
            request      TEXT NOT NULL,
            started_at   REAL NOT NULL,
            updated_at   REAL NOT NULL,
            finished_at  REAL
        );
        """

    /// Creates the tables in a new file, checks the version of an existing one.
    static func prepare(_ db: SQLiteDatabase) throws {
        let found = try db.rows("PRAGMA user_version") { Int($0.int(0)) }.first ?? 0
        if found > version {
            throw SyslabError.invalidArgument("order store '\(ErrorText.quoted(db.path))' has schema version \(found); this library reads up to \(version)")
        }
        try db.transaction {
            try db.execute(statements)
            try db.execute("PRAGMA user_version=\(version)")
        }
    }
}
