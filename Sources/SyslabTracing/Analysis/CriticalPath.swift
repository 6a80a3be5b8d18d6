/// The critical path of a request: the chain of work that decided how long
/// it took. Walks back from the end of the root span, always into the child
/// that finished last before the current point, and credits each span with
/// the time it was the one being waited on (its share). Children running past
/// their parent's end (async consumers, abandoned calls) are clipped.
struct CriticalPath {
    /// Spans on the path with their share in ms, in the order they were reached (root first).
    let segments: [(index: Int, ms: Double)]

    init(trace: Trace, root: Int, children: [SpanId: [Int]]) {
        var shares: [Int: Double] = [:]
        var order: [Int] = []
        func ms(_ nano: UInt64) -> Double { Double(nano) / 1e6 }

        // Depth-first on an explicit stack (a 100,000-span chain would overflow
        // the thread's stack if this recursed). A visit computes a span's own
        // share and the windows of the children it waited on, then pushes
        // those so they are visited in the order the recursion would take.
        var pending: [(index: Int, until: Double)] = [(root, ms(trace.spans[root].endUnixNano))]
        var waitedOn: [(index: Int, until: Double)] = []
        while let (i, hi) = pending.popLast() {
            let span = trace.spans[i]
            let lo = ms(span.startUnixNano)
            if shares[i] == nil { order.append(i) }
            var t = min(hi, ms(span.endUnixNano))
            let kids = (children[span.spanId] ?? []).sorted {
                (min(ms(trace.spans[$0].endUnixNano), t), $1) > (min(ms(trace.spans[$1].endUnixNano), t), $0)
            }
            var own = 0.0
            waitedOn.removeAll(keepingCapacity: true)
            for k in kids {
                let kStart = max(ms(trace.spans[k].startUnixNano), lo)
                guard kStart < t else { continue }
                let kEnd = min(ms(trace.spans[k].endUnixNano), t)
                own += max(0, t - kEnd)
                waitedOn.append((k, kEnd))
                t = kStart
            }
            own += max(0, t - lo)
            shares[i, default: 0] += own
            pending.append(contentsOf: waitedOn.reversed())
        }
        segments = order.map { ($0, shares[$0]!) }
    }

    /// The span with the largest share.
    var dominant: (index: Int, ms: Double)? { segments.max { $0.ms < $1.ms } }
}
