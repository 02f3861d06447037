import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Bounded work per command (issue 17), through the real binary: input documents capped, output failures reported,
/// error messages printable, strict JSON, the legal caps part of the catalog, attributes bounded.
struct InputLimitsTests {
    static let catalog = ProvidersCommandTests.catalog
    static let healthy = BatchCommandTests.repository.appendingPathComponent("examples/profiles/healthy.json").path
    static let request = BatchCommandTests.repository.appendingPathComponent("examples/requests/cash-5000-12m.json")
        .path
    static let flows = "Tests/BackstopCLITests/Fixtures/appendix-j-c1-ii.json"

    /// Runs the binary with its standard input and output connected to the given files (the pipes of
    /// `BinaryRunner` cannot be /dev/full or /dev/zero).
    static func run(
        _ arguments: [String],
        stdin: String = "/dev/null",
        stdout: String? = nil
    ) throws
        -> BinaryRunner
        .Result
    {
        let process = Process()
        process.executableURL = try BinaryRunner.executable()
        process.arguments = arguments
        process.currentDirectoryURL = BatchCommandTests.repository
        let errors = Pipe()
        let output = Pipe()
        process.standardError = errors
        process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: stdin))
        process.standardOutput = try stdout.map { try FileHandle(forWritingTo: URL(fileURLWithPath: $0)) } ?? output
        try process.run()
        let errData = errors.fileHandleForReading.readDataToEndOfFile()
        let outData = stdout == nil ? output.fileHandleForReading.readDataToEndOfFile() : Data()
        process.waitUntilExit()
        return BinaryRunner.Result(
            status: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self)
        )
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("backstop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    // MARK: Finding 7: a failed write to standard output

    @Test(arguments: [
        ["alternatives", "--profile", healthy, "--catalog", catalog],
        ["alternatives", "--profile", healthy, "--catalog", catalog, "--format", "json"],
        ["diagnose", "--profile", healthy],
        ["quote", "--amount", "10000", "--term", "12", "--rate", "0.05%/day"],
        ["apr", flows],
        ["providers", "list", "--catalog", catalog],
        ["providers", "show", "wechat-weilidai", "--catalog", catalog],
        ["providers", "validate", "--catalog", catalog],
    ])
    func aFailedWriteToStandardOutputExits74(arguments: [String]) throws {
        let full = try Self.run(arguments, stdout: "/dev/full")
        #expect(full.status == 74, "\(arguments): \(full.stderr)")
        #expect(
            full.stderr.contains("error: cannot write to standard output: No space left on device"),
            "\(full.stderr)"
        )
        let null = try Self.run(arguments, stdout: "/dev/null")
        #expect(null.status == 0, "\(arguments): \(null.stderr)")
        #expect(null.stderr.isEmpty, "\(null.stderr)")
    }

    @Test func aFailureKeepsItsOwnExitCodeWhenStandardOutputFailsToo() throws {
        let result = try Self.run(["alternatives", "--profile", "/nonexistent.json"], stdout: "/dev/full")
        #expect(result.status == 66, "\(result.stderr)")
    }

    // MARK: Finding 6: input documents are capped

    @Test(arguments: ["--profile", "--request", "apr"])
    func aHugeInputFileIsRefusedBeforeItIsRead(option: String) throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let huge = directory.appendingPathComponent("huge.json").path
        // A 2 GB sparse file: nothing is written to disk, and reading it whole would take a minute and 3 GB.
        #expect(FileManager.default.createFile(atPath: huge, contents: nil))
        #expect(truncate(huge, 2 << 30) == 0)
        let arguments =
            switch option {
            case "apr": ["apr", huge]
            case "--request": ["alternatives", "--profile", Self.healthy, "--request", huge]
            default: ["diagnose", "--profile", huge]
            }
        let result = try Self.run(arguments)
        #expect(result.status == 65, "\(result.stderr)")
        #expect(
            result.stderr
                == "error: \(huge) is 2147483648 bytes, over the 1048576-byte limit for an input document\n",
            "\(result.stderr)"
        )
    }

    @Test func standardInputAndPipesAreReadUpToTheLimit() throws {
        let zeros = try Self.run(["diagnose", "--profile", "-"], stdin: "/dev/zero")
        #expect(zeros.status == 65, "\(zeros.stderr)")
        #expect(zeros.stderr.contains("<stdin> holds more than 1048576 bytes, over the limit for an input document"))
        let device = try Self.run(["apr", "/dev/zero"])
        #expect(device.status == 65, "\(device.stderr)")
        #expect(device.stderr.contains("/dev/zero holds more than 1048576 bytes"))
        // Within the limit, standard input is read as before.
        let fine = try Self.run(["diagnose", "--profile", "-"], stdin: Self.healthy)
        #expect(fine.status == 0, "\(fine.stderr)")
    }

    @Test func aDirectoryOrAMissingFileIsUnreadableInput() throws {
        let directory = try Self.run(["diagnose", "--profile", "/tmp"])
        #expect(directory.status == 66, "\(directory.stderr)")
        #expect(directory.stderr == "error: cannot read /tmp: it is a directory\n", "\(directory.stderr)")
        let missing = try Self.run(["apr", "/nonexistent/flows.json"])
        #expect(missing.status == 66, "\(missing.stderr)")
        #expect(missing.stderr == "error: cannot read /nonexistent/flows.json: No such file or directory\n")
    }

    // MARK: Finding 8: error messages are printable

    @Test func escapeBytesFromArgumentsAreEscaped() throws {
        let path = "/nonexistent/\u{1B}[2J\u{1B}]0;owned\u{7}.json"
        let profile = try Self.run(["diagnose", "--profile", path])
        #expect(profile.status == 66)
        #expect(profile.stderr.contains(#"/nonexistent/\u{1B}[2J\u{1B}]0;owned\u{7}.json"#), "\(profile.stderr)")
        let validation = try Self.run(["quote", "--amount", "100", "--term", "12", "--start", "\u{1B}[31m\r2026"])
        #expect(validation.status == 64)
        // Escaped where it is quoted (or, failing that, where the message is printed): either spelling of the hex.
        #expect(validation.stderr.lowercased().contains(#"got \u{1b}[31m\u{d}2026"#), "\(validation.stderr)")
        let batch = try Self.run(["batch", "--in", "/nonexistent/\u{9B}6n", "--out", "-", "--catalog", Self.catalog])
        #expect(batch.status == 66)
        for result in [profile, validation, batch] {
            #expect(
                !result.stderr.unicodeScalars.contains { $0 != "\n" && $0.properties.generalCategory == .control },
                "a control character reached the terminal: \(result.stderr.debugDescription)"
            )
        }
    }

    @Test func longQuotedInputIsCut() throws {
        let long = String(repeating: "x", count: 100_000)
        for arguments in [
            ["diagnose", "--profile", "/nonexistent/" + long],
            ["quote", "--amount", "100", "--term", "12", "--start", long],
            ["alternatives", "--profile", Self.healthy, "--amount", long],
        ] {
            let result = try Self.run(arguments)
            #expect([64, 66].contains(result.status), "\(result.stderr.prefix(300))")
            #expect(result.stderr.count < 2_000, "\(result.stderr.count) characters on stderr")
            #expect(result.stderr.contains("…"), "\(result.stderr.prefix(600))")
        }
    }

    // MARK: Findings 1–3: strict JSON, linear work, the field the type reads

    @Test(arguments: [
        (#"{"id": "u", "creditScore": 700, "creditScore": 600}"#, #":1:33: creditScore: duplicate key "creditScore""#),
        ("{\"id\": \"u\",\n \"creditScore\": 700,\n}", ":2:20: $: trailing comma before \"}\""),
        (#"{"id": "u", "creditScore": 700, "accounts": ["alipay",]}"#, #":1:54: accounts: trailing comma before "]""#),
        (#"{"id": "u\ud800", "creditScore": 700}"#, ":1:10: not valid JSON: a lone high surrogate"),
    ])
    func documentsReadersDisagreeOnAreRefused(profile: String, message: String) throws {
        let result = try BinaryRunner.run(["diagnose", "--profile", "-"], stdin: profile)
        #expect(result.status == 65, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("error: <stdin>" + message), "\(result.stderr)")
    }

    /// Finding 1: 8,000 nested arrays around 8,000 numbers (32 KB) took seconds of CPU before their refusal.
    @Test(.timeLimit(.minutes(1))) func deepNestingIsRefusedAtTheLimit() throws {
        let depth = 8_000
        let document =
            String(repeating: "[", count: depth) + Array(repeating: "1", count: depth).joined(separator: ",")
            + String(repeating: "]", count: depth)
        let result = try BinaryRunner.run(["apr"], stdin: document)
        #expect(result.status == 65, "\(result.stderr)")
        #expect(result.stderr == "error: <stdin>:1:65: $: arrays and objects are nested more than 64 deep\n")
    }

    /// Finding 2: a long key over many fractional numbers in a member no type reads, and a wrong amount: the error
    /// names the amount, once, briefly.
    @Test func theFieldNamedIsTheOneTheTypeReads() throws {
        let key = String(repeating: "k", count: 32_000)
        let numbers = Array(repeating: "0.5", count: 50_000).joined(separator: ",")
        let document = #"{"\#(key)": [\#(numbers)], "flows": [{"amount": -100, "t": 0}, {"amount": 1e999, "t": 1}]}"#
        let result = try BinaryRunner.run(["apr"], stdin: document)
        #expect(result.status == 65, "\(result.stderr.prefix(300))")
        #expect(
            result.stderr
                == "error: <stdin>:1:\(document.count - 15): flows[1].amount: number 1e999 is out of range: numbers are "
                + "read exactly, from 1e-128 to below 1e128\n"
        )
    }

    // MARK: Finding 5: the legal caps file is part of the catalog

    /// A copy of the shipped catalog (providers, schema, caps).
    static func copyOfCatalog() throws -> URL {
        let directory = try temporaryDirectory()
        for name in try FileManager.default.contentsOfDirectory(atPath: catalog)
        where name.hasSuffix(".xml") || name == "schema" || name == "caps" {
            try FileManager.default.copyItem(
                atPath: catalog + "/" + name,
                toPath: directory.appendingPathComponent(name).path
            )
        }
        return directory
    }

    @Test(.timeLimit(.minutes(1)), arguments: ["FIFO", "directory", "missing", "invalid"])
    func aBrokenCapsFileFailsValidationAndTheLoad(kind: String) throws {
        let directory = try Self.copyOfCatalog()
        defer { try? FileManager.default.removeItem(at: directory) }
        let caps = directory.appendingPathComponent("caps/legal-caps.json")
        try FileManager.default.removeItem(at: caps)
        let expected: String
        switch kind {
        case "FIFO":
            #expect(mkfifo(caps.path, 0o600) == 0)
            expected = "[io] the legal caps file is a FIFO, not a regular file"
        case "directory":
            try FileManager.default.createDirectory(at: caps, withIntermediateDirectories: false)
            expected = "[io] the legal caps file is a directory, not a regular file"
        case "missing":
            expected = "[catalog] the catalog has a caps directory but no caps/legal-caps.json"
        default:
            try Data(#"{"caps": [{"id": "x"},]}"#.utf8).write(to: caps)
            expected = #"[semantic] caps: trailing comma before "]""#
        }
        let validate = try Self.run(["providers", "validate", "--catalog", directory.path])
        #expect(validate.status == 65, "\(validate.stderr)")
        #expect(validate.stdout.contains("INVALID  \(caps.path)\n  \(caps.path)"), "\(validate.stdout)")
        #expect(validate.stdout.contains(expected), "\(validate.stdout)")
        let list = try Self.run(["providers", "list", "--catalog", directory.path])
        #expect(list.status == 65, "\(list.stderr)")
        #expect(list.stderr.contains(expected), "\(list.stderr)")
        #expect(list.stdout.isEmpty)
    }

    @Test func validationListsTheCapsFileOfAGoodCatalog() throws {
        let result = try Self.run(["providers", "validate", "--catalog", Self.catalog])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("ok       \(Self.catalog)/caps/legal-caps.json\n"), "\(result.stdout)")
    }

    // MARK: Finding 4: attributes per element

    @Test(.timeLimit(.minutes(1))) func fiftyThousandAttributesAreOneIssue() throws {
        let directory = try Self.copyOfCatalog()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("wechat-weilidai.xml")
        let attributes = (0..<50_000).map { #"a\#($0)="x""# }.joined(separator: " ")
        let document = try String(contentsOf: file, encoding: .utf8)
            .replacingOccurrences(of: #"id="wechat-weilidai""#, with: #"id="wechat-weilidai" \#(attributes)"#)
        try Data(document.utf8).write(to: file)
        let result = try Self.run(["providers", "validate", "--catalog", directory.path])
        #expect(result.status == 65, "\(result.stderr)")
        let issues = result.stdout.split(separator: "\n").filter { $0.hasPrefix("  ") }
        #expect(
            issues == [
                "  \(file.path):2:1: [security] element <provider> has 50003 attributes (namespace declarations "
                    + "included), over the limit of 64"
            ],
            "\(result.stdout.prefix(2000))"
        )
    }
}
