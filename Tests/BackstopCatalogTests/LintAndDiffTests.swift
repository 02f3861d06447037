import BackstopCatalog
import BackstopCore
import Foundation
import Testing

struct LintAndDiffTests {
    let day = CalendarDate(year: 2026, month: 11, day: 25)!

    func edit(_ directory: URL, _ file: String, _ old: String, _ new: String) throws {
        let url = directory.appendingPathComponent(file)
        let text = try String(contentsOf: url, encoding: .utf8)
        try #require(text.contains(old), "\(file) has no \(old)")
        try Data(text.replacingOccurrences(of: old, with: new).utf8).write(to: url)
    }

    func writeCaps(_ directory: URL, maxPercent: Decimal, kinds: [String], effect: String = "exclude") throws {
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("caps"),
            withIntermediateDirectories: true
        )
        let json = """
            {"caps": [{"id": "test-cap", "title": "test cap", "appliesTo": [\(kinds.map { "\"\($0)\"" }.joined(separator: ","))],
              "maxAPRPercent": \(maxPercent), "effect": "\(effect)", "from": "2025-01-01",
              "sourceTitle": "test", "sourceURL": "https://example.org/cap", "reported": false}]}
            """
        try Data(json.utf8).write(to: directory.appendingPathComponent("caps/legal-caps.json"))
    }

    @Test func lintFlagsOffersAboveTheCapForTheirLicenceKind() throws {
        let directory = try Paths.copyOfShippedCatalog()
        defer { try? FileManager.default.removeItem(at: directory) }
        try writeCaps(directory, maxPercent: 15, kinds: ["bank"])
        let findings = CatalogLinter(date: day).lint(directory: directory.path)
        let above = findings.filter { $0.code == "above-legal-cap" }
        // Weilidai (a bank) tops out at 0.05%/day ≈ 18%: above a 15% cap. Banks' 3-6% loans are not. A price above a
        // cap is a fact about the market, not a description error: a warning naming the cap and what pushes it over.
        #expect(
            above.contains {
                $0.provider == "wechat-weilidai" && $0.severity == .warning && $0.message.contains("test cap")
                    && $0.message.contains("the interest alone costs 18.")
            }
        )
        // Ping An Puhui's 9.2% interest is under it; its three mandatory fees push it over, and the words say so.
        #expect(
            above.contains {
                $0.provider == "pingan-puhui"
                    && $0.message.contains(
                        "the mandatory service fee, insurance premium and guarantee fee (¥28,168.35 in all) push it over, "
                            + "the interest alone costing 9.20%"
                    )
            }
        )
        #expect(!above.contains { $0.provider == "icbc-rongejie" })
        #expect(
            !above.contains { $0.provider == "jd-jintiao" },
            "an online micro-lender is not bound by a bank-only cap"
        )
        // Before the cap's effective date it does not bind.
        let before = CatalogLinter(date: CalendarDate(year: 2024, month: 6, day: 1)!).lint(directory: directory.path)
        #expect(!before.contains { $0.code == "above-legal-cap" })
    }

    /// The shipped catalog: the channels priced above a cap that binds them are warnings naming the cap and what
    /// pushes the price over (Shengbei's guarantee fee; Yixianghua's interest, above the consumer-finance cap), and
    /// channels whose top rate is exactly 24% (instalments rounded to the fen: 24.00006%) are not above the 24% cap.
    @Test func theShippedCatalogsOverCapChannelsAreWarningsNamingWhatPushesThemOver() throws {
        let findings = CatalogLinter(date: CalendarDate(year: 2026, month: 12, day: 4)!).lint(
            directory: Paths.providers
        )
        #expect(!findings.contains { $0.severity == .error }, "\(findings.filter { $0.severity == .error })")
        let above = findings.filter { $0.code == "above-legal-cap" }
        // Xiaoying Kadai is a platform one of whose funders is a consumer finance company: its top price of 24% is
        // above that funder's 20% cap (every funder's caps bind a platform; docs/advice.md "Platforms").
        #expect(Set(above.compactMap(\.provider)) == ["shengbei", "yiren-yixianghua", "xiaoying-kadai"], "\(above)")
        #expect(above.allSatisfy { $0.severity == .warning })
        let shengbei = try #require(above.first { $0.provider == "shengbei" })
        #expect(shengbei.message.contains("costs 36.00% APR"), "\(shengbei.message)")
        #expect(shengbei.message.contains("24% all-in cap for internet loans"))
        #expect(
            shengbei.message.contains("the mandatory guarantee fee (¥1,837.32 in all) pushes it over")
                && shengbei.message.contains("the interest alone costing 4.00%"),
            "\(shengbei.message)"
        )
        let yixianghua = try #require(above.first { $0.provider == "yiren-yixianghua" })
        #expect(
            yixianghua.message.contains("all-in cap of about 20% on consumer finance companies"),
            "\(yixianghua.message)"
        )
        #expect(yixianghua.message.contains("the interest alone costs 23.99%"))
        // Fenqile (funded by banks only) tops out at exactly 24%: within the cap, not an artefact of fen rounding.
        #expect(!findings.contains { $0.provider == "fenqile" && $0.code.hasPrefix("above-") })
        let xiaoying = try #require(above.first { $0.provider == "xiaoying-kadai" })
        #expect(
            xiaoying.message.contains("all-in cap of about 20% on consumer finance companies"),
            "\(xiaoying.message)"
        )
    }

    @Test func lintFindsUnlicensedEndedStatusAndUnservableTerms() throws {
        let directory = try Paths.copyOfShippedCatalog()
        defer { try? FileManager.default.removeItem(at: directory) }
        try edit(
            directory,
            "ccb-kuaidai.xml",
            #"<period state="open" from="#,
            #"<period state="open" until="2026-01-31" from="#
        )
        // A one-month equal-principal loan of ¥1 still prices; a 1-fen limit with a 360-month term cannot carry fen.
        let findings = CatalogLinter(date: day).lint(directory: directory.path)
        #expect(
            findings.contains {
                $0.code == "unlicensed" && $0.provider == "quick-loan-unlicensed" && $0.severity == .warning
            }
        )
        #expect(
            findings.contains { $0.code == "status-ended" && $0.provider == "ccb-kuaidai" && $0.severity == .error }
        )
        #expect(findings.allSatisfy { !$0.message.isEmpty && !$0.file.isEmpty })
    }

    /// Status scenarios come from the fictional fixtures of providers/testdata/scenarios, never from the shipped
    /// catalog: closed to new users today, a suspension scheduled, prices not yet known on an early date.
    @Test func lintReportsTheScenarioFixturesStatusAndPriceDates() throws {
        let scenarios = Paths.repository.appendingPathComponent("providers/testdata/scenarios").path
        let linter = CatalogLinter(date: day)
        let findings = linter.lint(directory: scenarios, schemaPath: Paths.schema)
        #expect(findings.contains { $0.code == "status-not-open" && $0.provider == "example-closed" })
        #expect(
            findings.contains {
                $0.code == "status-change" && $0.provider == "example-suspended" && $0.message.contains("2027-07-01")
            }
        )
        #expect(!findings.contains { $0.severity == .error })
        let early = CatalogLinter(date: CalendarDate(year: 2023, month: 6, day: 1)!)
            .lint(directory: scenarios, schemaPath: Paths.schema)
        #expect(
            early.contains {
                $0.code == "prices-not-started" && $0.provider == "example-dated-prices" && $0.severity == .info
                    && $0.message.contains("2024-01-01")
            }
        )
    }

    /// The shipped catalog lints with no error on the reference day: every price list in force, no invented status.
    @Test func theShippedCatalogLintsWithoutErrors() throws {
        let findings = CatalogLinter(date: day).lint(directory: Paths.providers)
        #expect(findings.filter { $0.severity == .error }.isEmpty, "\(findings.filter { $0.severity == .error })")
        #expect(!findings.contains { $0.code == "status-not-open" || $0.code == "status-change" })
        #expect(!findings.contains { $0.code.hasPrefix("prices-") })
        #expect(!findings.contains { $0.code == "requires-account-bank" })
    }

    @Test func lintWarnsWhenTheLastPriceListHasEnded() throws {
        let directory = try Paths.copyOfShippedCatalog()
        defer { try? FileManager.default.removeItem(at: directory) }
        try edit(
            directory,
            "zhaolian-haoqidai.xml",
            #"<pricing from="2025-12-15">"#,
            #"<pricing from="2025-12-15" until="2026-06-30">"#
        )
        let findings = CatalogLinter(date: day).lint(directory: directory.path)
        #expect(
            findings.contains {
                $0.code == "prices-ended" && $0.provider == "zhaolian-haoqidai" && $0.severity == .warning
            }
        )
    }

    @Test func lintReportsBrokenFilesAsErrors() throws {
        let directory = try Paths.copyOfShippedCatalog()
        defer { try? FileManager.default.removeItem(at: directory) }
        try edit(directory, "meituan-jieqian.xml", "min=\"500\" max=\"200000\"", "min=\"300000\" max=\"200000\"")
        let findings = CatalogLinter(date: day).lint(directory: directory.path)
        #expect(
            findings.contains {
                $0.code == "invalid" && $0.file.hasSuffix("meituan-jieqian.xml") && $0.message.contains("rule L3")
            }
        )
    }

    @Test func diffNamesFieldLevelChanges() throws {
        let directory = try Paths.copyOfShippedCatalog()
        defer { try? FileManager.default.removeItem(at: directory) }
        try edit(directory, "wechat-weilidai.xml", #"maxPercent="0.05""#, #"maxPercent="0.045""#)
        try FileManager.default.removeItem(at: directory.appendingPathComponent("jd-jintiao.xml"))
        let added = try String(contentsOf: directory.appendingPathComponent("ccb-kuaidai.xml"), encoding: .utf8)
            .replacingOccurrences(of: #"id="ccb-kuaidai""#, with: #"id="ccb-kuaidai-2""#)
        try Data(added.utf8).write(to: directory.appendingPathComponent("ccb-kuaidai-2.xml"))
        let old = try CatalogLoader().load(directory: Paths.providers)
        let new = try CatalogLoader().load(directory: directory.path)
        let diff = CatalogDiff(old: old.providers, new: new.providers)
        #expect(diff.added == ["ccb-kuaidai-2"])
        #expect(diff.removed == ["jd-jintiao"])
        let weilidai = try #require(diff.changed.first { $0.provider == "wechat-weilidai" })
        #expect(weilidai.changes.map(\.description) == ["pricing.daily rate max: 0.05%/day → 0.045%/day"])
        #expect(diff.changed.count == 1)
        // Access, inquiries and price-list dates are compared too.
        try edit(directory, "wechat-weilidai.xml", #"<access invitationOnly="true""#, #"<access"#)
        try edit(directory, "wechat-weilidai.xml", #"limitCheck="hard""#, #"limitCheck="unknown""#)
        try edit(directory, "jd-baitiao.xml", "<pricing>", #"<pricing from="2026-01-01">"#)
        let again = CatalogDiff(old: old.providers, new: try CatalogLoader().load(directory: directory.path).providers)
        let changes = Set(again.changed.flatMap { change in change.changes.map { "\(change.provider) \($0)" } })
        #expect(changes.contains("wechat-weilidai access.invitationOnly: yes → (none)"))
        #expect(changes.contains("wechat-weilidai inquiries.limitCheck: hard → unknown"))
        #expect(changes.contains("jd-baitiao pricing@2026-01-01–.interest: (none) → none"))
        #expect(CatalogDiff(old: old.providers, new: old.providers).isEmpty)
    }
}
