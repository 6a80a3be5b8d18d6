#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import SyslabCore

/// A fixed set of POSIX threads that take jobs 0..<count in order until none
/// are left or the run is cancelled. The thread that calls `run` waits and
/// reports progress, so callbacks into a host (C, Lua, Python) always come
/// on the caller's own thread.
final class SweepWorkers: @unchecked Sendable {
    /// Set once, read by workers between jobs and by simulations every few
    /// thousand events (one atomic load).
    let cancelled = Atomic<Bool>(false)

    private let count: Int
    private let body: @Sendable (Int, SweepWorkers) -> Void
    private var next = 0
    private var finished = 0
    private var running = 0
    // Allocated, so their addresses never move.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init(jobs count: Int, body: @escaping @Sendable (Int, SweepWorkers) -> Void) {
        self.count = count
        self.body = body
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Runs every job on `threads` threads. `progress(finished, count)` is
    /// called on this thread after jobs finish and about every `tick` seconds
    /// in between; returning false cancels: no job starts after that, running
    /// simulations stop at their next check, and `run` returns once every
    /// thread has. Returns the number of jobs that finished.
    func run(threads: Int, tick: Double = 0.1, progress: ((Int, Int) -> Bool)?) throws -> Int {
        var started: [pthread_t] = []
        defer { for t in started { pthread_join(t, nil) } }
        for _ in 0..<max(1, min(threads, count)) {
            var attributes = pthread_attr_t()
            pthread_attr_init(&attributes)
            pthread_attr_setstacksize(&attributes, 8 << 20)   // the simulator's recursion depth follows the topology's
            var thread = pthread_t()
            let context = Unmanaged.passRetained(self).toOpaque()
            pthread_mutex_lock(mutex); running += 1; pthread_mutex_unlock(mutex)
            let rc = pthread_create(&thread, &attributes, { context in
                let workers = Unmanaged<SweepWorkers>.fromOpaque(context!).takeRetainedValue()
                workers.work()
                return nil
            }, context)
            pthread_attr_destroy(&attributes)
            if rc != 0 {
                Unmanaged<SweepWorkers>.fromOpaque(context).release()
                pthread_mutex_lock(mutex); running -= 1; pthread_mutex_unlock(mutex)
                if started.isEmpty { throw SyslabError.limitExceeded("cannot start a sweep thread (pthread_create: \(rc))") }
                break   // carry on with the threads there are
            }
            started.append(thread)
        }
        if let progress, !progress(0, count) { cancelled.store(true, ordering: .relaxed) }
        pthread_mutex_lock(mutex)
        while running > 0 {
            var deadline = timespec()
            clock_gettime(CLOCK_MONOTONIC, &deadline)
            let nanos = Int(deadline.tv_nsec) + Int(tick * 1e9)
            deadline.tv_sec += nanos / 1_000_000_000
            deadline.tv_nsec = nanos % 1_000_000_000
            pthread_cond_timedwait(condition, mutex, &deadline)
            if let progress, running > 0 {
                let done = finished
                pthread_mutex_unlock(mutex)
                if !progress(done, count) { cancelled.store(true, ordering: .relaxed) }
                pthread_mutex_lock(mutex)
            }
        }
        let done = finished
        pthread_mutex_unlock(mutex)
        if let progress { _ = progress(done, count) }
        return done
    }

    private func work() {
        while true {
            pthread_mutex_lock(mutex)
            guard next < count, !cancelled.load(ordering: .relaxed) else {
                running -= 1
                pthread_cond_signal(condition)
                pthread_mutex_unlock(mutex)
                return
            }
            let job = next
            next += 1
            pthread_mutex_unlock(mutex)

            body(job, self)

            pthread_mutex_lock(mutex)
            finished += 1
            pthread_cond_signal(condition)
            pthread_mutex_unlock(mutex)
        }
    }
}
