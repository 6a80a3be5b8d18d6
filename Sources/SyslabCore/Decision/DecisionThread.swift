#if canImport(Glibc)
import Glibc
#endif

/// What one thread keeps per registry so that a decision in steady state
/// writes only memory this thread owns: the registry's active set as of a
/// generation, prepared for this thread (matchers, programs, borrowed
/// references), and the thread's own random stream.
///
/// A thread remembers up to `capacity` registries; the least recently used
/// is forgotten when a new one comes (its stream then starts afresh).
final class DecisionThread {
    static let capacity = 8

    /// One active scenario as this thread runs it.
    struct Prepared {
        /// Borrowed: `View.snapshot` keeps it alive.
        let entry: Unmanaged<ActiveScenario>
        /// The activation's shared program, or this thread's copy of it;
        /// borrowed, `View.programs` keeps it alive.
        let program: Unmanaged<ScenarioProgram>
        let matcher: RequestMatcher
        let probability: Double
        let enabledAt: Double
    }

    /// A registry's active set prepared for this thread.
    final class View {
        let generation: UInt64
        /// Keeps the entries `prepared` borrows alive.
        let snapshot: ActiveSet
        let programs: [ScenarioProgram]
        let prepared: [Prepared]
        let earliestExpiry: Double
        /// False when nothing expires and no program reads the time.
        let readsClock: Bool

        init(generation: UInt64, snapshot: ActiveSet) {
            self.generation = generation
            self.snapshot = snapshot
            earliestExpiry = snapshot.earliestExpiry
            programs = snapshot.entries.map { $0.program.forThread() }
            readsClock = earliestExpiry.isFinite || programs.contains { $0.readsTime }
            prepared = zip(snapshot.entries, programs).map { entry, program in
                Prepared(
                    entry: Unmanaged.passUnretained(entry), program: Unmanaged.passUnretained(program),
                    matcher: RequestMatcher(entry.targeting), probability: entry.targeting.probability,
                    enabledAt: entry.enabledAt)
            }
        }

        deinit {
            for p in prepared { p.matcher.deallocate() }
        }
    }

    struct Slot {
        /// `ScenarioRegistry.id`; 0 is a free slot.
        var registry: UInt64 = 0
        /// Owned (released when replaced, see `replaceView`), so a decision
        /// borrows it without a reference-count update.
        var view: Unmanaged<View>? = nil
        var random = SeededGenerator(seed: 0)
        var lastUsed: UInt64 = 0
    }

    /// A fixed allocation rather than an array: updating a slot then needs
    /// no uniqueness check. Confined to this thread.
    private let slots: UnsafeMutablePointer<Slot>
    @exclusivity(unchecked) private var clock: UInt64 = 0
    /// The thread's cache of request shapes (C requests).
    let interner = RequestInterner()
    /// The thread's metric shard (`ThreadShard.current`), looked up once.
    let shard = ThreadShard.current
    /// Decisions running on this thread: more than one when a scenario's
    /// script decides from inside its apply.
    @exclusivity(unchecked) private var depth = 0
    /// Views replaced while a decision was running (it may still be reading
    /// them); released when the outermost decision ends.
    @exclusivity(unchecked) private var retired: [Unmanaged<View>] = []

    private init() {
        slots = .allocate(capacity: DecisionThread.capacity)
        slots.initialize(repeating: Slot(), count: DecisionThread.capacity)
    }

    deinit {
        for i in 0..<DecisionThread.capacity { slots[i].view?.release() }
        for view in retired { view.release() }
        slots.deinitialize(count: DecisionThread.capacity)
        slots.deallocate()
    }

    /// Runs `body` with the calling thread's instance, borrowed (the thread
    /// holds it until it exits, so no retain is needed).
    @inline(__always)
    static func withCurrent<T>(_ body: (DecisionThread) throws -> T) rethrows -> T {
        let pointer = pthread_getspecific(key) ?? create()
        return try Unmanaged<DecisionThread>.fromOpaque(pointer)._withUnsafeGuaranteedRef(body)
    }

    @inline(never)
    private static func create() -> UnsafeMutableRawPointer {
        let pointer = Unmanaged.passRetained(DecisionThread()).toOpaque()
        pthread_setspecific(key, pointer)
        return pointer
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { pointer in
            guard let pointer else { return }
            Unmanaged<DecisionThread>.fromOpaque(pointer).release()
        }
        return key
    }()

    /// The slot index for `registry`, claiming (or recycling) one on first use.
    @inline(__always)
    func slot(for registry: ScenarioRegistry) -> Int {
        clock &+= 1
        for i in 0..<DecisionThread.capacity where slots[i].registry == registry.id {
            slots[i].lastUsed = clock
            return i
        }
        return claim(for: registry)
    }

    @inline(never)
    private func claim(for registry: ScenarioRegistry) -> Int {
        var victim = 0
        for i in 1..<DecisionThread.capacity where slots[i].lastUsed < slots[victim].lastUsed { victim = i }
        replaceView(victim, with: nil)
        slots[victim].registry = registry.id
        slots[victim].random = registry.claimRandomStream()
        slots[victim].lastUsed = clock
        return victim
    }

    /// Brackets a decision: views it borrows stay alive until it ends.
    @inline(__always)
    func enterDecision() { depth += 1 }

    @inline(__always)
    func leaveDecision() {
        depth -= 1
        if depth == 0, !retired.isEmpty { releaseRetired() }
    }

    /// This thread's view of the registry, refreshed when its generation
    /// moved; borrowed, valid until the decision that asked for it ends.
    @inline(__always)
    func view(_ slot: Int, of registry: ScenarioRegistry) -> Unmanaged<View> {
        if let view = slots[slot].view, view._withUnsafeGuaranteedRef({ $0.generation }) == registry.currentGeneration {
            return view
        }
        return refresh(slot, of: registry)
    }

    @inline(never)
    func refresh(_ slot: Int, of registry: ScenarioRegistry) -> Unmanaged<View> {
        let (generation, snapshot) = registry.publishedSet()
        let view = Unmanaged.passRetained(View(generation: generation, snapshot: snapshot))
        replaceView(slot, with: view)
        return view
    }

    private func replaceView(_ slot: Int, with view: Unmanaged<View>?) {
        if let old = slots[slot].view {
            if depth > 0 { retired.append(old) } else { old.release() }
        }
        slots[slot].view = view
    }

    private func releaseRetired() {
        for view in retired { view.release() }
        retired.removeAll(keepingCapacity: true)
    }

    /// The next seed of this thread's stream for the registry in `slot`.
    @inline(__always)
    func nextSeed(_ slot: Int) -> UInt64 { slots[slot].random.next() }
}
