import BackstopCatalog
import BackstopCore
import Foundation
import Testing

/// Provider XML version 2 (`urn:backstop:provider:2`, providers/schema/provider-2.xsd): the fixtures of
/// providers/testdata/v2 through the public loader, the rules V1–V13 with file, line and column, a catalog mixing
/// versions, xmllint's agreement, and `providers migrate`'s guarantee (v1 → v2 → load is the same provider).
struct ProviderV2Tests {
    static let testdata = Paths.repository.appendingPathComponent("providers/testdata")
    static let v2 = testdata.appendingPathComponent("v2")
    static let schema2 = Paths.repository.appendingPathComponent("providers/schema/provider-2.xsd").path

    static func v2File(_ relative: String) -> String { v2.appendingPathComponent(relative).path }

    static func files(in directory: String) throws -> [String] { try CatalogLoader().xmlFiles(in: directory) }

    // MARK: Valid files

    @Test func theAnnotatedExampleLoadsWithEveryVersion2Element() throws {
        let path = Self.testdata.appendingPathComponent("annotated-example-2.xml").path
        let check = CatalogLoader().check(files: [path], schema: try .shipped())[0]
        #expect(check.issues.isEmpty, "\(check.issues)")
        let provider = try #require(check.provider)
        #expect(provider.fundedBy.map(\.kind) == [.bank, .trust])
        let rule = try #require(provider.pricing.first)
        #expect(rule.tiers.count == 3)
        #expect(rule.tiers.map(\.grade) == [nil, "B", "A"])
        #expect(rule.fees.map(\.kind) == [.guarantee, .insurance, .other, .membership, .upfront])
        let guarantee = try #require(rule.fees.first)
        #expect(guarantee.figure == .percent(min: 1.2, max: 1.2))
        #expect(guarantee.receiver == .guarantor && guarantee.mandatory && guarantee.status == .published)
        #expect(rule.fees.contains { $0.kind == .other && $0.status == .unknown && !$0.mandatory })
        #expect(rule.fees.contains { $0.kind == .membership && $0.pushed && !$0.mandatory })
        #expect(rule.fees.contains { $0.kind == .upfront && $0.status == .none })
        #expect(rule.promotions.first?.benefit == .interestFreeDays(30))
        #expect(rule.promotions.first?.audience == .newCustomers)
        #expect(rule.promotions.first?.name.zh == "新客30天免息")
        #expect(provider.lateRepayment?.graceDays == 3)
        #expect(provider.lateRepayment?.penalty?.rate == .markup(50))
        #expect(provider.lateRepayment?.fees.first?.kind == .late)
        #expect(provider.earlyRepayment?.refundsInterest == .true)
        #expect(provider.earlyRepayment?.refundsFees == .false)
        #expect(provider.disclosure?.reportsToCreditReference == .yes)
        #expect(provider.disclosure?.sharesDataWith == [.guarantor, .insurer, .fundingBank])
        #expect(provider.disclosure?.lastUpdated == CalendarDate(year: 2026, month: 11, day: 25))
        // The inquiry an application makes stays in <inquiries> (issue 14's InquiryPolicy), not duplicated.
        #expect(provider.inquiries.application == .hard)
        let example = try #require(provider.representativeExamples.first)
        let quote = try provider.price(example)
        #expect(quote.totalRepayment == example.totalRepayable)
        #expect(quote.nominalAPR == example.aprPercent)
        #expect(quote.monthlyPayment == example.firstInstallment)
    }

    @Test func everyValidFixtureLoadsAndACatalogMayMixBothVersions() throws {
        let directory = try Paths.copyOfShippedCatalog()
        defer { try? FileManager.default.removeItem(at: directory) }
        let before = try CatalogLoader().load(directory: directory.path)
        for file in try Self.files(in: Self.v2File("valid")) {
            try FileManager.default.copyItem(
                atPath: file,
                toPath: directory.appendingPathComponent((file as NSString).lastPathComponent).path
            )
        }
        let mixed = try CatalogLoader().load(directory: directory.path)
        #expect(mixed.count == before.count + 4)
        // The version-1 providers mean exactly what they meant.
        for provider in before.providers {
            var same = try #require(mixed.provider(provider.id))
            same.origin = provider.origin
            #expect(same == provider, "\(provider.id)")
        }
        #expect(mixed.provider("referral-over-cap")?.pricing.first?.fees.count == 3)
    }

    // MARK: Invalid files: the rule and the place

    @Test(arguments: [
        (
            "mixed-namespace.xml", 21, Int?(5), CatalogIssue.Rule.semantic,
            "element <installmentFee> is in namespace urn:backstop:provider:1, not urn:backstop:provider:2: a file uses one format version (rule V12)"
        ),
        (
            "fee-percent-and-amount.xml", 21, 80, .semantic,
            "the guarantee fee gives both percent and amount: give exactly one figure (rule V1)"
        ),
        (
            "unknown-fee-with-figure.xml", 22, 117, .semantic,
            "the insurance fee with status=\"unknown\" gives no figure (no percent, amount, min or max) (rule V1)"
        ),
        (
            "fixed-basis-with-percent.xml", 21, 27, .semantic,
            "basis=\"fixed\" needs amount=\"…\", and amount=\"…\" needs basis=\"fixed\" (rule V2)"
        ),
        (
            "late-fee-on-prepaid-principal.xml", 34, 22, .semantic,
            "a late fee cannot be charged on the prepaid principal (rule V3)"
        ),
        ("guarantee-fee-in-late-repayment.xml", 34, 10, .semantic, "a guarantee fee belongs in <pricing> (rule V3)"),
        ("fee-min-above-max.xml", 22, 81, .semantic, "insurance fee min 50.00 is above max 20.00 (rule V4)"),
        (
            "none-without-source.xml", 23, 67, .semantic,
            "status=\"none\" needs a source: Backstop never assumes a fee is absent (rule V5)"
        ),
        (
            "tier-gap.xml", 20, 5, .semantic,
            "no tier prices a 6-month loan of 5000.00–50000.00 yuan at credit scores 350–599 (rule V6)"
        ),
        (
            "tier-overlap.xml", 20, 5, .semantic,
            "2 tiers price a 6-month loan of 5000.00–5000.00 yuan at credit scores 350–950: tiers may not overlap (rule V6)"
        ),
        (
            "promotion-outside-pricing.xml", 24, 95, .semantic,
            "promotion runs until 2026-12-31, after its price list ends (2026-06-30) (rule V7)"
        ),
        (
            "penalty-percent-and-markup.xml", 33, 37, .semantic,
            "penalty interest gives both percent and markupPercent (rule V8)"
        ),
        (
            "early-not-allowed-with-fee.xml", 36, 19, .semantic,
            "allowed=\"false\" gives neither fromMonth, refunds nor fees (rule V9)"
        ),
        (
            "not-reported-without-source.xml", 43, 86, .semantic,
            "reportsToCreditReference=\"no\" needs a source: Backstop never assumes a loan is not reported (rule V10)"
        ),
        (
            "example-unpriceable.xml", 44, 3, .semantic,
            "representative example cannot be priced: 60000.00 yuan is above the limit 50000.00 (rule V11)"
        ),
        (
            "duplicate-funder.xml", 9, 3, .semantic,
            "fundedBy names \"Example City Commercial Bank (示例城市商业银行), fictional\" twice (rule V13)"
        ),
        (
            "basis-without-source.xml", 40, 33, .semantic,
            "basis=\"published\" needs a source=\"sN\" naming where the rule is published"
        ),
        (
            "documented-loan-no-cost.xml", 45, 66, .semantic,
            "12 instalments of 800.00 repay 9600.00, not more than the 10000.00 received"
        ),
        ("unknown-fee-kind.xml", 21, nil, .schema, "The value 'bogus' is not an element of the set"),
        ("v1-element-in-v2.xml", 21, nil, .schema, "Element 'installmentFee': This element is not expected"),
    ])
    func invalidFixturesNameFileLineColumnAndRule(
        file: String,
        line: Int,
        column: Int?,
        rule: CatalogIssue.Rule,
        message: String
    ) throws {
        let path = Self.v2File("invalid/" + file)
        let check = CatalogLoader().check(files: [path], schema: try .shipped())[0]
        #expect(check.provider == nil)
        let first = try #require(check.issues.first)
        #expect(first.file == path && first.line == line && first.column == column, "\(first)")
        #expect(first.rule == rule, "\(first)")
        #expect(first.message.contains(message), "\(first)")
        var place = "\(path):\(line)"
        if let column { place += ":\(column)" }
        #expect(first.description.hasPrefix(place + ": [\(rule.rawValue)] "), "\(first)")
    }

    @Test func everyInvalidFixtureHasACase() throws {
        let names = Set(try Self.files(in: Self.v2File("invalid")).map { ($0 as NSString).lastPathComponent })
        #expect(names.count == 20)
    }

    /// A bad catalog never replaces the serving one: one broken version-2 file refuses the whole load.
    @Test func oneBrokenVersion2FileRefusesTheCatalog() throws {
        let directory = try Paths.copyOfShippedCatalog()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.copyItem(
            atPath: Self.v2File("invalid/fee-percent-and-amount.xml"),
            toPath: directory.appendingPathComponent("fee-percent-and-amount.xml").path
        )
        let error = #expect(throws: CatalogError.self) { try CatalogLoader().load(directory: directory.path) }
        #expect(error?.issues.map(\.message).contains { $0.contains("rule V1") } == true)
    }

    // MARK: xmllint agrees

    /// xmllint, an independent validator, gives the same schema verdict as the loader on every version-2 file
    /// (the semantic rules V1–V13 and the security policy are Backstop's alone).
    @Test func xmllintAgreesOnEveryVersion2Verdict() throws {
        var files = try Self.files(in: Self.v2File("valid")) + Self.files(in: Self.v2File("invalid"))
        files.append(Self.testdata.appendingPathComponent("annotated-example-2.xml").path)
        let schema = try ProviderSchema.shipped()
        var semanticOnly = 0
        for file in files {
            let ours = CatalogLoader().check(files: [file], schema: schema)[0]
            let theirs = try runXmllint(file)
            if !ours.issues.isEmpty && ours.issues.allSatisfy({ $0.rule == .semantic || $0.rule == .security }) {
                // A semantic refusal is of a schema-valid file: xmllint must accept it. (V12 runs before validation,
                // and a namespace mix is also a schema error.)
                if ours.issues.first?.message.contains("rule V12") == true {
                    #expect(!theirs, "\(file): xmllint accepts a mixed-namespace file")
                } else {
                    #expect(theirs, "\(file): xmllint refuses a file Backstop finds schema-valid: \(ours.issues)")
                }
                semanticOnly += 1
                continue
            }
            let schemaOrSyntax = ours.issues.contains { [.syntax, .schema].contains($0.rule) }
            #expect(theirs == !schemaOrSyntax, "\(file): xmllint \(theirs), Backstop \(ours.issues)")
        }
        #expect(semanticOnly >= 16)
    }

    func runXmllint(_ file: String) throws -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["xmllint", "--noout", "--nonet", "--schema", Self.schema2, file]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus != 127, "xmllint is needed (apt-get install libxml2-utils)")
        return process.terminationStatus == 0
    }

    // MARK: Migration

    /// Every version-1 file the repository holds: the shipped catalog as it was in version 1
    /// (`providers/testdata/v1-catalog`), the annotated example, the scenarios and the test fixtures (and any file of
    /// the shipped catalog still in version 1).
    static func version1Files() throws -> [String] {
        var files = try Self.files(in: Paths.providers)
        files += try Self.files(in: Self.testdata.appendingPathComponent("v1-catalog").path)
        files.append(Self.testdata.appendingPathComponent("annotated-example.xml").path)
        files += try Self.files(in: Self.testdata.appendingPathComponent("scenarios").path)
        files += try Self.files(in: Paths.fixture("valid"))
        return files.filter {
            (try? String(contentsOfFile: $0, encoding: .utf8))?.contains("urn:backstop:provider:1\"") == true
        }
    }

    @Test func migratingEveryVersion1FileGivesTheSameProviderAndIsIdempotent() throws {
        let schema = try ProviderSchema.shipped()
        let migration = ProviderMigration(schema: schema)
        let files = try Self.version1Files()
        #expect(files.count >= 18, "\(files.count) version-1 files")
        for file in files {
            let data = try Data(contentsOf: URL(fileURLWithPath: file))
            let original = try #require(CatalogLoader().check(data: data, file: file, schema: schema).provider)
            let outcome = try migration.migrate(data: data, file: file)
            #expect(outcome.changed, "\(file)")
            let text = String(decoding: outcome.data, as: UTF8.self)
            #expect(text.contains("xmlns=\"urn:backstop:provider:2\"") && text.contains("schemaVersion=\"2\""))
            #expect(
                !text.contains("<installmentFee") && !text.contains("<upfrontFee") && !text.contains("<membershipFee")
            )
            var migrated = try #require(
                CatalogLoader().check(data: outcome.data, file: file, schema: schema).provider,
                "\(file) does not load after migration"
            )
            migrated.origin = original.origin
            #expect(migrated == original, "\(file)")
            // Migrating again changes nothing.
            let again = try migration.migrate(data: outcome.data, file: file)
            #expect(!again.changed && again.data == outcome.data, "\(file)")
        }
    }

    @Test func migrationRefusesAnInvalidFile() throws {
        let path = try Paths.fixture("invalid/limits-min-above-max.xml")
        let migration = ProviderMigration(schema: try .shipped())
        let error = #expect(throws: CatalogError.self) {
            try migration.migrate(data: try Data(contentsOf: URL(fileURLWithPath: path)), file: path)
        }
        #expect(error?.issues.first?.message.contains("rule L3") == true)
    }

    // MARK: Lint reprices the representative examples

    @Test func lintCatchesAnExampleThatHidesItsFees() throws {
        let linter = CatalogLinter(date: CalendarDate(year: 2026, month: 11, day: 25)!)
        let schema = try ProviderSchema.shipped()
        func provider(_ name: String) throws -> ProviderDescription {
            try #require(CatalogLoader().check(files: [Self.v2File("valid/" + name)], schema: schema)[0].provider)
        }
        let hidden = linter.examples(try provider("hidden-fee-example.xml"), file: "hidden-fee-example.xml")
        let mismatch = try #require(hidden.first { $0.code == "example-mismatch" })
        #expect(mismatch.severity == .warning)
        #expect(mismatch.message.contains("total repayable stated ¥10,394.28, Backstop ¥12,031.41"))
        #expect(mismatch.message.contains("guarantee ¥1,440.00"))
        #expect(mismatch.message.contains("APR stated 7.2%, Backstop 35.7732%"))
        let honest = linter.examples(try provider("referral-over-cap.xml"), file: "referral-over-cap.xml")
        #expect(honest.map(\.code) == ["example-agrees"])
    }

    @Test func lintToleratesOneFenAndOneHundredthOfAPoint() throws {
        let schema = try ProviderSchema.shipped()
        var provider = try #require(
            CatalogLoader().check(files: [Self.v2File("valid/referral-over-cap.xml")], schema: schema)[0].provider
        )
        let linter = CatalogLinter(date: CalendarDate(year: 2026, month: 11, day: 25)!)
        var example = try #require(provider.representativeExamples.first)
        example.totalRepayable += Money(minorUnits: 1)
        example.aprPercent += Decimal(string: "0.01")!
        provider.representativeExamples = [example]
        #expect(linter.examples(provider, file: "f").map(\.code) == ["example-agrees"])
        example.totalRepayable += Money(minorUnits: 1)
        provider.representativeExamples = [example]
        #expect(linter.examples(provider, file: "f").map(\.code) == ["example-mismatch"])
    }
}

/// The hostile-XML suite against the version-2 loader: every attack document of `Fixtures/hostile/`, its root moved
/// to `urn:backstop:provider:2` (UTF-8 documents up to the size budget; the others are refused before their
/// namespace is read), is refused exactly as its README row says when the refusal is the loader's own or the
/// parser's (security, syntax), and never opens a file or a socket.
struct HostileXMLVersion2Tests {
    @Test(.timeLimit(.minutes(1)), arguments: HostileFixtures.files)
    func attackDocumentIsRefusedByTheVersion2LoaderToo(file: String) throws {
        let expectation = try #require(try HostileFixtures.expectations()[file])
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let path = try sandbox.write(fixture: file)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber).intValue
        if size <= XMLLimits().maxBytes, let text = try? String(contentsOfFile: path, encoding: .utf8) {
            let v2 = text.replacingOccurrences(of: "urn:backstop:provider:1", with: "urn:backstop:provider:2")
                .replacingOccurrences(of: "schemaVersion=\"1\"", with: "schemaVersion=\"2\"")
            try Data(v2.utf8).write(to: URL(fileURLWithPath: path))
        }
        let outcome = Result { () throws(CatalogError) -> Catalog in
            try CatalogLoader().load(directory: sandbox.catalog.path, schemaPath: Paths.schema)
        }
        #expect(sandbox.listener.connectionAttempts() == 0, "the loader connected to the loopback listener")
        #expect(sandbox.fifoWasNeverOpened(), "something opened the FIFO")
        guard let rule = expectation.rule, rule == .security || rule == .syntax else { return }
        guard case .failure(let error) = outcome else {
            Issue.record("\(file) was accepted: \(expectation.attack)")
            return
        }
        let issue = try #require(error.issues.first)
        #expect(issue.rule == rule && issue.line == expectation.line && issue.column == expectation.column, "\(issue)")
        #expect(issue.message.contains(expectation.message), "\(issue)")
    }
}

/// `providers diff` sees a change in a version-2 figure (a fee, a tier, late terms), field by field.
struct CatalogDiffVersion2Tests {
    @Test func aChangedFeeIsAChangedField() throws {
        let schema = try ProviderSchema.shipped()
        let path = ProviderV2Tests.v2File("valid/referral-over-cap.xml")
        let before = try #require(CatalogLoader().check(files: [path], schema: schema)[0].provider)
        var after = before
        after.pricing[0].fees[0].figure = .percent(min: 1.5, max: 1.5)
        after.lateRepayment?.graceDays = 0
        let diff = CatalogDiff(old: [before], new: [after])
        let fields = diff.changed.first?.changes.map(\.field) ?? []
        #expect(fields == ["lateRepayment", "pricing@2025-10-01–.fee[1]"], "\(fields)")
        let fee = try #require(diff.changed.first?.changes.first { $0.field.hasSuffix("fee[1]") })
        #expect(fee.old == "guarantee 1.2% of original-principal per month, mandatory, to guarantor")
        #expect(fee.new == "guarantee 1.5% of original-principal per month, mandatory, to guarantor")
        #expect(CatalogDiff(old: [before], new: [before]).isEmpty)
    }
}

/// The provider wire document (`providers show --format json`, `GET /v1/providers/{id}`) carries the version-2
/// figures, and leaves them out for a version-1 provider (an added field is absent, never null).
struct ProviderDocumentVersion2Tests {
    @Test func theVersion2FiguresReachTheWireDocument() throws {
        let path = ProviderV2Tests.testdata.appendingPathComponent("annotated-example-2.xml").path
        let provider = try #require(CatalogLoader().check(files: [path], schema: try .shipped())[0].provider)
        let document = ProviderDocument(provider, on: CalendarDate(year: 2026, month: 11, day: 25)!)
        let pricing = try #require(document.pricing.first)
        #expect(pricing.fees?.map(\.kind) == [.guarantee, .insurance, .other, .membership, .upfront])
        #expect(pricing.fees?.first?.minPercent == Decimal(string: "1.2"))
        #expect(pricing.fees?.first { $0.kind == .other }?.status == .unknown)
        #expect(pricing.tiers?.count == 3 && pricing.promotions?.first?.days == 30)
        #expect(document.fundedBy?.map(\.kind) == [.bank, .trust])
        #expect(document.repaymentTerms?.latePenalty == "+50%")
        #expect(document.repaymentTerms?.earlyRefundsFees == .false)
        #expect(document.disclosure?.reportsToCreditReference == .yes)
        #expect(document.representativeExamples?.first?.totalRepayable == Money(minorUnits: 1_203_141))
        let data = try WireJSON.encode(document, layout: .compact)
        #expect(try JSONDecoder().decode(ProviderDocument.self, from: data) == document)

        let v1 = try #require(
            try CatalogLoader().load(
                directory: ProviderV2Tests.testdata.appendingPathComponent("v1-catalog").path,
                schemaPath: Paths.schema
            ).provider("jd-jintiao")
        )
        let old = try WireJSON.encode(
            ProviderDocument(v1, on: CalendarDate(year: 2026, month: 11, day: 25)!),
            layout: .compact
        )
        let text = String(decoding: old, as: UTF8.self)
        for key in ["\"fees\"", "\"tiers\"", "\"fundedBy\"", "\"repaymentTerms\"", "\"disclosure\"", "null"] {
            #expect(!text.contains(key), "\(key)")
        }
    }
}
