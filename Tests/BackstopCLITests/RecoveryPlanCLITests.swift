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
        // A 31-year-old owing money now: no campus-loan or fake-police warning.
        #expect(
            (json["scams"] as? [[String: Any]])?.compactMap { $0["code"] as? String } == [
                "scam-paid-unblocking", "scam-paid-debt-agents", "scam-credit-repair", "scam-upfront-fees",
                "scam-fake-customer-service",
            ]
        )
        // Each step says which services it is for, what its date rests on and its source, and has one set of names.
        #expect(steps.allSatisfy { ($0["services"] as? [String]) == ["huabei", "jiebei"] })
        let record = try #require(steps.first { $0["code"] as? String == "step-overdue-record-dates" })
        #expect(record["dateKind"] as? String == "published")
        #expect((record["source"] as? String)?.hasPrefix("https://") == true)
        #expect(record["estimatedValues"] as? [String] == ["leaves12MonthWindow", "leaves24MonthWindow"])
        let values = try #require(record["values"] as? [String: Any])
        // Past window dates are kept in `values` (the message leaves them out), under the horizon's names.
        #expect(values["leaves12MonthWindow"] as? String == "2026-03-01")
        #expect(values["daysPastDue"] as? Int == 40)
        #expect(values["days"] == nil && values["leaves12m"] == nil)
        #expect((record["params"] as? [String: Any])?["days"] as? Int == 40)
        #expect(steps.first?["dateKind"] as? String == "none")
        #expect(reopenings.allSatisfy { $0["dateKind"] as? String == "estimate" })
        #expect((json["diagnosis"] as? [[String: Any]])?.allSatisfy { $0["explained"] as? Bool == true } == true)
    }

    @Test func datedReopeningsInTheTables() throws {
        let english = try Self.alternatives("overdue-events", ["--lang", "en"])
        for text in [
            "1. [now, 2026-11-25] Repay the ¥850.00 overdue (the instalment of 2026-10) now",
            "The late instalment of 2026-06 (12 days past due): it leaves the credit report on 2031-06-25, 5 years "
                + "after it was settled on 2026-06-25 (Regulation on the Administration of the Credit Reporting "
                + "Industry, art. 16); it is out of the last 12 months of repayments from 2027-06-01 and of the last "
                + "24 from 2028-06-01 (Backstop's estimate of the months most lenders weigh).",
            "Huabei may reopen from 2027-06-01 at the earliest, if it reads your record as Backstop's illustrative "
                + "rules assume (the last 12 and 24 months of repayments, like most lenders): when the late "
                + "instalment of 2026-06 is older than the last 12 months of repayments (2027-06-01).",
            "WeChat Weilidai may accept an application from 2027-06-01 at the earliest, if its criteria are as "
                + "Backstop estimates them",
            "the credit score stays at 676: Backstop does not forecast it",
            "Beware of scams", "(征信修复) is a scam",
        ] {
            #expect(english.contains(text), "missing \(text)")
        }
        let chinese = try Self.alternatives("overdue-events", ["--lang", "zh"])
        for text in [
            "1. 【立即，2026年11月25日】请立即还清逾期的850.00元（2026年10月的分期）",
            "2026年6月的逾期（逾期12天）：已于2026年6月25日还清，满5年后于2031年6月25日从征信报告中删除（《征信业管理条例》第十六条）；"
                + "它自2027年6月1日起不在近12个月的还款记录里，自2028年6月1日起不在近24个月的还款记录里（这是估计：多数机构看这段时间的还款记录）。",
            "花呗最早可能于2027年6月1日起恢复（前提是它像多数机构一样看近12个月和近24个月的还款记录，这是示意规则的估计）："
                + "2026年6月的逾期不在近12个月的还款记录里时（2027年6月1日）。",
            "微信微粒贷最早可能于2027年6月1日起可以申请（前提是它的条件和我们的估计一致）", "芝麻分保持676分不变", "谨防诈骗",
            "付费“征信修复”是骗局",
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
            // Not able to repay in full: the creditor's arrangement, never a paid agent.
            #expect(steps.dropFirst().first?.contains(language == "en" ? "个性化分期" : "个性化分期") == true, "\(steps)")
            // The expired document: within the 60 days the law gives for a new card, with a temporary one meanwhile.
            #expect(
                steps.dropFirst(2).first?.contains(
                    language == "en" ? "[within 60 days, by 2027-01-24]" : "【60天内，2027年1月24日前】"
                ) == true,
                "\(steps)"
            )
            #expect(steps.dropFirst(2).first?.contains(language == "en" ? "temporary ID card" : "临时居民身份证") == true)
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
            #expect(table.contains(language == "en" ? "credit score stays at 598" : "芝麻分保持598分不变"))
            #expect(
                table.contains(
                    language == "en"
                        ? "Jiebei: no date can be predicted from the profile: it depends on the credit score (598)"
                        : "借呗：无法根据资料推算日期：取决于芝麻分（598分）"
                ),
                "\(table)"
            )
            #expect(!table.contains("650 (was 598)") && !table.contains("芝麻分650"))
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
