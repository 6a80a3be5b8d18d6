import Testing
import SyslabCore
@testable import SyslabTracing

@Suite("Exporters and views")
struct ExportTests {
    let trace = try! TraceGenerator.generate(template: BuiltinTemplates.template("kafka-fanout")!, variant: .error,
                                             options: TraceOptions(seed: 5))

    func isHex(_ s: String?, _ n: Int) -> Bool {
        guard let s else { return false }
        return s.count == n && s.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    @Test func otlpJSONShape() throws {
        let doc = try JSONValue.parse(OTLPJSONExporter.export(trace))
        let resources = try #require(doc["resourceSpans"]?.arrayValue)
        #expect(resources.count == trace.services.count)
        var spanCount = 0
        for r in resources {
            let attributes = try #require(r["resource"]?["attributes"]?.arrayValue)
            #expect(attributes.first?["key"] == "service.name")
            for span in r["scopeSpans"]?.arrayValue?.first?["spans"]?.arrayValue ?? [] {
                spanCount += 1
                #expect(isHex(span["traceId"]?.stringValue, 32) && isHex(span["spanId"]?.stringValue, 16))
                #expect(span["kind"]?.doubleValue.map { (1...5).contains($0) } == true, "kind is an integer enum")
                #expect(span["startTimeUnixNano"]?.stringValue.flatMap { UInt64($0) } != nil, "times are decimal strings")
                for a in span["attributes"]?.arrayValue ?? [] {
                    if let i = a["value"]?["intValue"] { #expect(i.stringValue.flatMap { Int64($0) } != nil, "intValue is a string") }
                }
            }
        }
        #expect(spanCount == trace.spans.count)
        #expect(OTLPJSONExporter.export(trace).contains(#""status":{"message":"payment failed: card issuer unavailable","code":2}"#))
    }

    @Test func jaegerJSONShape() throws {
        let doc = try JSONValue.parse(JaegerJSONExporter.export(trace))
        let data = try #require(doc["data"]?.arrayValue?.first)
        #expect(data["traceID"]?.stringValue == trace.traceId.hex)
        let spans = try #require(data["spans"]?.arrayValue)
        #expect(spans.count == trace.spans.count)
        let processes = try #require(data["processes"]?.objectValue)
        for s in spans {
            #expect(processes[s["processID"]?.stringValue ?? ""] != nil)
            #expect(s["startTime"]?.doubleValue != nil && s["duration"]?.doubleValue != nil)
        }
        let consumer = spans.first { s in s["tags"]?.arrayValue?.contains { $0["key"] == "span.kind" && $0["value"] == "consumer" } == true }
        #expect(consumer?["references"]?.arrayValue?.first?["refType"] == "FOLLOWS_FROM")
        let failed = spans.first { s in s["tags"]?.arrayValue?.contains { $0["key"] == "error" && $0["value"] == true } == true }
        #expect(failed != nil)
    }

    @Test func zipkinJSONShape() throws {
        let spans = try #require(try JSONValue.parse(ZipkinJSONExporter.export(trace)).arrayValue)
        #expect(spans.count == trace.spans.count)
        for s in spans {
            #expect(isHex(s["traceId"]?.stringValue, 32) && isHex(s["id"]?.stringValue, 16))
            #expect((s["duration"]?.doubleValue ?? 0) >= 1)
            if let kind = s["kind"]?.stringValue { #expect(["CLIENT", "SERVER", "PRODUCER", "CONSUMER"].contains(kind)) }
            #expect(s["tags"]?.objectValue?.values.allSatisfy { $0.stringValue != nil } == true, "tags are strings")
        }
        #expect(spans.contains { $0["tags"]?["error"]?.stringValue == "payment failed: card issuer unavailable" })
    }

    @Test func waterfallText() {
        let text = WaterfallRenderer(width: 40).text(trace)
        let lines = text.split(separator: "\n")
        #expect(lines.count == trace.spans.count + 2)
        #expect(lines[0].contains("kafka-fanout/error") && lines[0].contains(trace.traceId.hex))
        #expect(text.contains("payment-worker") && text.contains("✗") && text.contains("async"))
        #expect(WaterfallRenderer(ascii: true).text(trace).allSatisfy { $0.isASCII || $0 == "·" || $0 == "µ" })
        #expect(WaterfallRenderer(color: true).text(trace).contains("\u{1B}[31m"))
        // The root's bar starts at column 0 and spans to its end.
        let rootLine = lines[2]
        #expect(rootLine.contains("█"))
    }

    @Test func svgIsStandalone() {
        let svg = WaterfallRenderer().svg(trace)
        #expect(svg.hasPrefix("<?xml") && svg.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.hasSuffix("</svg>\n"))
        #expect(svg.components("<rect").count >= trace.spans.count)
        #expect(svg.contains("stroke-dasharray"), "async links are drawn")
        #expect(!svg.contains("href="), "no external resources")
        #expect(WaterfallRenderer().xml("a<b & \"c\"\u{1}") == "a&lt;b &amp; &quot;c&quot; ")
    }

    @Test func spansTable() {
        let table = SpansTable.text(trace)
        #expect(table.hasPrefix("SERVICE"))
        #expect(table.split(separator: "\n").count == trace.spans.count + 1)
        #expect(table.contains("ERROR: payment failed"))
    }

    @Test func renderEveryFormatAndRejectUnknownOptions() throws {
        for format in TraceFormat.allCases {
            #expect(!(try TraceRenderer.render(trace, format: format)).isEmpty)
        }
        #expect(throws: SyslabError.self) { try TraceRenderer.render(trace, format: .waterfall, options: ["width": 5]) }
        #expect(throws: SyslabError.self) { try TraceRenderer.render(trace, format: .svg, options: ["colour": true]) }
        #expect(throws: SyslabError.self) { try TraceFormat.named("protobuf") }
    }

    @Test func requestParsing() throws {
        let r = try TraceRequest.parse(["template": "simple", "variant": "slow", "seed": 9], store: nil)
        #expect(r.template == "simple" && r.variant.kind == .slow && r.options.seed == 9)
        let big = try TraceRequest.parse(["template": "simple", "seed": "18446744073709551615"], store: nil)
        #expect(big.options.seed == .max)
        let custom = try TraceRequest.parse(["topology": ["nodes": [["id": "a", "kind": "backend"]]], "variant": "error"], store: nil)
        #expect(try custom.generate().root!.isError)
        func message(_ json: JSONValue) -> String {
            do { _ = try TraceRequest.parse(json, store: nil); return "" } catch { return "\(error)" }
        }
        #expect(message(["template": "simpel"]).contains("did you mean 'simple'?"))
        #expect(message(["template": "simple", "variant": "broken"]).contains("must be success, slow or error"))
        #expect(message(["seed": -1, "template": "simple"]).contains("non-negative integer"))
        #expect(message([:]).contains("needs 'template'"))
        #expect(message(["template": "simple", "colour": 1]).contains("unknown member 'colour'"))
    }
}

extension String {
    func components(_ separator: String) -> [Substring] { split(separator: separator, omittingEmptySubsequences: false) }
}
