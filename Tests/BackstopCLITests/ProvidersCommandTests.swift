import Foundation
import Testing

/// `backstop providers …`, run as a real process against the shipped catalog and fixtures.
struct ProvidersCommandTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let catalog = repository.appendingPathComponent("providers").path
    static let invalid = repository.appendingPathComponent("Tests/BackstopCatalogTests/Fixtures/invalid").path
    /// Fictional providers with status and price-date scenarios (the shipped catalog has only sourced events).
    static let scenarios = repository.appendingPathComponent("providers/testdata/scenarios").path
    static let schema = repository.appendingPathComponent("providers/schema/provider-1.xsd").path

    @Test func listShowsEveryProviderWithLicenceStatusAndAPRRange() throws {
        let result = try BinaryRunner.run(["providers", "list", "--catalog", Self.catalog, "--date", "2026-11-25"])
        #expect(result.status == 0, "\(result.stderr)")
        for id in ["wechat-weilidai", "jd-baitiao", "quick-loan-unlicensed"] { #expect(result.stdout.contains(id)) }
        #expect(result.stdout.contains("UNLICENSED"))
        #expect(!result.stdout.contains("closed to new users"), "no invented closure in the shipped catalog")
        #expect(result.stdout.contains("catalog sha256:"))
        #expect(result.stdout.range(of: #"\d+\.\d\d–\d+\.\d\d%"#, options: .regularExpression) != nil)
        let scenarios = try BinaryRunner.run([
            "providers", "list", "--catalog", Self.scenarios, "--schema", Self.schema, "--date", "2026-11-25",
        ])
        #expect(scenarios.status == 0, "\(scenarios.stderr)")
        #expect(scenarios.stdout.contains("closed to new users"))
        // Before its first price list, a provider's APR range is unknown.
        let early = try BinaryRunner.run([
            "providers", "list", "--catalog", Self.scenarios, "--schema", Self.schema, "--date", "2023-06-01",
            "--format", "json",
        ])
        let providers = try #require(try BinaryRunner.json(early.stdout)["providers"] as? [[String: Any]])
        let dated = try #require(providers.first { $0["id"] as? String == "example-dated-prices" })
        #expect(dated["aprMin"] == nil && dated["aprMax"] == nil)
    }

    /// Who may apply and what applying costs in credit-report inquiries, in the JSON document of `providers show`.
    @Test func showJSONExposesAccessInquiriesAndPriceListDates() throws {
        func show(_ id: String) throws -> [String: Any] {
            let result = try BinaryRunner.run([
                "providers", "show", id, "--catalog", Self.catalog, "--format", "json", "--date", "2026-11-25",
            ])
            #expect(result.status == 0, "\(result.stderr)")
            return try BinaryRunner.json(result.stdout)
        }
        let weilidai = try show("wechat-weilidai")
        let access = try #require(weilidai["access"] as? [String: Any])
        #expect(access["invitationOnly"] as? Bool == true)
        #expect(access["customersOf"] as? [String] == [])
        let inquiries = try #require(weilidai["inquiries"] as? [String: Any])
        #expect(inquiries["application"] as? String == "hard")
        #expect(inquiries["limitCheck"] as? String == "hard")
        #expect(inquiries["source"] as? String == "s6")
        let icbc = try show("icbc-card-installment")
        #expect((icbc["access"] as? [String: Any])?["customersOf"] as? [String] == ["icbc"])
        #expect((icbc["access"] as? [String: Any])?["invitationOnly"] as? Bool == false)
        #expect((icbc["eligibility"] as? [String: Any])?["excludedWhen"] as? [String] == ["current-overdue"])
        let zhaolian = try show("zhaolian-haoqidai")
        #expect((zhaolian["pricing"] as? [[String: Any]])?.first?["from"] as? String == "2025-12-15")
        let table = try BinaryRunner.run([
            "providers", "show", "ccb-kuaidai", "--catalog", Self.catalog, "--date", "2026-11-25",
        ])
        #expect(table.stdout.contains("Access       only customers of ccb [s5]"))
        #expect(table.stdout.contains("every other term, from 2025-04-01: 3.05%–6.00% a year"))
    }

    /// `--date` before a provider's first price list: no offer, and the answer says the prices of that date are
    /// unknown (not that the term is not offered), through the real binary.
    @Test func aPastDateBeforeAnyPriceListIsRefusedAsUnknownPrices() throws {
        let profile = Self.repository.appendingPathComponent("examples/profiles/healthy.json").path
        let result = try BinaryRunner.run([
            "alternatives", "--profile", profile, "--amount", "5000", "--term", "12", "--purpose", "cash",
            "--catalog", Self.catalog, "--date", "2025-06-01", "--format", "json",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try BinaryRunner.json(result.stdout)
        let ineligible = try #require(json["ineligible"] as? [[String: Any]])
        let zhaolian = try #require(ineligible.first { $0["provider"] as? String == "zhaolian-haoqidai" })
        let text = String(decoding: try JSONSerialization.data(withJSONObject: zhaolian), as: UTF8.self)
        #expect(text.contains("rule-no-price-on-date"), "\(text)")
        #expect(text.contains("fix-prices-unknown-for-date"))
        #expect(text.contains("2025-12-15"))
        let alternatives = try #require(json["alternatives"] as? [[String: Any]])
        #expect(!alternatives.contains { $0["provider"] as? String == "zhaolian-haoqidai" })
        let table = try BinaryRunner.run([
            "alternatives", "--profile", profile, "--amount", "5000", "--term", "12", "--purpose", "cash",
            "--catalog", Self.catalog, "--date", "2025-06-01",
        ])
        #expect(table.stdout.contains("Zhaolian Haoqidai has no known prices for 12 months on 2025-06-01"))
        #expect(table.stdout.contains("Backstop knows them only from 2025-12-15"))
        // On the reference day the same provider is priced.
        let today = try BinaryRunner.run([
            "alternatives", "--profile", profile, "--amount", "5000", "--term", "12", "--purpose", "cash",
            "--catalog", Self.catalog, "--date", "2026-11-25", "--format", "json",
        ])
        #expect(!today.stdout.contains("rule-no-price-on-date"))
    }

    @Test func listJSONCarriesTheCatalogHashAndEveryProvider() throws {
        let result = try BinaryRunner.run(["providers", "list", "--catalog", Self.catalog, "--format", "json"])
        #expect(result.status == 0)
        let json = try BinaryRunner.json(result.stdout)
        let catalog = try #require(json["catalog"] as? [String: Any])
        let providers = try #require(json["providers"] as? [[String: Any]])
        #expect(catalog["providers"] as? Int == providers.count)
        #expect((catalog["hash"] as? String)?.hasPrefix("sha256:") == true)
        #expect(providers.allSatisfy { $0["id"] != nil && $0["licence"] != nil && $0["aprMin"] != nil })
    }

    @Test func showPrintsOneProvider() throws {
        let table = try BinaryRunner.run(["providers", "show", "wechat-weilidai", "--catalog", Self.catalog])
        #expect(table.status == 0)
        #expect(table.stdout.contains("微信微粒贷"))
        #expect(table.stdout.contains("0.02%–0.05% a day (actual/360)"))
        // The language decides which name comes first, and every label.
        #expect(table.stdout.hasPrefix("WeChat Weilidai (微信微粒贷)"))
        let chinese = try BinaryRunner.run([
            "providers", "show", "wechat-weilidai", "--catalog", Self.catalog, "--lang", "zh",
        ])
        #expect(chinese.stdout.hasPrefix("微信微粒贷 (WeChat Weilidai)"))
        #expect(chinese.stdout.contains("日利率0.02%–0.05%（按实际天数/360计）"))
        #expect(chinese.stdout.contains("申请条件"))
        let json = try BinaryRunner.run([
            "providers", "show", "wechat-weilidai", "--catalog", Self.catalog, "--format", "json",
        ])
        let document = try BinaryRunner.json(json.stdout)
        #expect((document["name"] as? [String: Any])?["zh"] as? String == "微信微粒贷")
        let missing = try BinaryRunner.run(["providers", "show", "no-such-provider", "--catalog", Self.catalog])
        #expect(missing.status == 65)
        #expect(missing.stderr.contains("no provider \"no-such-provider\""))
    }

    @Test func validateListsEveryErrorWithFileLineAndRule() throws {
        let result = try BinaryRunner.run([
            "providers", "validate", "--catalog", Self.catalog, Self.invalid, Self.catalog + "/ccb-kuaidai.xml",
        ])
        #expect(result.status == 65)
        #expect(result.stdout.contains("ok       \(Self.catalog)/ccb-kuaidai.xml"))
        #expect(result.stdout.contains("not-well-formed.xml:7:27: [syntax]"))
        #expect(result.stdout.contains("limits-min-above-max.xml:12: [semantic]"))
        #expect(result.stdout.contains("bad-rate-value.xml:20: [schema]"))
        #expect(result.stdout.contains("1 of 23 files valid"))
        let good = try BinaryRunner.run(["providers", "validate", "--catalog", Self.catalog, "--format", "json"])
        #expect(good.status == 0)
        #expect(try BinaryRunner.json(good.stdout)["valid"] as? Bool == true)
    }

    @Test func lintAndDiffRun() throws {
        let lint = try BinaryRunner.run([
            "providers", "lint", "--catalog", Self.catalog, "--format", "json", "--date", "2026-11-25",
        ])
        #expect([0, 65].contains(lint.status))
        let findings = try #require(try BinaryRunner.json(lint.stdout)["findings"] as? [[String: Any]])
        #expect(findings.contains { $0["code"] as? String == "unlicensed" })
        #expect(lint.status == (findings.contains { $0["severity"] as? String == "error" } ? 65 : 0))
        let same = try BinaryRunner.run(["providers", "diff", Self.catalog, Self.catalog])
        #expect(same.status == 0)
        #expect(same.stdout.contains("no differences"))
    }
}
