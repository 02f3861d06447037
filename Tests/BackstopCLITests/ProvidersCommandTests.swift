import Foundation
import Testing

/// `backstop providers …`, run as a real process against the shipped catalog and fixtures.
struct ProvidersCommandTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let catalog = repository.appendingPathComponent("providers").path
    static let invalid = repository.appendingPathComponent("Tests/BackstopCatalogTests/Fixtures/invalid").path

    @Test func listShowsEveryProviderWithLicenceStatusAndAPRRange() throws {
        let result = try BinaryRunner.run(["providers", "list", "--catalog", Self.catalog, "--date", "2026-11-25"])
        #expect(result.status == 0, "\(result.stderr)")
        for id in ["wechat-weilidai", "jd-baitiao", "quick-loan-unlicensed"] { #expect(result.stdout.contains(id)) }
        #expect(result.stdout.contains("UNLICENSED"))
        #expect(result.stdout.contains("closed to new users"))
        #expect(result.stdout.contains("catalog sha256:"))
        #expect(result.stdout.range(of: #"\d+\.\d\d–\d+\.\d\d%"#, options: .regularExpression) != nil)
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
        #expect(result.stdout.contains("1 of 15 files valid"))
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
