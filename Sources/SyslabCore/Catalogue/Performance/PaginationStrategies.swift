/// Deep pages by OFFSET against keyset (cursor) pagination.
enum PaginationStrategies {
    static let rowsScanned = MetricSpec.gauge(
        "pagination_rows_scanned", "Rows one page request reads, by strategy.", labels: ["scenario", "strategy"])

    static let scenario = Scenario(
        name: "pagination-strategies", category: "performance",
        summary: "When enabled, builds a seeded table of `rows` rows (ordered by id, a tenth soft-deleted) and reads page `page` of page_size rows both by OFFSET (skipping page x page_size visible rows) and by keyset (id > the previous page's last id, found by binary search), measuring both; each request burns the OFFSET cost.",
        notes: LearningNotes(
            whatHappens: "OFFSET n makes the database read and throw away n rows before returning a page, so page 1,000 costs a thousand times page 1. A keyset cursor (WHERE id > last_seen ORDER BY id LIMIT k) seeks straight to the page through the index: every page costs the same.",
            howToObserve: "benchmark_operation_seconds{variant=\"offset\"} grows with page while {variant=\"keyset\"} stays flat; pagination_rows_scanned shows why; benchmark_slowdown_ratio grows linearly with page depth; cpu_injected_seconds_total adds the OFFSET cost per request.",
            howToMitigate: "Paginate with an opaque cursor over an indexed, unique sort key; cap OFFSET depth; avoid exact total counts on every page."),
        parameters: [
            .integer("rows", default: 200_000, min: 1, max: 5_000_000, help: "Rows in the table."),
            .integer("page_size", default: 50, min: 1, max: 10_000, help: "Rows per page."),
            .integer("page", default: 1_000, min: 0, max: 1_000_000, help: "Page number requested (0 = first); beyond the last page reads the last one."),
        ],
        metrics: [Benchmark.operationSeconds, Benchmark.slowdownRatio, rowsScanned, DomainMetrics.cpuInjected],
        effectKinds: [.cpuBurn],
        compile: { activation in
            let p = activation.parameters
            let m = measure(rows: p.int("rows"), pageSize: p.int("page_size"), page: p.int("page"))
            Benchmark.publish(activation, variant: "offset", seconds: m.offsetSeconds)
            Benchmark.publish(activation, variant: "keyset", seconds: m.keysetSeconds)
            Benchmark.publishRatio(activation, slow: m.offsetSeconds, fast: m.keysetSeconds)
            activation.publishOnInstall(rowsScanned, LabelValues("offset"), Double(m.offsetScanned))
            activation.publishOnInstall(rowsScanned, LabelValues("keyset"), Double(m.keysetScanned))
            return try MeasuredCostProgram(activation, seconds: max(m.offsetSeconds, m.keysetSeconds))
        }
    )

    /// A table ordered by id; `visible` is false for soft-deleted rows, which every query filters out.
    struct Table {
        var ids: [Int]
        var visible: [Bool]

        init(rows: Int) {
            var random = SeededGenerator(seed: 0x9A6E)
            ids = (0..<rows).map { $0 * 3 + 1 }
            visible = (0..<rows).map { _ in random.next() % 10 != 0 }
        }

        /// `SELECT id ... WHERE visible ORDER BY id LIMIT size OFFSET skip`: returns the page and the rows read.
        func offsetPage(skip: Int, size: Int) -> (page: [Int], scanned: Int) {
            var page: [Int] = []
            var skipped = 0, index = 0
            while index < ids.count, page.count < size {
                if visible[index] {
                    if skipped < skip { skipped += 1 } else { page.append(ids[index]) }
                }
                index += 1
            }
            return (page, index)
        }

        /// `SELECT id ... WHERE visible AND id > after ORDER BY id LIMIT size`, seeking through the index.
        func keysetPage(after: Int, size: Int) -> (page: [Int], scanned: Int) {
            var low = 0, high = ids.count
            while low < high {
                let middle = low + (high - low) / 2
                if ids[middle] <= after { low = middle + 1 } else { high = middle }
            }
            var page: [Int] = []
            var index = low
            while index < ids.count, page.count < size {
                if visible[index] { page.append(ids[index]) }
                index += 1
            }
            return (page, index - low)
        }
    }

    struct Measurement {
        var offsetSeconds: Double, keysetSeconds: Double
        var offsetScanned: Int, keysetScanned: Int
    }

    static func measure(rows: Int, pageSize: Int, page: Int) -> Measurement {
        let table = Table(rows: rows)
        let visibleRows = table.visible.reduce(0) { $0 + ($1 ? 1 : 0) }
        let lastPage = max(0, (visibleRows - 1) / pageSize)
        let skip = min(page, lastPage) * pageSize
        // The cursor a client holds after reading the previous pages: the last id before the page.
        let previous = skip == 0 ? [] : table.offsetPage(skip: skip - 1, size: 1).page
        let cursor = previous.first ?? Int.min
        let offset = table.offsetPage(skip: skip, size: pageSize)
        let keyset = table.keysetPage(after: cursor, size: pageSize)
        let offsetSeconds = Benchmark.seconds { zero in table.offsetPage(skip: skip &+ zero, size: pageSize).page.last ?? 0 }
        let keysetSeconds = Benchmark.seconds { zero in table.keysetPage(after: cursor &+ zero, size: pageSize).page.last ?? 0 }
        return Measurement(offsetSeconds: offsetSeconds, keysetSeconds: keysetSeconds,
                           offsetScanned: offset.scanned, keysetScanned: keyset.scanned)
    }
}
