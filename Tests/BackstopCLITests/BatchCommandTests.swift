import Foundation
import Testing

/// `backstop batch` through the real binary: one output line per input line in input order, bad lines reported and
/// counted, the same answers as `alternatives`, standard input and output, Ctrl-C.
struct BatchCommandTests {
    static let repository = ProvidersCommandTests.repository
    static let catalog = ProvidersCommandTests.catalog

    static func profile(_ name: String) throws -> String {
        let text = try String(
            contentsOf: repository.appendingPathComponent("examples/profiles/\(name).json"),
            encoding: .utf8
        )
        // One line: JSON Lines.
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return String(
            decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]),
            as: UTF8.self
        )
    }

    func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("backstop-batch-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    func lines(_ url: URL) throws -> [[String: Any]] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            .dropLast()  // the final newline
            .map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
    }

    /// Good lines, a syntax error, a field out of range, an empty line and an envelope with its own request.
    func mixedInput() throws -> String {
        [
            try Self.profile("late-repayment"),
            #"{"id": "broken", "creditScore": 7"#,
            try Self.profile("healthy"),
            try Self.profile("thin-file").replacingOccurrences(
                of: #""creditScore":"#,
                with: #""creditScore":1200,"x":"#
            ),
            "",
            #"{"profile": \#(try Self.profile("low-income")), "request": {"amount": 20000, "termMonths": 24}}"#,
            try Self.profile("multi-reason"),
        ].joined(separator: "\n") + "\n"
    }

    @Test func everyLineGivesOneResultInOrderAndBadLinesAreCounted() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("in.jsonl")
        try mixedInput().write(to: input, atomically: true, encoding: .utf8)
        var outputs: [String] = []
        for jobs in ["1", "3"] {
            let output = directory.appendingPathComponent("out-\(jobs).jsonl")
            let errors = directory.appendingPathComponent("errors-\(jobs).jsonl")
            let result = try BinaryRunner.run([
                "batch", "--in", input.path, "--out", output.path, "--errors", errors.path, "--jobs", jobs,
                "--catalog", Self.catalog, "--date", "2026-11-25", "--amount", "5000", "--term", "12",
            ])
            #expect(result.status == 65, "\(result.stderr)")
            #expect(result.stderr.contains("batch: 7 in = 4 ok + 3 failed"))
            #expect(result.stderr.contains("\(input.path):2: column"))
            #expect(result.stderr.contains("\(input.path):4: creditScore"))
            #expect(result.stderr.contains("\(input.path):5: the line is empty"))
            let records = try lines(output)
            #expect(records.map { $0["line"] as? Int } == [1, 2, 3, 4, 5, 6, 7])
            #expect(records.map { $0["status"] as? String } == ["ok", "error", "ok", "error", "error", "ok", "ok"])
            let outOfRange = try #require(records[3]["error"] as? [String: Any])
            #expect(outOfRange["path"] as? String == "creditScore")
            // The envelope's own request replaced the default.
            let envelope = try #require(records[5]["recommendation"] as? [String: Any])
            #expect((envelope["request"] as? [String: Any])?["termMonths"] as? Int == 24)
            let first = try #require(records[0]["recommendation"] as? [String: Any])
            #expect((first["request"] as? [String: Any])?["termMonths"] as? Int == 12)
            #expect(try lines(errors).map { $0["line"] as? Int } == [2, 4, 5])
            outputs.append(try String(contentsOf: output, encoding: .utf8))
        }
        // The number of jobs changes nothing in the output.
        #expect(outputs[0] == outputs[1])
    }

    @Test func aResultIsTheRecommendationAlternativesGives() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let profilePath = directory.appendingPathComponent("p.json")
        try Self.profile("late-repayment").write(to: profilePath, atomically: true, encoding: .utf8)
        let single = try BinaryRunner.run([
            "alternatives", "--profile", profilePath.path, "--catalog", Self.catalog, "--date", "2026-11-25",
            "--format", "json",
        ])
        #expect(single.status == 0)
        // Standard input to standard output.
        let batch = try BinaryRunner.run(
            ["batch", "--in", "-", "--out", "-", "--catalog", Self.catalog, "--date", "2026-11-25"],
            stdin: try Self.profile("late-repayment") + "\n"
        )
        #expect(batch.status == 0, "\(batch.stderr)")
        #expect(batch.stderr.contains("batch: 1 in = 1 ok + 0 failed"))
        let record = try BinaryRunner.json(batch.stdout.trimmingCharacters(in: .newlines))
        let fromBatch = try #require(record["recommendation"] as? [String: Any])
        let fromAlternatives = try BinaryRunner.json(single.stdout)
        #expect(NSDictionary(dictionary: fromBatch).isEqual(to: fromAlternatives))
    }

    @Test func summaryDetailCarriesTheHeadlineFigures() throws {
        let result = try BinaryRunner.run(
            [
                "batch", "--in", "-", "--out", "-", "--detail", "summary", "--catalog", Self.catalog, "--date",
                "2026-11-25", "--top", "2",
            ],
            stdin: try Self.profile("late-repayment") + "\n"
        )
        #expect(result.status == 0, "\(result.stderr)")
        let record = try BinaryRunner.json(result.stdout.trimmingCharacters(in: .newlines))
        #expect(record["recommendation"] == nil)
        let summary = try #require(record["summary"] as? [String: Any])
        let alternatives = try #require(summary["alternatives"] as? [[String: Any]])
        #expect(alternatives.count == 2)
        #expect(alternatives.first?["provider"] as? String == "zhaolian-haoqidai")
        #expect(alternatives.first?["totalCost"] is NSNumber)
        #expect((summary["diagnosis"] as? [[String: Any]])?.count == 2)
        #expect(result.stdout.count < 4000)
    }

    @Test func progressOnlyWhenAskedOrOnATerminal() throws {
        let input = try Self.profile("healthy") + "\n" + (try Self.profile("thin-file")) + "\n"
        let quiet = try BinaryRunner.run(
            ["batch", "--in", "-", "--out", "-", "--catalog", Self.catalog, "--date", "2026-11-25"],
            stdin: input
        )
        #expect(!quiet.stderr.contains("\r"))
        let shown = try BinaryRunner.run(
            [
                "batch", "--in", "-", "--out", "-", "--catalog", Self.catalog, "--date", "2026-11-25", "--progress",
                "always",
            ],
            stdin: input
        )
        #expect(shown.status == 0)
        #expect(shown.stderr.contains("\r"))
        #expect(shown.stderr.contains("2 profiles"))
        #expect(shown.stderr.contains("/s"))
    }

    @Test func tooLongLinesAndUnreadableInputs() throws {
        let long = "{\"id\": \"" + String(repeating: "x", count: 5000) + "\"}\n" + (try Self.profile("healthy")) + "\n"
        let result = try BinaryRunner.run(
            [
                "batch", "--in", "-", "--out", "-", "--catalog", Self.catalog, "--date", "2026-11-25",
                "--max-line-bytes", "1024",
            ],
            stdin: long
        )
        #expect(result.status == 65)
        #expect(result.stderr.contains("<stdin>:1: the line is"))
        #expect(result.stderr.contains("batch: 2 in = 1 ok + 1 failed"))
        #expect(result.stdout.split(separator: "\n").count == 2)
        let missing = try BinaryRunner.run(["batch", "--in", "/nonexistent/in.jsonl", "--out", "-"])
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("/nonexistent/in.jsonl"))
        let unwritable = try BinaryRunner.run(
            ["batch", "--in", "-", "--out", "/nonexistent-dir/out.jsonl", "--catalog", Self.catalog],
            stdin: ""
        )
        #expect(unwritable.status == 73)
        #expect(unwritable.stderr.contains("/nonexistent-dir/out.jsonl"))
    }

    /// Ctrl-C part way: the lines written are whole, contiguous from line 1, and the summary says it stopped.
    @Test(.timeLimit(.minutes(2)))
    func anInterruptLeavesOnlyWholeLines() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("in.jsonl")
        let output = directory.appendingPathComponent("out.jsonl")
        let line = try Self.profile("multi-reason") + "\n"
        try String(repeating: line, count: 20_000).write(to: input, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = try BinaryRunner.executable()
        process.arguments = [
            "batch", "--in", input.path, "--out", output.path, "--catalog", Self.catalog, "--date", "2026-11-25",
        ]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Wait until results are being written, then interrupt.
        for _ in 0..<600 {
            let size = (try? FileManager.default.attributesOfItem(atPath: output.path)[.size] as? NSNumber)??.intValue
            if (size ?? 0) > 0 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        kill(process.processIdentifier, SIGINT)
        let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        #expect(log.contains("batch: interrupted"))
        let records = try lines(output)
        #expect(!records.isEmpty && records.count < 20_000)
        #expect(records.map { $0["line"] as? Int } == Array(1...records.count).map { Optional($0) })
        #expect(log.contains("\(records.count) in = \(records.count) ok + 0 failed"))
    }
}

/// Outputs that are not regular files (a FIFO here; /dev/null or /dev/stdout in real use) are written in place, never
/// replaced by a renamed file (which, as root, would replace a device).
struct SpecialOutputTests {
    @Test(.timeLimit(.minutes(1)), arguments: ["batch", "chart"])
    func aFIFOStaysAFIFOAndGetsTheOutput(command: String) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("backstop-fifo-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let fifo = directory.appendingPathComponent("out").path
        let copy = directory.appendingPathComponent("copy")
        #expect(mkfifo(fifo, 0o600) == 0)
        // The reader is another process (cat), there before the writer opens the FIFO.
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: "/bin/sh")
        reader.arguments = ["-c", "exec cat \"$0\" > \"$1\"", fifo, copy.path]
        try reader.run()
        defer { if reader.isRunning { reader.terminate() } }
        let profile = BatchCommandTests.repository.appendingPathComponent("examples/profiles/healthy.json").path
        let arguments =
            command == "batch"
            ? ["batch", "--in", "-", "--out", fifo, "--catalog", BatchCommandTests.catalog, "--date", "2026-11-25"]
            : [
                "alternatives", "--profile", profile, "--catalog", BatchCommandTests.catalog, "--date", "2026-11-25",
                "--chart", fifo,
            ]
        let result = try BinaryRunner.run(
            arguments,
            stdin: try BatchCommandTests.profile("healthy") + "\n",
            timeout: 30
        )
        if reader.isRunning {
            // The command never opened the FIFO: open it once for writing so that cat sees the end and exits.
            if let handle = FileHandle(forWritingAtPath: fifo) { try? handle.close() }
        }
        reader.waitUntilExit()
        #expect(result.status == 0, "\(result.stderr)")
        var status = stat()
        #expect(stat(fifo, &status) == 0)
        #expect(status.st_mode & S_IFMT == S_IFIFO, "the FIFO was replaced by a regular file")
        let text = (try? String(contentsOf: copy, encoding: .utf8)) ?? ""
        #expect(text.contains(command == "batch" ? #""status":"ok""# : "<svg"))
    }
}
