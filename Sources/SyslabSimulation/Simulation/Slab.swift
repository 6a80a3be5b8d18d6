/// Records addressed by a small integer, reused after release so memory
/// follows the number in flight, not the number ever created. A released
/// slot's generation changes, so stale references (a timeout event for a
/// call that already finished) can be recognised and ignored.
struct Slab<Record> {
    private(set) var records: [Record] = []
    private(set) var generations: [UInt32] = []
    private var free: [Int32] = []
    private(set) var live = 0

    @inline(__always)
    mutating func allocate(_ record: Record) -> Int32 {
        live += 1
        if let id = free.popLast() {
            records[Int(id)] = record
            return id
        }
        records.append(record)
        generations.append(0)
        return Int32(records.count - 1)
    }

    @inline(__always)
    mutating func release(_ id: Int32) {
        generations[Int(id)] &+= 1
        free.append(id)
        live -= 1
    }

    @inline(__always)
    func generation(_ id: Int32) -> UInt32 { generations[Int(id)] }

    @inline(__always)
    func isCurrent(_ id: Int32, _ generation: UInt32) -> Bool {
        id >= 0 && Int(id) < generations.count && generations[Int(id)] == generation
    }

    subscript(_ id: Int32) -> Record {
        @inline(__always) get { records[Int(id)] }
        @inline(__always) _modify { yield &records[Int(id)] }
    }

    var capacity: Int { records.count }
}
