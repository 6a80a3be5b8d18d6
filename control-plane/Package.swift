// swift-tools-version:6.1
// The control plane of libsyslab: the `syslab` command and `syslab serve` (docs/serve.md).
//
//   SyslabServe       the control API of `syslab serve`: workspaces, JWT roles, request
//                     handling (JSON in, JSON out) and its Hummingbird adapter
//   syslab            the `syslab` command (swift-argument-parser), product `syslab-command`
//
// A package of its own, depending on the library's package (..) by path, so that building
// and testing libsyslab never builds Hummingbird, SwiftNIO, jwt-kit (BoringSSL) or
// swift-argument-parser, and libsyslab.so never links them. The Makefile builds it once,
// in the debug configuration with the Swift runtime linked statically, for the binary and
// its tests alike: the server is I/O bound, and an optimised build of this stack costs
// several times as long (docs/serve.md).
import PackageDescription

let package = Package(
    name: "syslab-control-plane",
    products: [
        // Not `syslab`: SwiftPM keeps each product's link inputs under .build/<config>/<name>.product,
        // so an executable named like the library's product (libsyslab.so) would be linked with
        // the library's objects. The Makefile links `syslab` to it in the same folder.
        .executable(name: "syslab-command", targets: ["syslab"]),
    ],
    dependencies: [
        .package(name: "syslab", path: ".."),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Without its default traits Hummingbird needs neither swift-configuration nor full Foundation.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        .target(
            name: "SyslabServe",
            dependencies: [
                .product(name: "SyslabStore", package: "syslab"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]),
        .executableTarget(
            name: "syslab",
            dependencies: [
                "SyslabServe",
                .product(name: "SyslabStore", package: "syslab"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // The Swift runtime linked statically, so that the binary runs without the
            // toolchain. Link flags only: `swift build --static-swift-stdlib` would also
            // compile against the static resource folder, which has no Testing module,
            // so `swift test` could not share the build. Compiled against the shared
            // modules, the objects do not name the static FoundationEssentials' own
            // dependencies, hence the two libraries.
            linkerSettings: [
                .unsafeFlags(["-static-stdlib"]),
                .linkedLibrary("_FoundationCollections"),
                .linkedLibrary("_FoundationCShims"),
            ]),
        .testTarget(
            name: "SyslabServeTests",
            dependencies: ["SyslabServe", .product(name: "JWTKit", package: "jwt-kit")]),
    ],
    swiftLanguageModes: [.v5]
)
