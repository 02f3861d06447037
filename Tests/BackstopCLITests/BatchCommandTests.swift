import Foundation
import Synchronization
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
        // Headline figures only (the names in both languages and the reasons in words included): a few KB.
        #expect(result.stdout.count < 5000)
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

    /// Ctrl-C part way, without a race: the input is a pipe the test keeps open. It feeds `fed` lines one at a time,
    /// each once the progress bar has counted the one before (a bar is drawn at most every 100 ms, so the test waits
    /// 150 ms after each count it sees), so all `fed` are done and `batch` waits for more when SIGINT comes. Then it
    /// feeds one more line at a time until `batch` exits: it stops reading once it has seen the signal, writes the
    /// lines in flight whole and exits 130 with the pipe still open.
    @Test(.timeLimit(.minutes(2)))
    func anInterruptLeavesOnlyWholeLines() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("out.jsonl")
        let line = Data((try Self.profile("multi-reason") + "\n").utf8)
        let process = Process()
        process.executableURL = try BinaryRunner.executable()
        process.arguments = [
            "batch", "--in", "-", "--out", output.path, "--catalog", Self.catalog, "--date", "2026-11-25",
            "--jobs", "1", "--progress", "always",
        ]
        let input = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        let log = SharedData()
        errors.fileHandleForReading.readabilityHandler = { handle in log.append(handle.availableData) }
        try process.run()
        defer {
            if process.isRunning { process.terminate() }
            try? input.fileHandleForWriting.close()
        }
        func stderr() -> String { String(decoding: log.value, as: UTF8.self) }

        let fed = 3
        for count in 1...fed {
            input.fileHandleForWriting.write(line)
            let counted = try await Self.poll { stderr().contains("\r\(count) profiles,") }
            #expect(counted, "the progress bar never counted \(count): \(stderr())")
            try await Task.sleep(for: .milliseconds(150))
        }
        kill(process.processIdentifier, SIGINT)
        var extra = 0
        while process.isRunning && extra < 100 {
            input.fileHandleForWriting.write(line)
            extra += 1
            _ = try await Self.poll(seconds: 0.5) { !process.isRunning }
        }
        let stopped = try await Self.poll { !process.isRunning }
        #expect(stopped, "batch did not stop after \(extra) more lines")
        if !stopped { process.terminate() }
        process.waitUntilExit()
        errors.fileHandleForReading.readabilityHandler = nil
        log.append(errors.fileHandleForReading.readDataToEndOfFile())

        #expect(process.terminationStatus == 130)
        #expect(stderr().contains("batch: interrupted"))
        let records = try lines(output)
        // Every line fed before the signal was done; of those fed after it, at most the ones read before batch saw
        // the signal.
        #expect(records.count >= fed && records.count <= fed + extra, "\(records.count) of \(fed) + \(extra)")
        #expect(records.map { $0["line"] as? Int } == Array(1...records.count).map { Optional($0) })
        #expect(records.allSatisfy { $0["status"] as? String == "ok" })
        #expect(stderr().contains("interrupted; \(records.count) in = \(records.count) ok + 0 failed"))
    }

    /// Polls `condition` every 20 ms for at most `seconds`; whether it became true.
    static func poll(seconds: Double = 60, until condition: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while !condition() {
            if ContinuousClock.now > deadline { return false }
            try await Task.sleep(for: .milliseconds(20))
        }
        return true
    }
}

/// Bytes appended from a pipe's readability handler (another thread) and read by the test.
final class SharedData: Sendable {
    private let data = Mutex(Data())

    func append(_ chunk: Data) { data.withLock { $0.append(chunk) } }

    var value: Data { data.withLock { $0 } }
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
            // The command never opened the FIFO: open it once for writing so that cat sees the end and exits. Without
            // blocking: if cat exited meanwhile there is no reader, and a blocking open would wait forever.
            let descriptor = open(fifo, O_WRONLY | O_NONBLOCK)
            if descriptor >= 0 { close(descriptor) }
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
