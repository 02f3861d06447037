import Foundation
import Testing

/// `batch --shard K/N` and `batch merge` through the real binary: N shards run as N processes at once merge to the
/// bytes of one unsharded run; bad shard values are usage errors; every refused merge says why and writes nothing.
struct BatchShardTests {
    static let catalog = ProvidersCommandTests.catalog
    static let date = "2026-11-25"

    func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("backstop-shard-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// `count` lines: the example profiles under fresh ids, with a syntax error at line 5 and an empty line at 12.
    static func cohort(_ count: Int, salt: String = "") throws -> String {
        let names = ["late-repayment", "healthy", "thin-file", "low-income", "multi-reason"]
        var lines: [String] = []
        for number in 1...count {
            switch number {
            case 5: lines.append(#"{"id": "broken", "creditScore": 7"#)
            case 12: lines.append("")
            default:
                let profile = try BatchCommandTests.profile(names[number % names.count])
                lines.append(
                    profile.replacingOccurrences(
                        of: #""id":""#,
                        with: #""id":"c\#(salt)\#(number)-"#
                    )
                )
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The common arguments of every run.
    static func batchArguments(
        input: String,
        output: String,
        date: String = date,
        catalog: String = catalog
    )
        -> [String]
    {
        [
            "batch", "--in", input, "--out", output, "--detail", "summary", "--top", "2", "--progress", "never",
            "--catalog", catalog, "--date", date,
        ]
    }

    /// Starts every run at once, each its own process, and waits for all: their exit statuses and standard errors.
    static func runAtOnce(
        _ runs: [[String]],
        environments: [[String: String]]? = nil,
        stdin: [URL?]? = nil
    ) throws -> [(status: Int32, stderr: String)] {
        var started: [(Process, Pipe)] = []
        for (index, arguments) in runs.enumerated() {
            let process = Process()
            process.executableURL = try BinaryRunner.executable()
            process.arguments = arguments
            var environment = BinaryRunner.englishEnvironment
            environment.removeValue(forKey: "JOB_COMPLETION_INDEX")
            environment.merge(environments?[index] ?? [:]) { $1 }
            process.environment = environment
            let errors = Pipe()
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            if let file = stdin?[index] {
                process.standardInput = try FileHandle(forReadingFrom: file)
            } else {
                process.standardInput = FileHandle.nullDevice
            }
            try process.run()
            started.append((process, errors))
        }
        return started.map { process, errors in
            let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, text)
        }
    }

    /// The lines of a JSON Lines file, decoded.
    static func records(_ url: URL) throws -> [[String: Any]] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    /// `sha256sum`'s digest of a file.
    static func sha256(_ url: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [url.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return String(text.prefix(64))
    }

    @Test(.timeLimit(.minutes(3)))
    func shardsRunAsSeparateProcessesMergeToTheBytesOfOneRun() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("cohort.jsonl")
        let lines = 23
        try Self.cohort(lines).write(to: input, atomically: true, encoding: .utf8)
        let whole = directory.appendingPathComponent("whole.jsonl")
        let count = 4
        let shards = (0..<count).map { directory.appendingPathComponent("shard-\($0).jsonl") }
        // One unsharded run and the four shards, five processes at once.
        let runs =
            [Self.batchArguments(input: input.path, output: whole.path)]
            + (0..<count).map {
                Self.batchArguments(input: input.path, output: shards[$0].path) + [
                    "--shard", "\($0)/\(count)", "--allow-bad-lines",
                ]
            }
        let results = try Self.runAtOnce(runs)
        #expect(results[0].status == 65, "\(results[0].stderr)")
        #expect(results[0].stderr.contains("batch: 23 in = 21 ok + 2 failed"), "\(results[0].stderr)")
        #expect(!(try String(contentsOf: whole, encoding: .utf8)).contains(#"{"shard""#))
        let digest = try Self.sha256(input)
        let catalogHash =
            try #require(
                (try Self.records(whole).first?["summary"] as? [String: Any])?["catalog"] as? [String: Any]
            )["hash"] as? String
        for index in 0..<count {
            let result = results[index + 1]
            // Lines 5 and 12 fail: shard 0 holds 5, shard 3 holds 12; --allow-bad-lines makes both exit 0.
            #expect(result.status == 0, "shard \(index): \(result.stderr)")
            #expect(result.stderr.contains("batch: shard \(index)/\(count) of \(lines) input lines: "))
            let records = try Self.records(shards[index])
            let held = Array(stride(from: index + 1, through: lines, by: count))
            #expect(records.dropLast().map { $0["line"] as? Int } == held.map { Optional($0) })
            let trailer = try #require(records.last?["shard"] as? [String: Any])
            #expect(trailer["index"] as? Int == index)
            #expect(trailer["shards"] as? Int == count)
            #expect(trailer["catalog"] as? String == catalogHash)
            let inputRecord = try #require(trailer["input"] as? [String: Any])
            #expect(inputRecord["sha256"] as? String == digest)
            #expect(inputRecord["lines"] as? Int == lines)
            let heldRecord = try #require(trailer["lines"] as? [String: Any])
            #expect(heldRecord["first"] as? Int == held.first)
            #expect(heldRecord["last"] as? Int == held.last)
            #expect(heldRecord["count"] as? Int == held.count)
            #expect(heldRecord["step"] as? Int == count)
            let settings = try #require(trailer["settings"] as? [String: Any])
            #expect(settings["date"] as? String == Self.date)
            #expect(settings["detail"] as? String == "summary")
            #expect(settings["top"] as? Int == 2)
        }
        // Merged in any order of the arguments: the unsharded run's bytes.
        let merged = directory.appendingPathComponent("merged.jsonl")
        let merge = try BinaryRunner.run(
            ["batch", "merge", shards[2].path, shards[0].path, shards[3].path, shards[1].path, "--out", merged.path]
        )
        #expect(merge.status == 0, "\(merge.stderr)")
        #expect(merge.stderr.contains("batch merge: 4 shards, 23 lines = 21 ok + 2 failed"), "\(merge.stderr)")
        #expect(try Data(contentsOf: merged) == Data(contentsOf: whole))
        // To standard output too.
        let toStandardOutput = try BinaryRunner.run(["batch", "merge", "--out", "-"] + shards.map(\.path))
        #expect(toStandardOutput.status == 0)
        #expect(toStandardOutput.stdout == (try String(contentsOf: whole, encoding: .utf8)))
    }

    /// As a Kubernetes Indexed Job runs them: K from JOB_COMPLETION_INDEX; one shard reads the input from a pipe, so
    /// what identifies the input is its bytes, not its name.
    @Test(.timeLimit(.minutes(2)))
    func theIndexCanComeFromJobCompletionIndex() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("cohort.jsonl")
        try Self.cohort(9).write(to: input, atomically: true, encoding: .utf8)
        let whole = directory.appendingPathComponent("whole.jsonl")
        let shards = (0..<2).map { directory.appendingPathComponent("shard-\($0).jsonl") }
        let results = try Self.runAtOnce(
            [
                Self.batchArguments(input: input.path, output: whole.path),
                Self.batchArguments(input: input.path, output: shards[0].path) + ["--shard-from-env", "2"],
                Self.batchArguments(input: "-", output: shards[1].path) + ["--shard-from-env", "2"],
            ],
            environments: [[:], ["JOB_COMPLETION_INDEX": "0"], ["JOB_COMPLETION_INDEX": "1"]],
            stdin: [nil, nil, input]
        )
        // Line 5 (shard 0) is bad: without --allow-bad-lines that shard exits 65 as an unsharded run does.
        #expect(results.map(\.status) == [65, 65, 0], "\(results.map(\.stderr))")
        let merged = directory.appendingPathComponent("merged.jsonl")
        let merge = try BinaryRunner.run(["batch", "merge", shards[0].path, shards[1].path, "--out", merged.path])
        #expect(merge.status == 0, "\(merge.stderr)")
        #expect(try Data(contentsOf: merged) == Data(contentsOf: whole))
    }

    @Test(arguments: [
        ("x", "--shard: expected K/N"), ("1", "--shard: expected K/N"), ("1/", "--shard: expected K/N"),
        ("/2", "--shard: expected K/N"), ("-1/2", "Missing value for '--shard <K/N>'"),  // read as an option
        ("+1/2", "--shard: expected K/N"),
        ("1.0/2", "--shard: expected K/N"), ("a/b", "--shard: expected K/N"), ("1/2/3", "--shard: expected K/N"),
        (" 1/2", "--shard: expected K/N"), ("99999999/100000000", "--shard: expected K/N"),
        ("0/0", "--shard: N must be from 1 to 1000000, got 0"), ("1/0", "--shard: N must be from 1"),
        ("2/2", "--shard: K must be below N (the shards of 2 are 0 to 1), got 2/2"), ("7/3", "K must be below N"),
        ("0/1000001", "--shard: N must be from 1 to 1000000"),
    ])
    func aBadShardIsAUsageError(value: String, message: String) throws {
        let result = try BinaryRunner.run(
            Self.batchArguments(input: "-", output: "-") + ["--shard", value],
            stdin: try BatchCommandTests.profile("healthy") + "\n"
        )
        #expect(result.status == 64, "\(value): exit \(result.status), \(result.stderr)")
        #expect(result.stderr.contains(message), "\(value): \(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test(
        arguments: [
            (["--shard-from-env", "2"], nil, "--shard-from-env: JOB_COMPLETION_INDEX is not set"),
            (["--shard-from-env", "2"], "", "--shard-from-env: JOB_COMPLETION_INDEX is not set"),
            (["--shard-from-env", "2"], "one", "JOB_COMPLETION_INDEX must be a whole number, got one"),
            (["--shard-from-env", "2"], "2", "K must be below N (the shards of 2 are 0 to 1), got 2/2"),
            (["--shard-from-env", "0"], "0", "N must be from 1 to 1000000, got 0"),
            (["--shard-from-env", "2", "--shard", "0/2"], "0", "give --shard or --shard-from-env, not both"),
        ] as [([String], String?, String)]
    )
    func aBadShardFromTheEnvironmentIsAUsageError(arguments: [String], index: String?, message: String) throws {
        var environment = BinaryRunner.englishEnvironment
        environment["JOB_COMPLETION_INDEX"] = index
        let result = try BinaryRunner.run(
            Self.batchArguments(input: "-", output: "-") + arguments,
            stdin: try BatchCommandTests.profile("healthy") + "\n",
            environment: environment
        )
        #expect(result.status == 64, "\(arguments) \(index ?? "unset"): exit \(result.status), \(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    /// Shards of one 10-line input in 3, and the odd ones a merge must refuse.
    struct Refusals {
        let directory: URL
        /// shard-0, shard-1, shard-2 of the input.
        let shards: [URL]
        func file(_ name: String) -> URL { directory.appendingPathComponent(name) }
    }

    func refusals() throws -> Refusals {
        let directory = try temporaryDirectory()
        let input = directory.appendingPathComponent("cohort.jsonl")
        try Self.cohort(10).write(to: input, atomically: true, encoding: .utf8)
        let other = directory.appendingPathComponent("other.jsonl")
        try Self.cohort(10, salt: "o").write(to: other, atomically: true, encoding: .utf8)
        // A catalog one provider short: another hash.
        let smaller = directory.appendingPathComponent("catalog")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: Self.catalog), to: smaller)
        try? FileManager.default.removeItem(at: smaller.appendingPathComponent("testdata"))
        try FileManager.default.removeItem(at: smaller.appendingPathComponent("jd-jintiao.xml"))
        let shards = (0..<3).map { directory.appendingPathComponent("shard-\($0).jsonl") }
        func shard(
            _ index: Int,
            of count: Int,
            input: URL = input,
            date: String = Self.date,
            catalog: String = Self.catalog
        )
            -> [String]
        {
            Self.batchArguments(input: input.path, output: "", date: date, catalog: catalog)
                + ["--shard", "\(index)/\(count)", "--allow-bad-lines"]
        }
        func writing(_ arguments: [String], to name: String) -> [String] {
            var arguments = arguments
            arguments[arguments.firstIndex(of: "--out")! + 1] = directory.appendingPathComponent(name).path
            return arguments
        }
        let results = try Self.runAtOnce([
            writing(shard(0, of: 3), to: "shard-0.jsonl"),
            writing(shard(1, of: 3), to: "shard-1.jsonl"),
            writing(shard(2, of: 3), to: "shard-2.jsonl"),
            writing(shard(1, of: 3, input: other), to: "other-input-1.jsonl"),
            writing(shard(1, of: 3, catalog: smaller.path), to: "other-catalog-1.jsonl"),
            writing(shard(1, of: 3, date: "2026-11-26"), to: "other-date-1.jsonl"),
            writing(shard(1, of: 2), to: "halves-1.jsonl"),
            writing(Self.batchArguments(input: input.path, output: ""), to: "unsharded.jsonl"),
        ])
        for result in results.dropLast() { #expect(result.status == 0, "\(result.stderr)") }
        return Refusals(directory: directory, shards: shards)
    }

    @Test(.timeLimit(.minutes(3)))
    func aMergeIsRefusedWithItsReasonAndWritesNothing() throws {
        let setup = try refusals()
        defer { try? FileManager.default.removeItem(at: setup.directory) }
        let shards = setup.shards.map(\.path)
        let out = setup.file("merged.jsonl")
        func merge(_ files: [String], status: Int32 = 65, _ messages: [String]) throws {
            let result = try BinaryRunner.run(["batch", "merge"] + files + ["--out", out.path])
            #expect(result.status == status, "\(files): exit \(result.status), \(result.stderr)")
            for message in messages {
                #expect(result.stderr.contains(message), "\(files): \(message)\n\(result.stderr)")
            }
            #expect(!FileManager.default.fileExists(atPath: out.path), "a refused merge wrote \(out.path)")
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: setup.directory.path)
            #expect(!leftovers.contains { $0.hasSuffix(".tmp") }, "\(leftovers)")
        }
        // Shard 1 of 3 (lines 2, 5, 8) missing.
        try merge(
            [shards[0], shards[2]],
            [
                "batch merge: refused (10 input lines):",
                "missing lines 2-8 every 3rd: no file for shard 1/3",
            ]
        )
        // Shard 1 twice.
        let copy = setup.file("copy-of-1.jsonl")
        try FileManager.default.copyItem(atPath: shards[1], toPath: copy.path)
        try merge(
            shards + [copy.path],
            ["duplicated lines 2-8 every 3rd: shard 1/3 is in \(shards[1]) and \(copy.path)"]
        )
        // The same file twice.
        try merge(shards + [shards[2]], ["duplicated lines 3-9 every 3rd: shard 2/3 is in"])
        // Another input, another catalog, other settings, another split.
        let other = setup.file("other-input-1.jsonl").path
        try merge(
            [shards[0], other, shards[2]],
            ["\(shards[0]) and \(other) are shards of different inputs: 10 lines"]
        )
        let catalog = setup.file("other-catalog-1.jsonl").path
        try merge(
            [shards[0], catalog, shards[2]],
            ["\(shards[0]) and \(catalog) were evaluated with different catalogs: sha256:"]
        )
        try merge(
            [shards[0], setup.file("other-date-1.jsonl").path, shards[2]],
            ["were evaluated with different settings: --date 2026-11-25 against 2026-11-26"]
        )
        try merge(
            [shards[0], setup.file("halves-1.jsonl").path],
            ["split the input differently: shard 0/3 against 1/2"]
        )
        // Not a shard: an unsharded output, a shard cut short (its run interrupted or its file truncated).
        let unsharded = setup.file("unsharded.jsonl").path
        try merge(
            [shards[0], unsharded],
            ["\(unsharded) does not end with a shard trailer: it is not the output of `batch --shard`"]
        )
        let text = try String(contentsOfFile: shards[1], encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        let truncated = setup.file("truncated-1.jsonl")
        try (lines.dropLast().joined(separator: "\n") + "\n").write(to: truncated, atomically: true, encoding: .utf8)
        try merge([shards[0], truncated.path, shards[2]], ["does not end with a shard trailer"])
        // A record taken out of shard 1 (line 5), and one repeated (line 8).
        lines.remove(at: 1)
        let edited = setup.file("edited-1.jsonl")
        try (lines.joined(separator: "\n") + "\n").write(to: edited, atomically: true, encoding: .utf8)
        try merge(
            [shards[0], edited.path, shards[2]],
            ["missing lines 5: \(edited.path) (shard 1/3) lacks them"]
        )
        lines.insert(lines[1], at: 1)
        lines.insert(text.split(separator: "\n")[1], at: 1)
        try (lines.joined(separator: "\n") + "\n").write(to: edited, atomically: true, encoding: .utf8)
        try merge(
            [shards[0], edited.path, shards[2]],
            ["duplicated lines 8: twice in \(edited.path) (shard 1/3)"]
        )
        // Shard 0's record of line 4 in shard 1's file; then shard 1's records out of order.
        let shardZero = try String(contentsOfFile: shards[0], encoding: .utf8).split(separator: "\n")
        let ownLines = text.split(separator: "\n")
        try ([ownLines[0], shardZero[1], ownLines[1], ownLines[2], ownLines[3]].joined(separator: "\n") + "\n")
            .write(to: edited, atomically: true, encoding: .utf8)
        try merge(
            [shards[0], edited.path, shards[2]],
            ["\(edited.path) (shard 1/3) holds lines that are not its own: 4"]
        )
        try ([ownLines[1], ownLines[0], ownLines[2], ownLines[3]].joined(separator: "\n") + "\n")
            .write(to: edited, atomically: true, encoding: .utf8)
        try merge(
            [shards[0], edited.path, shards[2]],
            ["\(edited.path) (shard 1/3): line 2 comes after line 5: not in input order"]
        )
        // A file that cannot be read, an output that cannot be created.
        try merge([shards[0], setup.file("missing.jsonl").path], status: 66, ["cannot read"])
        let unwritable = try BinaryRunner.run(["batch", "merge"] + shards + ["--out", "/no/such/dir/merged.jsonl"])
        #expect(unwritable.status == 73, "\(unwritable.stderr)")
        // With all three, the merge goes through.
        let good = try BinaryRunner.run(["batch", "merge"] + shards + ["--out", out.path])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(try Self.records(out).map { $0["line"] as? Int } == (1...10).map { Optional($0) })
    }
}
