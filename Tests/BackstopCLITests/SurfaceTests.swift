import Foundation
import Testing

/// Small defects of the command line's surface, through the real binary.
struct SurfaceTests {
    /// A copy of the `backstop` binary in a temporary directory outside the checkout, so that it finds no catalog
    /// by itself (the locator looks for `providers/` above the binary), and a copy of the shipped catalog beside.
    struct Outside {
        let root: URL
        let binary: URL
        let catalog: URL

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("backstop-outside-\(UUID())")
            let bin = root.appendingPathComponent("bin")
            try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
            binary = bin.appendingPathComponent("backstop")
            try FileManager.default.copyItem(at: try BinaryRunner.executable(), to: binary)
            catalog = root.appendingPathComponent("catalog")
            try FileManager.default.createDirectory(at: catalog, withIntermediateDirectories: true)
            let shipped = ProvidersCommandTests.catalog
            for name in try FileManager.default.contentsOfDirectory(atPath: shipped)
            where name.hasSuffix(".xml") || name == "schema" || name == "caps" {
                try FileManager.default.copyItem(
                    atPath: shipped + "/" + name,
                    toPath: catalog.appendingPathComponent(name).path
                )
            }
        }

        /// Runs the copied binary in `root` (which has no `providers/`), without `BACKSTOP_CATALOG`.
        func run(_ arguments: [String]) throws -> BinaryRunner.Result {
            let process = Process()
            process.executableURL = binary
            process.arguments = arguments
            process.currentDirectoryURL = root
            var environment = ProcessInfo.processInfo.environment
            environment["BACKSTOP_CATALOG"] = nil
            process.environment = environment
            let output = Pipe()
            let errors = Pipe()
            process.standardOutput = output
            process.standardError = errors
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let outData = output.fileHandleForReading.readDataToEndOfFile()
            let errData = errors.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return BinaryRunner.Result(
                status: process.terminationStatus,
                stdout: String(decoding: outData, as: UTF8.self),
                stderr: String(decoding: errData, as: UTF8.self)
            )
        }

        func remove() { try? FileManager.default.removeItem(at: root) }
    }

    /// `providers validate DIR` outside a checkout validates DIR against DIR's own schema (it exited 66, "no provider
    /// catalog found", looking for a catalog only to take its schema).
    @Test func validateADirectoryOutsideACheckoutUsesItsOwnSchema() throws {
        let outside = try Outside()
        defer { outside.remove() }
        let files = try FileManager.default.contentsOfDirectory(atPath: outside.catalog.path).filter {
            $0.hasSuffix(".xml")
        }
        let schema = outside.catalog.appendingPathComponent("schema/provider-1.xsd").path

        let result = try outside.run(["providers", "validate", outside.catalog.path])
        #expect(result.status == 0, "\(result.stderr)")
        // The provider files and the directory's legal caps file (caps/legal-caps.json).
        let checked = files.count + 1
        #expect(result.stdout.contains("\(checked) of \(checked) files valid against \(schema)"))

        // A directory without a schema of its own, with no catalog to be found, is still refused as before.
        let bare = outside.root.appendingPathComponent("bare")
        try FileManager.default.createDirectory(at: bare, withIntermediateDirectories: true)
        let one = try #require(files.first)
        try FileManager.default.copyItem(
            atPath: outside.catalog.appendingPathComponent(one).path,
            toPath: bare.appendingPathComponent(one).path
        )
        let refused = try outside.run(["providers", "validate", bare.path])
        #expect(refused.status == 66)
        #expect(refused.stderr.contains("no provider catalog found"))
        // --schema still says which schema.
        let given = try outside.run(["providers", "validate", bare.path, "--schema", schema])
        #expect(given.status == 0, "\(given.stderr)")
        #expect(given.stdout.contains("1 of 1 files valid against \(schema)"))
    }

    /// `backstop --help` lists one exit code a line, each with its whole meaning, at any usual width (the sentence
    /// was wrapped mid-phrase: "73 output cannot be" / "created").
    @Test(arguments: [80, 60, 120])
    func helpListsOneExitCodeALine(columns: Int) throws {
        var environment = ProcessInfo.processInfo.environment
        environment["COLUMNS"] = "\(columns)"
        let result = try BinaryRunner.run(["--help"], environment: environment)
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let codes = [
            "0    success",
            "64   bad usage (a flag's value)",
            "65   bad input data (a JSON or XML document)",
            "66   an input file that cannot be read",
            "73   an output that cannot be created",
            "74   an output that failed part way",
            "130  interrupted (batch)",
            "1    any other failure",
        ]
        let start = try #require(lines.firstIndex(of: "Exit codes:"), "\(result.stdout)")
        #expect(Array(lines[(start + 1)...].prefix(codes.count)) == codes, "\(result.stdout)")
        #expect(lines.allSatisfy { $0.count <= columns }, "\(result.stdout)")
    }
}
