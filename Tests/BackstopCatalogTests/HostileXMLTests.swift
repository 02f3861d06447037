import BackstopCatalog
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Every attack document of `Fixtures/hostile/` is refused as its README's table says: through the public catalog
/// API, with the file, line, column and rule named, without opening a file or a socket, quickly, in bounded memory.
///
/// Serialized because each case measures the whole process's resident memory: two cases at once would see each
/// other's documents.
@Suite(.serialized)
struct HostileXMLTests {
    @Test(.timeLimit(.minutes(1)), arguments: HostileFixtures.files)
    func attackDocumentIsRefused(file: String) throws {
        let expectation = try #require(
            try HostileFixtures.expectations()[file],
            "\(file) has no row in Fixtures/hostile/README.md: add the attack and the expected refusal"
        )
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let path = try sandbox.write(fixture: file)

        let before = try MemoryUse.now()
        let clock = ContinuousClock()
        let start = clock.now
        let outcome = Result { () throws(CatalogError) -> Catalog in
            try CatalogLoader().load(directory: sandbox.catalog.path, schemaPath: Paths.schema)
        }
        let elapsed = clock.now - start
        let grown = try MemoryUse.now().growth(since: before)

        #expect(elapsed < .seconds(2), "\(file) took \(elapsed)")
        #expect(grown < 200 << 20, "\(file) grew the process by \(grown >> 20) MB")
        #expect(sandbox.listener.connectionAttempts() == 0, "the loader connected to the loopback listener")
        #expect(sandbox.fifoWasNeverOpened(), "something opened the FIFO")

        let inMemory = CatalogLoader().check(
            data: try Data(contentsOf: URL(fileURLWithPath: path)),
            file: path,
            schema: try .shipped()
        )
        guard let rule = expectation.rule else {
            if case .failure(let error) = outcome { Issue.record("\(file) should load: \(error)") }
            #expect(inMemory.provider != nil && inMemory.issues.isEmpty, "\(inMemory.issues)")
            return
        }
        guard case .failure(let error) = outcome else {
            Issue.record("\(file) was accepted: \(expectation.attack)")
            return
        }
        let issue = try #require(error.issues.first)
        #expect(error.issues.allSatisfy { $0.file == path }, "\(error.issues)")
        #expect(issue.rule == rule, "\(issue)")
        #expect(issue.line == expectation.line, "\(issue)")
        #expect(issue.column == expectation.column, "\(issue)")
        #expect(issue.message.contains(expectation.message), "\(issue)")
        var place = path
        if let line = expectation.line {
            place += ":\(line)"
            if let column = expectation.column { place += ":\(column)" }
        }
        #expect(issue.description.hasPrefix("\(place): [\(rule.rawValue)] "), "\(issue)")
        #expect(error.description.contains(issue.description))
        // Straight to the parser, without the directory's size check first: the same refusal.
        #expect(inMemory.provider == nil)
        #expect(inMemory.issues.first == issue, "\(inMemory.issues)")
    }

    @Test func everyFileHasARowAndEveryRowAFile() throws {
        let rows = Set(try HostileFixtures.expectations().keys)
        let files = Set(HostileFixtures.files)
        #expect(files.count >= 30, "\(files.count) attack documents listed")
        #expect(files.subtracting(rows).isEmpty, "files without a row in README.md: \(files.subtracting(rows))")
        #expect(rows.subtracting(files).isEmpty, "rows without a file: \(rows.subtracting(files))")
    }
}

/// The attack documents and their README table.
enum HostileFixtures {
    /// The directory, or nil when the test bundle has no fixtures (then `everyFileHasARowAndEveryRowAFile` fails).
    static let directory: URL? = Bundle.module.url(forResource: "Fixtures", withExtension: nil)?
        .appendingPathComponent("hostile")

    /// Every file of the directory but README.md, sorted: one test case each.
    static let files: [String] = {
        guard let directory, let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else {
            return []
        }
        return names.filter { $0 != "README.md" }.sorted()
    }()

    /// One row of the README's table: what a file attacks and how it must be refused (`rule` nil: accepted).
    struct Expectation {
        let attack: String
        let rule: CatalogIssue.Rule?
        let line: Int?
        let column: Int?
        let message: String
    }

    /// The README's table, by file name.
    static func expectations() throws -> [String: Expectation] {
        let readme = try String(
            contentsOf: try #require(directory).appendingPathComponent("README.md"),
            encoding: .utf8
        )
        var rows: [String: Expectation] = [:]
        for line in readme.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast().map {
                $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            }
            guard cells.count == 6, cells[0].contains(".xml") else { continue }
            var rule: CatalogIssue.Rule?
            if cells[2] != "accepted" {
                rule = try #require(
                    CatalogIssue.Rule(rawValue: cells[2]) as CatalogIssue.Rule?,
                    "unknown rule in \(line)"
                )
            }
            rows[cells[0]] = Expectation(
                attack: cells[1],
                rule: rule,
                line: Int(cells[3]),
                column: Int(cells[4]),
                message: cells[5] == "—" ? "" : cells[5]
            )
        }
        return rows
    }
}

/// A temporary directory holding a one-file catalog, a FIFO and a loopback listener to watch.
struct Sandbox {
    let root: URL
    let catalog: URL
    let fifo: String
    let listener: LoopbackListener

    init() throws {
        root = try Paths.temporaryDirectory()
        catalog = root.appendingPathComponent("catalog")
        try FileManager.default.createDirectory(at: catalog, withIntermediateDirectories: true)
        fifo = root.appendingPathComponent("secret").path
        guard mkfifo(fifo, 0o600) == 0 else { throw POSIXError(.EEXIST) }
        listener = try LoopbackListener()
    }

    /// Writes a fixture into the catalog as `<name>.xml`, filling in a template's placeholders (see README.md).
    /// - Returns: the path written.
    func write(fixture file: String) throws -> String {
        let source = try #require(HostileFixtures.directory).appendingPathComponent(file)
        let name = file.hasSuffix(".template") ? String(file.dropLast(".template".count)) : file
        let target = catalog.appendingPathComponent(name)
        guard file.hasSuffix(".template") else {
            try FileManager.default.copyItem(at: source, to: target)
            return target.path
        }
        let template = try String(contentsOf: source, encoding: .utf8)
            .replacingOccurrences(of: "@PORT@", with: "\(listener.port)")
            .replacingOccurrences(of: "@FIFO@", with: fifo)
        guard FileManager.default.createFile(atPath: target.path, contents: nil) else { throw POSIXError(.EACCES) }
        let handle = try FileHandle(forWritingTo: target)
        defer { try? handle.close() }
        var rest = Substring(template)
        while let marker = rest.range(of: "@REPEAT:") {
            try handle.write(contentsOf: Data(rest[..<marker.lowerBound].utf8))
            let spec = rest[marker.upperBound...]
            let colon = try #require(spec.firstIndex(of: ":"), "\(file): @REPEAT:<count>:<text>@")
            let count = try #require(Int(spec[..<colon]), "\(file): @REPEAT:<count>:<text>@")
            let end = try #require(spec[colon...].firstIndex(of: "@"), "\(file): @REPEAT:<count>:<text>@")
            try Self.repeatText(Data(spec[spec.index(after: colon)..<end].utf8), count: count, into: handle)
            rest = spec[spec.index(after: end)...]
        }
        try handle.write(contentsOf: Data(rest.utf8))
        return target.path
    }

    /// Writes `unit` `count` times in chunks of about 1 MiB, so a 50 MiB document never sits in memory.
    private static func repeatText(_ unit: Data, count: Int, into handle: FileHandle) throws {
        let perChunk = max(1, (1 << 20) / max(1, unit.count))
        var chunk = Data(capacity: perChunk * unit.count)
        for _ in 0..<min(perChunk, count) { chunk.append(unit) }
        var remaining = count
        while remaining > 0 {
            let units = min(perChunk, remaining)
            try handle.write(contentsOf: chunk.prefix(units * unit.count))
            remaining -= units
        }
    }

    /// Whether no process holds the FIFO open for reading. Opening a FIFO to read blocks until a writer comes, so a
    /// loader that tried would still be stuck; a non-blocking open for writing fails with ENXIO when no reader holds
    /// it.
    func fifoWasNeverOpened() -> Bool {
        let writer = open(fifo, O_WRONLY | O_NONBLOCK)
        let noReader = writer == -1 && errno == ENXIO
        if writer >= 0 { Glibc.close(writer) }
        return noReader
    }

    func remove() {
        listener.close()
        try? FileManager.default.removeItem(at: root)
    }
}

/// The process's resident memory now and at its peak, from `/proc/self/status`, in bytes.
struct MemoryUse {
    let resident: Int
    let peak: Int

    static func now() throws -> MemoryUse {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        func kilobytes(_ field: String) throws -> Int {
            let line = try #require(status.split(separator: "\n").first { $0.hasPrefix(field + ":") })
            return try #require(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]))
        }
        return MemoryUse(resident: try kilobytes("VmRSS") * 1024, peak: try kilobytes("VmHWM") * 1024)
    }

    /// How much more memory the process held at most since `before`: when the peak rose meanwhile, the new peak
    /// over the resident memory then; otherwise the growth of the resident memory (a lower bound).
    func growth(since before: MemoryUse) -> Int {
        peak > before.peak ? peak - before.resident : max(0, resident - before.resident)
    }
}

/// A TCP listener on 127.0.0.1 (an ephemeral port) that counts connection attempts without serving them.
final class LoopbackListener {
    let descriptor: Int32
    let port: UInt16

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard fd >= 0, bound == 0, listen(fd, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        descriptor = fd
        port = UInt16(bigEndian: address.sin_port)
    }

    /// Accepts (and closes) every pending connection, returning how many there were.
    func connectionAttempts() -> Int {
        var count = 0
        while true {
            let client = accept(descriptor, nil, nil)
            if client < 0 { break }
            Glibc.close(client)
            count += 1
        }
        return count
    }

    func close() { Glibc.close(descriptor) }
}
