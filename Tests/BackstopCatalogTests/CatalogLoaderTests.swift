import BackstopCatalog
import BackstopCore
import Foundation
import Testing

struct CatalogLoaderTests {
    let day = CalendarDate(year: 2026, month: 11, day: 25)!

    @Test func shippedCatalogLoadsAndEveryProviderQuotes() throws {
        let catalog = try CatalogLoader().load(directory: Paths.providers)
        #expect(catalog.count >= 13)
        #expect(catalog.hash.hasPrefix("sha256:") && catalog.hash.count == 71)
        for required in [
            "wechat-weilidai", "jd-baitiao", "jd-jintiao", "meituan-jieqian", "duxiaoman-youqianhua",
            "douyin-fangxinjie",
        ] {
            #expect(catalog.provider(ProviderID(rawValue: required)) != nil, "\(required) missing")
        }
        #expect(catalog.providers.filter { $0.productKind == .cardInstallment }.count >= 2)
        #expect(catalog.providers.filter { $0.licence.kind == .consumerFinance }.count >= 2)
        #expect(catalog.providers.filter { $0.licence.kind == .bank && $0.productKind == .cashLoan }.count >= 2)
        #expect(catalog.providers.contains { !$0.licence.isLicensed })
        let profile = UserProfile(id: "t", creditScore: 700)
        for provider in catalog.providers {
            #expect(!provider.sources.isEmpty && provider.notes.lowercased().contains("illustrative"), "\(provider.id)")
            let term = try #require(provider.terms.first)
            let amount = max(provider.minAmount, min(provider.maxAmount, try Money(parsing: "3000")))
            let request = LoanRequest(amount: amount, termMonths: term, purpose: provider.purposes[0])
            let offer = try #require(
                DescribedProvider(provider).makeOffer(profile, request, on: day),
                "\(provider.id) does not quote"
            )
            #expect(offer.quote.schedule.totalPrincipal == amount)
            // A published range is priced by Backstop's estimate; a single published price is the provider's own.
            let rule = try #require(provider.pricingRule(forTerm: term))
            #expect(offer.isEstimate == (rule.pricing(atRisk: 0) != rule.pricing(atRisk: 1)))
        }
    }

    @Test(arguments: [
        ("not-well-formed.xml", 7, Int?(27), CatalogIssue.Rule.syntax, "Opening and ending tag mismatch"),
        ("bad-rate-value.xml", 20, nil, .schema, "'4,5' is not a valid value"),
        ("unknown-licence-kind.xml", 6, nil, .schema, "'shadow-bank' is not an element of the set"),
        ("missing-limits.xml", 12, nil, .schema, "Expected is ( limits )"),
        ("names-out-of-order.xml", 3, nil, .semantic, "rule L1"),
        ("unlicensed-with-regulator.xml", 6, nil, .semantic, "rule L2"),
        ("limits-min-above-max.xml", 12, nil, .semantic, "limits min 300000.00 is above max 200000.00 (rule L3)"),
        ("daily-without-day-count.xml", 20, nil, .semantic, "dayCount is required for daily interest"),
        ("interest-min-above-max.xml", 20, nil, .semantic, "minPercent 0.06 is above maxPercent 0.05 (rule L4)"),
        ("pricing-for-unoffered-term.xml", 18, nil, .semantic, "36-month term that <terms> does not offer (rule L6)"),
        ("age-min-above-max.xml", 33, nil, .semantic, "age min 60 is above max 55 (rule L7)"),
        ("overlapping-status.xml", 40, nil, .semantic, "overlaps the previous one"),
        ("id-not-file-name.xml", 2, nil, .semantic, "must equal the file name \"id-not-file-name.xml\" (rule L9)"),
        (
            "pricing-until-before-from.xml", 18, nil, .semantic,
            "price list ends (2025-09-30) before it starts (2025-10-01) (rule L10)"
        ),
        (
            "overlapping-dated-pricing.xml", 21, nil, .semantic,
            "the 10-month term has two price lists in force on overlapping dates: until 2025-12-31 and from 2025-10-01 (rule L10)"
        ),
        (
            "overlapping-dated-defaults.xml", 21, nil, .semantic,
            "two price lists without terms=\"…\" are in force on overlapping dates: 2024-01-01 to 2025-10-01 and from 2025-10-01 (rule L10)"
        ),
        ("bad-institution-id.xml", 38, nil, .schema, "'ICBC' is not accepted by the pattern"),
        ("invitation-only-yes.xml", 38, nil, .schema, "'yes' is not an element of the set {'true', 'false'}"),
        ("duplicate-institution.xml", 38, nil, .semantic, "customersOf names \"icbc\" twice (rule L11)"),
        ("soft-inquiry-without-source.xml", 38, nil, .semantic, "limitCheck=\"soft\" needs a source"),
        (
            "inquiries-unknown-source.xml", 38, nil, .schema,
            "No match found for key-sequence ['s9'] of keyref 'sourceRef'"
        ),
        ("processing-instruction.xml", 2, 1, .security, "processing instructions are not allowed"),
    ])
    func invalidFixturesNameFileLineAndRule(
        file: String,
        line: Int,
        column: Int?,
        rule: CatalogIssue.Rule,
        fragment: String
    ) throws {
        let path = try Paths.fixture("invalid/" + file)
        let check = CatalogLoader().check(files: [path], schema: try .shipped())[0]
        #expect(check.provider == nil)
        let first = try #require(check.issues.first)
        #expect(first.file == path)
        #expect(first.line == line, "\(first)")
        #expect(first.column == column, "\(first)")
        #expect(first.rule == rule, "\(first)")
        #expect(first.message.contains(fragment), "\(first)")
        #expect(first.description.hasPrefix("\(path):\(line)"))
    }

    @Test func aBrokenCatalogIsRefusedWithEveryIssueOfEveryFile() throws {
        let directory = try Paths.copyOfShippedCatalog()
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = try CatalogLoader().load(directory: directory.path)
        try Data("<provider".utf8).write(to: directory.appendingPathComponent("jd-jintiao.xml"))
        let weilidai = directory.appendingPathComponent("wechat-weilidai.xml")
        let text = try String(contentsOf: weilidai, encoding: .utf8).replacingOccurrences(
            of: "max=\"200000\"",
            with: "max=\"lots\""
        )
        try Data(text.utf8).write(to: weilidai)
        let error = #expect(throws: CatalogError.self) { try CatalogLoader().load(directory: directory.path) }
        let files = Set(error?.issues.map { ($0.file as NSString).lastPathComponent } ?? [])
        #expect(files == ["jd-jintiao.xml", "wechat-weilidai.xml"])
        #expect(error?.description.contains("catalog refused") == true)
        // The caller still holds its good snapshot; nothing was mutated.
        #expect(good.count >= 13)
    }

    /// `current -> A` (and `latest -> current`, a relative chain) is resolved once before anything is read: the
    /// catalog and its issues name A's own directory, so a load can never mix A's files with those of a directory the
    /// link is swapped to while it runs.
    @Test func aSymbolicLinkToTheCatalogIsResolvedOnceBeforeReading() throws {
        let root = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let a = try Paths.copyOfShippedCatalog()
        defer { try? FileManager.default.removeItem(at: a) }
        let fileManager = FileManager.default
        try fileManager.moveItem(at: a, to: root.appendingPathComponent("A"))
        try fileManager.createSymbolicLink(
            atPath: root.appendingPathComponent("current").path,
            withDestinationPath: "A"
        )
        try fileManager.createSymbolicLink(
            atPath: root.appendingPathComponent("latest").path,
            withDestinationPath: root.appendingPathComponent("current").path
        )
        let resolved = root.appendingPathComponent("A").path
        for link in ["current", "current/", "latest"] {
            let catalog = try CatalogLoader().load(directory: root.path + "/" + link)
            #expect(catalog.directory == resolved, "\(link)")
            #expect(catalog.count >= 13)
        }
        try Data("<provider".utf8).write(to: root.appendingPathComponent("A/jd-jintiao.xml"))
        let error = #expect(throws: CatalogError.self) {
            try CatalogLoader().load(directory: root.appendingPathComponent("latest").path)
        }
        #expect(error?.issues.map(\.file) == [resolved + "/jd-jintiao.xml"])
        // A path that is no link is used as it is.
        #expect(try CatalogLoader().load(directory: Paths.providers).directory == Paths.providers)
    }

    @Test func hashNamesTheContent() throws {
        let directory = try Paths.copyOfShippedCatalog()
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try CatalogLoader().load(directory: directory.path)
        let again = try CatalogLoader().load(directory: directory.path)
        #expect(first.hash == again.hash)
        let shipped = try CatalogLoader().load(directory: Paths.providers)
        #expect(first.hash == shipped.hash, "the hash depends on content, not on the directory")
        let file = directory.appendingPathComponent("ccb-kuaidai.xml")
        let text = try String(contentsOf: file, encoding: .utf8).replacingOccurrences(
            of: "</notes>",
            with: " Edited.</notes>"
        )
        try Data(text.utf8).write(to: file)
        #expect(try CatalogLoader().load(directory: directory.path).hash != first.hash)
    }

    @Test func loadingFromSeveralThreadsAtOnceGivesTheSameCatalog() async throws {
        let reference = try CatalogLoader().load(directory: Paths.providers)
        let results = try await withThrowingTaskGroup(of: Catalog.self) { group in
            for _ in 0..<8 {
                group.addTask { try CatalogLoader().load(directory: Paths.providers) }
            }
            // Broken documents parsed at the same time must not mix their errors into the good loads.
            group.addTask {
                let schema = try ProviderSchema.shipped()
                for _ in 0..<20 {
                    let check = CatalogLoader().check(
                        data: Data("<provider><oops></provider>".utf8),
                        file: "bad.xml",
                        schema: schema
                    )
                    #expect(check.issues.first?.rule == .syntax)
                }
                return reference
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 9)
        #expect(results.allSatisfy { $0 == reference })
    }

    /// One load spreads its files over several workers; the catalog, or the list of issues, must not depend on how
    /// many. Under `scripts/sanitizers.sh thread` this checks in process that the workers share nothing unsynchronised
    /// (the result slots once sat behind a Mutex whose contended path ThreadSanitizer cannot see).
    @Test func theResultDoesNotDependOnTheNumberOfWorkers() throws {
        let reference = try CatalogLoader(workers: 1).load(directory: Paths.providers)
        for workers in [2, 3, 8, 64] {
            for _ in 0..<5 {
                let catalog = try CatalogLoader(workers: workers).load(directory: Paths.providers)
                #expect(catalog == reference, "\(workers) workers")
            }
        }
        let directory = try Paths.copyOfShippedCatalog()
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in ["ccb-kuaidai.xml", "jd-jintiao.xml", "wechat-weilidai.xml"] {
            try Data("<provider".utf8).write(to: directory.appendingPathComponent(name))
        }
        func issues(workers: Int) -> [String] {
            do {
                _ = try CatalogLoader(workers: workers).load(directory: directory.path)
                return []
            } catch {
                return error.issues.map(\.description)
            }
        }
        let expected = issues(workers: 1)
        #expect(expected.count >= 3)
        for workers in [2, 3, 8, 64] {
            #expect(issues(workers: workers) == expected, "\(workers) workers")
        }
    }

    @Test func xmllintAgreesWithTheLoaderOnEverySchemaVerdict() throws {
        let schema = try ProviderSchema.shipped()
        var files = try CatalogLoader().xmlFiles(in: Paths.providers)
        files += try CatalogLoader().xmlFiles(in: Paths.fixture("valid"))
        files += try CatalogLoader().xmlFiles(in: Paths.fixture("invalid"))
        for file in files {
            let ours = CatalogLoader().check(files: [file], schema: schema)[0]
            let theirs = try runXmllint(file)
            let schemaOrSyntaxFailure = ours.issues.contains { [.syntax, .schema].contains($0.rule) }
            // xmllint is an independent validator of the XSD; rules L1–L12 and the security policy are ours alone.
            if ours.issues.allSatisfy({ $0.rule == .semantic || $0.rule == .security }) && !ours.issues.isEmpty {
                continue
            }
            #expect(
                theirs == !schemaOrSyntaxFailure,
                "\(file): xmllint says \(theirs ? "valid" : "invalid"), Backstop says \(ours.issues)"
            )
        }
    }

    /// xmllint's verdict against the schema of the file's format version: provider-2.xsd for a file in the
    /// version-2 namespace (the shipped catalog), provider-1.xsd otherwise.
    func runXmllint(_ file: String) throws -> Bool {
        let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        let schema =
            text.contains("urn:backstop:provider:2\"")
            ? Paths.repository.appendingPathComponent("providers/schema/provider-2.xsd").path : Paths.schema
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["xmllint", "--noout", "--nonet", "--schema", schema, file]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus != 127, "xmllint is needed (apt-get install libxml2-utils)")
        return process.terminationStatus == 0
    }
}
