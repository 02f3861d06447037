// swift-tools-version: 6.2
// Three small programs that embed Backstop as a library, built and run in CI.
//
// By default they depend on the checkout by path. With BACKSTOP_CONSUMER_URL set to a git repository of Backstop
// tagged 1.0.0 or later, they depend on it by version instead, as another team's package would: no path
// dependency, none of the project's development settings. CI (scripts/test.sh) clones the checkout into a temporary
// repository, tags it 1.0.0 and builds this package against it, and checks that this build of Backstop does not get
// the project's development-only compiler flag (an unsafe flag, on only with BACKSTOP_DEV=1).
import PackageDescription

let dependency: Package.Dependency
let identity: String
if let url = Context.environment["BACKSTOP_CONSUMER_URL"] {
    dependency = .package(url: url, from: "1.0.0")
    // A URL dependency's identity is its last path component, without `.git`.
    let last = url.split(separator: "/").last.map(String.init) ?? "backstop"
    identity = (last.hasSuffix(".git") ? String(last.dropLast(4)) : last).lowercased()
} else {
    // A path dependency's identity is the name of its directory (e.g. "main" or "backstop").
    dependency = .package(path: Context.packageDirectory + "/../..")
    identity = String(Context.packageDirectory.split(separator: "/").dropLast(2).last ?? "backstop").lowercased()
}

let package = Package(
    name: "BackstopLibraryExamples",
    platforms: [.macOS(.v15)],
    dependencies: [dependency],
    targets: [
        // Recommendations in a few lines: load the catalog, build the standard aggregator, ask.
        .executableTarget(name: "recommend", dependencies: [.product(name: "Backstop", package: identity)]),
        // A custom provider plugin registered next to the catalog.
        .executableTarget(name: "custom-provider", dependencies: [.product(name: "Backstop", package: identity)]),
        // One import, the standard line-up, an answer: the smallest embedding.
        .executableTarget(name: "consumer", dependencies: [.product(name: "Backstop", package: identity)]),
    ]
)
