// swift-tools-version:6.1
// libsyslab: a systems-design lab as an embeddable library.
//
// Layers (enforced by target dependencies; see docs/architecture.md):
//   SyslabCore        pure Swift: scenarios, registry, effects, metrics, random, clocks
//   SyslabTracing     components, topologies, templates, traces, exporters, views, analysis
//   SyslabSimulation  discrete-event engine, component models, workloads, results
//   SyslabStore       the Redis store for a registry's enabled set, workspaces, fleet metrics (hiredis)
//   SyslabLua         the Lua 5.4 module (lua_State glue, via the C shim)
//   SyslabCABI        the @_cdecl C ABI declared in Include/syslab.h  -> libsyslab.so
//   SyslabServe       the control API of `syslab serve`: workspaces, JWT roles, request
//                     handling (JSON in, JSON out) and its Hummingbird adapter
//   SyslabCommand     the `syslab` command (swift-argument-parser), product `syslab-command`;
//                     the Makefile installs it as `syslab`. Neither is linked into libsyslab.so.
//   Sources/SyslabLuaCLI  the `syslab-lua` interpreter: C, built by the Makefile with the
//                     CLuaShim sources, not by SwiftPM, so that it does not start the Swift
//                     runtime; it loads libsyslab.so on require "syslab" (docs/lua.md)
import PackageDescription

let package = Package(
    name: "syslab",
    products: [
        .library(name: "syslab", type: .dynamic, targets: ["SyslabCABI"]),
        // SwiftPM refuses an executable product with the library's name.
        .executable(name: "syslab-command", targets: ["SyslabCommand"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Without its default traits Hummingbird needs neither swift-configuration nor full Foundation.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLua", path: "Sources/CLua", pkgConfig: "lua5.4",
            providers: [.apt(["liblua5.4-dev"])]),
        .target(name: "CLuaShim", dependencies: ["CLua"]),
        // hiredis' pkg-config adds -D_FILE_OFFSET_BITS=64, which SwiftPM drops with a
        // warning; on 64-bit Linux off_t is 64 bits either way.
        .systemLibrary(
            name: "CHiredis", path: "Sources/CHiredis", pkgConfig: "hiredis",
            providers: [.apt(["libhiredis-dev"])]),
        .target(name: "SyslabCore"),
        .target(name: "SyslabTracing", dependencies: ["SyslabCore"]),
        .target(
            name: "SyslabSimulation",
            dependencies: [
                "SyslabCore", "SyslabTracing",
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]),
        .target(name: "SyslabStore", dependencies: ["SyslabCore", "CHiredis"]),
        .target(
            name: "SyslabLua",
            dependencies: ["SyslabCore", "SyslabTracing", "SyslabSimulation", "SyslabStore", "CLuaShim"]),
        .target(
            name: "SyslabCABI",
            dependencies: ["SyslabCore", "SyslabTracing", "SyslabSimulation", "SyslabStore", "SyslabLua"]),
        .target(
            name: "SyslabServe",
            dependencies: [
                "SyslabCore", "SyslabStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]),
        .executableTarget(
            name: "SyslabCommand",
            dependencies: [
                "SyslabCore", "SyslabServe",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .testTarget(
            name: "SyslabServeTests",
            dependencies: ["SyslabServe", .product(name: "JWTKit", package: "jwt-kit")]),
        .testTarget(name: "SyslabCoreTests", dependencies: ["SyslabCore"]),
        .testTarget(name: "SyslabTracingTests", dependencies: ["SyslabTracing"]),
        .testTarget(name: "SyslabSimulationTests", dependencies: ["SyslabSimulation"]),
        .testTarget(name: "SyslabStoreTests", dependencies: ["SyslabStore", "SyslabCore"]),
    ],
    swiftLanguageModes: [.v5]
)
