import Foundation
import Testing

/// The dated recovery plan through the real binary, `diagnose` and `alternatives`, in English and Chinese.
struct RecoveryPlanCLITests {
    static func profile(_ name: String) -> String { ExampleProfileTests.example("profiles/\(name).json") }

    static func run(_ arguments: [String]) throws -> BinaryRunner.Result {
        let result = try BinaryRunner.run(arguments)
        try #require(result.status == 0, "\(result.stderr)")
        return result
    }

    static func diagnose(_ name: String, _ extra: [String] = []) throws -> String {
        try run(["diagnose", "--profile", profile(name), "--date", "2026-11-25"] + extra).stdout
    }

    static func alternatives(_ name: String, _ extra: [String] = []) throws -> String {
        try run(
            [
                "alternatives", "--profile", profile(name), "--request",
                ExampleProfileTests.example("requests/cash-5000-12m.json"), "--catalog", ProvidersCommandTests.catalog,
                "--date", "2026-11-25",
            ] + extra
        ).stdout
    }

    /// The numbered steps of a table, in order.
    static func steps(_ table: String) -> [String] {
        table.split(separator: "\n").map(String.init).filter { line in
            let trimmed = line.drop { $0 == " " }
            return trimmed.first?.isNumber == true && trimmed.contains(". ")
        }
    }

    @Test func datedLateInstalmentsInTheDiagnosisJSON() throws {
        let json = try BinaryRunner.json(try Self.diagnose("overdue-events", ["--format", "json"]))
        let steps = try #require(json["recovery"] as? [[String: Any]])
        // Money overdue now first, today.
        #expect(steps.first?["code"] as? String == "step-repay-overdue-now")
        let now = try #require(steps.first?["horizon"] as? [String: Any])
        #expect(now["kind"] as? String == "now")
        #expect(now["date"] as? String == "2026-11-25")
        let records = steps.compactMap { $0["horizon"] as? [String: Any] }.filter { $0["kind"] as? String == "record" }
        #expect(records.compactMap { $0["month"] as? String } == ["2025-02", "2026-06", "2026-10"])
        #expect(records[1]["leaves12MonthWindow"] as? String == "2027-06-01")
        #expect(records[1]["leaves24MonthWindow"] as? String == "2028-06-01")
        #expect(records[1]["leavesCreditReport"] as? String == "2031-06-25")
        #expect(records[2]["leavesCreditReport"] == nil)
        #expect(records[2]["leavesCreditReportIfSettledOnPlanDate"] as? String == "2031-11-25")
        let whatIf = try #require(json["whatIf"] as? [String: Any])
        #expect(whatIf["horizonMonths"] as? Int == 24)
        #expect(whatIf["date"] as? String == "2026-11-25")
        let reopenings = try #require(whatIf["reopenings"] as? [[String: Any]])
        #expect(reopenings.compactMap { $0["id"] as? String } == ["huabei", "jiebei"])
        #expect(reopenings.compactMap { $0["earliest"] as? String } == ["2027-06-01", "2028-11-01"])
        #expect(reopenings.allSatisfy { $0["predictable"] as? Bool == true })
        #expect((json["scams"] as? [[String: Any]])?.count == 5)
    }

    @Test func datedReopeningsInTheTables() throws {
        let english = try Self.alternatives("overdue-events", ["--lang", "en"])
        for text in [
            "1. [now, 2026-11-25] Repay the ¥850.00 overdue (the instalment of 2026-10) now",
            "The late instalment of 2026-06 (12 days past due): it leaves lenders' 12-month window on 2027-06-01 and "
                + "leaves the 24-month window on 2028-06-01; it leaves the credit report on 2031-06-25",
            "Huabei may reopen from 2027-06-01 at the earliest: when the late instalment of 2026-06 leaves the 12-month "
                + "window (2027-06-01).",
            "WeChat Weilidai may reopen from 2027-06-01 at the earliest",
            "the credit score stays at 676: Backstop does not forecast it",
            "Beware of scams", "(征信修复) is a scam",
        ] {
            #expect(english.contains(text), "missing \(text)")
        }
        let chinese = try Self.alternatives("overdue-events", ["--lang", "zh"])
        for text in [
            "1. 【立即，2026年11月25日】立即还清逾期的850.00元（2026年10月的分期）",
            "2026年6月的逾期（逾期12天）：于2027年6月1日移出近12个月窗口，于2028年6月1日移出近24个月窗口",
            "花呗最早可能于2027年6月1日起恢复：2026年6月的逾期移出近12个月窗口时（2027年6月1日）。",
            "微信微粒贷最早可能于2027年6月1日起恢复", "信用分保持676分不变", "谨防诈骗", "付费“征信修复”是骗局",
        ] {
            #expect(chinese.contains(text), "missing \(text)")
        }
    }

    @Test func repayingWhatIsOverdueComesFirst() throws {
        for language in ["en", "zh"] {
            let steps = Self.steps(try Self.diagnose("multi-reason", ["--lang", language]))
            #expect(
                steps.first?.contains(language == "en" ? "Repay the ¥1,200.00 overdue" : "立即还清逾期的1,200.00元") == true
            )
            // The expired document: days, not months.
            #expect(
                steps.dropFirst().first?.contains(
                    language == "en" ? "[in 1–7 days, by 2026-12-02]" : "【1至7天内，2026年12月2日前】"
                ) == true,
                "\(steps)"
            )
        }
    }

    @Test func aThinFileBuildsARecord() throws {
        let english = try Self.diagnose("thin-file", ["--lang", "en"])
        #expect(english.contains("thin credit file: score 640, below 650"))
        #expect(english.contains("Build a credit record: use one licensed credit card"))
        #expect(!english.contains("Rebuild the credit score"))
        let chinese = try Self.diagnose("thin-file", ["--lang", "zh"])
        #expect(chinese.contains("信用记录不足"))
        #expect(chinese.contains("积累信用记录"))
        #expect(!chinese.contains("修复信用分"))
    }

    @Test func theScoreIsNotMovedByTheWhatIf() throws {
        for language in ["en", "zh"] {
            let table = try Self.alternatives("credit-score-decline", ["--lang", language])
            #expect(table.contains(language == "en" ? "credit score stays at 598" : "信用分保持598分不变"))
            #expect(
                table.contains(
                    language == "en"
                        ? "Jiebei: no date can be predicted from the profile: it depends on the credit score (598)"
                        : "借呗：无法从资料预计恢复日期：取决于信用分（598分）"
                ),
                "\(table)"
            )
            #expect(!table.contains("650 (was 598)") && !table.contains("信用分650"))
        }
    }

    @Test func identityCasesWithNoAlternativeAreNotSentToThem() throws {
        let english = try Self.alternatives("identity-abnormal", ["--lang", "en"])
        #expect(english.contains("No licensed alternative can serve this request now"))
        #expect(!english.contains("see the"))
        #expect(english.contains("Do not borrow elsewhere before the identity is fixed"))
        let chinese = try Self.alternatives("identity-abnormal", ["--lang", "zh"])
        #expect(!chinese.contains("见备选渠道") && !chinese.contains("见上方"))
        #expect(chinese.contains("身份问题解决之前不要另找借款"))
    }
}
