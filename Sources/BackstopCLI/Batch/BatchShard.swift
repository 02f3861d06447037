import ArgumentParser
import Backstop
import Foundation

/// One shard of a batch input (`--shard K/N`): input line i (from 1) belongs to shard (i − 1) mod N.
///
/// Round robin rather than contiguous ranges: a worker needs neither the input's line count nor a first pass over it,
/// so it can read a pipe (`zcat cohort.jsonl.gz | backstop batch --in - --shard 3/8 …`); the shards stay within one
/// line of each other in size, and a slow stretch of the input (long lines, a region of hard profiles) is spread over
/// every worker instead of landing on one. Each worker reads the whole input and skips the lines of the others, which
/// costs a newline search per skipped line: far less than evaluating one (see docs/deploy.md).
struct BatchShard: Sendable, Hashable {
    /// K, from 0 (a Kubernetes Indexed Job's `JOB_COMPLETION_INDEX`).
    let index: Int
    /// N.
    let count: Int

    /// The largest N accepted.
    static let maximumCount = 1_000_000

    /// The environment variable `--shard-from-env` reads K from: what Kubernetes sets in an Indexed Job's pods.
    static let indexVariable = "JOB_COMPLETION_INDEX"

    /// `K/N` as given to `--shard`.
    /// - Throws: a `ValidationError` (exit 64) naming `source` and what is wrong.
    static func parse(_ text: String, source: String = "--shard") throws -> BatchShard {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        func number(_ part: Substring) -> Int? {
            guard !part.isEmpty, part.count <= 7, part.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Int(part)
        }
        guard parts.count == 2, let index = number(parts[0]), let count = number(parts[1]) else {
            throw ValidationError(
                "\(source): expected K/N, shard K of N with K from 0 to N-1 (e.g. 0/4), got \(quoted(text))"
            )
        }
        return try BatchShard(checking: index, of: count, source: source)
    }

    /// K from ``indexVariable`` in `environment`, N from `--shard-from-env`.
    static func fromEnvironment(count: Int, _ environment: [String: String]) throws -> BatchShard {
        let source = "--shard-from-env (K from \(indexVariable))"
        guard let text = environment[indexVariable], !text.isEmpty else {
            throw ValidationError(
                "--shard-from-env: \(indexVariable) is not set (Kubernetes sets it in the pods of an Indexed Job); "
                    + "give --shard K/N instead"
            )
        }
        guard text.count <= 7, text.allSatisfy({ $0.isASCII && $0.isNumber }), let index = Int(text) else {
            throw ValidationError("\(source): \(indexVariable) must be a whole number, got \(quoted(text))")
        }
        return try BatchShard(checking: index, of: count, source: source)
    }

    init(checking index: Int, of count: Int, source: String) throws {
        guard (1...Self.maximumCount).contains(count) else {
            throw ValidationError("\(source): N must be from 1 to \(Self.maximumCount), got \(count)")
        }
        guard index < count else {
            throw ValidationError(
                "\(source): K must be below N (the shards of \(count) are 0 to \(count - 1)), got \(index)/\(count)"
            )
        }
        self.index = index
        self.count = count
    }

    init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    var description: String { "\(index)/\(count)" }

    /// Whether input line `line` (from 1) is this shard's.
    func holds(line: Int) -> Bool { (line - 1) % count == index }

    /// This shard's lines of an input of `total` lines.
    func lines(ofInput total: Int) -> ShardTrailer.Lines {
        let held = total > index ? (total - index - 1) / count + 1 : 0
        return ShardTrailer.Lines(
            count: held,
            first: held > 0 ? index + 1 : nil,
            last: held > 0 ? index + 1 + (held - 1) * count : nil,
            step: count
        )
    }
}

/// The last record of a shard's output (`batch --shard`): which input, catalog and settings it was evaluated with and
/// which lines it holds. `backstop batch merge` reads it to check that shards belong together. Written only when the
/// shard's run read its whole input (not after Ctrl-C or a failure), so a shard file without it is incomplete.
///
/// `{"shard":{"catalog":"sha256:…","index":1,"input":{"bytes":…,"lines":…,"sha256":"…"},"lines":{"count":…,
/// "first":2,"last":…,"step":4},"records":{"failed":…,"ok":…},"settings":{…},"shards":4,"version":1}}`
struct ShardTrailer: Codable, Equatable, Sendable {
    /// The input every shard of a run reads whole.
    struct Input: Codable, Equatable, Sendable {
        /// The lines of the whole input (a last line without a newline counts).
        let lines: Int
        let bytes: Int
        /// SHA-256 of the input's bytes, lowercase hex (`sha256sum`'s).
        let sha256: String
    }

    /// The input lines this shard holds: `first`, `first + step`, … `last` (none when `count` is 0).
    struct Lines: Codable, Equatable, Sendable {
        let count: Int
        let first: Int?
        let last: Int?
        let step: Int
    }

    /// The shard's records, by status.
    struct Records: Codable, Equatable, Sendable {
        let ok: Int
        let failed: Int
    }

    /// What else decides a record: shards evaluated with different settings do not make one result.
    struct Settings: Codable, Equatable, Sendable {
        /// `--date`, or the day it ran (UTC) without it: the default of lines without their own date.
        let date: CalendarDate
        /// The default request (`--request` and the request flags).
        let request: LoanRequest
        let detail: String
        /// `--lang`, or the language the environment chose.
        let lang: String
        let top: Int?
    }

    /// The trailer's format.
    static let currentVersion = 1

    let version: Int
    /// K.
    let index: Int
    /// N.
    let shards: Int
    let input: Input
    /// The catalog snapshot's hash (`sha256:…`, as in every answer).
    let catalog: String
    let lines: Lines
    let records: Records
    let settings: Settings

    /// The record as written: `{"shard": {…}}`.
    struct Record: Codable {
        let shard: ShardTrailer
    }

    /// How a trailer line starts; no result record does (they start with `{"error"` or `{"line"`).
    static let prefix = Data(#"{"shard":"#.utf8)
}

/// Line numbers gathered in ascending order and written for people: runs of lines `step` apart (1: consecutive) as
/// ranges. Holds a bounded number of runs whatever the count of lines (a missing shard of millions is one run).
struct LineRuns: Sendable {
    struct Run: Sendable {
        var first: Int
        var last: Int
        var count: Int
    }

    let step: Int
    /// The runs kept, at most ``maximumRuns``.
    private(set) var runs: [Run] = []
    /// Every line added.
    private(set) var total = 0
    static let maximumRuns = 64

    init(step: Int) { self.step = step }

    var isEmpty: Bool { total == 0 }

    /// Adds `count` lines: `first`, `first + step`, …
    mutating func add(_ first: Int, count: Int = 1) {
        guard count > 0 else { return }
        total += count
        let last = first + (count - 1) * step
        if let previous = runs.last, first == previous.last + step {
            runs[runs.count - 1].last = last
            runs[runs.count - 1].count += count
        } else if runs.count < Self.maximumRuns {
            runs.append(Run(first: first, last: last, count: count))
        }
    }

    /// `3`, `5-9`, `2-98 every 4th` for the first `limit` runs, then how many more lines.
    func description(limit: Int = 8) -> String {
        func text(_ run: Run) -> String {
            if run.count == 1 { return "\(run.first)" }
            if step == 1 { return "\(run.first)-\(run.last)" }
            return "\(run.first)-\(run.last) every \(Self.ordinal(step))"
        }
        let shown = runs.prefix(limit)
        var result = shown.map(text).joined(separator: ", ")
        let rest = total - shown.reduce(0) { $0 + $1.count }
        if rest > 0 { result += " and \(rest) more" }
        return result
    }

    static func ordinal(_ n: Int) -> String {
        let suffix =
            (11...13).contains(n % 100) ? "th" : n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th"
        return "\(n)\(suffix)"
    }
}
