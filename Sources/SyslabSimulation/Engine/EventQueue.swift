import DequeModule
import HeapModule

/// The future event list of a discrete-event simulation: events ordered by
/// virtual time, ties broken by scheduling order so a run is deterministic.
/// `Payload` is whatever the model needs to know to handle the event (an
/// action and the entity it applies to); keeping it a small value type means
/// scheduling an event never allocates once the storage has grown.
///
/// Besides the heap there are FIFO lanes for timers with a fixed delay (a
/// client timeout, an edge's timeout): their firing times arrive in order, so
/// a deque holds them at O(1) and the heap stays as small as the number of
/// busy servers. Most such timers are cancelled (the call finished first);
/// keeping them out of the heap is what keeps a long run fast.
public struct EventQueue<Payload> {
    public struct Event: Comparable {
        public let time: Double
        /// Scheduling order: the tie-breaker that makes equal times FIFO.
        public let sequence: UInt64
        public let payload: Payload

        @inline(__always)
        public static func < (a: Event, b: Event) -> Bool {
            a.time < b.time || (a.time == b.time && a.sequence < b.sequence)
        }

        @inline(__always)
        public static func == (a: Event, b: Event) -> Bool {
            a.time == b.time && a.sequence == b.sequence
        }
    }

    private var heap = Heap<Event>()
    private var lanes: [Deque<Event>] = []
    private var nextSequence: UInt64 = 0
    /// Virtual time in seconds: the time of the event most recently taken.
    public private(set) var now: Double = 0

    public init() {}

    public var isEmpty: Bool { heap.isEmpty && lanes.allSatisfy(\.isEmpty) }
    public var count: Int { heap.count + lanes.reduce(0) { $0 + $1.count } }

    /// Schedules `payload` at absolute virtual time `time` (never in the past).
    @inline(__always)
    public mutating func schedule(at time: Double, _ payload: Payload) {
        let t = time < now ? now : time
        heap.insert(Event(time: t, sequence: nextSequence, payload: payload))
        nextSequence &+= 1
    }

    /// Schedules `payload` `delay` seconds from now.
    @inline(__always)
    public mutating func schedule(after delay: Double, _ payload: Payload) {
        schedule(at: now + delay, payload)
    }

    /// Schedules `payload` `delay` seconds from now on FIFO lane `lane`. Use one
    /// lane per fixed delay; a time earlier than the lane's last goes to the heap.
    @inline(__always)
    public mutating func schedule(after delay: Double, lane: Int, _ payload: Payload) {
        let t = now + max(0, delay)
        while lanes.count <= lane { lanes.append(Deque()) }
        if let last = lanes[lane].last, last.time > t {
            schedule(at: t, payload)
            return
        }
        lanes[lane].append(Event(time: t, sequence: nextSequence, payload: payload))
        nextSequence &+= 1
    }

    /// Removes the earliest event and advances the clock to its time.
    @inline(__always)
    public mutating func next() -> Event? {
        var bestLane = -1
        var best = heap.min
        for i in lanes.indices {
            if let head = lanes[i].first, best == nil || head < best! {
                best = head
                bestLane = i
            }
        }
        guard let event = best else { return nil }
        if bestLane >= 0 { lanes[bestLane].removeFirst() } else { _ = heap.removeMin() }
        now = event.time
        return event
    }
}
