import HeapModule

/// The future event list of a discrete-event simulation: events ordered by
/// virtual time, ties broken by scheduling order so a run is deterministic.
/// `Payload` is whatever the model needs to know to handle the event (an
/// action and the entity it applies to); keeping it a small value type means
/// scheduling an event never allocates once the heap has grown.
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
    private var nextSequence: UInt64 = 0
    /// Virtual time in seconds: the time of the event most recently taken.
    public private(set) var now: Double = 0

    public init() {}

    public var isEmpty: Bool { heap.isEmpty }
    public var count: Int { heap.count }
    /// The time of the next event, or nil when none is scheduled.
    public var nextTime: Double? { heap.min?.time }

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

    /// Removes the earliest event and advances the clock to its time.
    @inline(__always)
    public mutating func next() -> Event? {
        guard let event = heap.popMin() else { return nil }
        now = event.time
        return event
    }
}
