import DequeModule
import SyslabCore

/// Runs a `QueueingModel` event by event: arrivals and departures on the
/// event heap, waiting customers in a FIFO deque of their arrival times.
/// After the last arrival the system drains, so it starts and ends empty and
/// Little's law holds exactly for the measured quantities.
public struct QueueingSimulation {
    public let model: QueueingModel

    public init(_ model: QueueingModel) throws {
        try model.validate()
        self.model = model
    }

    private enum Event {
        case arrival
        /// A service completion for a customer who arrived at `arrivedAt`.
        case departure(arrivedAt: Double)
    }

    public func run() -> QueueingResult {
        let streams = RandomStreams(seed: model.seed)
        var arrivalRandom = streams.stream(.arrivals)
        var serviceRandom = streams.stream(.service)
        let interarrival = model.interarrival, service = model.service
        let servers = model.servers
        let capacity = model.capacity ?? Int.max

        var events = EventQueue<Event>()
        var waiting = Deque<Double>()
        var busy = 0
        var arrivals = 0, blocked = 0
        var sumW = 0.0, sumWq = 0.0
        var inSystem = TimeAverage(), inQueue = TimeAverage(), busyServers = TimeAverage()
        var w = LatencyHistogram(), wq = LatencyHistogram()

        events.schedule(at: interarrival.sample(&arrivalRandom), .arrival)
        while let event = events.next() {
            let now = event.time
            switch event.payload {
            case .arrival:
                arrivals += 1
                if arrivals < model.customers {
                    events.schedule(at: now + interarrival.sample(&arrivalRandom), .arrival)
                }
                if busy + waiting.count >= capacity {
                    blocked += 1
                    continue
                }
                inSystem.add(1, at: now)
                if busy < servers {
                    busy += 1
                    busyServers.set(Double(busy), at: now)
                    wq.record(0)
                    events.schedule(at: now + service.sample(&serviceRandom), .departure(arrivedAt: now))
                } else {
                    waiting.append(now)
                    inQueue.set(Double(waiting.count), at: now)
                }
            case .departure(let arrivedAt):
                let timeInSystem = now - arrivedAt
                sumW += timeInSystem
                w.record(timeInSystem)
                inSystem.add(-1, at: now)
                if let next = waiting.popFirst() {
                    inQueue.set(Double(waiting.count), at: now)
                    let queued = now - next
                    sumWq += queued
                    wq.record(queued)
                    events.schedule(at: now + service.sample(&serviceRandom), .departure(arrivedAt: next))
                } else {
                    busy -= 1
                    busyServers.set(Double(busy), at: now)
                }
            }
        }
        let end = events.now
        let accepted = arrivals - blocked
        let n = Double(max(accepted, 1))
        return QueueingResult(
            arrivals: arrivals, accepted: accepted, blocked: blocked,
            meanWq: sumWq / n, meanW: sumW / n, meanL: inSystem.mean(at: end), meanLq: inQueue.mean(at: end),
            utilisation: busyServers.mean(at: end) / Double(servers), duration: end,
            timeInSystem: w, timeInQueue: wq)
    }
}
