import Testing
import SyslabCore
@testable import SyslabTracing

/// Hostile and very large trace input (issue 9, defect 5): refused with a
/// clear error, or handled without recursion and in near-linear time.
@Suite("Trace input")
struct TraceInputTests {
    static let traceId = "4bf92f3577b34da6a3ce929d0e0e4736"

    static func spanId(_ n: Int) -> String {
        let hex = String(n + 1, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Trace JSON text; `parent(i)` gives each span's parent number (nil: a root).
    static func traceText(count: Int, extra: (Int) -> String = { _ in "" }, start: (Int) -> Int, end: (Int) -> Int,
                          name: (Int) -> String = { _ in "op" }, service: (Int) -> String = { "s\($0)" },
                          parent: (Int) -> Int?) -> String {
        var parts: [String] = []
        parts.reserveCapacity(count)
        for i in 0..<count {
            let p = parent(i).map { "\"\(spanId($0))\"" } ?? "null"
            parts.append("{\"span_id\":\"\(spanId(i))\",\"parent_span_id\":\(p),\"name\":\"\(name(i))\",\"service\":\"\(service(i))\",\"start_ns\":\(start(i)),\"end_ns\":\(end(i))\(extra(i))}")
        }
        return "{\"trace_id\":\"\(traceId)\",\"spans\":[" + parts.joined(separator: ",") + "]}"
    }

    static func parse(_ text: String) throws -> Trace { try Trace.parse(try JSONValue.parse(text)) }

    static func refusal(_ text: String) -> String {
        do { _ = try parse(text); return "accepted" } catch { return "\(error)" }
    }

    /// A chain: span i calls span i+1, each nested 1 µs inside its parent.
    static func chain(_ n: Int) -> String {
        traceText(count: n, start: { $0 * 1000 }, end: { 2 * n * 1000 - $0 * 1000 }, parent: { $0 == 0 ? nil : $0 - 1 })
    }

    // MARK: refused input

    @Test func aSpanThatIsItsOwnParentIsRefused() {
        let text = Self.traceText(count: 2, extra: { _ in ",\"status\":{\"code\":\"error\",\"message\":\"boom\"}" },
                                  start: { _ in 0 }, end: { _ in 10 }, parent: { $0 == 0 ? nil : 1 })
        #expect(Self.refusal(text) == "trace: span \(Self.spanId(1)) is its own parent")
    }

    @Test func aRetryUnderATwoSpanParentCycleIsRefused() {
        // Spans 1 and 2 are each other's parent; span 3, a retry, hangs under them.
        let text = Self.traceText(
            count: 4, extra: { $0 == 3 ? ",\"attributes\":{\"http.request.resend_count\":1}" : "" },
            start: { _ in 0 }, end: { _ in 10 }, parent: { [nil, 2, 1, 1][$0] })
        #expect(Self.refusal(text) == "trace: spans form a parent cycle: \(Self.spanId(1)) → \(Self.spanId(2)) → \(Self.spanId(1))")
    }

    @Test func anOrphanParentIsRefused() {
        let text = Self.traceText(count: 2, start: { _ in 0 }, end: { _ in 10 }, parent: { $0 == 0 ? nil : 7 })
        #expect(Self.refusal(text) == "trace.spans[1] (\(Self.spanId(1))): parent span \(Self.spanId(7)) is not in the trace")
    }

    @Test func moreSpansThanTheLimitAreRefused() {
        let text = Self.traceText(count: Trace.maxSpans + 1, start: { _ in 0 }, end: { _ in 1 }, parent: { _ in nil })
        #expect(Self.refusal(text) == "trace has \(Trace.maxSpans + 1) spans; the limit is \(Trace.maxSpans)")
    }

    @Test func longIdsAreQuotedShort() {
        let long = String(repeating: "z", count: 100_000)
        let message = Self.refusal("{\"trace_id\":\"\(long)\",\"spans\":[]}")
        #expect(message.hasPrefix("trace id must be 32 hex digits, got 'zzz"))
        #expect(message.utf8.count < 300)
    }

    // MARK: very large input, handled

    @Test func aHundredThousandSpanChainIsAnalysedWithoutRecursion() throws {
        let n = Trace.maxSpans
        let trace = try Self.parse(Self.chain(n))
        let analysis = TraceAnalyzer.analyze(trace)
        #expect(analysis.spanCount == n)
        // Every span waits 2 µs on its own (1 µs each side of its child), the last one all its 2 µs.
        #expect(analysis.criticalPath.count == n)
        #expect(analysis.criticalPath.first?.span.spanId == trace.spans[0].spanId)
        #expect(analysis.criticalPath.last?.span.spanId == trace.spans[n - 1].spanId)
        #expect(abs(analysis.criticalPath.reduce(0) { $0 + $1.ms } - analysis.responseMs) < 1e-6)
    }

    @Test func aThirtyThousandSpanChainRendersAsAWaterfall() throws {
        let n = 30_000
        let trace = try Self.parse(Self.chain(n))
        let lines = WaterfallRenderer(width: 40, ascii: true).text(trace).split(separator: "\n")
        #expect(lines.count == n + 2, "a header, an axis line and one row per span")
        // Deep rows are indented to the label width and cut there.
        #expect(lines.last!.hasPrefix(String(repeating: " ", count: 39) + "…  op"))
        #expect(lines[2].hasPrefix("s0 "))
        let table = SpansTable.text(trace).split(separator: "\n")
        #expect(table.count == n + 1)
        #expect(table.last!.hasPrefix(String(repeating: " ", count: 27) + "…"))
        let svg = WaterfallRenderer().svg(trace)
        #expect(svg.hasSuffix("</svg>\n"))
    }

    @Test func fiftyThousandSiblingsAreAnalysed() throws {
        // One parent calls 50,000 distinct operations at once, each a retry.
        let n = 50_000
        let text = Self.traceText(
            count: n + 1, extra: { $0 == 0 ? "" : ",\"attributes\":{\"http.request.resend_count\":1}" },
            start: { $0 == 0 ? 0 : 1000 }, end: { $0 == 0 ? 10_000 : 2000 }, name: { "op\($0)" },
            parent: { $0 == 0 ? nil : 0 })
        let analysis = TraceAnalyzer.analyze(try Self.parse(text))
        #expect(analysis.spanCount == n + 1)
        #expect(analysis.findings.filter { $0.rule == "retries" }.count == n)
        let fanOut = try #require(analysis.findings.first { $0.rule == "wide-fan-out" })
        #expect(fanOut.title == "s0 fans out to \(n) concurrent calls")
    }

    @Test func fiftyThousandRepeatedSiblingsAreOneFinding() throws {
        let n = 50_000
        let text = Self.traceText(count: n + 1, start: { $0 == 0 ? 0 : 1000 + $0 }, end: { $0 == 0 ? 10_000_000 : 2000 + $0 },
                                  name: { $0 == 0 ? "root" : "get" }, service: { $0 == 0 ? "api" : "cache" },
                                  parent: { $0 == 0 ? nil : 0 })
        let analysis = TraceAnalyzer.analyze(try Self.parse(text))
        let repeated = analysis.findings.filter { $0.rule == "repeated-calls" }
        #expect(repeated.count == 1)
        #expect(repeated.first?.metrics["calls"] == Double(n))
        #expect(repeated.first?.title == "api called cache \(n) times with the same operation (N+1)")
    }

    @Test func manyFailuresUnderALongFailingChainStayLinear() throws {
        // A chain of 20,000 failed spans, each with a failed leaf of its own:
        // the leaves are where failures start, each 1 to 20,000 hops deep.
        let n = 20_000
        let failed = ",\"status\":{\"code\":\"error\",\"message\":\"down\"}"
        let text = Self.traceText(count: 2 * n, extra: { _ in failed }, start: { $0 < n ? $0 * 1000 : ($0 - n) * 1000 + 1 },
                                  end: { $0 < n ? 4 * n * 1000 - $0 * 1000 : ($0 - n) * 1000 + 2 },
                                  parent: { $0 == 0 ? nil : $0 < n ? $0 - 1 : $0 - n })
        let analysis = TraceAnalyzer.analyze(try Self.parse(text))
        let origins = analysis.findings.filter { $0.rule == "error-origin" }
        #expect(origins.count == n)
        let deepest = try #require(origins.first { $0.components.first?.service == "s\(2 * n - 1)" })
        #expect(deepest.metrics["hops"] == Double(n))
        #expect(deepest.detail.contains("s\(2 * n - 1) → s\(n - 1) → s\(n - 2)"))
        #expect(deepest.detail.contains(" → … → s0. The request failed."))
    }
}
