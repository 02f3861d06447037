public import BackstopCore
import Crypto
import Dispatch
public import Foundation

/// The provider schema, compiled once and shareable between threads and loads.
///
/// A document is validated against the schema of its root element's namespace: `provider-2.xsd` (format version
/// 2, `urn:backstop:provider:2`) when the schema directory holds it next to the version-1 schema, else the schema
/// given, which then refuses a namespace it does not know.
public struct ProviderSchema: Sendable {
    let compiled: CompiledSchema
    /// Schemas of other format versions, by namespace (version 2 when found next to the given schema).
    let alternatives: [String: CompiledSchema]
    /// SHA-256 of the XSD's bytes (of both versions' when version 2 is loaded too), part of every catalog hash.
    public let digest: String
    public let path: String
    /// The version-2 schema's path, when loaded.
    public let version2Path: String?

    /// Reads and compiles an XSD file with the same hostile-input-safe parser as the catalog, and the version-2
    /// schema `provider-2.xsd` in the same directory when there is one (and `path` is not it).
    /// - Throws: ``CatalogError`` when a file cannot be read, parsed or compiled.
    public init(contentsOf path: String, limits: XMLLimits = XMLLimits()) throws(CatalogError) {
        let data = try Self.read(path)
        compiled = try CompiledSchema(data: data, file: path, limits: limits)
        self.path = path
        let sibling = ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(
            "provider-2.xsd"
        )
        if (path as NSString).lastPathComponent != "provider-2.xsd",
            FileManager.default.fileExists(atPath: sibling)
        {
            let second = try Self.read(sibling)
            alternatives = ["urn:backstop:provider:2": try CompiledSchema(data: second, file: sibling, limits: limits)]
            digest =
                SHA256.hash(data: Data((SHA256.hash(data: data).hexString + SHA256.hash(data: second).hexString).utf8))
                .hexString
            version2Path = sibling
        } else {
            alternatives = [:]
            digest = SHA256.hash(data: data).hexString
            version2Path = nil
        }
    }

    private static func read(_ path: String) throws(CatalogError) -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CatalogError(issues: [
                CatalogIssue(file: path, line: nil, column: nil, rule: .io, message: "cannot read the provider schema")
            ])
        }
        return data
    }
}

/// An immutable snapshot of a provider catalog, identified by the hash of its contents.
public struct Catalog: Sendable, Hashable {
    /// Providers sorted by id.
    public let providers: [ProviderDescription]
    /// `sha256:` and the hex SHA-256 of the schema and every file (name and bytes, in name order).
    public let hash: String
    /// The directory it was loaded from.
    public let directory: String
    /// The legal caps from `caps/legal-caps.json` (empty when the catalog has none).
    public let caps: LegalCapTable

    /// Whether the catalog carries legal caps. Without them no offer is held to the caps on the all-in cost of
    /// credit: front ends should say so loudly (readiness, a warning on every answer).
    public var hasLegalCaps: Bool { !caps.caps.isEmpty }

    /// How many legal caps the catalog carries (0: none).
    public var legalCapCount: Int { caps.caps.count }

    public init(providers: [ProviderDescription], hash: String, directory: String, caps: LegalCapTable = .none) {
        self.providers = providers.sorted { $0.id < $1.id }
        self.hash = hash
        self.directory = directory
        self.caps = caps
    }

    public var count: Int { providers.count }

    /// The provider with this id, or nil.
    public func provider(_ id: ProviderID) -> ProviderDescription? { providers.first { $0.id == id } }
}

/// The outcome of checking one file: its provider, or every issue found in it.
public struct FileCheck: Sendable, Hashable {
    public let file: String
    public let provider: ProviderDescription?
    public let issues: [CatalogIssue]
}

/// Loads provider XML: hostile-input safe, XSD-validated, semantically checked. Stateless and `Sendable`: a loader
/// can load several catalogs at once from several threads.
///
/// **Legal caps.** The caps file `caps/legal-caps.json` is part of the catalog's all-or-nothing load. A catalog
/// directory that has a `caps` entry must hold, as `caps/legal-caps.json`, a readable regular file of at most
/// ``maxCapsBytes`` bytes listing at least one valid cap; anything else (missing, unreadable, a FIFO or a directory,
/// too large, invalid, empty) refuses the load, so a server keeps its serving catalog. A catalog directory without a
/// `caps` entry loads without caps (``Catalog/hasLegalCaps`` is false), unless ``requiresLegalCaps`` is set: then it
/// is refused too (a server reloading a catalog that had caps should set it).
///
/// **Issues.** A load reports at most ``maxReportedIssues`` issues, then one more saying how many were left out; each
/// file reports at most 50 of libxml2's errors, each cut to 300 characters.
public struct CatalogLoader: Sendable {
    public var limits: XMLLimits
    /// The most files a catalog directory may hold.
    public var maxFiles: Int
    /// How many files are loaded at once (nil: one per core).
    public var workers: Int?
    /// Whether a catalog without a `caps` entry is refused (by default it loads without caps).
    public var requiresLegalCaps: Bool
    /// Largest caps file accepted, in bytes (default 1 MiB; the shipped one is a few KiB).
    public var maxCapsBytes: Int
    /// Most issues a refused load lists (default 100); the rest are counted in one more issue.
    public var maxReportedIssues: Int

    public init(
        limits: XMLLimits = XMLLimits(),
        maxFiles: Int = 100_000,
        workers: Int? = nil,
        requiresLegalCaps: Bool = false,
        maxCapsBytes: Int = 1 << 20,
        maxReportedIssues: Int = 100
    ) {
        self.limits = limits
        self.maxFiles = maxFiles
        self.workers = workers
        self.requiresLegalCaps = requiresLegalCaps
        self.maxCapsBytes = maxCapsBytes
        self.maxReportedIssues = maxReportedIssues
    }

    /// The schema path used when none is given: `schema/provider-1.xsd` inside the catalog directory.
    public static func defaultSchemaPath(for directory: String) -> String {
        (directory as NSString).appendingPathComponent("schema/provider-1.xsd")
    }

    /// Loads every `*.xml` file directly inside `directory` (sub-directories such as `schema/` and `testdata/`
    /// are not read).
    ///
    /// Failure policy: all or nothing. If any file is broken, no catalog is returned and the error lists every
    /// issue of every broken file, so the caller can keep serving its previous snapshot.
    ///
    /// A `directory` that is a symbolic link (the atomic-swap pattern: `current -> releases/42`, replaced by a
    /// rename) is resolved once, before anything is read, so one load reads one directory even when the link is
    /// swapped while it runs; issues and ``Catalog/directory`` name the resolved directory.
    /// - Throws: ``CatalogError``.
    public func load(directory: String, schemaPath: String? = nil) throws(CatalogError) -> Catalog {
        let directory = Self.pinned(directory)
        let schema = try ProviderSchema(
            contentsOf: schemaPath ?? Self.defaultSchemaPath(for: directory),
            limits: limits
        )
        let files = try xmlFiles(in: directory)
        return try load(files: files, directory: directory, schema: schema)
    }

    /// `path` with its last component's symbolic links followed (at most 32 in a row; a relative target is taken
    /// from the link's own directory). Any other path, or one that cannot be read, is returned as it is.
    static func pinned(_ path: String) -> String {
        var path = path
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        for _ in 0..<32 {
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) else { return path }
            path =
                target.hasPrefix("/")
                ? target : ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(target)
        }
        return path
    }

    /// The caps file of a catalog directory.
    public static func capsPath(for directory: String) -> String {
        (directory as NSString).appendingPathComponent("caps/legal-caps.json")
    }

    /// Reads the legal caps of a catalog directory (see the rule in ``CatalogLoader``): the table (`.none` when the
    /// directory has no caps), the file's bytes for the hash, and the issues that refuse the load.
    func loadCaps(directory: String) -> (LegalCapTable, Data?, [CatalogIssue]) {
        let capsDirectory = (directory as NSString).appendingPathComponent("caps")
        let path = Self.capsPath(for: directory)
        func refusal(
            _ rule: CatalogIssue.Rule,
            _ message: String,
            line: Int? = nil,
            column: Int? = nil
        )
            -> (LegalCapTable, Data?, [CatalogIssue])
        {
            (.none, nil, [CatalogIssue(file: path, line: line, column: column, rule: rule, message: message)])
        }
        let entry = BoundedFile.kind(of: capsDirectory)
        guard entry.exists else {
            guard requiresLegalCaps else { return (.none, nil, []) }
            return refusal(.catalog, "the catalog has no legal caps (no caps/legal-caps.json), and caps are required")
        }
        guard entry.isDirectory else {
            return refusal(.io, "caps must be a directory holding legal-caps.json, and is not a directory")
        }
        let data: Data
        switch BoundedFile.read(path, limit: maxCapsBytes) {
        case .success(let read): data = read
        case .failure(.missing):
            return refusal(
                .catalog,
                "the catalog has a caps directory but no caps/legal-caps.json: the legal caps are part of the catalog"
            )
        case .failure(.notRegular(let kind)): return refusal(.io, "the legal caps file is \(kind), not a regular file")
        case .failure(.tooLarge(let size)):
            return refusal(.security, "the legal caps file is \(size) bytes, over the \(maxCapsBytes)-byte limit")
        case .failure(.unreadable(let reason)): return refusal(.io, "cannot read the legal caps file: \(reason)")
        }
        let table: LegalCapTable
        do {
            table = try JSONInput.decode(LegalCapTable.self, from: data, source: path)
        } catch {
            return refusal(
                .semantic,
                error.line == nil ? "\(error.path): \(error.message)" : error.message,
                line: error.line,
                column: error.column
            )
        }
        guard !table.caps.isEmpty else {
            return refusal(.semantic, "caps: lists no cap; remove the caps directory for a catalog without caps")
        }
        return (table, data, [])
    }

    /// The legal caps of a catalog directory alone, without reading its providers (for `quote` and `apr`): `.none`
    /// when the directory has no caps (and none are required).
    /// - Throws: ``CatalogError`` naming the caps file and what is wrong with it.
    public func legalCaps(directory: String) throws(CatalogError) -> LegalCapTable {
        let (table, _, issues) = loadCaps(directory: Self.pinned(directory))
        guard issues.isEmpty else { throw CatalogError(issues: issues) }
        return table
    }

    /// Checks the legal caps of a catalog directory on their own (for `providers validate`): a check of the caps
    /// file, or nil when the directory has no caps and none are required.
    public func checkLegalCaps(directory: String) -> FileCheck? {
        let (_, data, issues) = loadCaps(directory: directory)
        guard data != nil || !issues.isEmpty else { return nil }
        return FileCheck(file: Self.capsPath(for: directory), provider: nil, issues: issues)
    }

    /// Loads the given files as one catalog (see ``load(directory:schemaPath:)`` for the failure policy).
    ///
    /// Files are read, parsed, validated and checked on every core at once; each worker has its own parser and
    /// validation contexts and shares only the compiled schema (read-only in libxml2). The result does not depend on
    /// the scheduling: files are taken in name order and the hash is over the per-file digests in that order.
    public func load(files: [String], directory: String, schema: ProviderSchema) throws(CatalogError) -> Catalog {
        let sorted = files.sorted()
        let workers = max(1, min(self.workers ?? ProcessInfo.processInfo.activeProcessorCount, sorted.count))
        // One slot per file; worker w writes only the slots w, w + workers, w + 2 × workers, …: no two threads touch
        // the same slot, and concurrentPerform returns only once every worker is done, so the slots need no lock
        // (hence nonisolated(unsafe)). A Mutex here was correct too, but when contended it takes its slow path
        // inside the Synchronization runtime, which ThreadSanitizer cannot see: `scripts/sanitizers.sh thread`
        // reported a race on the results.
        nonisolated(unsafe) let slots = UnsafeMutableBufferPointer<FileOutcome?>.allocate(capacity: sorted.count)
        slots.initialize(repeating: nil)
        defer {
            slots.deinitialize()
            slots.deallocate()
        }
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var index = worker
            while index < sorted.count {
                let file = sorted[index]
                switch self.read(file) {
                case .success(let data):
                    let digest = Array(SHA256.hash(data: data))
                    slots[index] = FileOutcome(check: check(data: data, file: file, schema: schema), digest: digest)
                case .failure(let issue):
                    slots[index] = FileOutcome(check: FileCheck(file: file, provider: nil, issues: [issue]), digest: [])
                }
                index += workers
            }
        }
        let outcomes = Array(slots)
        var hasher = SHA256()
        hasher.update(data: Data(schema.digest.utf8))
        let (caps, capsData, capsIssues) = loadCaps(directory: directory)
        if let capsData { hasher.update(data: Data(SHA256.hash(data: capsData))) }
        var issues: [CatalogIssue] = capsIssues
        var providers: [ProviderDescription] = []
        var seen: [ProviderID: String] = [:]
        for (file, outcome) in zip(sorted, outcomes) {
            guard let outcome else { continue }
            hasher.update(data: Data((file as NSString).lastPathComponent.utf8))
            hasher.update(data: Data([0]))
            hasher.update(data: Data(outcome.digest))
            issues += outcome.check.issues
            guard let provider = outcome.check.provider else { continue }
            if let other = seen[provider.id] {
                issues.append(
                    CatalogIssue(
                        file: file,
                        line: nil,
                        column: nil,
                        rule: .catalog,
                        message: "provider id \"\(provider.id)\" is already defined in \(other)"
                    )
                )
            } else {
                seen[provider.id] = file
                providers.append(provider)
            }
        }
        guard issues.isEmpty else { throw CatalogError(issues: issues, reportingAtMost: maxReportedIssues) }
        return Catalog(
            providers: providers,
            hash: "sha256:" + hasher.finalize().hexString,
            directory: directory,
            caps: caps
        )
    }

    /// What loading one file gave: its check and the SHA-256 of its bytes.
    struct FileOutcome: Sendable {
        let check: FileCheck
        let digest: [UInt8]
    }

    /// Checks one document: safe parse, schema validation, semantic rules.
    /// - Parameters:
    ///   - data: the document's bytes.
    ///   - file: the path used in messages; its base name (without `.xml`) must equal the provider id.
    public func check(data: Data, file: String, schema: ProviderSchema) -> FileCheck {
        var provider: ProviderDescription?
        let base = (file as NSString).lastPathComponent
        let expectedID = base.hasSuffix(".xml") ? String(base.dropLast(4)) : nil
        var readerIssues: [CatalogIssue] = []
        let issues = SafeXML.parse(
            data,
            file: file,
            limits: limits,
            schema: schema.compiled,
            alternatives: schema.alternatives,
            precheck: { mixedNamespaceIssue($0, data: data, file: file) },
            body: { document in
                var reader = ProviderXMLReader(file: file, expectedID: expectedID, data: data)
                provider = reader.read(document)
                readerIssues = reader.issues
                return true
            }
        )
        return FileCheck(file: file, provider: provider, issues: issues + readerIssues)
    }

    /// Checks files one by one (for `providers validate`): every file's issues, whatever the others hold.
    public func check(files: [String], schema: ProviderSchema) -> [FileCheck] {
        files.map { file in
            switch self.read(file) {
            case .success(let data): check(data: data, file: file, schema: schema)
            case .failure(let issue): FileCheck(file: file, provider: nil, issues: [issue])
            }
        }
    }

    /// Reads a file after checking its type and size, so an oversized file is refused without being read, and a
    /// FIFO or a device is never read (nor waited on).
    func read(_ file: String) -> Result<Data, CatalogIssue> {
        func issue(_ rule: CatalogIssue.Rule, _ message: String) -> Result<Data, CatalogIssue> {
            .failure(CatalogIssue(file: file, line: nil, column: nil, rule: rule, message: message))
        }
        switch BoundedFile.read(file, limit: limits.maxBytes) {
        case .success(let data): return .success(data)
        case .failure(.missing), .failure(.notRegular): return issue(.io, "not a readable regular file")
        case .failure(.unreadable(let reason)): return issue(.io, "cannot read the file: \(reason)")
        case .failure(.tooLarge(let size)):
            return issue(.security, "file is \(size) bytes, over the \(limits.maxBytes)-byte limit")
        }
    }

    /// The `*.xml` files directly inside a directory, sorted.
    public func xmlFiles(in directory: String) throws(CatalogError) -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw CatalogError(issues: [
                CatalogIssue(
                    file: directory,
                    line: nil,
                    column: nil,
                    rule: .io,
                    message: "cannot list the catalog directory"
                )
            ])
        }
        let files = names.filter { $0.hasSuffix(".xml") }.sorted().map {
            (directory as NSString).appendingPathComponent($0)
        }
        guard files.count <= maxFiles else {
            throw CatalogError(issues: [
                CatalogIssue(
                    file: directory,
                    line: nil,
                    column: nil,
                    rule: .security,
                    message: "\(files.count) files, over the limit of \(maxFiles)"
                )
            ])
        }
        return files
    }
}

extension Sequence<UInt8> {
    var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        for byte in self {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
