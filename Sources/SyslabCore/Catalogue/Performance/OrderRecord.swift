/// The record the serialization benchmarks encode: a small order, with the
/// mix of integers, strings, a flag and a list that API payloads carry.
struct OrderRecord: Equatable {
    var id: UInt64
    var customer: String
    var email: String
    var amountCents: Int64
    var itemIDs: [UInt32]
    var paid: Bool

    /// `count` seeded records.
    static func sample(_ count: Int, seed: UInt64) -> [OrderRecord] {
        var random = SeededGenerator(seed: seed)
        return (0..<count).map { i in
            let items = Int(random.next() % 5) + 1
            return OrderRecord(
                id: 1_000_000 + UInt64(i), customer: "customer-\(random.next() % 100_000)",
                email: "user\(random.next() % 100_000)@example.com", amountCents: Int64(random.next() % 1_000_000),
                itemIDs: (0..<items).map { _ in UInt32(random.next() % 50_000) }, paid: random.next() % 2 == 0)
        }
    }

    // MARK: JSON (the project's own writer and parser)

    var json: JSONValue {
        ["id": .number(Double(id)), "customer": .string(customer), "email": .string(email),
         "amount_cents": .number(Double(amountCents)), "item_ids": .array(itemIDs.map { .number(Double($0)) }),
         "paid": .bool(paid)]
    }

    static func encodeJSON(_ records: [OrderRecord]) -> String {
        JSONValue.array(records.map(\.json)).serialized()
    }

    static func decodeJSON(_ text: String) throws -> [OrderRecord] {
        guard let items = try JSONValue.parse(text).arrayValue else {
            throw SyslabError.invalidArgument("the encoded orders are not a JSON array")
        }
        return try items.map { item in
            guard let o = item.objectValue, let id = o["id"]?.doubleValue, let customer = o["customer"]?.stringValue,
                  let email = o["email"]?.stringValue, let amount = o["amount_cents"]?.doubleValue,
                  let ids = o["item_ids"]?.arrayValue, let paid = o["paid"]?.boolValue else {
                throw SyslabError.invalidArgument("an encoded order lacks a field")
            }
            return OrderRecord(id: UInt64(id), customer: customer, email: email, amountCents: Int64(amount),
                               itemIDs: ids.map { UInt32($0.doubleValue ?? 0) }, paid: paid)
        }
    }

    // MARK: Protocol Buffers wire format
    //
    // message Order { uint64 id = 1; string customer = 2; string email = 3;
    //                 int64 amount_cents = 4; repeated uint32 item_ids = 5 [packed]; bool paid = 6; }
    // message Orders { repeated Order orders = 1; }
    // Varints, length-delimited strings and sub-messages, as protoc would encode them.

    static func encodeWire(_ records: [OrderRecord]) -> [UInt8] {
        var out: [UInt8] = []
        var message: [UInt8] = []
        var packed: [UInt8] = []
        for r in records {
            message.removeAll(keepingCapacity: true)
            Wire.tag(1, .varint, &message); Wire.varint(r.id, &message)
            Wire.string(2, r.customer, &message)
            Wire.string(3, r.email, &message)
            Wire.tag(4, .varint, &message); Wire.varint(UInt64(bitPattern: r.amountCents), &message)
            packed.removeAll(keepingCapacity: true)
            for item in r.itemIDs { Wire.varint(UInt64(item), &packed) }
            Wire.bytes(5, packed, &message)
            Wire.tag(6, .varint, &message); Wire.varint(r.paid ? 1 : 0, &message)
            Wire.bytes(1, message, &out)
        }
        return out
    }

    static func decodeWire(_ bytes: [UInt8]) throws -> [OrderRecord] {
        var reader = Wire.Reader(bytes[...])
        var records: [OrderRecord] = []
        while !reader.atEnd {
            let (field, type) = try reader.tag()
            guard field == 1, type == .lengthDelimited else { throw Wire.malformed }
            var fields = Wire.Reader(try reader.lengthDelimited())
            var r = OrderRecord(id: 0, customer: "", email: "", amountCents: 0, itemIDs: [], paid: false)
            while !fields.atEnd {
                switch try fields.tag() {
                case (1, .varint): r.id = try fields.varint()
                case (2, .lengthDelimited): r.customer = String(decoding: try fields.lengthDelimited(), as: UTF8.self)
                case (3, .lengthDelimited): r.email = String(decoding: try fields.lengthDelimited(), as: UTF8.self)
                case (4, .varint): r.amountCents = Int64(bitPattern: try fields.varint())
                case (5, .lengthDelimited):
                    var items = Wire.Reader(try fields.lengthDelimited())
                    while !items.atEnd { r.itemIDs.append(UInt32(truncatingIfNeeded: try items.varint())) }
                case (6, .varint): r.paid = try fields.varint() != 0
                default: throw Wire.malformed
                }
            }
            records.append(r)
        }
        return records
    }
}

/// The Protocol Buffers wire format's primitives.
enum Wire {
    enum WireType: UInt64 { case varint = 0, lengthDelimited = 2 }

    static let malformed = SyslabError.invalidArgument("malformed protobuf wire data")

    static func varint(_ value: UInt64, _ out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    static func tag(_ field: UInt64, _ type: WireType, _ out: inout [UInt8]) { varint(field << 3 | type.rawValue, &out) }

    static func bytes(_ field: UInt64, _ value: [UInt8], _ out: inout [UInt8]) {
        tag(field, .lengthDelimited, &out)
        varint(UInt64(value.count), &out)
        out.append(contentsOf: value)
    }

    static func string(_ field: UInt64, _ value: String, _ out: inout [UInt8]) {
        tag(field, .lengthDelimited, &out)
        varint(UInt64(value.utf8.count), &out)
        out.append(contentsOf: value.utf8)
    }

    struct Reader {
        var bytes: ArraySlice<UInt8>
        init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }
        var atEnd: Bool { bytes.isEmpty }

        mutating func varint() throws -> UInt64 {
            var value: UInt64 = 0, shift: UInt64 = 0
            while let byte = bytes.popFirst() {
                value |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return value }
                shift += 7
                if shift >= 64 { throw Wire.malformed }
            }
            throw Wire.malformed
        }

        mutating func tag() throws -> (UInt64, WireType) {
            let key = try varint()
            guard let type = WireType(rawValue: key & 7) else { throw Wire.malformed }
            return (key >> 3, type)
        }

        mutating func lengthDelimited() throws -> ArraySlice<UInt8> {
            let length = try varint()
            guard length <= UInt64(bytes.count) else { throw Wire.malformed }
            let value = bytes.prefix(Int(length))
            bytes = bytes.dropFirst(Int(length))
            return value
        }
    }
}
