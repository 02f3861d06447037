import BackstopCatalog
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Every attack document of `Fixtures/hostile/` is refused as its README's table says: through the public catalog
/// API, with the file, line, column and rule named, without opening a file or a socket, and a document over the
/// loader's size budget by that budget, before it is read. (Time and memory are not asserted here, where they depend
/// on the machine and on the tests running beside: `Benchmarks/catalog/hostile.sh` measures each document's load in
/// a process of its own. The time limit below only stops a hang, such as a blocked read of the FIFO.)
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

        let loader = CatalogLoader()
        let outcome = Result { () throws(CatalogError) -> Catalog in
            try loader.load(directory: sandbox.catalog.path, schemaPath: Paths.schema)
        }

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
        // The size budget: a document over it is refused by it alone, with no place (it was never read).
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber).intValue
        if size > loader.limits.maxBytes {
            let refusal = "file is \(size) bytes, over the \(loader.limits.maxBytes)-byte limit"
            let budget = CatalogIssue(file: path, line: nil, column: nil, rule: .security, message: refusal)
            #expect(error.issues == [budget])
        }
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

/// The budgets the loader enforces on untrusted XML (`XMLLimits`), at their edges: a document of exactly the byte
/// budget is read and one byte less refuses it; a document nested exactly as deep as the depth budget parses and one
/// level less refuses it. Each refusal names the rule and the figures, through the directory load and the in-memory
/// check alike.
struct XMLBudgetTests {
    static let valid = "valid/wechat-weilidai.xml"

    @Test func theDefaultsAreTheOnesTheHostileTableQuotes() {
        // Fixtures/hostile/README.md: "over the 1048576-byte limit", "over the limit of 16".
        #expect(XMLLimits() == XMLLimits(maxBytes: 1_048_576, maxDepth: 16))
        #expect(CatalogLoader().limits == XMLLimits())
    }

    @Test func theSizeBudgetIsEnforcedToTheByte() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: try Paths.fixture(Self.valid)))
        let (directory, path) = try Self.catalog(holding: data)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let schema = try ProviderSchema.shipped()

        let within = CatalogLoader(limits: XMLLimits(maxBytes: data.count))
        #expect(throws: Never.self) { try within.load(directory: directory, schemaPath: Paths.schema) }
        #expect(within.check(data: data, file: path, schema: schema).issues.isEmpty)

        let over = CatalogLoader(limits: XMLLimits(maxBytes: data.count - 1))
        let refusal = CatalogIssue(
            file: path,
            line: nil,
            column: nil,
            rule: .security,
            message: "file is \(data.count) bytes, over the \(data.count - 1)-byte limit"
        )
        let error = #expect(throws: CatalogError.self) {
            try over.load(directory: directory, schemaPath: Paths.schema)
        }
        #expect(error?.issues == [refusal])
        #expect(over.check(data: data, file: path, schema: schema).issues == [refusal])
    }

    @Test func theDepthBudgetIsEnforcedToTheLevel() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: try Paths.fixture(Self.valid)))
        let (directory, path) = try Self.catalog(holding: data)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let schema = try ProviderSchema.shipped()
        let (depth, line) = try #require(Self.deepest(String(decoding: data, as: UTF8.self)))
        #expect(depth >= 3, "the provider schema nests elements")

        let within = CatalogLoader(limits: XMLLimits(maxDepth: depth))
        #expect(throws: Never.self) { try within.load(directory: directory, schemaPath: Paths.schema) }
        #expect(within.check(data: data, file: path, schema: schema).issues.isEmpty)

        let over = CatalogLoader(limits: XMLLimits(maxDepth: depth - 1))
        let error = #expect(throws: CatalogError.self) {
            try over.load(directory: directory, schemaPath: Paths.schema)
        }
        let issue = try #require(error?.issues.first)
        #expect(error?.issues.count == 1)
        #expect(issue.rule == .security && issue.file == path && issue.line == line, "\(issue)")
        #expect(issue.message.contains("elements are nested \(depth) deep, over the limit of \(depth - 1)"), "\(issue)")
        #expect(over.check(data: data, file: path, schema: schema).issues == [issue])
    }

    /// A catalog directory holding `data` as its one provider file, named as the fixture (after the provider's id).
    static func catalog(holding data: Data) throws -> (directory: String, file: String) {
        let directory = try Paths.temporaryDirectory()
        let file = directory.appendingPathComponent((Self.valid as NSString).lastPathComponent)
        try data.write(to: file)
        return (directory.path, file.path)
    }

    /// The deepest element nesting of a plain document (elements, comments and the XML declaration only) and the
    /// line of the first element that reaches it.
    static func deepest(_ text: String) -> (depth: Int, line: Int)? {
        var depth = 0
        var deepest: (depth: Int, line: Int)?
        var line = 1
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "<") {
            line += rest[..<open].filter { $0 == "\n" }.count
            let tag = rest[open...]
            guard let close = tag.firstIndex(of: ">") else { return nil }
            if tag.hasPrefix("</") {
                depth -= 1
            } else if !tag.hasPrefix("<?") && !tag.hasPrefix("<!") {
                depth += 1
                if depth > (deepest?.depth ?? 0) { deepest = (depth, line) }
                if tag[..<close].hasSuffix("/") { depth -= 1 }
            }
            line += tag[..<close].filter { $0 == "\n" }.count
            rest = tag[tag.index(after: close)...]
        }
        return deepest
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
