/// One sorting algorithm against the standard library's sort.
enum SortingAlgorithms {
    /// Quadratic runs are refused above this size: one would take minutes.
    static let maximumQuadraticN = 20_000

    static let scenario = Scenario(
        name: "sorting-algorithms", category: "performance",
        summary: "When enabled, sorts n seeded integers (random, sorted or reversed) with `algorithm` (insertion sort, quicksort with a last-element pivot, merge sort or heap sort) and with the standard library's sort, and measures both; each request burns the slower one's cost times sorts_per_request.",
        notes: LearningNotes(
            whatHappens: "Insertion sort is O(n^2): fine for 50 items, hopeless for 50,000. Quicksort is O(n log n) on random input but O(n^2) on already-sorted input with a naive pivot; merge and heap sort stay O(n log n) on any input. The standard library's sort is an O(n log n) hybrid tuned for real data.",
            howToObserve: "benchmark_operation_seconds{variant=<algorithm>} against {variant=\"stdlib\"}: benchmark_slowdown_ratio for insertion sort grows roughly like n / log n; switch input_order to sorted to watch quicksort collapse; cpu_injected_seconds_total adds the slower sort per request.",
            howToMitigate: "Use the standard library's sort; sort once and keep data sorted instead of re-sorting per request; cap input sizes; test with production-sized and adversarial (sorted, reversed) inputs."),
        parameters: [
            .integer("n", default: 2_000, min: 2, max: 1_000_000, help: "Elements to sort (quadratic runs are limited to 20000)."),
            .choice("algorithm", default: "insertion", choices: ["insertion", "quicksort", "mergesort", "heapsort"], help: "The algorithm compared with the standard library's sort."),
            .choice("input_order", default: "random", choices: ["random", "sorted", "reversed"], help: "Order of the input."),
            .integer("sorts_per_request", default: 1, min: 1, max: 1_000, help: "Sorts one request performs."),
        ],
        metrics: [Benchmark.operationSeconds, Benchmark.slowdownRatio, DomainMetrics.cpuInjected],
        effectKinds: [.cpuBurn],
        compile: { activation in
            let p = activation.parameters
            let algorithm = p.string("algorithm"), order = p.string("input_order"), n = p.int("n")
            let (chosen, stdlib) = try measure(n: n, algorithm: algorithm, order: order)
            Benchmark.publish(activation, variant: algorithm, seconds: chosen)
            Benchmark.publish(activation, variant: "stdlib", seconds: stdlib)
            Benchmark.publishRatio(activation, slow: max(chosen, stdlib), fast: min(chosen, stdlib))
            return try MeasuredCostProgram(activation, seconds: max(chosen, stdlib) * Double(p.int("sorts_per_request")))
        }
    )

    static func isQuadratic(_ algorithm: String, order: String) -> Bool {
        algorithm == "insertion" || (algorithm == "quicksort" && order != "random")
    }

    /// Seconds per sort of `n` elements (the chosen algorithm, the standard library's).
    static func measure(n: Int, algorithm: String, order: String) throws -> (chosen: Double, stdlib: Double) {
        if isQuadratic(algorithm, order: order), n > maximumQuadraticN {
            throw SyslabError.outOfRange("sorting-algorithms: \(algorithm) on \(order) input is quadratic; n must be at most \(maximumQuadraticN), got \(n)")
        }
        let input = makeInput(n: n, order: order)
        let sort: (inout [Int]) -> Void
        switch algorithm {
        case "quicksort": sort = quicksort
        case "mergesort": sort = mergesort
        case "heapsort": sort = heapsort
        default: sort = insertionSort
        }
        let chosen = Benchmark.seconds { _ in
            var copy = input
            sort(&copy)
            return copy[copy.count / 2]
        }
        let stdlib = Benchmark.seconds { _ in
            var copy = input
            copy.sort()
            return copy[copy.count / 2]
        }
        return (chosen, stdlib)
    }

    static func makeInput(n: Int, order: String) -> [Int] {
        switch order {
        case "sorted": return Array(0..<n)
        case "reversed": return Array((0..<n).reversed())
        default:
            var random = SeededGenerator(seed: 0x5027)
            return (0..<n).map { _ in Int(random.next() >> 1) }
        }
    }

    static func insertionSort(_ a: inout [Int]) {
        guard a.count > 1 else { return }
        for i in 1..<a.count {
            let value = a[i]
            var j = i
            while j > 0, a[j - 1] > value {
                a[j] = a[j - 1]
                j -= 1
            }
            a[j] = value
        }
    }

    /// Lomuto partition around the last element, with an explicit stack
    /// (recursion would overflow on the quadratic, sorted-input case).
    static func quicksort(_ a: inout [Int]) {
        var ranges = [(0, a.count - 1)]
        while let (low, high) = ranges.popLast() {
            guard low < high else { continue }
            let pivot = a[high]
            var store = low
            for i in low..<high where a[i] < pivot {
                a.swapAt(i, store)
                store += 1
            }
            a.swapAt(store, high)
            ranges.append((low, store - 1))
            ranges.append((store + 1, high))
        }
    }

    /// Bottom-up merge sort with one scratch buffer.
    static func mergesort(_ a: inout [Int]) {
        let n = a.count
        var from = a, to = a
        var width = 1
        while width < n {
            var start = 0
            while start < n {
                let middle = min(start + width, n), end = min(start + 2 * width, n)
                var i = start, j = middle, k = start
                while i < middle, j < end {
                    if from[j] < from[i] { to[k] = from[j]; j += 1 } else { to[k] = from[i]; i += 1 }
                    k += 1
                }
                while i < middle { to[k] = from[i]; i += 1; k += 1 }
                while j < end { to[k] = from[j]; j += 1; k += 1 }
                start += 2 * width
            }
            swap(&from, &to)
            width *= 2
        }
        a = from
    }

    static func heapsort(_ a: inout [Int]) {
        func siftDown(_ a: inout [Int], _ start: Int, _ end: Int) {
            var root = start
            while 2 * root + 1 < end {
                var child = 2 * root + 1
                if child + 1 < end, a[child] < a[child + 1] { child += 1 }
                guard a[root] < a[child] else { return }
                a.swapAt(root, child)
                root = child
            }
        }
        let n = a.count
        guard n > 1 else { return }
        for start in stride(from: n / 2 - 1, through: 0, by: -1) { siftDown(&a, start, n) }
        for end in stride(from: n - 1, to: 0, by: -1) {
            a.swapAt(0, end)
            siftDown(&a, 0, end)
        }
    }
}
