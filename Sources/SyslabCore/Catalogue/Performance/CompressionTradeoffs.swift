import CZlib

/// Compression level against speed, with the system's zlib.
enum CompressionTradeoffs {
    static let ratio = MetricSpec.gauge(
        "compression_ratio", "Original size divided by compressed size, by zlib level.", labels: ["scenario", "level"])

    static let scenario = Scenario(
        name: "compression-tradeoffs", category: "performance",
        summary: "When enabled, compresses a seeded payload of payload_bytes (JSON-like log lines) with zlib at level 1 and at `level`, checks that it inflates back, and measures time and ratio of both; each request burns the slower compression's cost.",
        notes: LearningNotes(
            whatHappens: "Higher compression levels search harder for matches: the payload shrinks a little more while CPU time grows several times. Past a point each extra byte saved costs far more CPU than the bandwidth is worth.",
            howToObserve: "compression_ratio{level} against benchmark_operation_seconds{variant=\"level_1\"} and {variant=\"level_N\"}; benchmark_slowdown_ratio is the CPU price of the better ratio; cpu_injected_seconds_total adds it per request.",
            howToMitigate: "Use a fast level (1-3) for on-the-fly responses, high levels only for content compressed once and served many times; skip compressing small or already-compressed bodies; consider zstd or brotli."),
        parameters: [
            .integer("payload_bytes", default: 65_536, min: 64, max: 16_777_216, unit: "bytes", help: "Size of the payload one request compresses."),
            .integer("level", default: 9, min: 1, max: 9, help: "The zlib level compared with level 1."),
        ],
        metrics: [Benchmark.operationSeconds, Benchmark.slowdownRatio, ratio, DomainMetrics.cpuInjected],
        effectKinds: [.cpuBurn],
        compile: { activation in
            let p = activation.parameters
            let level = p.int("level")
            let payload = sample(bytes: p.int("payload_bytes"))
            let fast = try measure(payload, level: 1)
            let chosen = try measure(payload, level: level)
            Benchmark.publish(activation, variant: "level_1", seconds: fast.seconds)
            Benchmark.publish(activation, variant: "level_\(level)", seconds: chosen.seconds)
            Benchmark.publishRatio(activation, slow: max(fast.seconds, chosen.seconds), fast: min(fast.seconds, chosen.seconds))
            activation.publishOnInstall(ratio, LabelValues("1"), fast.ratio)
            activation.publishOnInstall(ratio, LabelValues(String(level)), chosen.ratio)
            return try MeasuredCostProgram(activation, seconds: max(fast.seconds, chosen.seconds))
        }
    )

    /// A compressible, seeded payload of `bytes` bytes: log lines with repeated keys and varying values.
    static func sample(bytes: Int) -> [UInt8] {
        var random = SeededGenerator(seed: 0xC0_3B)
        var out: [UInt8] = []
        out.reserveCapacity(bytes + 160)
        let levels = ["info", "warn", "error", "debug"], routes = ["/api/orders", "/api/users", "/api/items", "/health"]
        while out.count < bytes {
            let line = "{\"ts\":\(1_700_000_000 + random.next() % 86_400),\"level\":\"\(levels[Int(random.next() % 4)])\",\"route\":\"\(routes[Int(random.next() % 4)])\",\"status\":\(200 + random.next() % 4 * 100),\"latency_ms\":\(random.next() % 2_000),\"user\":\(random.next() % 10_000)}\n"
            out.append(contentsOf: line.utf8)
        }
        return Array(out.prefix(bytes))
    }

    /// Compresses `input` at `level`; nil when zlib reports an error.
    static func compress(_ input: [UInt8], level: Int) -> [UInt8]? {
        var size = compressBound(uLong(input.count))
        var output = [UInt8](repeating: 0, count: Int(size))
        let status = output.withUnsafeMutableBufferPointer { out in
            input.withUnsafeBufferPointer { source in
                compress2(out.baseAddress, &size, source.baseAddress, uLong(source.count), Int32(level))
            }
        }
        guard status == Z_OK else { return nil }
        output.removeSubrange(Int(size)...)
        return output
    }

    /// Inflates `input` back to `count` bytes; nil when zlib reports an error.
    static func decompress(_ input: [UInt8], count: Int) -> [UInt8]? {
        var size = uLong(count)
        var output = [UInt8](repeating: 0, count: count)
        let status = output.withUnsafeMutableBufferPointer { out in
            input.withUnsafeBufferPointer { source in
                uncompress(out.baseAddress, &size, source.baseAddress, uLong(source.count))
            }
        }
        return status == Z_OK && Int(size) == count ? output : nil
    }

    /// Seconds to compress `payload` at `level`, and the ratio achieved.
    static func measure(_ payload: [UInt8], level: Int) throws -> (seconds: Double, ratio: Double) {
        guard let compressed = compress(payload, level: level), decompress(compressed, count: payload.count) == payload else {
            throw SyslabError.invalidArgument("compression-tradeoffs: zlib could not round-trip the payload at level \(level)")
        }
        let seconds = Benchmark.seconds { _ in compress(payload, level: level)?.count ?? 0 }
        return (seconds, Double(payload.count) / Double(max(1, compressed.count)))
    }
}
