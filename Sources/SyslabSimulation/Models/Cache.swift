#if canImport(Glibc)
import Glibc
#endif
import SyslabCore

/// A cache of `keys` keys whose popularity follows Zipf's law with exponent
/// `zipf` (0 = uniform). A lookup of a key hits while its entry is fresh;
/// a miss goes to the backend and the answer is stored for `ttl` (± `ttlJitter`,
/// a fraction). When `warm`, every key is loaded at time 0, so without jitter
/// the hot keys all expire together at `ttl`: a stampede of backend queries.
/// `coalesce` (single flight) lets only the first miss of a key query the
/// backend while the others wait for its answer.
public struct CacheConfig: Sendable, Equatable {
    public var keys: Int
    public var zipf: Double
    public var ttl: Double
    public var ttlJitter: Double
    public var warm: Bool
    public var coalesce: Bool
    /// The node id of the cache server the caller looks up first (cache-aside); nil = in-process or read-through.
    public var via: String?
    /// Node ids called only on a miss; empty = every outgoing sync call other than `via`.
    public var backend: [String]

    public init(keys: Int = 10_000, zipf: Double = 1, ttl: Double = 60, ttlJitter: Double = 0, warm: Bool = true,
                coalesce: Bool = false, via: String? = nil, backend: [String] = []) {
        self.keys = keys; self.zipf = zipf; self.ttl = ttl; self.ttlJitter = ttlJitter; self.warm = warm
        self.coalesce = coalesce; self.via = via; self.backend = backend
    }

    public static func parse(_ json: JSONValue, path: String) throws -> CacheConfig {
        let o = try ConfigObject(json, path: path)
        try o.allowOnly(["keys", "zipf", "ttl", "ttl_jitter", "warm", "coalesce", "via", "backend"])
        var backend: [String] = []
        if let b = o.members["backend"], !b.isNull {
            if let s = b.stringValue { backend = [s] } else {
                backend = try (o.optionalArray("backend") ?? []).enumerated().map { i, v in
                    guard let s = v.stringValue else { throw SyslabError.typeMismatch("\(path).backend[\(i + 1)] must be a node id string") }
                    return s
                }
            }
        }
        return CacheConfig(
            keys: try o.integer("keys", default: 10_000, in: 1...1_000_000),
            zipf: try o.number("zipf", default: 1, in: 0...10),
            ttl: try o.duration("ttl", default: 60, in: 0.000_001...86_400 * 366),
            ttlJitter: try o.number("ttl_jitter", default: 0, in: 0...1),
            warm: try o.bool("warm", default: true), coalesce: try o.bool("coalesce", default: false),
            via: try o.optionalString("via"), backend: backend)
    }

    public var json: JSONValue {
        var o: [String: JSONValue] = [
            "keys": .number(Double(keys)), "zipf": .number(zipf), "ttl": .number(ttl), "ttl_jitter": .number(ttlJitter),
            "warm": .bool(warm), "coalesce": .bool(coalesce), "backend": .array(backend.map { .string($0) }),
        ]
        if let via { o["via"] = .string(via) }
        return .object(o)
    }
}

public struct Cache {
    public let config: CacheConfig
    /// When each key's entry goes stale; -infinity = never loaded.
    private var expiresAt: [Double]
    /// Keys with a backend query in flight (for coalescing), with the calls waiting on them.
    private var inFlight: [Int32: [Int32]] = [:]
    /// Cumulative popularity, for drawing keys by inverse transform.
    private let cumulative: [Double]

    public var hits = 0
    public var misses = 0
    public var forcedMisses = 0
    public var backendQueries = 0
    public var coalesced = 0

    public init(_ config: CacheConfig, _ rng: inout SeededGenerator) {
        self.config = config
        var expiry = [Double](repeating: -.infinity, count: config.keys)
        if config.warm {
            for k in 0..<config.keys { expiry[k] = Cache.lifetime(config, &rng) }
        }
        self.expiresAt = expiry
        var weights = [Double](repeating: 0, count: config.keys)
        var total = 0.0
        for k in 0..<config.keys {
            total += config.zipf == 0 ? 1 : pow(Double(k + 1), -config.zipf)
            weights[k] = total
        }
        self.cumulative = weights.map { $0 / total }
    }

    static func lifetime(_ config: CacheConfig, _ rng: inout SeededGenerator) -> Double {
        config.ttlJitter == 0 ? config.ttl : config.ttl * (1 - config.ttlJitter + 2 * config.ttlJitter * rng.nextUnit())
    }

    /// Draws the key a request asks for (key 0 is the hottest).
    @inline(__always)
    public func drawKey(_ rng: inout SeededGenerator) -> Int32 {
        let u = rng.nextUnit()
        var lo = 0, hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] > u { hi = mid } else { lo = mid + 1 }
        }
        return Int32(lo)
    }

    @inline(__always)
    public func isFresh(_ key: Int32, at now: Double) -> Bool { expiresAt[Int(key)] > now }

    public enum MissAction { case queryBackend, waitForInFlight }

    /// Records a miss of `key` by `call`. With coalescing, a miss while the key
    /// is already being fetched waits for that fetch instead of querying.
    public mutating func miss(_ key: Int32, call: Int32, forced: Bool) -> MissAction {
        misses += 1
        if forced { forcedMisses += 1 }
        if config.coalesce {
            if inFlight[key] != nil {
                inFlight[key]!.append(call)
                coalesced += 1
                return .waitForInFlight
            }
            inFlight[key] = []
        }
        backendQueries += 1
        return .queryBackend
    }

    /// The backend answered for `key`: the entry is fresh again. Returns the
    /// calls that were waiting on this fetch.
    public mutating func fill(_ key: Int32, at now: Double, succeeded: Bool, _ rng: inout SeededGenerator) -> [Int32] {
        if succeeded { expiresAt[Int(key)] = now + Cache.lifetime(config, &rng) }
        guard config.coalesce else { return [] }
        return inFlight.removeValue(forKey: key) ?? []
    }

    public var hitRatio: Double { hits + misses == 0 ? 0 : Double(hits) / Double(hits + misses) }
}
