// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "Backstop",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "BackstopCore", targets: ["BackstopCore"]),
        .library(name: "BackstopCLI", targets: ["BackstopCLI"]),
        .executable(name: "backstop", targets: ["backstop"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
    ],
    targets: [
        // Value types, the cost engine and the APR solver. Foundation only; no I/O.
        .target(name: "BackstopCore"),
        // The commands of `backstop`, in a library so tests can drive them with parseAsRoot.
        .target(
            name: "BackstopCLI",
            dependencies: [
                "BackstopCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "backstop",
            dependencies: ["BackstopCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(
            name: "BackstopCoreTests",
            dependencies: ["BackstopCore"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "BackstopCLITests",
            // `backstop` is a dependency so that the real binary is built next to the tests, which run it.
            dependencies: ["BackstopCLI", "BackstopCore", "backstop"],
            resources: [.copy("Fixtures")]
        ),
    ]
)

for target in package.targets {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    settings.append(.enableUpcomingFeature("NonisolatedNonsendingByDefault"))
    // Every public type says whether it is Sendable.
    settings.append(.unsafeFlags(["-Xfrontend", "-require-explicit-sendable"]))
    target.swiftSettings = settings
}
