import Backstop
import BackstopPresentation
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A buffered JSON Lines writer to a file or standard output. Lines are only ever written whole.
final class BatchSink {
    let path: String
    private let handle: FileHandle
    private let ownsHandle: Bool
    private var pending = Data()
    static let flushBytes = 256 * 1024

    /// Opens (creating or truncating) `path`, or standard output for `-`.
    init(path: String) throws {
        self.path = path
        if path == "-" {
            handle = FileHandle.standardOutput
            ownsHandle = false
        } else {
            // Opened in place (created or truncated), never replaced: a device or a FIFO stays what it is.
            let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else {
                throw failure(
                    "cannot write \(quoted(path)): \(String(cString: strerror(errno)))",
                    code: Exit.cantCreate
                )
            }
            self.handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
            ownsHandle = true
        }
    }

    /// Queues one line (a newline is added) and writes out once enough is queued.
    func write(line: Data) throws {
        pending.append(line)
        pending.append(UInt8(ascii: "\n"))
        if pending.count >= Self.flushBytes { try flush() }
    }

    func flush() throws {
        guard !pending.isEmpty else { return }
        do {
            try handle.write(contentsOf: pending)
        } catch {
            throw failure("cannot write \(quoted(path)): \(error.localizedDescription)", code: Exit.ioError)
        }
        pending.removeAll(keepingCapacity: true)
    }

    func close() throws {
        try flush()
        if ownsHandle { try? handle.close() }
    }
}

/// Evaluates JSON Lines profiles on `jobs` tasks at once and writes one result per input line, in input order.
///
/// At most `jobs` lines are evaluated at once and at most `4 × jobs` results wait for an earlier line to finish, so
/// memory does not grow with the input.
struct BatchRunner: Sendable {
    let aggregator: Aggregator
    let defaults: BatchDefaults
    let detail: BatchDetail
    /// The language of every message in the records.
    let language: Language
    let jobs: Int
    let sourceName: String
    /// Evaluate only this shard's lines (`--shard`); nil for all.
    var shard: BatchShard?

    /// What one line came to: its output record and, for a failure, the error record and message.
    struct Outcome: Sendable {
        let line: Int
        let record: Data
        let errorMessage: String?
    }

    func run(
        reader: consuming LineReader,
        inputSize: Int?,
        output: BatchSink,
        errors: BatchSink?,
        progress: ProgressBar?,
        interrupt: Interrupt,
        trailer: (BatchSummary, LineReader) throws -> Data? = { _, _ in nil }
    ) async throws -> BatchSummary {
        var reader = reader
        var summary = BatchSummary(jobs: jobs, shard: shard)
        let clock = ContinuousClock()
        let started = clock.now
        var waiting: [Int: Outcome] = [:]
        // The lines written, in order: every line, or this shard's (K + 1, K + 1 + N, …).
        let step = shard?.count ?? 1
        var nextToWrite = (shard?.index ?? 0) + 1
        var running = 0
        let window = jobs * 4
        var progress = progress

        func write(_ outcome: Outcome) throws {
            waiting[outcome.line] = outcome
            while let ready = waiting.removeValue(forKey: nextToWrite) {
                try output.write(line: ready.record)
                if let message = ready.errorMessage {
                    summary.failed += 1
                    FileHandle.standardError.write(
                        Data((printableMessage("\(sourceName):\(ready.line): \(message)") + "\n").utf8)
                    )
                    try errors?.write(line: ready.record)
                } else {
                    summary.ok += 1
                }
                nextToWrite += step
            }
        }

        try await withThrowingTaskGroup(of: Outcome.self) { group in
            while !interrupt.requested {
                // Wait while `jobs` lines are running or too many results wait for an earlier line.
                while running >= jobs || (running > 0 && running + waiting.count >= window) {
                    guard let outcome = try await group.next() else { break }
                    running -= 1
                    try write(outcome)
                    progress?.update(done: summary.ok + summary.failed, bytes: reader.bytesRead)
                }
                guard let line = try reader.next() else { break }
                if let shard, !shard.holds(line: line.number) { continue }
                summary.read += 1
                let runner = self
                group.addTask {
                    let outcome = await runner.evaluate(line)
                    return outcome
                }
                running += 1
            }
            while let outcome = try await group.next() {
                running -= 1
                try write(outcome)
                progress?.update(done: summary.ok + summary.failed, bytes: reader.bytesRead)
            }
        }
        summary.interrupted = interrupt.requested
        if !summary.interrupted, shard != nil { summary.inputLines = reader.linesRead }
        if let record = try trailer(summary, reader) { try output.write(line: record) }
        try output.flush()
        try errors?.flush()
        let elapsed = clock.now - started
        summary.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        progress?.finish(done: summary.ok + summary.failed)
        return summary
    }

    /// Decodes, evaluates and encodes one line; never throws: a bad line becomes an error record.
    func evaluate(_ line: LineReader.Line) async -> Outcome {
        let text: Data
        switch line.content {
        case .tooLong(let bytes):
            return failure(line.number, "the line is \(bytes) bytes, over the --max-line-bytes limit", path: nil)
        case .text(let data): text = data
        }
        if text.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
            return failure(line.number, "the line is empty: expected a JSON profile", path: nil)
        }
        let item: BatchLine
        do {
            item = try JSONInput.decode(BatchLine.self, from: text, source: "\(sourceName):\(line.number)")
        } catch {
            return failure(
                line.number,
                error.column.map { "column \($0): \(error.message)" } ?? "\(error.path): \(error.message)",
                path: error.line == nil ? error.path : nil,
                column: error.column
            )
        }
        let day = item.date ?? defaults.date
        if let contradiction = item.profile.contradictions(on: day).first {
            let path = "profile." + contradiction.fields[0]
            return failure(line.number, "\(path): \(contradiction.message)", path: path)
        }
        let recommendation = await aggregator.recommend(item.profile, item.request ?? defaults.request, on: day)
        let record = BatchRecord(
            line: line.number,
            status: "ok",
            recommendation: detail == .full ? RecommendationDocument(recommendation, language: language) : nil,
            summary: detail == .summary ? RecommendationSummary(recommendation, Renderer(language)) : nil,
            error: nil
        )
        do {
            return Outcome(line: line.number, record: try WireJSON.encode(record, layout: .compact), errorMessage: nil)
        } catch {
            return failure(line.number, "the answer could not be encoded: \(error)", path: nil)
        }
    }

    func failure(_ line: Int, _ message: String, path: String?, column: Int? = nil) -> Outcome {
        let record = BatchRecord(
            line: line,
            status: "error",
            recommendation: nil,
            summary: nil,
            error: BatchRecord.Failure(message: message, path: path, column: column)
        )
        // Encoding strings and integers cannot fail; the fallback keeps the one-line-per-line promise regardless.
        let data =
            (try? WireJSON.encode(record, layout: .compact))
            ?? Data(#"{"line":\#(line),"status":"error","error":{"message":"unencodable error"}}"#.utf8)
        return Outcome(line: line, record: data, errorMessage: message)
    }
}

/// A one-line progress bar on standard error: count, rate and, when the input's size is known, ETA.
struct ProgressBar {
    let total: Int?
    let clock = ContinuousClock()
    let started: ContinuousClock.Instant
    var lastDrawn: ContinuousClock.Instant

    init(total: Int?) {
        self.total = total
        started = clock.now
        lastDrawn = started - .seconds(1)
    }

    mutating func update(done: Int, bytes: Int) {
        let now = clock.now
        guard now - lastDrawn >= .milliseconds(100) else { return }
        lastDrawn = now
        draw(done: done, fraction: total.map { $0 > 0 ? min(1, Double(bytes) / Double($0)) : 1 }, now: now)
    }

    func finish(done: Int) {
        draw(done: done, fraction: total == nil ? nil : 1, now: clock.now)
        FileHandle.standardError.write(Data("\n".utf8))
    }

    func draw(done: Int, fraction: Double?, now: ContinuousClock.Instant) {
        let elapsed = now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let rate = seconds > 0 ? Double(done) / seconds : 0
        var text = "\r"
        if let fraction {
            let width = 24
            let filled = Int((fraction * Double(width)).rounded(.down))
            text += "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
            text += String(format: "%3d%% ", Int(fraction * 100))
        }
        text += "\(done) profiles, " + String(format: "%.0f/s", rate)
        if let fraction, fraction > 0, fraction < 1 {
            let remaining = Int((seconds / fraction - seconds).rounded())
            text += String(format: ", ETA %d:%02d", remaining / 60, remaining % 60)
        }
        FileHandle.standardError.write(Data((text + "\u{1B}[K").utf8))
    }
}

extension Exit {
    /// EX_IOERR: an output could not be written part way (a full disk, a closed pipe).
    static let ioError: Int32 = 74
}
