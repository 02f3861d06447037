import Foundation
import Testing

/// `--lang` and the locale through the real binary: every command that prints prose, the chart and batch.
struct LanguageCLITests {
    static func example(_ path: String) -> String { ExampleProfileTests.example(path) }
    static let catalog = ProvidersCommandTests.catalog

    @Test func theLocaleChoosesTheDefaultAndLangWins() throws {
        let arguments = ["diagnose", "--profile", Self.example("profiles/late-repayment.json")]
        var chinese = BinaryRunner.englishEnvironment
        chinese["LANG"] = "zh_CN.UTF-8"
        let byLocale = try BinaryRunner.run(arguments, environment: chinese)
        #expect(byLocale.stdout.hasPrefix("花呗：已关闭"))
        let byFlag = try BinaryRunner.run(arguments + ["--lang", "en"], environment: chinese)
        #expect(byFlag.stdout.hasPrefix("Huabei: CLOSED"))
        chinese["LC_ALL"] = "C"
        let cLocale = try BinaryRunner.run(arguments, environment: chinese)
        #expect(cLocale.stdout.hasPrefix("Huabei: CLOSED"))
    }

    @Test(arguments: [
        ["diagnose", "--profile", "-"], ["alternatives", "--profile", "-"],
        ["quote", "--amount", "100", "--term", "3"],
        ["providers", "list"], ["providers", "show", "huabei"], ["batch", "--in", "-", "--out", "-"], ["apr", "-"],
    ])
    func anUnsupportedLanguageIsAUsageError(_ command: [String]) throws {
        let result = try BinaryRunner.run(command + ["--lang", "fr", "--catalog", Self.catalog], stdin: "{}")
        #expect(result.status == 64, "\(command): \(result.stderr)")
        #expect(result.stderr.contains("--lang: must be one of zh, en, got fr"), "\(result.stderr)")
    }

    @Test func theChartSpeaksTheChosenLanguage() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("backstop-lang-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let chart = directory.appendingPathComponent("zh.svg").path
        let result = try BinaryRunner.run([
            "alternatives", "--profile", Self.example("profiles/late-repayment.json"), "--catalog", Self.catalog,
            "--date", "2026-11-25", "--lang", "zh", "--chart", chart,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let svg = try String(contentsOfFile: chart, encoding: .utf8)
        for text in ["Backstop：持牌备选渠道对比", "各备选渠道的借款总成本", "累计还款", "放款后月数"] {
            #expect(svg.contains(text), "missing \(text)")
        }
        for english in ["Total cost of credit", "Cumulative repayment", "ranked by", "Months since"] {
            #expect(!svg.contains(english), "\(english) in the Chinese chart")
        }
    }

    @Test func batchRecordsCarryTheChosenLanguage() throws {
        let profile = try String(contentsOfFile: Self.example("profiles/late-repayment.json"), encoding: .utf8)
            .replacingOccurrences(of: "\n", with: " ")
        let result = try BinaryRunner.run(
            [
                "batch", "--in", "-", "--out", "-", "--detail", "summary", "--progress", "never", "--date",
                "2026-11-25", "--catalog", Self.catalog, "--lang", "zh",
            ],
            stdin: profile + "\n"
        )
        #expect(result.status == 0, "\(result.stderr)")
        let record = try BinaryRunner.json(result.stdout)
        let summary = try #require(record["summary"] as? [String: Any])
        let recovery = try #require(summary["recovery"] as? [String])
        #expect(recovery.first?.hasPrefix("从现在起保持良好的还款记录") == true, "\(recovery)")
        let why = (summary["alternatives"] as? [[String: Any]])?.first?["why"] as? String
        #expect(why?.contains("年化利率") == true, "\(why ?? "")")
    }
}

/// Students are never offered credit by lender kinds barred from lending to them on the request date, and the answer
/// says why with the rule's source; through the real binary.
struct StudentProtectionTests {
    static func run(_ date: String, _ extra: [String] = []) throws -> [String: Any] {
        let result = try BinaryRunner.run(
            [
                "alternatives", "--profile", ExampleProfileTests.example("profiles/student.json"), "--amount", "2000",
                "--term", "6", "--catalog", ProvidersCommandTests.catalog, "--date", date, "--format", "json",
            ] + extra
        )
        #expect(result.status == 0, "\(result.stderr)")
        return try BinaryRunner.json(result.stdout)
    }

    @Test func microLendersAreNeverOfferedToAStudent() throws {
        let json = try Self.run("2026-11-25")
        let alternatives = try #require(json["alternatives"] as? [[String: Any]])
        #expect(alternatives.allSatisfy { ($0["licence"] as? String) != "online-microlender" })
        let ineligible = try #require(json["ineligible"] as? [[String: Any]])
        let barred = ineligible.filter {
            (($0["failed"] as? [[String: Any]]) ?? []).contains { $0["rule"] as? String == "protectedGroup" }
        }
        #expect(barred.count >= 5, "\(barred.map { $0["provider"] ?? "" })")
        #expect(barred.allSatisfy { $0["gated"] as? Bool == true })
        let warnings = try #require(json["warnings"] as? [[String: Any]])
        let warning = try #require(warnings.first { $0["code"] as? String == "student-protected" })
        let params = try #require(warning["params"] as? [String: Any])
        #expect(params["source"] as? String == "http://www.fww.org.cn/article/74060.html")
        #expect(params["since"] as? String == "2021-03-17")
    }

    @Test func theBanIsDatedAndSaysWhyInChinese() throws {
        // Before the notice, the same profile may be offered micro-lenders' loans (if their own rules allow).
        let before = try Self.run("2021-03-16")
        let warnings = (before["warnings"] as? [[String: Any]]) ?? []
        #expect(!warnings.contains { $0["code"] as? String == "student-protected" })
        let chinese = try Self.run("2026-11-25", ["--lang", "zh"])
        let message =
            ((chinese["warnings"] as? [[String: Any]]) ?? []).first {
                $0["code"] as? String == "student-protected"
            }?["message"] as? String
        #expect(message?.hasPrefix("您是在校大学生") == true, "\(message ?? "")")
    }

    @Test func aNonStudentIsNotBarred() throws {
        var profile = try String(contentsOfFile: ExampleProfileTests.example("profiles/student.json"), encoding: .utf8)
        profile = profile.replacingOccurrences(of: "\"student\": true", with: "\"student\": false")
        let result = try BinaryRunner.run(
            [
                "alternatives", "--profile", "-", "--amount", "2000", "--term", "6", "--catalog",
                ProvidersCommandTests.catalog, "--date", "2026-11-25", "--format", "json",
            ],
            stdin: profile
        )
        let json = try BinaryRunner.json(result.stdout)
        let ineligible = (json["ineligible"] as? [[String: Any]]) ?? []
        #expect(
            !ineligible.contains {
                (($0["failed"] as? [[String: Any]]) ?? []).contains { $0["rule"] as? String == "protectedGroup" }
            }
        )
    }
}
