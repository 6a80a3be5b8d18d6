// swift-tools-version:6.1
// libsyslab: a systems-design lab as an embeddable library.
//
// Layers (enforced by target dependencies; see docs/architecture.md):
//   SyslabCore        pure Swift: scenarios, registry, effects, metrics, random, clocks
//   SyslabTracing     components, topologies, templates, traces, exporters, views, analysis
//   SyslabSimulation  discrete-event engine, component models, workloads, results
//   SyslabStore       the Redis store for a registry's enabled set, workspaces, fleet metrics (hiredis)
//   SyslabOrders      the CQRS / event-sourcing order module on SQLite (docs/orders.md)
//   SyslabLua         the Lua 5.4 module (lua_State glue, via the C shim)
//   SyslabCABI        the @_cdecl C ABI declared in Include/syslab.h  -> libsyslab.so
//   control-plane/    a nested package: the `syslab` command and `syslab serve` (Hummingbird,
//                     jwt-kit, swift-argument-parser), built against the SyslabStore product
//                     below. Kept out of this package so that building libsyslab.so and its
//                     tests never builds the server stack (docs/serve.md).
//   Sources/SyslabLuaCLI  the `syslab-lua` interpreter: C, built by the Makefile with the
//                     CLuaShim sources, not by SwiftPM, so that it does not start the Swift
//                     runtime; it loads libsyslab.so on require "syslab" (docs/lua.md)
import PackageDescription

let package = Package(
    name: "syslab",
    products: [
        .library(name: "syslab", type: .dynamic, targets: ["SyslabCABI"]),
        // For control-plane/: the core and the Redis store, linked statically into its binary.
        .library(name: "SyslabStore", targets: ["SyslabCore", "SyslabStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
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
        .systemLibrary(
            name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]),
        // zlib, for the compression-tradeoffs scenario (libz is on every system and tiny).
        .systemLibrary(
            name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .target(name: "SyslabCore", dependencies: ["CZlib"]),
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
        .target(name: "SyslabOrders", dependencies: ["SyslabCore", "CSQLite"]),
        .target(
            name: "SyslabLua",
            dependencies: ["SyslabCore", "SyslabTracing", "SyslabSimulation", "SyslabStore", "SyslabOrders", "CLuaShim"]),
        .target(
            name: "SyslabCABI",
            dependencies: ["SyslabCore", "SyslabTracing", "SyslabSimulation", "SyslabStore", "SyslabOrders", "SyslabLua"]),
        .testTarget(name: "SyslabCoreTests", dependencies: ["SyslabCore"]),
        .testTarget(name: "SyslabTracingTests", dependencies: ["SyslabTracing"]),
        .testTarget(name: "SyslabSimulationTests", dependencies: ["SyslabSimulation"]),
        .testTarget(name: "SyslabStoreTests", dependencies: ["SyslabStore", "SyslabCore"]),
        .testTarget(name: "SyslabOrdersTests", dependencies: ["SyslabOrders", "SyslabCore"]),
    ],
    swiftLanguageModes: [.v5]
)
