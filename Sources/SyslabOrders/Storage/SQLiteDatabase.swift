import CSQLite
import SyslabCore

/// One connection to a SQLite database file: the thin layer between the order
/// module and libsqlite3. Not thread-safe by itself; `OrderStore` serialises use.
///
/// Durability: WAL journal with synchronous=FULL, so a transaction is on disk
/// (the WAL fsynced) before COMMIT returns, and an acknowledged write survives
/// a kill -9 or a power cut. Concurrent processes wait up to `busyTimeoutMs`
/// for each other's write locks.
final class SQLiteDatabase {
    private var handle: OpaquePointer?
    let path: String
    static let busyTimeoutMs: Int32 = 10_000

    init(path: String) throws {
        self.path = path
        guard !path.isEmpty, !path.utf8.contains(0) else { throw SyslabError.invalidArgument("database path is empty or contains NUL") }
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(db)
            throw SyslabError.io("cannot open order store '\(ErrorText.quoted(path))': \(message)")
        }
        handle = db
        sqlite3_busy_timeout(db, SQLiteDatabase.busyTimeoutMs)
        sqlite3_extended_result_codes(db, 1)
        do {
            // Reading the schema is the first access to the file: a file that is not a
            // database fails here with SQLITE_NOTADB, reported as corrupt.
            try execute("PRAGMA journal_mode=WAL")
            try execute("PRAGMA synchronous=FULL")
            try execute("PRAGMA foreign_keys=ON")
        } catch {
            close()
            throw error
        }
    }

    deinit { close() }

    func close() {
        guard let db = handle else { return }
        sqlite3_close_v2(db)
        handle = nil
    }

    private func connection() throws -> OpaquePointer {
        guard let handle else { throw SyslabError.invalidArgument("the order store is closed") }
        return handle
    }

    /// Maps a SQLite result code to the library's errors.
    func failure(_ rc: Int32, _ what: String) -> SyslabError {
        let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
        let text = "\(what): \(message)"
        switch rc & 0xFF {
        case SQLITE_CORRUPT, SQLITE_NOTADB: return .corrupt("order store '\(ErrorText.quoted(path))' is damaged: \(text)")
        case SQLITE_CONSTRAINT: return .conflict(text)
        case SQLITE_BUSY, SQLITE_LOCKED: return .io("order store is locked by another writer: \(text)")
        case SQLITE_FULL: return .io("disk full: \(text)")
        case SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_IOERR, SQLITE_PERM: return .io(text)
        case SQLITE_TOOBIG: return .limitExceeded(text)
        case SQLITE_NOMEM: return .limitExceeded("out of memory: \(text)")
        default: return .io(text)
        }
    }

    /// Runs SQL that returns no rows we need (one or more statements).
    func execute(_ sql: String) throws {
        let db = try connection()
        var error: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(db, sql, nil, nil, &error)
        sqlite3_free(error)
        guard rc == SQLITE_OK else { throw failure(rc, String(sql.prefix(60))) }
    }

    /// Prepares one statement, binds `values`, and hands each row to `row`.
    func query(_ sql: String, _ values: [SQLValue] = [], row: (SQLRow) throws -> Void = { _ in }) throws {
        let db = try connection()
        var statement: OpaquePointer?
        var rc = sqlite3_prepare_v2(db, sql, -1, &statement, nil)
        guard rc == SQLITE_OK, let statement else { throw failure(rc, "prepare") }
        defer { sqlite3_finalize(statement) }
        for (i, value) in values.enumerated() {
            let index = Int32(i + 1)
            switch value {
            case .null: rc = sqlite3_bind_null(statement, index)
            case .integer(let n): rc = sqlite3_bind_int64(statement, index, n)
            case .real(let d): rc = sqlite3_bind_double(statement, index, d)
            case .text(let s): rc = sqlite3_bind_text(statement, index, s, -1, transient)
            case .blob(let bytes):
                rc = bytes.withUnsafeBytes { raw in
                    sqlite3_bind_blob(statement, index, raw.baseAddress, Int32(raw.count), transient)
                }
            }
            guard rc == SQLITE_OK else { throw failure(rc, "bind") }
        }
        while true {
            rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { return }
            guard rc == SQLITE_ROW else { throw failure(rc, String(sql.prefix(60))) }
            try row(SQLRow(statement: statement))
        }
    }

    /// The rows of a query, each read by `read`.
    func rows<T>(_ sql: String, _ values: [SQLValue] = [], _ read: (SQLRow) throws -> T) throws -> [T] {
        var out: [T] = []
        try query(sql, values) { out.append(try read($0)) }
        return out
    }

    /// Runs `body` in one transaction. IMMEDIATE takes the write lock at BEGIN, so
    /// two writers serialise there (waiting up to the busy timeout) instead of
    /// failing later on a lock upgrade.
    ///
    /// `durable: false` commits without its own fsync (synchronous=NORMAL): for data
    /// that can be recomputed from durable data, such as projections, whose rows and
    /// position commit together. A crash may lose such a commit, never tear it, and
    /// the next durable commit fsyncs the WAL with everything before it.
    func transaction<T>(durable: Bool = true, _ body: () throws -> T) throws -> T {
        if !durable {
            try execute("PRAGMA synchronous=NORMAL")
        }
        defer { if !durable { try? execute("PRAGMA synchronous=FULL") } }
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    var changes: Int { handle.map { Int(sqlite3_changes($0)) } ?? 0 }
    var lastInsertRowID: Int64 { handle.map { sqlite3_last_insert_rowid($0) } ?? 0 }

    /// `PRAGMA integrity_check`: "ok", or SQLite's list of problems.
    func integrityCheck() throws -> String {
        try rows("PRAGMA integrity_check") { $0.text(0) ?? "" }.joined(separator: "\n")
    }
}

/// SQLITE_TRANSIENT (a macro Swift cannot import): SQLite copies bound bytes at once.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A value bound to a statement.
enum SQLValue {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// The current row of a statement, read by column index.
struct SQLRow {
    let statement: OpaquePointer

    func int(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }
    func double(_ column: Int32) -> Double { sqlite3_column_double(statement, column) }
    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }

    func text(_ column: Int32) -> String? {
        guard let p = sqlite3_column_text(statement, column) else { return nil }
        // Decoding repairs invalid UTF-8 (a damaged file) instead of trapping.
        let count = Int(sqlite3_column_bytes(statement, column))
        return String(decoding: UnsafeBufferPointer(start: p, count: count), as: UTF8.self)
    }

    func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(statement, column))
        guard count > 0, let p = sqlite3_column_blob(statement, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: p, count: count))
    }
}
