import ArgumentParser
import Backstop
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `backstop batch merge`: the outputs of `batch --shard K/N` put back in input order, checked first.
struct BatchMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the outputs of `batch --shard K/N` back into input order, checking every line is there once.",
        discussion: """
            Reads each shard file's trailer first and refuses (exit 65, saying why) shards of different inputs, \
            catalogs, shard counts or settings, and a file without a trailer (a shard that did not finish). Then \
            checks that the records hold every input line exactly once and refuses, naming the missing and the \
            duplicated lines, when they do not. Only then writes the records in input order, byte for byte what \
            one unsharded run writes (no trailer). A file --out is replaced whole at the end, never left half \
            written. Exit status: 0 merged (the summary counts the failed lines' error records), 65 refused, 66 a \
            shard file cannot be read, 73 --out cannot be created.

            Example:
              backstop batch merge shard-0.jsonl shard-1.jsonl shard-2.jsonl --out results.jsonl
            """
    )

    @Argument(help: ArgumentHelp("The shard files (the --out of each `batch --shard K/N`).", valueName: "shard-file"))
    var shards: [String]

    @OptionGroup var out: BatchOutputOption

    /// The options of `batch` itself, which `batch merge` does not take.
    @ParentCommand var batch: BatchCommand

    func validate() throws {
        if shards.isEmpty { throw ValidationError("give the shard files to merge") }
        guard let output = out.output else { throw ValidationError("Missing expected argument '--out <out>'") }
        if output != "-" && shards.contains(output) {
            throw ValidationError("--out must not be one of the shard files")
        }
        if batch.input != nil || batch.shard != nil || batch.shardFromEnv != nil {
            throw ValidationError("batch merge takes the shard files and --out only (--in and --shard are for batch)")
        }
    }

    func run() throws {
        var refusals: [String] = []
        var files: [ShardFile] = []
        for path in shards {
            switch try ShardFile.open(path) {
            case .success(let file): files.append(file)
            case .failure(let refusal): refusals.append(refusal.message)
            }
        }
        if refusals.isEmpty { refusals = Self.mismatches(files) }
        if refusals.isEmpty { refusals = try Self.coverageProblems(files) }
        guard refusals.isEmpty else {
            let total = files.first.map { " (\($0.trailer.input.lines) input lines)" } ?? ""
            throw failure(
                "batch merge: refused\(total):\n" + refusals.map { "  " + $0 }.joined(separator: "\n"),
                code: Exit.dataError
            )
        }
        let ordered = files.sorted { $0.trailer.index < $1.trailer.index }
        try Self.write(ordered, to: out.output ?? "-")
        let ok = files.reduce(0) { $0 + $1.trailer.records.ok }
        let failed = files.reduce(0) { $0 + $1.trailer.records.failed }
        let trailer = files[0].trailer
        let summary =
            "batch merge: \(files.count) shards, \(trailer.input.lines) lines = \(ok) ok + \(failed) failed; "
            + "input sha256 \(trailer.input.sha256), catalog \(trailer.catalog)\n"
        FileHandle.standardError.write(Data(summary.utf8))
    }

    /// Why shards cannot belong together: a different input, catalog, shard count or settings than the first file.
    static func mismatches(_ files: [ShardFile]) -> [String] {
        guard let first = files.first else { return [] }
        var reasons: [String] = []
        for file in files.dropFirst() {
            let a = first.trailer
            let b = file.trailer
            let pair = "\(quoted(first.path)) and \(quoted(file.path))"
            if a.input != b.input {
                reasons.append(
                    "\(pair) are shards of different inputs: \(describe(a.input)) against \(describe(b.input))"
                )
            }
            if a.catalog != b.catalog {
                reasons.append("\(pair) were evaluated with different catalogs: \(a.catalog) against \(b.catalog)")
            }
            if a.shards != b.shards {
                reasons.append(
                    "\(pair) split the input differently: shard \(a.index)/\(a.shards) against \(b.index)/\(b.shards)"
                )
            }
            for (name, left, right) in settingsDifferences(a.settings, b.settings) {
                reasons.append("\(pair) were evaluated with different settings: \(name) \(left) against \(right)")
            }
        }
        return reasons
    }

    static func describe(_ input: ShardTrailer.Input) -> String {
        "\(input.lines) lines, \(input.bytes) bytes, sha256 \(input.sha256)"
    }

    /// The settings that differ: (option, first value, second value).
    static func settingsDifferences(
        _ a: ShardTrailer.Settings,
        _ b: ShardTrailer.Settings
    ) -> [(String, String, String)] {
        var differences: [(String, String, String)] = []
        if a.date != b.date { differences.append(("--date", a.date.description, b.date.description)) }
        if a.request != b.request {
            let left = (try? WireJSON.string(a.request, layout: .compact)) ?? "?"
            let right = (try? WireJSON.string(b.request, layout: .compact)) ?? "?"
            differences.append(("the default request", left, right))
        }
        if a.detail != b.detail { differences.append(("--detail", a.detail, b.detail)) }
        if a.lang != b.lang { differences.append(("--lang", a.lang, b.lang)) }
        if a.top != b.top {
            differences.append(("--top", a.top.map(String.init) ?? "(none)", b.top.map(String.init) ?? "(none)"))
        }
        return differences
    }

    /// What keeps the shards (all of one input, catalog and count) from holding every line exactly once: shards
    /// with no file or with several, and in each file the lines missing, repeated, foreign or out of order.
    static func coverageProblems(_ files: [ShardFile]) throws -> [String] {
        guard let reference = files.first?.trailer else { return [] }
        let count = reference.shards
        let total = reference.input.lines
        var problems: [String] = []
        var byIndex: [Int: [ShardFile]] = [:]
        for file in files { byIndex[file.trailer.index, default: []].append(file) }
        var missing = LineRuns(step: count)
        var missingShards: [Int] = []
        for index in 0..<count where byIndex[index] == nil {
            let lines = BatchShard(index: index, count: count).lines(ofInput: total)
            if let first = lines.first { missing.add(first, count: lines.count) }
            missingShards.append(index)
        }
        if !missingShards.isEmpty {
            let names = missingShards.prefix(8).map { "\($0)/\(count)" }.joined(separator: ", ")
            let more = missingShards.count > 8 ? " and \(missingShards.count - 8) more" : ""
            problems.append(
                "missing lines \(missing.isEmpty ? "(none: those shards are empty)" : missing.description()): "
                    + "no file for shard \(names)\(more)"
            )
        }
        for index in byIndex.keys.sorted() {
            guard let sharing = byIndex[index], sharing.count > 1 else { continue }
            let lines = BatchShard(index: index, count: count).lines(ofInput: total)
            var duplicated = LineRuns(step: count)
            if let first = lines.first { duplicated.add(first, count: lines.count) }
            problems.append(
                "duplicated lines \(duplicated.isEmpty ? "(none: the shard is empty)" : duplicated.description()): "
                    + "shard \(index)/\(count) is in "
                    + sharing.map { quoted($0.path) }.joined(separator: " and ")
            )
        }
        for file in files {
            problems += try file.recordProblems()
        }
        return problems
    }

    /// Writes every record in input order: line i from the shard (i - 1) mod N. `files` are the N shards, in order.
    static func write(_ files: [ShardFile], to path: String) throws {
        guard let total = files.first?.trailer.input.lines else { return }
        try OpenFileLimit.raise(toAtLeast: files.count + 16)
        var readers = try files.map { try $0.recordReader() }
        let sink = try AtomicSink(path: path)
        do {
            for line in stride(from: 1, through: total, by: 1) {
                let index = (line - 1) % files.count
                guard let record = try readers[index].next(), case .text(let data) = record.content,
                    ShardFile.lineNumber(of: data) == line
                else {
                    throw failure(
                        "batch merge: \(quoted(files[index].path)) changed while it was merged (line \(line))",
                        code: Exit.dataError
                    )
                }
                try sink.write(line: data)
            }
            try sink.commit()
        } catch {
            sink.abandon()
            throw error
        }
    }
}

/// One shard file: its path and its trailer.
struct ShardFile {
    let path: String
    let trailer: ShardTrailer
    /// Where the trailer line starts: the records are the bytes before it.
    let recordBytes: Int

    struct Refusal: Error {
        let message: String
    }

    /// The longest record line read (as `batch --max-line-bytes` allows at most 256 MiB of input, a record is
    /// smaller than this in practice).
    static let maximumRecordBytes = 1 << 30
    /// The longest trailer read.
    static let maximumTrailerBytes = 64 * 1024

    /// Opens `path` and reads its trailer.
    /// - Throws: exit 66 when the file cannot be read.
    /// - Returns: the file, or why it is no shard file (no trailer: not `batch --shard` output, or a run that did
    ///   not finish).
    static func open(_ path: String) throws -> Result<ShardFile, Refusal> {
        let descriptor = openForReading(path)
        guard descriptor >= 0 else {
            throw failure("cannot read \(quoted(path)): \(String(cString: strerror(errno)))", code: Exit.noInput)
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            throw failure("cannot read \(quoted(path)): not a regular file", code: Exit.noInput)
        }
        let size = Int(status.st_size)
        let tailSize = min(size, maximumTrailerBytes + 1)
        var tail = [UInt8](repeating: 0, count: tailSize)
        let read = tail.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, tailSize, off_t(size - tailSize)) }
        guard read == tailSize else {
            throw failure("cannot read \(quoted(path)): \(String(cString: strerror(errno)))", code: Exit.noInput)
        }
        let unfinished = Refusal(
            message: "\(quoted(path)) does not end with a shard trailer: it is not the output of `batch --shard`, "
                + "or that run did not finish (interrupted or failed); run the shard again"
        )
        guard tail.last == UInt8(ascii: "\n") else { return .failure(unfinished) }
        let body = tail.dropLast()
        let start = (body.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 }) ?? body.startIndex
        guard start > body.startIndex || tailSize == size else { return .failure(unfinished) }
        let line = Data(body[start...])
        guard line.starts(with: ShardTrailer.prefix) else { return .failure(unfinished) }
        let record: ShardTrailer.Record
        do {
            record = try JSONDecoder().decode(ShardTrailer.Record.self, from: line)
        } catch {
            return .failure(Refusal(message: "\(quoted(path)): its shard trailer cannot be read: \(error)"))
        }
        let trailer = record.shard
        guard trailer.version == ShardTrailer.currentVersion else {
            return .failure(
                Refusal(
                    message: "\(quoted(path)): shard trailer version \(trailer.version); this backstop reads "
                        + "version \(ShardTrailer.currentVersion)"
                )
            )
        }
        guard (1...BatchShard.maximumCount).contains(trailer.shards), (0..<trailer.shards).contains(trailer.index),
            BatchShard(index: trailer.index, count: trailer.shards).lines(ofInput: trailer.input.lines)
                == trailer.lines,
            trailer.records.ok + trailer.records.failed == trailer.lines.count
        else {
            return .failure(Refusal(message: "\(quoted(path)): its shard trailer does not add up (edited?)"))
        }
        return .success(ShardFile(path: path, trailer: trailer, recordBytes: size - (tailSize - start)))
    }

    /// A reader of the records (the trailer excluded), for one pass.
    func recordReader() throws -> RecordReader {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw failure("cannot read \(quoted(path)): no such file or not readable", code: Exit.noInput)
        }
        return RecordReader(
            reader: LineReader(handle: handle, maximumLineBytes: Self.maximumRecordBytes, chunkBytes: 64 * 1024),
            remaining: recordBytes
        )
    }

    /// Reads this file's records once and says what is wrong with them: lines of its shard that are missing or
    /// repeated, lines of other shards or beyond the input, records out of order or unreadable.
    func recordProblems() throws -> [String] {
        let shard = BatchShard(index: trailer.index, count: trailer.shards)
        let total = trailer.input.lines
        let name = "\(quoted(path)) (shard \(shard.description))"
        var missing = LineRuns(step: shard.count)
        var duplicated = LineRuns(step: shard.count)
        var problems: [String] = []
        var foreign: [Int] = []
        var expected = shard.index + 1
        var previous = 0
        var reader = try recordReader()
        var recordNumber = 0
        while let record = try reader.next() {
            recordNumber += 1
            guard case .text(let data) = record.content, let line = Self.lineNumber(of: data) else {
                problems.append("\(name): record \(recordNumber) is not a batch result record")
                return problems
            }
            if line < previous {
                problems.append("\(name): line \(line) comes after line \(previous): not in input order")
                return problems
            }
            if line == previous {
                duplicated.add(line)
                continue
            }
            previous = line
            if line < 1 || line > total || !shard.holds(line: line) {
                foreign.append(line)
                continue
            }
            if line > expected { missing.add(expected, count: (line - expected) / shard.count) }
            expected = line + shard.count
        }
        if expected <= total { missing.add(expected, count: (total - expected) / shard.count + 1) }
        if !missing.isEmpty { problems.append("missing lines \(missing.description()): \(name) lacks them") }
        if !duplicated.isEmpty { problems.append("duplicated lines \(duplicated.description()): twice in \(name)") }
        if !foreign.isEmpty {
            let shown = foreign.prefix(8).map(String.init).joined(separator: ", ")
            let more = foreign.count > 8 ? " and \(foreign.count - 8) more" : ""
            problems.append("\(name) holds lines that are not its own: \(shown)\(more)")
        }
        return problems
    }

    /// The value of a result record's top-level `"line"` member, read without decoding the record (which may be
    /// hundreds of kilobytes): members before it are skipped by their brackets and strings.
    static func lineNumber(of record: Data) -> Int? {
        record.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> Int? in
            var scanner = TopLevelScanner(bytes: bytes)
            return scanner.integerMember("line")
        }
    }
}

/// Reads the records of a shard file: its lines up to the trailer.
struct RecordReader {
    var reader: LineReader
    /// Record bytes not yet returned (the trailer starts where this reaches 0).
    var remaining: Int

    mutating func next() throws -> LineReader.Line? {
        guard remaining > 0, let line = try reader.next() else { return nil }
        switch line.content {
        case .text(let data): remaining -= data.count + 1
        case .tooLong(let bytes): remaining -= bytes + 1
        }
        return line
    }
}

/// A minimal reader of one JSON object's top-level members, for ``ShardFile/lineNumber(of:)``.
struct TopLevelScanner {
    let bytes: UnsafeRawBufferPointer
    var position = 0

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    mutating func integerMember(_ name: String) -> Int? {
        let key = Array(name.utf8)
        skipSpace()
        guard take(UInt8(ascii: "{")) else { return nil }
        while true {
            skipSpace()
            guard let keyRange = string() else { return nil }
            skipSpace()
            guard take(UInt8(ascii: ":")) else { return nil }
            skipSpace()
            if bytes[keyRange].elementsEqual(key) { return integer() }
            guard skipValue() else { return nil }
            skipSpace()
            guard take(UInt8(ascii: ",")) else { return nil }
        }
    }

    mutating func skipSpace() {
        while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
    }

    mutating func take(_ byte: UInt8) -> Bool {
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    /// A string at `position`: the range of its content (escapes left as they are).
    mutating func string() -> Range<Int>? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = position
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "\\"): position += 2
            case UInt8(ascii: "\""):
                position += 1
                return start..<(position - 1)
            default: position += 1
            }
        }
        return nil
    }

    mutating func integer() -> Int? {
        var value = 0
        var digits = 0
        while position < bytes.count, (0x30...0x39).contains(bytes[position]), digits < 18 {
            value = value * 10 + Int(bytes[position] - 0x30)
            digits += 1
            position += 1
        }
        return digits > 0 ? value : nil
    }

    /// Skips one value of any kind; false when the text ends first.
    mutating func skipValue() -> Bool {
        var depth = 0
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "\""):
                guard string() != nil else { return false }
                if depth == 0 { return true }
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth == 0 { return true }
                depth -= 1
                if depth == 0 {
                    position += 1
                    return true
                }
            case UInt8(ascii: ","):
                if depth == 0 { return true }
            default: break
            }
            position += 1
        }
        return false
    }
}

/// The merged output: written into a temporary file beside `path` and renamed over it at the end, so a refused or
/// failed merge leaves no half file; standard output (`-`) and an existing device or FIFO are written in place.
final class AtomicSink {
    let path: String
    private let sink: BatchSink
    private let temporary: String?

    init(path: String) throws {
        self.path = path
        var status = stat()
        if path == "-" || (stat(path, &status) == 0 && status.st_mode & S_IFMT != S_IFREG) {
            temporary = nil
            sink = try BatchSink(path: path)
        } else {
            let slash = path.lastIndex(of: "/")
            let directory = slash.map { String(path[...$0]) } ?? ""
            let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
            let temporary = directory + ".\(name).\(getpid()).\(UInt32.random(in: .min ... .max)).tmp"
            do {
                sink = try BatchSink(path: temporary)
            } catch {
                throw failure(
                    "cannot write \(quoted(path)): cannot create a file in \(directory.isEmpty ? "./" : directory)",
                    code: Exit.cantCreate
                )
            }
            self.temporary = temporary
        }
    }

    func write(line: Data) throws { try sink.write(line: line) }

    func commit() throws {
        try sink.close()
        guard let temporary else { return }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw failure("cannot write \(quoted(path)): cannot replace it: \(reason)", code: Exit.cantCreate)
        }
    }

    func abandon() {
        try? sink.close()
        if let temporary { unlink(temporary) }
    }
}

/// The process's limit on open files.
enum OpenFileLimit {
    /// Raises the soft limit to `needed` (at most the hard limit) when it is lower.
    /// - Throws: exit 1 when the hard limit is below `needed`, saying how to raise it.
    static func raise(toAtLeast needed: Int) throws {
        var limit = rlimit()
        guard getrlimit(resourceLimitOpenFiles, &limit) == 0, limit.rlim_cur < rlim_t(needed) else { return }
        if limit.rlim_max >= rlim_t(needed) {
            limit.rlim_cur = rlim_t(needed)
            if setrlimit(resourceLimitOpenFiles, &limit) == 0 { return }
        }
        throw failure(
            "batch merge needs \(needed) open files at once (one per shard) and this process may open only "
                + "\(limit.rlim_max): raise the limit (ulimit -n) or use fewer shards",
            code: 1
        )
    }
}

#if canImport(Glibc)
private let resourceLimitOpenFiles = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
#else
private let resourceLimitOpenFiles = RLIMIT_NOFILE
#endif

/// `open(path, O_RDONLY | O_CLOEXEC)` (``ShardFile/open(_:)`` hides the C function's name).
private func openForReading(_ path: String) -> Int32 {
    open(path, O_RDONLY | O_CLOEXEC)
}
