// swift-tools-version: 6.2
// libFuzzer targets for Backstop's untrusted-input parsers and its numerical core. A separate package so that the main
// build and its tests never need the fuzzer runtime. Build and run them with `scripts/fuzz.sh` (see docs/fuzzing.md):
//
//     swift build -c release --scratch-path ../.build-fuzz \
//         -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
import PackageDescription

// The root package's identity is the name of its directory (e.g. "main" or "backstop"), so it is computed here.
let root = Context.packageDirectory + "/.."
let rootIdentity = String(Context.packageDirectory.split(separator: "/").dropLast(1).last ?? "backstop").lowercased()

func core(_ product: String) -> Target.Dependency { .product(name: product, package: rootIdentity) }

let package = Package(
    name: "BackstopFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(path: root)],
    targets: [
        // Declares libFuzzer's driver (LLVMFuzzerRunDriver) for the @main of each target; `-sanitize=fuzzer` links it.
        .systemLibrary(name: "CLibFuzzer"),
        // One provider XML document through the catalog's safe parser, XSD validation and semantic rules.
        .executableTarget(
            name: "FuzzXMLLoader",
            dependencies: ["CLibFuzzer", core("BackstopCatalog"), core("BackstopCore")]
        ),
        // Profile, request, APR-request and legal-cap JSON through JSONInput, and back through JSONEncoder.
        .executableTarget(name: "FuzzProfileJSON", dependencies: ["CLibFuzzer", core("BackstopCore")]),
        // Rates (`0.05%/day`) and amounts (`¥1,234.56`) as a person writes them.
        .executableTarget(name: "FuzzRateParser", dependencies: ["CLibFuzzer", core("BackstopCore")]),
        // The APR solver on arbitrary cash flows, and the cost engine on arbitrary loan terms.
        .executableTarget(name: "FuzzAPRSolver", dependencies: ["CLibFuzzer", core("BackstopCore")]),
    ]
)

for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    target.swiftSettings = settings
}
