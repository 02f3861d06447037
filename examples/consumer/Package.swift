// swift-tools-version: 6.2
// A package that depends on Backstop by version, as another team's package would: no path dependency, none of the
// project's development settings. CI (scripts/test.sh) clones the checkout into a temporary git repository, tags
// it 1.0.0 and builds this package against it, with BACKSTOP_CONSUMER_URL set to that repository's file:// URL.
// scripts/test.sh also checks that this build of Backstop does not get the project's development-only compiler flag
// (an unsafe flag, on only with BACKSTOP_DEV=1).
import PackageDescription

guard let backstop = Context.environment["BACKSTOP_CONSUMER_URL"] else {
    fatalError("set BACKSTOP_CONSUMER_URL to a git repository of Backstop tagged 1.0.0 or later (scripts/test.sh does)")
}

let package = Package(
    name: "BackstopConsumer",
    platforms: [.macOS(.v15)],
    dependencies: [.package(url: backstop, from: "1.0.0")],
    targets: [
        // The package identity is the repository's last path component: name the clone `backstop`.
        .executableTarget(name: "consumer", dependencies: [.product(name: "Backstop", package: "backstop")])
    ]
)
