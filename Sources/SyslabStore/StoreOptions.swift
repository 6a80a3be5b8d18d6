import SyslabCore

/// How a registry attaches to a Redis store.
public struct StoreOptions: Sendable {
    /// "redis://[:password@]host:port[/db]"
    public var url: String
    public var workspace: String = "default"
    /// Start with an empty set (and keep reconnecting) when Redis is down at open,
    /// instead of failing: "on_store_down": "start_empty" | "fail".
    public var startEmptyWhenDown = false
    /// Seconds between full resyncs, which repair a lost announcement.
    public var resyncInterval: Double = 1.0
    /// Publish this registry's metrics for the fleet's /metrics (short-lived
    /// registries, such as the command-line tool's, pass false).
    public var joinsFleet = true
    /// The `syslab_instance` label of this registry's fleet metrics; nil = hostname:pid:counter.
    public var instance: String? = nil

    public init(url: String, workspace: String = "default") {
        self.url = url
        self.workspace = workspace
    }

    /// The option names `from(options:)` reads.
    public static let keys = ["store", "workspace", "on_store_down", "resync_seconds", "instance", "joins_fleet"]

    /// Reads the store keys ("store", "workspace", "on_store_down", "resync_seconds",
    /// "instance", "joins_fleet") from an options object; nil when "store" is absent.
    /// Other keys are left to the caller.
    public static func from(options: [String: JSONValue]) throws -> StoreOptions? {
        guard let storeValue = options["store"], !storeValue.isNull else {
            if let other = keys.dropFirst().first(where: { options[$0] != nil }) {
                throw SyslabError.invalidArgument("option '\(other)' needs the 'store' option (a redis:// URL)")
            }
            return nil
        }
        guard case .string(let url) = storeValue else {
            throw SyslabError.typeMismatch("option 'store' must be a redis:// URL string, got \(storeValue.typeName)")
        }
        _ = try RedisURL(url)
        var result = StoreOptions(url: url)
        if let value = options["workspace"] {
            guard case .string(let name) = value else {
                throw SyslabError.typeMismatch("option 'workspace' must be a string, got \(value.typeName)")
            }
            try StoreKeys.validate(workspace: name)
            result.workspace = name
        }
        if let value = options["on_store_down"] {
            switch value {
            case .string("fail"): result.startEmptyWhenDown = false
            case .string("start_empty"): result.startEmptyWhenDown = true
            default:
                throw SyslabError.invalidArgument("option 'on_store_down' must be \"fail\" or \"start_empty\", got \(describe(value))")
            }
        }
        if let value = options["resync_seconds"] {
            guard let seconds = value.doubleValue, seconds >= 0.05, seconds <= 3600 else {
                throw SyslabError.outOfRange("option 'resync_seconds' must be a number from 0.05 to 3600, got \(describe(value))")
            }
            result.resyncInterval = seconds
        }
        if let value = options["instance"] {
            guard case .string(let name) = value, (1...200).contains(name.utf8.count),
                  !name.utf8.contains(where: { $0 < 0x20 }) else {
                throw SyslabError.invalidArgument("option 'instance' must be a string of 1 to 200 printable bytes, got \(describe(value))")
            }
            result.instance = name
        }
        if let value = options["joins_fleet"] {
            guard case .bool(let joins) = value else {
                throw SyslabError.typeMismatch("option 'joins_fleet' must be a boolean, got \(value.typeName)")
            }
            result.joinsFleet = joins
        }
        return result
    }

    private static func describe(_ value: JSONValue) -> String {
        ErrorText.quoted(value.serialized())
    }
}
