import Foundation
@testable import SyslabStore
import SyslabCore

/// A real redis-server for one test: a free loopback port, its own temporary
/// directory, append-only file fsynced on every write (so a kill -9 loses
/// nothing acknowledged). Killed by `stop()`; `kill()` + `start()` restarts
/// it on the same port and data.
final class RedisServer: @unchecked Sendable {
    let port: Int
    let directory: URL
    private var process: Process?

    var url: String { "redis://127.0.0.1:\(port)/0" }

    init() throws {
        guard let binary = RedisServer.binary else {
            throw SyslabError.notFound("redis-server is not installed: run `make build` (tools/install-deps.sh installs redis-server)")
        }
        _ = binary
        port = try RedisServer.freePort()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("syslab-redis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try start()
    }

    static let binary: String? = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    func start() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: RedisServer.binary!)
        p.arguments = ["--port", String(port), "--bind", "127.0.0.1", "--dir", directory.path,
                       "--appendonly", "yes", "--appendfsync", "always", "--save", "",
                       "--daemonize", "no", "--logfile", directory.appendingPathComponent("redis.log").path]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        process = p
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let c = try? RedisConnection(url: RedisURL(url), timeout: 0.5),
               (try? c.command(["PING"])) == .bytes(Array("PONG".utf8)) {
                return
            }
            usleep(20_000)
        }
        throw SyslabError.io("redis-server on port \(port) did not start; see \(directory.path)/redis.log")
    }

    /// kill -9, and wait for it to be gone.
    func kill() {
        guard let p = process else { return }
        Foundation.kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        process = nil
    }

    func stop() {
        kill()
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { stop() }

    /// A raw connection, for writing what another (possibly hostile) process might.
    func connection() throws -> RedisConnection {
        try RedisConnection(url: RedisURL(url), timeout: 2)
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SyslabError.io("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw SyslabError.io("bind() failed") }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Polls `condition` every 10 ms until it holds or `seconds` pass.
func eventually(within seconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        usleep(10_000)
    }
    return condition()
}

func names(_ registry: ScenarioRegistry) -> Set<String> {
    Set(registry.activeScenarios().map(\.scenario.name))
}

func attach(_ server: RedisServer, workspace: String = "default", instance: String? = nil,
            joinsFleet: Bool = false) throws -> (ScenarioRegistry, RedisStore) {
    let registry = ScenarioRegistry()
    var options = StoreOptions(url: server.url, workspace: workspace)
    options.instance = instance
    options.joinsFleet = joinsFleet
    options.resyncInterval = 0.5
    return (registry, try RedisStore.attach(registry, options: options))
}
