import BackstopCore
import Foundation
import Testing

@testable import BackstopCatalog

#if canImport(Glibc)
import Glibc
#endif

/// Bounded work per catalog load (issue 17): attributes per element, issues per load, and the legal caps file as
/// part of the all-or-nothing load.
struct CatalogBoundsTests {
    static func provider(id: String, rootAttributes: String = "") throws -> String {
        let valid = try String(contentsOfFile: try Paths.fixture("valid/wechat-weilidai.xml"), encoding: .utf8)
        return
            valid
            .replacingOccurrences(of: #"id="wechat-weilidai""#, with: #"id="\#(id)" \#(rootAttributes)"#)
    }

    static func attributes(_ count: Int, prefix: String = "a") -> String {
        (0..<count).map { #"\#(prefix)\#($0)="\#($0)""# }.joined(separator: " ")
    }

    // MARK: Attributes

    /// Finding 4 of issue 17: 50,000 attributes on the root cost libxml2 seconds (each compared with every earlier
    /// one, each appended to a list walked from its start) and made 50,000 schema errors. Refused before libxml2
    /// reads the document, with one issue naming the place.
    @Test func fiftyThousandAttributesAreOneIssueBeforeParsing() throws {
        let document = try Self.provider(id: "wechat-weilidai", rootAttributes: Self.attributes(50_000))
        let data = Data(document.utf8)
        let found = try #require(CrowdedTagScan.first(in: data, limit: 64))
        #expect(found == CrowdedTagScan.Finding(line: 2, column: 1, element: "provider", count: 50_003))
        let check = CatalogLoader().check(data: data, file: "wechat-weilidai.xml", schema: try .shipped())
        #expect(check.provider == nil)
        #expect(
            check.issues.map(\.description) == [
                "wechat-weilidai.xml:2:1: [security] element <provider> has 50003 attributes (namespace declarations "
                    + "included), over the limit of 64"
            ]
        )
    }

    @Test(arguments: [
        // (document, limit, expected count or nil)
        (#"<a x="1" y="2"/>"#, 1, 2),
        (#"<a x="1" y="2"/>"#, 2, nil),
        (#"<?xml version="1.0"?><a><!-- <b x="1" y="2"> --><c/></a>"#, 1, nil),
        (#"<a><![CDATA[<b x="1" y="2">]]></a>"#, 1, nil),
        (#"<a><?pi <b x="1" y="2"> ?></a>"#, 1, nil),
        (#"<a x='>' y="'"><b p="1" q="2" r="3"/></a>"#, 2, 3),
        ("<a\n x = \"1\"\t\ny='2'\r\n></a>", 1, 2),
        (#"<a></a><b x="1" y="2" z="3">"#, 2, 3),
        // Not readable as a start tag: left to libxml2 (whose callback enforces the limit).
        (#"<a x=1 y=2 z=3>"#, 1, nil),
        (#"<!DOCTYPE a [<!ATTLIST a x CDATA "1">]><a x="1" y="2"/>"#, 1, nil),
    ])
    func theScanCountsAttributesOfStartTagsOnly(document: String, limit: Int, count: Int?) {
        #expect(CrowdedTagScan.first(in: Data(document.utf8), limit: limit)?.count == count, "\(document)")
    }

    @Test func theScanPlacesTheTagInCharactersAndReadsUTF16() throws {
        let document = "<?xml version=\"1.0\"?>\n<r>\n  <é>текст</é> <b x=\"1\" y=\"2\"/></r>"
        let utf8 = try #require(CrowdedTagScan.first(in: Data(document.utf8), limit: 1))
        #expect(utf8 == CrowdedTagScan.Finding(line: 3, column: 16, element: "b", count: 2))
        let bom = try #require(CrowdedTagScan.first(in: Data([0xEF, 0xBB, 0xBF]) + Data(document.utf8), limit: 1))
        #expect(bom == utf8)
        for encoding in [String.Encoding.utf16LittleEndian, .utf16BigEndian] {
            let mark: [UInt8] = encoding == .utf16LittleEndian ? [0xFF, 0xFE] : [0xFE, 0xFF]
            let body = try #require(document.data(using: encoding))
            #expect(CrowdedTagScan.first(in: Data(mark) + body, limit: 1) == utf8, "\(encoding)")
            #expect(CrowdedTagScan.first(in: body, limit: 1) == utf8, "\(encoding) without a byte order mark")
        }
    }

    // MARK: Issues

    /// libxml2 reports one schema error per attribute the schema does not allow: a file keeps 50 and counts the rest.
    @Test func aFileListsAtMostFiftyLibxml2Errors() throws {
        let document = try Self.provider(id: "wechat-weilidai", rootAttributes: Self.attributes(60))
        let check = CatalogLoader().check(
            data: Data(document.utf8),
            file: "wechat-weilidai.xml",
            schema: try .shipped()
        )
        #expect(check.issues.count == 51, "\(check.issues.count)")
        #expect(check.issues.prefix(50).allSatisfy { $0.rule == .schema && $0.message.contains("is not allowed") })
        #expect(check.issues.last?.message == "… and 10 more schema error(s) in this file, not listed")
    }

    @Test func aRefusedLoadListsAtMostAHundredIssues() throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for index in 0..<150 {
            try Data().write(to: directory.appendingPathComponent("p\(index).xml"))
        }
        let error = #expect(throws: CatalogError.self) {
            try CatalogLoader().load(directory: directory.path, schemaPath: Paths.schema)
        }
        #expect(error?.issues.count == 101)
        #expect(error?.omittedIssueCount == 50)
        #expect(error?.issues.last?.message == "… and 50 more issue(s) in 50 file(s), not listed")
        #expect(
            error?.description.hasPrefix("catalog refused: 150 issue(s) in 150 file(s), the first 100 listed\n") == true
        )
        #expect(error?.issues.prefix(100).allSatisfy { $0.message == "file is empty" } == true)
    }

    // MARK: Legal caps

    /// A copy of the shipped catalog whose caps are replaced by `arrange`.
    static func catalog(_ arrange: (URL) throws -> Void) throws -> URL {
        let directory = try Paths.copyOfShippedCatalog()
        try arrange(directory.appendingPathComponent("caps"))
        return directory
    }

    static func remove(_ url: URL) throws { try FileManager.default.removeItem(at: url) }

    static let capsCases: [(String, @Sendable (URL) throws -> Void, CatalogIssue.Rule, String)] = [
        ("missing", { try remove($0.appendingPathComponent("legal-caps.json")) }, .catalog, "no caps/legal-caps.json"),
        (
            "a directory",
            {
                try remove($0.appendingPathComponent("legal-caps.json"))
                try FileManager.default.createDirectory(
                    at: $0.appendingPathComponent("legal-caps.json"),
                    withIntermediateDirectories: false
                )
            },
            .io, "the legal caps file is a directory, not a regular file"
        ),
        (
            "a FIFO",
            {
                try remove($0.appendingPathComponent("legal-caps.json"))
                #expect(mkfifo($0.appendingPathComponent("legal-caps.json").path, 0o600) == 0)
            },
            .io, "the legal caps file is a FIFO, not a regular file"
        ),
        (
            "a symbolic link to itself",
            {
                let file = $0.appendingPathComponent("legal-caps.json")
                try remove(file)
                try FileManager.default.createSymbolicLink(atPath: file.path, withDestinationPath: file.path)
            },
            .io, "cannot read the legal caps file: "
        ),
        (
            "over 1 MiB",
            {
                let file = $0.appendingPathComponent("legal-caps.json")
                let caps = try Data(contentsOf: file)
                try (caps.dropLast(2) + Data(repeating: 0x20, count: 1 << 20) + Data("}\n".utf8)).write(to: file)
            },
            .security, "the legal caps file is 10"
        ),
        (
            "not JSON",
            { try Data(#"{"caps": [}"#.utf8).write(to: $0.appendingPathComponent("legal-caps.json")) },
            .semantic, "not valid JSON"
        ),
        (
            "a duplicate key",
            { try Data(#"{"caps": [], "caps": []}"#.utf8).write(to: $0.appendingPathComponent("legal-caps.json")) },
            .semantic, #"duplicate key "caps""#
        ),
        (
            "empty",
            { try Data(#"{"caps": []}"#.utf8).write(to: $0.appendingPathComponent("legal-caps.json")) },
            .semantic, "lists no cap"
        ),
        // The rulebook's rules load with the caps, all or nothing (issue 23).
        (
            "an unknown rule kind",
            {
                try editCaps($0) {
                    $0.replacingOccurrences(of: #""kind": "age-minimum""#, with: #""kind": "age-limit""#)
                }
            },
            .semantic, "age-limit"
        ),
        (
            "a purpose ban without purposes",
            {
                try editCaps($0) {
                    $0.replacingOccurrences(of: "\n      \"purposes\": [\"crypto\"],", with: "")
                }
            },
            .semantic, "purposes: is required in a rule of kind purpose-ban"
        ),
        (
            "a rule ending before it starts",
            {
                try editCaps($0) {
                    $0.replacingOccurrences(of: #""until": "2024-04-17""#, with: #""until": "2013-04-17""#)
                }
            },
            .semantic, "until: must be on or after from (2014-01-01)"
        ),
        (
            "a rule id used twice",
            {
                try editCaps($0) {
                    $0.replacingOccurrences(
                        of: #""id": "bank-internet-loans-no-securities""#,
                        with: #""id": "civil-code-adult-18""#
                    )
                }
            },
            .semantic, #"uses the id "civil-code-adult-18" twice"#
        ),
        (
            "caps is a link to nothing",
            {
                try remove($0)
                try FileManager.default.createSymbolicLink(atPath: $0.path, withDestinationPath: "/nonexistent/caps")
            },
            .io, "caps must be a directory"
        ),
        (
            "caps is a file",
            {
                try remove($0)
                try Data("{}".utf8).write(to: $0)
            },
            .io, "caps must be a directory"
        ),
    ]

    /// Rewrites the caps file of a copied catalog.
    static func editCaps(_ caps: URL, _ edit: (String) -> String) throws {
        let file = caps.appendingPathComponent("legal-caps.json")
        let text = try String(contentsOf: file, encoding: .utf8)
        let edited = edit(text)
        guard edited != text else { throw CocoaError(.fileWriteUnknown) }
        try Data(edited.utf8).write(to: file)
    }

    /// Finding 5 of issue 17: each broken caps file refuses the whole load, with the caps file named, so a server
    /// keeps serving its last good catalog (and its caps).
    @Test(.timeLimit(.minutes(1)), arguments: 0..<capsCases.count)
    func aBrokenCapsFileRefusesTheLoad(index: Int) throws {
        let (name, arrange, rule, message) = Self.capsCases[index]
        let directory = try Self.catalog(arrange)
        defer { try? FileManager.default.removeItem(at: directory) }
        let error = #expect(throws: CatalogError.self, "\(name)") {
            try CatalogLoader().load(directory: directory.path)
        }
        let issue = try #require(error?.issues.first, "\(name)")
        #expect(error?.issues.count == 1, "\(name): \(String(describing: error))")
        #expect(issue.file == CatalogLoader.capsPath(for: directory.path), "\(name): \(issue)")
        #expect(issue.rule == rule, "\(name): \(issue)")
        #expect(issue.message.contains(message), "\(name): \(issue)")
        let check = try #require(CatalogLoader().checkLegalCaps(directory: directory.path))
        #expect(check.issues == [issue])
    }

    @Test func aCatalogWithoutCapsLoadsAndSaysSoUnlessCapsAreRequired() throws {
        let directory = try Self.catalog { try Self.remove($0) }
        defer { try? FileManager.default.removeItem(at: directory) }
        let catalog = try CatalogLoader().load(directory: directory.path)
        #expect(!catalog.hasLegalCaps)
        #expect(catalog.legalCapCount == 0)
        #expect(CatalogLoader().checkLegalCaps(directory: directory.path) == nil)
        let error = #expect(throws: CatalogError.self) {
            try CatalogLoader(requiresLegalCaps: true).load(directory: directory.path)
        }
        #expect(error?.issues.first?.message.contains("caps are required") == true)
    }

    @Test func theShippedCatalogHasCaps() throws {
        let catalog = try CatalogLoader(requiresLegalCaps: true).load(directory: Paths.providers)
        #expect(catalog.hasLegalCaps)
        #expect(catalog.legalCapCount == catalog.caps.caps.count && catalog.legalCapCount > 3)
        let check = try #require(CatalogLoader().checkLegalCaps(directory: Paths.providers))
        #expect(check.issues.isEmpty)
    }

    /// A provider file that is a FIFO is refused without being opened for a blocking read.
    @Test(.timeLimit(.minutes(1))) func aProviderFileThatIsAFIFOIsRefused() throws {
        let directory = try Paths.copyOfShippedCatalog()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(mkfifo(directory.appendingPathComponent("zz-fifo.xml").path, 0o600) == 0)
        let error = #expect(throws: CatalogError.self) { try CatalogLoader().load(directory: directory.path) }
        #expect(error?.issues.map(\.message) == ["not a readable regular file"])
    }
}
