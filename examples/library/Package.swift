// swift-tools-version: 6.2
// Two small programs that embed Backstop as a library, depending on it by path. Built (and run) in CI.
import PackageDescription

// The root package's identity is the name of its directory (e.g. "main" or "backstop"), so it is computed here.
let root = Context.packageDirectory + "/../.."
let rootIdentity = String(
    Context.packageDirectory.split(separator: "/").dropLast(2).last ?? "backstop"
).lowercased()

let package = Package(
    name: "BackstopLibraryExamples",
    platforms: [.macOS(.v15)],
    dependencies: [.package(path: root)],
    targets: [
        // Recommendations in a few lines: load the catalog, build the standard aggregator, ask.
        .executableTarget(
            name: "recommend",
            dependencies: [.product(name: "Backstop", package: rootIdentity)]
        ),
        // A custom provider plugin registered next to the catalog.
        .executableTarget(
            name: "custom-provider",
            dependencies: [.product(name: "Backstop", package: rootIdentity)]
        ),
    ]
)
