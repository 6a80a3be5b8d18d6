#if canImport(Glibc)
import Glibc
#endif
import Testing
import SyslabCore
@testable import SyslabOrders

/// A fresh store in its own temporary folder; `finish()` checks the file with
/// PRAGMA integrity_check (every test ends with it) and removes the folder.
final class TemporaryStore {
    let folder: String
    let path: String
    let registry: ScenarioRegistry
    var store: OrderStore

    init(options: OrderStoreOptions = OrderStoreOptions(), registry: ScenarioRegistry = ScenarioRegistry(seed: 7)) throws {
        var template = Array("/tmp/syslab-orders-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw SyslabError.io("mkdtemp failed") }
        folder = String(cString: made)
        path = folder + "/orders.db"
        self.registry = registry
        store = try OrderStore(path: path, registry: registry, options: options)
    }

    func reopen(options: OrderStoreOptions? = nil) throws {
        store.close()
        store = try OrderStore(path: path, registry: registry, options: options ?? store.options)
    }

    func finish() throws {
        #expect(try store.integrityCheck() == "ok")
        store.close()
        for name in ["orders.db", "orders.db-wal", "orders.db-shm", "garbage.db"] { unlink(folder + "/" + name) }
        rmdir(folder)
    }
}

enum Orders {
    static let address: JSONValue = ["line1": "1 Main St", "city": "Lyon", "postcode": "69001", "country": "FR"]

    static func place(_ id: String, amount: Double = 2_500, currency: String = "EUR", sku: String = "book", quantity: Double = 1) -> JSONValue {
        [
            "command": "place", "order_id": .string(id), "customer_id": "c-1", "amount": .number(amount),
            "currency": .string(currency), "address": address, "sku": .string(sku), "quantity": .number(quantity),
        ]
    }

    static func command(_ name: String, _ id: String, expected: Int? = nil) -> JSONValue {
        var o: [String: JSONValue] = ["command": .string(name), "order_id": .string(id)]
        if let expected { o["expected_version"] = .number(Double(expected)) }
        return .object(o)
    }

    /// The saga's request: a place command without "command".
    static func sagaRequest(_ id: String, sku: String = "book", quantity: Double = 1) -> JSONValue {
        guard case .object(var o) = place(id, sku: sku, quantity: quantity) else { return .null }
        o["command"] = nil
        return .object(o)
    }
}

extension OrderStore {
    func metric(_ name: String, _ labels: LabelValues = .none) -> Double {
        registry.metrics.value(name, labels) ?? 0
    }
}
