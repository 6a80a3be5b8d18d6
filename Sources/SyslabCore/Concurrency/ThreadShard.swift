#if canImport(Glibc)
import Glibc
#endif

/// The shard a thread writes its metric updates to. Each of the first
/// `ownedCount` threads alive at once owns one shard outright (its index is
/// never handed to another live thread), so updates there are a plain
/// load-and-store on a cache line no other thread writes. Further threads
/// share the overflow shard and update it with atomic read-modify-writes.
/// A thread's index returns to the pool when the thread exits.
public enum ThreadShard {
    /// Shards owned by one thread each; enough for the threads of a large host.
    public static let ownedCount = 64
    /// Owned shards plus the shared overflow shard.
    public static let count = ownedCount + 1
    static let overflow = ownedCount

    private static let pool = Lock()
    nonisolated(unsafe) private static var free: [Int] = Array((0..<ownedCount).reversed())

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { value in
            guard let value else { return }
            let index = Int(bitPattern: value) - 1
            if index < ThreadShard.ownedCount { ThreadShard.pool.withLock { ThreadShard.free.append(index) } }
        }
        return key
    }()

    /// The calling thread's shard index, claimed on first use.
    @inline(__always)
    public static var current: Int {
        if let value = pthread_getspecific(key) { return Int(bitPattern: value) - 1 }
        return claim()
    }

    @inline(never)
    private static func claim() -> Int {
        let index = pool.withLock { free.popLast() } ?? overflow
        // Stored as index + 1 so that no index reads back as NULL.
        pthread_setspecific(key, UnsafeRawPointer(bitPattern: index + 1))
        return index
    }
}
