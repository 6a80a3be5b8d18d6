import Testing
import SyslabCore
@testable import SyslabOrders

@Suite("Order domain")
struct DomainTests {
    @Test func valueObjectsRefuseBadInput() {
        #expect(throws: SyslabError.self) { try OrderID("") }
        #expect(throws: SyslabError.self) { try OrderID("has space") }
        #expect(throws: SyslabError.self) { try OrderID(String(repeating: "a", count: 65)) }
        #expect(throws: SyslabError.self) { try OrderID("é") }
        #expect(throws: SyslabError.self) { try Money(minorUnits: -1, currency: "EUR") }
        #expect(throws: SyslabError.self) { try Money(minorUnits: 0, currency: "EUR") }
        #expect(throws: SyslabError.self) { try Money(minorUnits: Money.maxMinorUnits + 1, currency: "EUR") }
        #expect(throws: SyslabError.self) { try Money(minorUnits: 100, currency: "eur") }
        #expect(throws: SyslabError.self) { try Address(line1: "  ", city: "Lyon", postcode: "1", country: "FR") }
        #expect(throws: SyslabError.self) { try Address(line1: "1 Main", city: "Lyon", postcode: "1", country: "France") }
        #expect(throws: SyslabError.self) { try Address(line1: "1\nMain", city: "Lyon", postcode: "1", country: "FR") }
        #expect((try? Money(minorUnits: 1999, currency: "EUR"))?.minorUnits == 1999)
    }

    @Test func commandsParseStrictly() throws {
        let (command, expected) = try OrderCommand.parse(Orders.place("o-1"))
        #expect(command.orderID.value == "o-1" && expected == nil)
        // A fractional or negative amount, a missing field, an unknown field or command, a wrong type.
        #expect(throws: SyslabError.outOfRange("'amount' must be an integer number of minor units, got 1.5")) {
            try OrderCommand.parse(Orders.place("o-1", amount: 1.5))
        }
        #expect(throws: SyslabError.self) { try OrderCommand.parse(Orders.place("o-1", amount: -5)) }
        #expect(throws: SyslabError.self) { try OrderCommand.parse(Orders.place("o-1", quantity: 0)) }
        #expect(throws: SyslabError.self) { try OrderCommand.parse(["command": "pay"]) }
        #expect(throws: SyslabError.self) { try OrderCommand.parse(["command": "pay", "order_id": "o-1", "colour": "red"]) }
        #expect(throws: SyslabError.self) { try OrderCommand.parse(["command": "refund-all", "order_id": "o-1"]) }
        #expect(throws: SyslabError.self) { try OrderCommand.parse(["command": "pay", "order_id": 5]) }
        #expect(throws: SyslabError.self) { try OrderCommand.parse(["command": "pay", "order_id": "o-1", "expected_version": -1]) }
        #expect(throws: SyslabError.self) { try OrderCommand.parse(.array([])) }
    }

    @Test func aggregateFollowsTheLifecycle() throws {
        let id = try OrderID("o-1")
        var order = Order(id: id)
        let (place, _) = try OrderCommand.parse(Orders.place("o-1", amount: 1000))
        #expect(throws: SyslabError.self) { try order.decide(.pay(id: id, paymentReference: "p")) }
        for event in try order.decide(place) { order.apply(event) }
        #expect(throws: SyslabError.alreadyExists("order 'o-1' already exists")) { try order.decide(place) }
        #expect(throws: SyslabError.self) { try order.decide(.ship(id: id, carrier: "post")) }
        for event in try order.decide(.pay(id: id, paymentReference: "p")) { order.apply(event) }
        #expect(order.status == .paid && order.capturedMinor == 1000 && order.version == 2)
        // Cancelling a paid order refunds it first.
        let cancel = try order.decide(.cancel(id: id, reason: "changed mind"))
        #expect(cancel == [.paymentRefunded(amountMinor: 1000, reason: "changed mind"), .cancelled(reason: "changed mind")])
        for event in try order.decide(.ship(id: id, carrier: "post")) { order.apply(event) }
        #expect(order.status == .shipped)
        #expect(throws: SyslabError.self) { try order.decide(.cancel(id: id, reason: "too late")) }
        // The snapshot form reads back to the same state.
        #expect(try Order.fromSnapshot(order.json, id: id) == order)
    }

    @Test func eventsRoundTripAndBadRowsAreCorrupt() throws {
        let (place, _) = try OrderCommand.parse(Orders.place("o-1"))
        let events = try Order(id: try OrderID("o-1")).decide(place)
        for event in events + [.paymentCaptured(amountMinor: 5, paymentReference: "r"), .flagged(reason: "x")] {
            #expect(try OrderEvent.decode(type: event.typeName, payload: event.payload.serialized()) == event)
        }
        #expect(throws: SyslabError.self) { try OrderEvent.decode(type: "OrderPlaced", payload: "{not json") }
        #expect(throws: SyslabError.self) { try OrderEvent.decode(type: "Nope", payload: "{}") }
        do {
            _ = try OrderEvent.decode(type: "PaymentCaptured", payload: "{\"amount\": \"lots\"}")
            Issue.record("a bad payload must not decode")
        } catch let error as SyslabError {
            guard case .corrupt = error else { Issue.record("expected corrupt, got \(error)"); return }
        }
    }

    @Test func utcDaysAreCivilDates() {
        #expect(UTCDay.string(fromUnixSeconds: 0) == "1970-01-01")
        #expect(UTCDay.string(fromUnixSeconds: 1_700_000_000) == "2023-11-14")
        #expect(UTCDay.string(fromUnixSeconds: 951_782_400) == "2000-02-29")
        #expect(UTCDay.string(fromUnixSeconds: -1) == "1969-12-31")
    }
}
