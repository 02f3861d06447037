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
        #expect(recovery.first?.hasPrefix("保持良好的还款记录") == true, "\(recovery)")
        let why = (summary["alternatives"] as? [[String: Any]])?.first?["why"] as? String
        #expect(why?.contains("年化利率") == true, "\(why ?? "")")
    }
}
