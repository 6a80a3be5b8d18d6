import Synchronization
import SyslabCore
#if canImport(Glibc)
import Glibc
#endif

/// A registry's enabled set kept in Redis, shared by every registry attached
/// to the same URL and workspace (see docs/fleet.md).
///
/// Two connections: one for acknowledged writes and resyncs (under
/// `commandLock`), one subscribed to the workspace's channel. A background
/// thread waits on the subscription with poll() and resyncs on every
/// announcement and every `resyncInterval`; it reconnects with capped
/// exponential backoff. Decisions never touch either connection.
public final class RedisStore: EnabledSetStore, @unchecked Sendable {
    public let options: StoreOptions
    public let url: RedisURL
    public let instance: String
    let keys: StoreKeys
    private weak var registry: ScenarioRegistry?
    private let clock: Clock

    /// Writes and resyncs share this connection, one at a time.
    private let commandLock = Lock()
    private var commandConnection: RedisConnection?

    /// What status reports; never held across Redis calls.
    private let stateLock = Lock()
    private var connected = false
    private var lastSyncAt: Double?
    private var lastError: String?
    private var unapplied: [UnappliedActivation] = []
    private var closed = false
    private var thread: pthread_t?

    private let connectedGauge: MetricSeries
    /// Written to wake the background thread (close, or a write that lost the connection).
    private let wakeRead: Int32
    private let wakeWrite: Int32

    /// Bounds connecting and every command.
    static let ioTimeout = 2.0
    static let maxBackoff = 5.0
    /// The largest record a resync reads; larger ones are reported unapplied.
    static let maxRecordBytes = JSONLimits.request.maxBytes
    /// The most records a resync reads (far more scenarios than any catalogue holds).
    static let maxRecords = 4096
    /// How long an instance's published metrics live without a refresh.
    static let fleetMetricsLifetimeMs = 10_000
    private static let instanceCounter = Atomic<Int>(0)

    private init(registry: ScenarioRegistry, options: StoreOptions) throws {
        self.options = options
        url = try RedisURL(options.url)
        keys = try StoreKeys(workspace: options.workspace)
        guard options.resyncInterval.isFinite, options.resyncInterval > 0 else {
            throw SyslabError.outOfRange("resync interval must be a positive number of seconds")
        }
        instance = options.instance ?? RedisStore.defaultInstanceName()
        self.registry = registry
        clock = registry.clock
        connectedGauge = try registry.metrics.declare(
            .gauge("syslab_store_connected", "1 while the registry is connected to its store, 0 while it is not."),
            by: "store"
        ).series(.none)
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else {
            throw SyslabError.io("cannot create the store's wake-up pipe: \(String(cString: strerror(errno)))")
        }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        wakeRead = fds[0]
        wakeWrite = fds[1]
    }

    deinit {
        Glibc.close(wakeRead)
        Glibc.close(wakeWrite)
    }

    /// Connects, loads the workspace's set into `registry`, starts the background thread,
    /// and routes the registry's enable/disable/reset through Redis.
    public static func attach(_ registry: ScenarioRegistry, options: StoreOptions) throws -> RedisStore {
        let store = try RedisStore(registry: registry, options: options)
        registry.attach(store: store)
        registry.metrics.setConstantLabels([(name: "workspace", value: options.workspace)])
        do {
            try store.connectCommandConnection()
            _ = try store.withCommand { try $0.command(["SADD", StoreKeys.workspaces, options.workspace]) }
            try store.resync()
        } catch {
            store.noteDisconnected(error)
            if !options.startEmptyWhenDown {
                registry.detachStore()
                registry.metrics.setConstantLabels([])
                throw SyslabError.io("cannot open the store: \(error)")
            }
        }
        try store.startThread()
        return store
    }

    // MARK: status

    public var isConnected: Bool { stateLock.withLock { connected } }

    public var statusJSON: JSONValue {
        stateLock.withLock {
            var o: [String: JSONValue] = [
                "kind": "redis", "url": .string(url.redacted), "workspace": .string(keys.workspace),
                "instance": .string(instance), "connected": .bool(connected),
                "last_sync_at": lastSyncAt.map { .number($0) } ?? .null,
                "unapplied": .array(unapplied.map(\.json)),
            ]
            if !connected, let lastError { o["error"] = .string(lastError) }
            return .object(o)
        }
    }

    // MARK: writes

    public func commit(_ change: EnabledSetChange, apply: (String) throws -> Void) throws {
        let arguments: [String]
        switch change {
        case let .enable(name, parameters, target, ttl):
            let body: JSONValue = [
                "name": .string(name), "params": parameters.isNull ? .object([:]) : parameters,
                "target": target, "ttl": .number(ttl),
            ]
            // Past ~31,000 years a TTL means "no expiry" to Redis (PX must fit its clock).
            let ttlMs = ttl > 0 && ttl * 1000 < 1e15 ? max(1, (ttl * 1000).rounded(.up)) : 0
            arguments = ["EVAL", StoreScripts.enable, "0", keys.prefix, name, body.serialized(),
                         String(Int64(ttlMs)), keys.workspace]
        case let .disable(name):
            arguments = ["EVAL", StoreScripts.disable, "0", keys.prefix, name]
        case .reset:
            arguments = ["EVAL", StoreScripts.reset, "0", keys.prefix]
        }
        try commandLock.withLock {
            guard let connection = commandConnection else {
                let reason = stateLock.withLock { lastError } ?? "not connected"
                throw SyslabError.io("store unavailable: \(url.redacted) (\(reason))")
            }
            let reply: RedisReply
            do {
                reply = try connection.command(arguments)
            } catch {
                commandConnection = nil
                noteDisconnected(error)
                wake()
                throw SyslabError.io("store unavailable: \(error)")
            }
            switch reply {
            case .bytes:
                try apply(reply.text ?? "")
            case .error(let message):
                throw SyslabError.io("store unavailable: \(url.redacted) refused the change: \(message)")
            default:
                throw SyslabError.io("store unavailable: \(url.redacted) gave an unexpected reply")
            }
        }
    }

    // MARK: close

    /// Stops the thread, detaches from the registry; idempotent.
    public func close() {
        let running: pthread_t? = stateLock.withLock {
            if closed { return nil }
            closed = true
            defer { thread = nil }
            return thread
        }
        wake()
        if let running {
            if pthread_equal(running, pthread_self()) != 0 {
                pthread_detach(running)
            } else {
                pthread_join(running, nil)
            }
        }
        if let registry, registry.attachedStore === self {
            registry.detachStore()
        }
        commandLock.withLock {
            if options.joinsFleet, let connection = commandConnection {
                _ = try? connection.command(["EVAL", StoreScripts.withdrawMetrics, "0", keys.prefix, instance])
            }
            commandConnection = nil
        }
        stateLock.withLock { connected = false }
        connectedGauge.set(0)
    }

    private var isClosed: Bool { stateLock.withLock { closed } }

    // MARK: background thread

    private func startThread() throws {
        let context = Unmanaged.passRetained(self).toOpaque()
        var created = pthread_t()
        let status = pthread_create(&created, nil, { argument in
            let store = Unmanaged<RedisStore>.fromOpaque(argument!).takeRetainedValue()
            store.run()
            return nil
        }, context)
        guard status == 0 else {
            Unmanaged<RedisStore>.fromOpaque(context).release()
            throw SyslabError.io("cannot start the store's thread: \(String(cString: strerror(status)))")
        }
        stateLock.withLock { thread = created }
    }

    private func run() {
        var subscriber: RedisConnection? = nil
        var backoff = 0.1
        var nextResync = 0.0
        while !isClosed, registry != nil {
            if subscriber == nil || !hasCommandConnection {
                do {
                    subscriber = nil
                    let subscription = try RedisConnection(url: url, timeout: RedisStore.ioTimeout)
                    try subscription.send(["SUBSCRIBE", keys.channel])
                    try connectCommandConnection()
                    subscriber = subscription
                    try resync()
                    backoff = 0.1
                    nextResync = RedisStore.monotonicNow() + options.resyncInterval
                } catch {
                    subscriber = nil
                    commandLock.withLock { commandConnection = nil }
                    noteDisconnected(error)
                    waitForWake(seconds: backoff, subscriber: nil)
                    backoff = min(backoff * 2, RedisStore.maxBackoff)
                }
                continue
            }
            do {
                let wait = max(0, nextResync - RedisStore.monotonicNow())
                var announced = false
                if waitForWake(seconds: wait, subscriber: subscriber) {
                    // Messages, or the subscription confirmation; any message means "resync".
                    for reply in try subscriber!.readAvailable() {
                        if let parts = reply.array, parts.first?.text == "message" { announced = true }
                    }
                }
                if announced || RedisStore.monotonicNow() >= nextResync {
                    try resync()
                    nextResync = RedisStore.monotonicNow() + options.resyncInterval
                }
            } catch {
                subscriber = nil
                commandLock.withLock { commandConnection = nil }
                noteDisconnected(error)
            }
        }
    }

    /// Waits up to `seconds` for the subscription to become readable (true)
    /// or for a wake-up or timeout (false).
    @discardableResult
    private func waitForWake(seconds: Double, subscriber: RedisConnection?) -> Bool {
        var fds = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
        if let subscriber { fds.append(pollfd(fd: subscriber.fileDescriptor, events: Int16(POLLIN), revents: 0)) }
        let ms = Int32(min(max(seconds, 0) * 1000, 60_000).rounded(.up))
        let ready = poll(&fds, nfds_t(fds.count), ms)
        if ready > 0, fds[0].revents != 0 {
            var drain = [UInt8](repeating: 0, count: 64)
            while read(wakeRead, &drain, drain.count) > 0 {}
        }
        return ready > 0 && fds.count > 1 && fds[1].revents != 0
    }

    private func wake() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    private var hasCommandConnection: Bool { commandLock.withLock { commandConnection != nil } }

    /// Opens the command connection if there is none (outside the lock, so
    /// writers are not held up by a slow connect).
    private func connectCommandConnection() throws {
        if hasCommandConnection { return }
        let connection = try RedisConnection(url: url, timeout: RedisStore.ioTimeout)
        commandLock.withLock {
            if commandConnection == nil { commandConnection = connection }
        }
    }

    /// Runs `body` on the command connection; a broken connection is dropped and rethrown.
    private func withCommand<T>(_ body: (RedisConnection) throws -> T) throws -> T {
        try commandLock.withLock {
            guard let connection = commandConnection else { throw SyslabError.io("store \(url.redacted): not connected") }
            do { return try body(connection) } catch {
                commandConnection = nil
                throw error
            }
        }
    }

    /// Reads the whole set in one round trip and applies the difference;
    /// then publishes this registry's metrics for the fleet.
    func resync() throws {
        guard let registry else { return }
        try commandLock.withLock {
            guard let connection = commandConnection else { throw SyslabError.io("store \(url.redacted): not connected") }
            let reply: RedisReply
            do {
                reply = try connection.command([
                    "EVAL", StoreScripts.snapshot, "0", keys.prefix, String(RedisStore.maxRecordBytes),
                    String(RedisStore.maxRecords),
                ])
            } catch {
                commandConnection = nil
                throw error
            }
            if case .error(let message) = reply {
                throw SyslabError.io("store \(url.redacted) could not read workspace '\(keys.workspace)': \(message)")
            }
            let (records, unreadable) = StoredSetDecoder.decode(reply)
            let notApplied = registry.applyStoredSet(records, unreadable: unreadable)
            let syncedAt = clock.now()
            stateLock.withLock {
                connected = true
                lastSyncAt = syncedAt
                lastError = nil
                unapplied = notApplied
            }
            connectedGauge.set(1)
        }
        if options.joinsFleet {
            let text = registry.metricsText()
            let reply = try withCommand {
                try $0.command(["EVAL", StoreScripts.publishMetrics, "0", keys.prefix, instance, text,
                                String(RedisStore.fleetMetricsLifetimeMs)])
            }
            if case .error(let message) = reply {
                throw SyslabError.io("store \(url.redacted) refused this instance's metrics: \(message)")
            }
        }
    }

    private func noteDisconnected(_ error: Error) {
        stateLock.withLock {
            connected = false
            lastError = "\(error)"
        }
        connectedGauge.set(0)
    }

    private static func defaultInstanceName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        let host = gethostname(&buffer, buffer.count - 1) == 0 ? String(cString: buffer) : "localhost"
        let n = instanceCounter.wrappingAdd(1, ordering: .relaxed).oldValue
        return "\(host):\(getpid()):\(n)"
    }

    static func monotonicNow() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

/// Turns the snapshot script's reply into records, and anything unreadable
/// into reasons (hostile or corrupt data never stops a resync).
enum StoredSetDecoder {
    static func decode(_ reply: RedisReply) -> ([StoredActivation], [UnappliedActivation]) {
        guard let items = reply.array, items.count >= 2,
              let seconds = items[0].text.flatMap(Double.init), let micros = items[1].text.flatMap(Double.init) else {
            return ([], [UnappliedActivation(name: "", reason: "the store's snapshot reply is malformed")])
        }
        let serverNowMs = seconds * 1000 + (micros / 1000).rounded(.down)
        var records: [StoredActivation] = []
        var unreadable: [UnappliedActivation] = []
        var i = 2
        while i + 2 < items.count {
            let name = items[i].text ?? ""
            let pttl = items[i + 2].integer ?? -2
            guard case .bytes(let bytes) = items[i + 1] else {
                unreadable.append(UnappliedActivation(name: name, reason: "the store returned no record"))
                i += 3
                continue
            }
            if bytes.first == UInt8(ascii: "!") {
                unreadable.append(UnappliedActivation(name: name, reason: String(decoding: bytes.dropFirst(), as: UTF8.self)))
            } else {
                do {
                    records.append(try record(name: name, bytes: bytes, pttl: pttl, serverNowMs: serverNowMs))
                } catch {
                    unreadable.append(UnappliedActivation(name: name, reason: "corrupt record: \(error)"))
                }
            }
            i += 3
        }
        return (records, unreadable)
    }

    static func record(name: String, bytes: [UInt8], pttl: Int64, serverNowMs: Double) throws -> StoredActivation {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw SyslabError.invalidUTF8("the record is not valid UTF-8")
        }
        let json = try JSONValue.parse(text, limit: .request, source: "the stored record")
        guard case .object(let o) = json else { throw SyslabError.typeMismatch("the record is \(json.typeName), not an object") }
        guard o["name"]?.stringValue == name else {
            throw SyslabError.invalidArgument("the record's name does not match its key")
        }
        guard let revision = o["revision"]?.stringValue, !revision.isEmpty else {
            throw SyslabError.invalidArgument("the record has no revision")
        }
        guard let enabledAtMs = o["enabled_at_ms"]?.doubleValue, enabledAtMs.isFinite else {
            throw SyslabError.invalidArgument("the record has no enabled_at_ms")
        }
        let parameters = o["params"] ?? .object([:])
        guard parameters.isNull || parameters.objectValue != nil else {
            throw SyslabError.typeMismatch("the record's params are \(parameters.typeName), not an object")
        }
        return StoredActivation(
            name: name, parameters: parameters.isNull ? .object([:]) : parameters, target: o["target"] ?? .null,
            revision: revision, remainingSeconds: pttl >= 0 ? Double(pttl) / 1000 : nil,
            elapsedSeconds: max(0, (serverNowMs - enabledAtMs) / 1000))
    }
}
