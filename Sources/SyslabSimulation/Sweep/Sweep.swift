#if canImport(Glibc)
import Glibc
#endif
import SyslabCore

/// How a sweep runs: `{replicas = 1, threads = 0, seed = ..., first_job = 0, job_count = ...}`.
public struct SweepOptions: Sendable {
    /// Seeded runs per point.
    public var replicas = 1
    /// Threads; nil = one per online processor.
    public var threads: Int? = nil
    /// The sweep's seed; nil = the test's `options.seed` (1 when absent).
    public var seed: UInt64? = nil
    /// Runs only jobs `firstJob ..< firstJob + jobCount` of the sweep (jobs are
    /// numbered from 0, point by point, replicas innermost), so that several
    /// processes can share one sweep and their rows still equal a whole run's.
    public var firstJob = 0
    public var jobCount: Int? = nil

    public static let fields = ["replicas", "threads", "seed", "first_job", "job_count"]

    public init(replicas: Int = 1, threads: Int? = nil, seed: UInt64? = nil) {
        self.replicas = replicas; self.threads = threads; self.seed = seed
    }

    public init(config json: JSONValue?) throws {
        guard let json, !json.isNull else { return }
        let o = try ConfigObject(json, path: "sweep options")
        try o.allowOnly(Self.fields)
        replicas = try o.integer("replicas", default: 1, in: 1...100_000)
        let t = try o.integer("threads", default: 0, in: 0...1024)
        threads = t == 0 ? nil : t
        seed = try o.optionalSeed()
        firstJob = try o.integer("first_job", default: 0, in: 0...Int(Int32.max))
        jobCount = try o.optionalInteger("job_count", in: 0...Int(Int32.max))
    }

    /// Online processors (at least one).
    public static var machineThreads: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}

/// A load test run over every point of a grid, `replicas` times each, on a
/// pool of threads. Every point and every replica gets its own seed, derived
/// from the sweep's seed, the point's values and the replica number, so the
/// rows are the same whatever the thread count, in whatever order the runs
/// finish, and when the jobs are shared among processes.
///
/// Everything is checked when the sweep is built, before anything runs: the
/// grid's paths and values, and each point's test exactly as `LoadTest` reads
/// it (an unknown field, a wrong type, an unknown node or scenario parameter).
public struct Sweep: Sendable {
    public let grid: SweepGrid
    public let options: SweepOptions
    public let seed: UInt64
    /// The test as given; each run reads its point's test from it afresh, so
    /// that runs on different threads share no arrays (no reference counts
    /// written from two cores) and a large grid holds no tests in memory.
    let base: JSONValue
    let pointSeeds: [UInt64]

    /// Runs in one sweep (points x replicas): the rows must fit in memory.
    public static let maxJobs = 1_000_000

    public init(test: JSONValue, grid: SweepGrid, options: SweepOptions = SweepOptions()) throws {
        let given: LoadTest
        do { given = try LoadTest(config: test) } catch let e as SyslabError { throw e.prefixed("test: ") }
        let registry = ScenarioRegistry(clock: ManualClock(start: 0))
        try given.schedule.validate(against: registry)
        guard grid.pointCount * options.replicas <= Self.maxJobs else {
            throw SyslabError.limitExceeded("the sweep has \(grid.pointCount) points x \(options.replicas) replicas; at most \(Self.maxJobs) runs")
        }
        self.grid = grid
        self.options = options
        self.seed = options.seed ?? given.options.seed
        self.base = test
        var seeds: [UInt64] = []
        seeds.reserveCapacity(grid.pointCount)
        for p in 0..<grid.pointCount {
            let point = grid.point(p)
            do {
                let t = try Self.test(test, at: point)
                try t.schedule.validate(against: registry)
            } catch let e as SyslabError {
                let where_ = point.map { "\($0.path.text) = \($0.value.serialized())" }.joined(separator: ", ")
                throw e.prefixed("grid point \(p + 1) (\(where_)): ")
            }
            seeds.append(Self.pointSeed(point))
        }
        self.pointSeeds = seeds
        if options.firstJob > jobCount {
            throw SyslabError.outOfRange("sweep options.first_job is \(options.firstJob), but the sweep has \(jobCount) jobs")
        }
    }

    public var pointCount: Int { grid.pointCount }
    public var jobCount: Int { grid.pointCount * options.replicas }
    /// The jobs this sweep runs (all of them unless `first_job`/`job_count` say otherwise).
    public var jobs: Range<Int> {
        let end = options.jobCount.map { min(jobCount, options.firstJob + $0) } ?? jobCount
        return options.firstJob..<max(options.firstJob, end)
    }
    public var threads: Int { min(options.threads ?? SweepOptions.machineThreads, max(1, jobs.count)) }

    /// A 64-bit FNV-1a hash of the point's paths and values, in path order,
    /// so that a point keeps its seed when other values join the grid.
    static func pointSeed(_ point: [(path: SweepPath, value: JSONValue)]) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for (path, value) in point.sorted(by: { $0.path.text < $1.path.text }) {
            for byte in "\(path.text)=\(value.serialized())\n".utf8 {
                hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            }
        }
        return hash
    }

    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The seed of one run: 53 bits, so that it survives a JSON number and the
    /// row's seed reruns the same test exactly with `options.seed`.
    public func runSeed(point: Int, replica: Int) -> UInt64 {
        Self.mix(Self.mix(seed ^ Self.mix(pointSeeds[point])) &+ UInt64(replica)) >> 11
    }

    static func test(_ base: JSONValue, at point: [(path: SweepPath, value: JSONValue)]) throws -> LoadTest {
        var json = base
        for (path, value) in point { json = try path.setting(value, in: json) }
        return try LoadTest(config: json)
    }

    /// The test of one point (0-based) as it runs for one replica (0-based).
    public func test(point: Int, replica: Int) throws -> LoadTest {
        var t = try Self.test(base, at: grid.point(point))
        t.options.seed = runSeed(point: point, replica: replica)
        return t
    }

    /// Runs one job and returns its row; a run that fails (a limit crossed)
    /// gives a row with `error` instead of figures. Throws `CancellationError`
    /// when `shouldStop` stopped it.
    public func row(job: Int, shouldStop: (() -> Bool)? = nil) throws -> SweepRow {
        let point = job / options.replicas, replica = job % options.replicas
        var row = SweepRow(job: job, point: point, replica: replica, seed: runSeed(point: point, replica: replica),
                           values: grid.point(point))
        do {
            row.measure(try test(point: point, replica: replica).run(shouldStop: shouldStop))
        } catch let e as SyslabError {
            row.error = e.message
        }
        return row
    }

    /// Runs the sweep's jobs on `threads` threads. `progress(done, total)` is
    /// called on the calling thread after runs finish and about every 100 ms;
    /// returning false cancels: nothing new starts, running simulations stop
    /// within milliseconds, and the outcome holds the rows that finished.
    public func run(progress: ((Int, Int) -> Bool)? = nil) throws -> SweepOutcome {
        let jobs = self.jobs
        let results = SweepRowSlots(count: jobs.count)
        let sweep = self
        let workers = SweepWorkers(jobs: jobs.count) { i, workers in
            let stop = { workers.cancelled.load(ordering: .relaxed) }
            if stop() { return }
            if let row = try? sweep.row(job: jobs.lowerBound + i, shouldStop: stop) { results.set(i, row) }
        }
        let started = MonotonicClock.seconds()
        _ = try workers.run(threads: threads, progress: progress)
        let rows = results.rows
        return SweepOutcome(rows: rows, jobs: jobs.count, cancelled: rows.count < jobs.count,
                            threads: threads, wallSeconds: MonotonicClock.seconds() - started, grid: grid)
    }
}

/// Where worker threads leave their rows, each in its job's own slot.
final class SweepRowSlots: @unchecked Sendable {
    private var slots: [SweepRow?]
    private let lock = Lock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ row: SweepRow) { lock.withLock { slots[i] = row } }
    var rows: [SweepRow] { lock.withLock { slots.compactMap { $0 } } }
}

/// What a sweep returns: the rows of the runs that finished, in job order.
public struct SweepOutcome: Sendable {
    public var rows: [SweepRow]
    /// Jobs the sweep was asked to run.
    public var jobs: Int
    /// True when it stopped before every job finished.
    public var cancelled: Bool
    public var threads: Int
    public var wallSeconds: Double
    public var grid: SweepGrid

    public var json: JSONValue {
        ["format": "syslab.sweep", "version": 1, "grid": grid.json,
         "jobs": .number(Double(jobs)), "finished": .number(Double(rows.count)), "cancelled": .bool(cancelled),
         "threads": .number(Double(threads)), "wall_seconds": .number(wallSeconds),
         "rows": .array(rows.map(\.json))]
    }
}
