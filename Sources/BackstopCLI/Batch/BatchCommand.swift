import ArgumentParser
import Backstop
import BackstopPresentation
import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// When to draw the progress bar.
enum ProgressMode: String, ExpressibleByArgument, CaseIterable {
    /// On a terminal only.
    case auto
    case always
    case never
}

/// What each result line carries.
enum BatchDetail: String, ExpressibleByArgument, CaseIterable {
    /// The whole recommendation, as `alternatives --format json` and the HTTP API give it.
    case full
    /// The decision a notification needs: the diagnosis, each alternative's headline figures, the refusals' codes,
    /// the warnings and the recovery steps; no schedules and no rule-by-rule checks.
    case summary
}

/// `backstop batch`: re-evaluate a cohort, one JSON profile per line.
struct BatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Re-evaluate many profiles (JSON Lines in, JSON Lines out, in input order, on every core).",
        discussion: """
            Each input line is a profile, or an object {"profile": …, "request": …, "date": …} whose request and date
            replace the defaults given by the flags. Each input line gives exactly one output line, in input order:
              {"line": 7, "status": "ok", "recommendation": {…}}
              {"line": 8, "status": "error", "error": {"message": "…", "path": "profile.creditScore", "column": 31}}
            A bad line is also reported on standard error (and in --errors FILE) and the run goes on; the summary
            on standard error counts in = ok + failed. Memory stays constant whatever the input's size.
            Ctrl-C stops reading, finishes and writes the lines in flight, and exits 130 with every line written
            whole. Exit status: 0 when every line was evaluated, 65 when some were not (all are in the output).

            With --shard K/N (K from 0) only input lines i with (i - 1) mod N = K are evaluated, and the output
            ends with a trailer record {"shard": {…}} naming the input's SHA-256, the catalog hash, the settings and
            the lines held; `backstop batch merge` puts N such files back in input order, byte for byte the output
            of one unsharded run (docs/deploy.md runs the shards as a Kubernetes Indexed Job).

            Examples:
              backstop batch --in cohort.jsonl --out results.jsonl --amount 5000 --term 12
              zcat cohort.jsonl.gz | backstop batch --in - --out - --detail summary > results.jsonl
              backstop batch --in cohort.jsonl --out shard-2.jsonl --shard 2/4 --date 2026-11-25
              backstop batch merge shard-*.jsonl --out results.jsonl
            """,
        subcommands: [BatchMergeCommand.self]
    )

    // Required, but declared optional: ArgumentParser decodes a command's own options before it descends into a
    // subcommand, so required ones would also be required of `batch merge`. `run()` asks for them.
    @Option(name: .customLong("in"), help: "Profiles, one JSON object per line (- for standard input; required).")
    var input: String?

    /// `--out`, shared with `batch merge` (the parent decodes it wherever it stands; the child sees the same value).
    @OptionGroup var out: BatchOutputOption
    var output: String? { out.output }

    @Option(name: .customLong("errors"), help: "Also write the failed lines' error records (JSON Lines) to this file.")
    var errors: String?

    @Option(help: "Profiles evaluated at once (default: the number of cores).")
    var jobs: Int?

    @Option(help: "full (the whole recommendation) or summary (headline figures only).")
    var detail: BatchDetail = .full

    @OptionGroup var lang: LanguageOption

    @Option(help: "Progress bar on standard error: auto (on a terminal), always or never.")
    var progress: ProgressMode = .auto

    @Option(help: "Keep at most this many alternatives per profile.")
    var top: Int?

    @Option(name: .customLong("max-line-bytes"), help: "Longest input line accepted (default 1048576).")
    var maxLineBytes: Int = 1 << 20

    @Option(
        help: ArgumentHelp(
            "Evaluate only shard K of N (K from 0): input lines i with (i - 1) mod N = K; the output ends with a "
                + "shard trailer record for `batch merge`.",
            valueName: "K/N"
        )
    )
    var shard: String?

    @Option(
        name: .customLong("shard-from-env"),
        help: ArgumentHelp(
            "As --shard K/N, with K from $JOB_COMPLETION_INDEX (set in a Kubernetes Indexed Job's pods).",
            valueName: "N"
        )
    )
    var shardFromEnv: Int?

    @Flag(
        name: .customLong("allow-bad-lines"),
        help: ArgumentHelp(
            "Exit 0 even when some lines could not be evaluated (they are error records in the output): for job "
                + "schedulers that retry a worker exiting non-zero."
        )
    )
    var allowBadLines = false

    @OptionGroup var requestInput: RequestInput
    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var date: DateOption

    func validate() throws {
        if let jobs, !(1...1024).contains(jobs) { throw ValidationError("--jobs: must be from 1 to 1024, got \(jobs)") }
        if let top, top < 1 { throw ValidationError("--top: must be at least 1, got \(top)") }
        if !(1024...(256 << 20)).contains(maxLineBytes) {
            throw ValidationError("--max-line-bytes: must be from 1024 to 268435456, got \(maxLineBytes)")
        }
        if let output, output != "-" && output == input {
            throw ValidationError("--out must not be the --in file")
        }
        _ = try chosenShard()
    }

    /// The shard asked for by `--shard` or `--shard-from-env`, or nil.
    /// - Throws: a `ValidationError` (exit 64) for a malformed value, K ≥ N, N < 1, or both options.
    func chosenShard() throws -> BatchShard? {
        switch (shard, shardFromEnv) {
        case (nil, nil): return nil
        case (let text?, nil): return try BatchShard.parse(text)
        case (nil, let count?): return try BatchShard.fromEnvironment(count: count, ProcessInfo.processInfo.environment)
        case (_?, _?): throw ValidationError("give --shard or --shard-from-env, not both")
        }
    }

    func run() async throws {
        guard let input, let output else {
            throw failure(
                "batch needs --in FILE|- and --out FILE|- (see backstop batch --help)",
                code: Exit.usage
            )
        }
        let defaults = BatchDefaults(request: try requestInput.load(), date: try date.value())
        let shard = try chosenShard()
        let inputHandle: FileHandle
        var inputSize: Int?
        if input == "-" {
            inputHandle = FileHandle.standardInput
        } else {
            guard let handle = FileHandle(forReadingAtPath: input) else {
                throw failure("cannot read \(quoted(input)): no such file or not readable", code: Exit.noInput)
            }
            inputHandle = handle
            let attributes = try? FileManager.default.attributesOfItem(atPath: input)
            if attributes?[.type] as? FileAttributeType == .typeRegular {
                inputSize = (attributes?[.size] as? NSNumber)?.intValue
            }
        }
        let outputSink = try BatchSink(path: output)
        let errorSink = try errors.map { try BatchSink(path: $0) }
        let loaded = try catalog.load()
        let jobs = self.jobs ?? ProcessInfo.processInfo.activeProcessorCount
        let showProgress =
            switch progress {
            case .always: true
            case .never: false
            case .auto: isatty(STDERR_FILENO) != 0
            }
        let runner = BatchRunner(
            aggregator: Aggregator.standard(
                catalog: loaded,
                // Profiles run side by side on the cores; each one's providers run one after another.
                policy: AggregatorPolicy(top: top, concurrentProviders: false)
            ),
            defaults: defaults,
            detail: detail,
            language: lang.value,
            jobs: jobs,
            sourceName: input == "-" ? "<stdin>" : input,
            shard: shard
        )
        let interrupt = Interrupt()
        let language = lang.value
        let summary = try await runner.run(
            reader: LineReader(handle: inputHandle, maximumLineBytes: maxLineBytes, hashing: shard != nil),
            inputSize: inputSize,
            output: outputSink,
            errors: errorSink,
            progress: showProgress ? ProgressBar(total: inputSize) : nil,
            interrupt: interrupt
        ) { summary, reader in
            // A shard's output ends with its trailer, once the whole input has been read.
            guard let shard, !summary.interrupted, let digest = reader.inputDigest else { return nil }
            let trailer = ShardTrailer(
                version: ShardTrailer.currentVersion,
                index: shard.index,
                shards: shard.count,
                input: ShardTrailer.Input(lines: reader.linesRead, bytes: reader.bytesRead, sha256: digest),
                catalog: loaded.hash,
                lines: shard.lines(ofInput: reader.linesRead),
                records: ShardTrailer.Records(ok: summary.ok, failed: summary.failed),
                settings: ShardTrailer.Settings(
                    date: defaults.date,
                    request: defaults.request,
                    detail: detail.rawValue,
                    lang: language.rawValue,
                    top: top
                )
            )
            return try WireJSON.encode(ShardTrailer.Record(shard: trailer), layout: .compact)
        }
        try outputSink.close()
        try errorSink?.close()
        FileHandle.standardError.write(Data((summary.description + "\n").utf8))
        if summary.interrupted { throw ExitCode(130) }
        if summary.failed > 0 && !allowBadLines { throw ExitCode(Exit.dataError) }
    }
}

/// `--out FILE|-` of `batch` and `batch merge`: one option group, so that the value parsed by `batch` (which reads
/// its options before the subcommand's) is the one `batch merge` gets.
struct BatchOutputOption: ParsableArguments {
    @Option(
        name: .customLong("out"),
        help: "Where the results go, one JSON object per line (- for standard output; required)."
    )
    var output: String?
}

/// The request and date a line without its own gets.
struct BatchDefaults: Sendable {
    let request: LoanRequest
    let date: CalendarDate
}

/// One input line: a bare profile, or an envelope with its own request and date.
struct BatchLine: Decodable, Sendable {
    let profile: UserProfile
    let request: LoanRequest?
    let date: CalendarDate?

    enum CodingKeys: String, CodingKey { case profile, request, date }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if container.contains(.profile) {
            profile = try container.decode(UserProfile.self, forKey: .profile)
            request = try container.decodeIfPresent(LoanRequest.self, forKey: .request)
            date = try container.decodeIfPresent(CalendarDate.self, forKey: .date)
            if let date {
                do {
                    _ = try Bounds.check(date)
                } catch {
                    throw DecodingError.dataCorruptedError(
                        forKey: .date,
                        in: container,
                        debugDescription: error.message
                    )
                }
            }
        } else {
            profile = try UserProfile(from: decoder)
            request = nil
            date = nil
        }
    }
}

/// One output record.
struct BatchRecord: Encodable {
    struct Failure: Encodable {
        let message: String
        let path: String?
        let column: Int?
    }

    let line: Int
    let status: String
    let recommendation: RecommendationDocument?
    let summary: RecommendationSummary?
    let error: Failure?
}

/// The headline of a recommendation (`--detail summary`): what a notification to the user needs.
struct RecommendationSummary: Encodable {
    struct Service: Encodable {
        let service: String
        let state: String
        let reasons: [String]
    }

    struct Option: Encodable {
        let provider: String
        let name: String
        let nominalAPR: Decimal
        let monthlyPayment: Money
        let totalCost: Money
        let likelihood: String
        let isEstimate: Bool
        let why: String
    }

    struct Refusal: Encodable {
        let provider: String
        let failed: [String]
    }

    let profile: String
    let date: CalendarDate
    let catalog: CatalogInfo?
    let diagnosis: [Service]
    let alternatives: [Option]
    let ineligible: [Refusal]
    let warnings: [String]
    let recovery: [String]

    init(_ r: Recommendation, _ renderer: Renderer) {
        profile = r.profileID
        date = r.date
        catalog = r.catalog
        diagnosis = r.diagnosis.map {
            Service(service: $0.service.rawValue, state: $0.state.rawValue, reasons: $0.reasons.map(\.code.rawValue))
        }
        alternatives = r.alternatives.map {
            Option(
                provider: $0.details.id.rawValue,
                name: $0.details.nameEN,
                nominalAPR: $0.offer.quote.nominalAPR,
                monthlyPayment: $0.offer.quote.monthlyPayment,
                totalCost: $0.offer.quote.totalCost,
                likelihood: $0.likelihood.rawValue,
                isEstimate: $0.offer.isEstimate,
                why: renderer.render($0.why)
            )
        }
        ineligible = r.ineligible.map {
            Refusal(provider: $0.details.id.rawValue, failed: $0.failed.map(\.rule.rawValue))
        }
        warnings = r.warnings.map { ($0.provider.map { "\($0): " } ?? "") + $0.code.rawValue }
        recovery = r.recovery.steps.map { renderer.render($0.action) }
    }
}

/// Counts of a batch run.
struct BatchSummary: Sendable, CustomStringConvertible {
    var read = 0
    var ok = 0
    var failed = 0
    var interrupted = false
    var seconds = 0.0
    var jobs = 1
    /// The shard evaluated (`--shard`), and the input's line count once read whole.
    var shard: BatchShard?
    var inputLines: Int?

    var description: String {
        let rate = seconds > 0 ? Double(read) / seconds : 0
        var head = interrupted ? "batch: interrupted; " : "batch: "
        if let shard {
            head += "shard \(shard.description)" + (inputLines.map { " of \($0) input lines" } ?? "") + ": "
        }
        return head
            + "\(read) in = \(ok) ok + \(failed) failed; "
            + String(format: "%.1f s, %.1f profiles/s, %d jobs", seconds, rate, jobs)
    }
}

/// SIGINT and SIGTERM set a flag the run checks between lines, instead of ending the process mid-write.
final class Interrupt {
    /// The flag, shared with the signal handlers on a dispatch queue.
    final class Flag: Sendable {
        let value = Atomic<Bool>(false)
    }

    private let flag = Flag()
    private let sources: [any DispatchSourceSignal]

    init() {
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [flag] in flag.value.store(true, ordering: .relaxed) }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    var requested: Bool { flag.value.load(ordering: .relaxed) }

    deinit {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
