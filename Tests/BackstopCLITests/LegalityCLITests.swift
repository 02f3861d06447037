import Foundation
import Testing

/// `quote` and `apr` say where the rate they compute stands against the legal caps, through the real binary.
struct LegalityCLITests {
    static let catalog = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("providers").path

    /// 0.09% a day over 12 months: 32.74% a year.
    static let costly = [
        "quote", "--amount", "5000", "--term", "12", "--rate", "0.09%/day", "--start", "2026-11-25", "--catalog",
        catalog,
    ]

    @Test func quoteAboveTwentyFourPercentNamesTheInternetLendingCapAndItsSource() throws {
        let result = try BinaryRunner.run(Self.costly)
        #expect(result.status == 0, "\(result.stderr)")
        let text = result.stdout
        #expect(text.contains("Legal caps on 2026-11-25:"), "\(text)")
        #expect(text.contains("  - 32.74% a year is above the 24% all-in cap for internet loans"), "\(text)")
        #expect(text.contains("https://gmteight.com/latest/detail/335274): a lender it binds (bank, "), "\(text)")
        #expect(text.contains("the courts' 24% level for financial institutions' loans"), "\(text)")
        #expect(text.contains("32.74% a year is within the 36% all-in cap on cash loans"), "\(text)")
        // The courts' private-lending ceiling is not a licensed lender's.
        #expect(!text.contains("LPR"), "\(text)")
    }

    @Test func quoteSpeaksChinese() throws {
        let result = try BinaryRunner.run(Self.costly + ["--lang", "zh"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("2026年11月25日的法定利率上限："), "\(result.stdout)")
        #expect(result.stdout.contains("年化利率32.74%超过互联网贷款综合成本24%上限"), "\(result.stdout)")
        #expect(result.stdout.contains("不得以此利率放贷"), "\(result.stdout)")
        #expect(result.stdout.contains("年化利率32.74%未超过持牌机构现金贷综合成本36%上限"), "\(result.stdout)")
    }

    @Test func quoteWithinTwentyFourPercentSaysSo() throws {
        let result = try BinaryRunner.run([
            "quote", "--amount", "5000", "--term", "12", "--rate", "0.05%/day", "--start", "2026-11-25", "--catalog",
            Self.catalog,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stdout.contains("18.19% a year is within the 24% all-in cap for internet loans"),
            "\(result.stdout)"
        )
        #expect(!result.stdout.contains("is above"), "\(result.stdout)")
    }

    /// `--licence none`: lending without a licence is held to the private-lending ceiling, with the LPR and its date.
    @Test(arguments: [
        ("en", "4 × the 1-year LPR of 3.00% published 2025-05-20 = 12.00%"),
        ("zh", "2025年5月20日发布的一年期LPR 3.00%的4倍，即12.00%"),
    ])
    func quoteForALenderWithoutALicenceShowsTheLPR(_ language: String, _ expected: String) throws {
        let result = try BinaryRunner.run(Self.costly + ["--licence", "none", "--lang", language])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains(expected), "\(result.stdout)")
    }

    @Test func quoteJSONCarriesTheVerdict() throws {
        let result = try BinaryRunner.run(Self.costly + ["--format", "json", "--licence", "bank"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try BinaryRunner.json(result.stdout)
        let legality = try #require(json["legality"] as? [[String: Any]])
        #expect(
            legality.map { $0["code"] as? String } == [
                "legality-above-cap", "legality-above-court-level", "legality-within-cap",
            ]
        )
        let first = try #require(legality.first)
        let params = try #require(first["params"] as? [String: Any])
        #expect(params["capID"] as? String == "internet-lending-24")
        #expect(params["source"] as? String == "https://gmteight.com/latest/detail/335274")
        #expect(params["licences"] as? [String] == ["bank"])
        #expect((first["message"] as? String)?.contains("above the 24% all-in cap for internet loans") == true)
    }

    @Test func quoteWithoutCapsSaysTheRateIsNotChecked() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("backstop-no-caps-\(UUID())")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        let result = try BinaryRunner.run(Array(Self.costly.dropLast()) + [empty.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stdout.contains("The legal caps could not be read: 32.74% a year is not checked"),
            "\(result.stdout)"
        )
        #expect(result.stderr.contains("has no caps/legal-caps.json"), "\(result.stderr)")
        let missing = try BinaryRunner.run(Array(Self.costly.dropLast()) + ["/nonexistent/catalog"])
        #expect(missing.status == 0)
        #expect(missing.stderr.contains("no such directory"), "\(missing.stderr)")
    }

    @Test func quoteRefusesAnUnknownLicence() throws {
        let result = try BinaryRunner.run(Self.costly + ["--licence", "pawnshop"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--licence"), "\(result.stderr)")
    }

    /// 1,000 lent, 1,025 repaid a month later: 30% a year, above 24% and within 36%.
    static let flows = #"{"convention": "cn", "flows": [{"amount": -1000, "t": 0}, {"amount": 1025, "t": 1}]}"#

    @Test func aprPrintsTheVerdictOnTheDate() throws {
        let result = try BinaryRunner.run(
            ["apr", "--date", "2026-11-25", "--catalog", Self.catalog],
            stdin: Self.flows
        )
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Legal caps on 2026-11-25:"), "\(result.stdout)")
        #expect(
            result.stdout.contains("30.00% a year is above the 24% all-in cap for internet loans"),
            "\(result.stdout)"
        )
        #expect(result.stdout.contains("30.00% a year is within the 36% all-in cap on cash loans"), "\(result.stdout)")
        let chinese = try BinaryRunner.run(
            ["apr", "--date", "2026-11-25", "--catalog", Self.catalog, "--lang", "zh"],
            stdin: Self.flows
        )
        #expect(chinese.stdout.contains("年化利率30.00%超过互联网贷款综合成本24%上限"), "\(chinese.stdout)")
        // Before the 2025 caps, the courts' level for financial loans is the 24% line.
        let earlier = try BinaryRunner.run(
            ["apr", "--date", "2024-06-01", "--catalog", Self.catalog, "--licence", "consumer-finance"],
            stdin: Self.flows
        )
        #expect(
            earlier.stdout.contains("above the courts' 24% level for financial institutions' loans"),
            "\(earlier.stdout)"
        )
    }

    @Test func aprJSONKeepsItsFieldsAndAddsTheVerdict() throws {
        let result = try BinaryRunner.run(
            ["apr", "--format", "json", "--date", "2026-11-25", "--catalog", Self.catalog, "--licence", "none"],
            stdin: Self.flows
        )
        #expect(result.status == 0, "\(result.stderr)")
        let json = try BinaryRunner.json(result.stdout)
        for key in ["convention", "unitPeriodsPerYear", "nominalAPR", "effectiveAPR", "periodicRate"] {
            #expect(json[key] != nil, "\(key)")
        }
        let legality = try #require(json["legality"] as? [[String: Any]])
        let params = try #require(legality.first?["params"] as? [String: Any])
        #expect(params["lprDate"] as? String == "2025-05-20")
        #expect("\(params["lpr"] ?? "")" == "3")
    }
}
