// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "Backstop",
    platforms: [.macOS(.v15)],
    // What other packages may depend on. BackstopServer and BackstopCLI are deliberately not products: they are the
    // front ends behind the `backstop-server` and `backstop` binaries, their Swift API is no contract, and no package
    // outside this one uses them (examples/library and Fuzz depend on the products below; tests use targets).
    products: [
        // One import for embedders: the chosen surface listed in Sources/Backstop/Backstop.swift.
        .library(name: "Backstop", targets: ["Backstop"]),
        // The layers on their own, for a dependent that wants one (the fuzz targets use Core and Catalog; a catalog
        // tool needs only Catalog). Everything public in them, including what the umbrella leaves out, is here.
        .library(name: "BackstopCore", targets: ["BackstopCore"]),
        .library(name: "BackstopCatalog", targets: ["BackstopCatalog"]),
        .library(name: "BackstopProviders", targets: ["BackstopProviders"]),
        // Test kit for provider authors: ProviderConformanceSuite.
        .library(name: "BackstopTesting", targets: ["BackstopTesting"]),
        // The CLI. It does not link the HTTP stack, so `swift run backstop …` on a fresh clone builds no web server.
        .executable(name: "backstop", targets: ["backstop"]),
        // The HTTP service (`backstop serve` runs this binary when it sits next to `backstop`).
        .executable(name: "backstop-server", targets: ["backstop-server"]),
    ],
    dependencies: [
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // Value types, the cost engine and the APR solver. Foundation only; no I/O.
        .target(name: "BackstopCore"),
        // Built-in Swift adapters: Huabei and Jiebei, with their closure logic and pricing.
        .target(name: "BackstopProviders", dependencies: ["BackstopCore"]),
        // Debian's libxml2 (apt: libxml2-dev). Only BackstopCatalog imports it; no C type leaves that module.
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        // Provider XML: safe parsing, XSD validation, catalog snapshots with a content hash.
        .target(
            name: "BackstopCatalog",
            dependencies: ["BackstopCore", "CLibXML2", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // Words at the edge: renders the core's typed facts in Simplified Chinese and English, and the wire documents.
        .target(name: "BackstopPresentation", dependencies: ["BackstopCore"]),
        // The umbrella module embedders import.
        .target(
            name: "Backstop",
            dependencies: ["BackstopCore", "BackstopCatalog", "BackstopProviders", "BackstopPresentation"]
        ),
        .target(name: "BackstopTesting", dependencies: ["BackstopCore"]),
        // The HTTP service (Hummingbird 2): only this module and the `backstop-server` binary pull the web stack in.
        .target(
            name: "BackstopServer",
            dependencies: [
                "Backstop",
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        // The commands of `backstop`, in a library so tests can drive them with parseAsRoot. No web stack here: `serve`
        // hands over to the `backstop-server` binary (Sources/backstop-server).
        .target(
            name: "BackstopCLI",
            dependencies: [
                "Backstop",
                "BackstopCore",
                "BackstopCatalog",
                "BackstopProviders",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // SHA-256 of a sharded batch's input (BackstopCatalog already builds it for the catalog hash).
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "backstop",
            dependencies: ["BackstopCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // The HTTP service's command line: `backstop-server [options]`, the same options as `backstop serve`.
        .executableTarget(
            name: "backstop-server",
            dependencies: [
                "Backstop",
                "BackstopCLI",
                "BackstopServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The bad-input matrix (every field of the profile and the request, and the bad values tried for each), shared by
        // the CLI and the HTTP tests so the two front ends are held to one table.
        .target(name: "BadInputMatrix", path: "Tests/BadInputMatrix"),
        .testTarget(
            name: "BackstopCoreTests",
            dependencies: ["BackstopCore"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "BackstopTests",
            dependencies: ["Backstop", "BackstopTesting"]
        ),
        .testTarget(
            name: "BackstopPresentationTests",
            dependencies: ["BackstopPresentation", "BackstopCore"]
        ),
        .testTarget(
            name: "BackstopServerTests",
            dependencies: [
                "BackstopServer",
                "Backstop",
                "BadInputMatrix",
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "BackstopCatalogTests",
            dependencies: ["BackstopCatalog", "BackstopCore"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "BackstopCLITests",
            // `backstop` and `backstop-server` are dependencies so that the real binaries are built next to the tests,
            // which run them.
            dependencies: ["BackstopCLI", "BackstopCore", "BadInputMatrix", "backstop", "backstop-server"],
            resources: [.copy("Fixtures")]
        ),
    ]
)

// Development-only settings: with BACKSTOP_DEV=1 (scripts/test.sh exports it for the whole run) every public type
// must say whether it is Sendable. A package that depends on Backstop never gets them: SwiftPM refused unsafe flags in
// a versioned dependency before tools version 6.2 and, since 6.2 (this manifest's), passes them on to the dependent's
// build of Backstop, where a project's own hygiene flags have no business. CI builds the project with the variable
// set, and examples/library, depending on Backstop by version, without it, checking the flag stays out.
let developmentBuild = Context.environment["BACKSTOP_DEV"] == "1"

for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    settings.append(.enableUpcomingFeature("NonisolatedNonsendingByDefault"))
    if developmentBuild {
        // Every public type says whether it is Sendable.
        settings.append(.unsafeFlags(["-Xfrontend", "-require-explicit-sendable"]))
    }
    target.swiftSettings = settings
}
