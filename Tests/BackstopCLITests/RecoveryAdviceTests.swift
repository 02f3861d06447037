import Foundation
import Testing

/// Recovery advice a support agent can paste (issue 24, items 2 to 7), through the real binary and the real server:
/// dates that say what they rest on, protective steps first, scam warnings that fit the person, unknown states kept
/// unknown, Chinese without the product's name in every sentence, and steps a support tool can map.
@Suite(.serialized)
struct RecoveryAdviceTests {
    /// A profile with the healthy example's signals and the fields given replacing them.
    static func profile(_ fields: String) -> String {
        #"{"id": "u-advice", "age": 41, "creditScore": 700, "creditScore90DaysAgo": 702, "#
            + #""repayment": {"overdueCount12m": 0, "overdueCount24m": 0, "worstDaysPastDue": 0, "#
            + #""currentOverdueAmount": 0}, "cashOutFlags12m": 0, "identity": "verified", "monthlyIncome": 12000, "#
            + #""monthlyDebtPayments": 0, "accounts": ["alipay", "wechat", "bank"], "# + fields + "}"
    }

    static let impersonation = profile(#""services": {"huabei": "closed", "jiebei": "closed"}"#)
        .replacingOccurrences(of: #""identity": "verified""#, with: #""identity": "suspected-impersonation""#)
    static let huabeiClosedJiebeiOpen = profile(
        #""overdueEvents": [{"month": "2026-09", "daysPastDue": 5, "settled": "2026-09-20"}], "#
            + #""services": {"huabei": "closed", "jiebei": "open"}"#
    ).replacingOccurrences(
        of: #""overdueCount12m": 0, "overdueCount24m": 0, "worstDaysPastDue": 0"#,
        with: #""overdueCount12m": 1, "overdueCount24m": 1, "worstDaysPastDue": 5"#
    )
    /// Jiebei's state unknown, two late instalments, and the cash-out flags not given.
    static let unknownJiebei = profile(#""services": {"huabei": "closed", "jiebei": "unknown"}"#)
        .replacingOccurrences(of: #""cashOutFlags12m": 0, "#, with: "")
        .replacingOccurrences(
            of: #""overdueCount12m": 0, "overdueCount24m": 0"#,
            with: #""overdueCount12m": 2, "overdueCount24m": 2"#
        )
        .replacingOccurrences(of: #""worstDaysPastDue": 0"#, with: #""worstDaysPastDue": 10"#)
    static let oneFlag = profile(#""services": {"huabei": "closed"}"#)
        .replacingOccurrences(of: #""cashOutFlags12m": 0"#, with: #""cashOutFlags12m": 1"#)
    static let expired = profile(#""services": {"huabei": "closed", "jiebei": "closed"}"#)
        .replacingOccurrences(of: #""identity": "verified""#, with: #""identity": "expired-document""#)
    static let longDefault = profile(
        #""overdueEvents": [{"month": "2024-10", "daysPastDue": 200, "settled": "2025-05-01"}], "#
            + #""services": {"huabei": "closed", "jiebei": "closed"}"#
    ).replacingOccurrences(
        of: #""overdueCount24m": 0, "worstDaysPastDue": 0"#,
        with: #""overdueCount24m": 1, "worstDaysPastDue": 200"#
    )

    static func diagnose(_ profile: String, _ flags: [String] = []) throws -> String {
        let result = try BinaryRunner.run(
            ["diagnose", "--profile", "-", "--date", "2026-12-07"] + flags,
            stdin: profile
        )
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout
    }

    @Test func anImpersonationIsToldToReportDisputeAndStopCollectionFirst() throws {
        let json = try BinaryRunner.json(try Self.diagnose(Self.impersonation, ["--format", "json", "--lang", "zh"]))
        let steps = try #require(json["recovery"] as? [[String: Any]])
        let codes = steps.compactMap { $0["code"] as? String }
        #expect(
            Array(codes.prefix(5)) == [
                "step-report-to-police", "step-check-credit-report", "step-dispute-records",
                "step-ask-lenders-stop-collection", "step-resolve-identity-report",
            ]
        )
        let dispute = steps[2]
        #expect(dispute["dateKind"] as? String == "published")
        #expect((dispute["values"] as? [String: Any])?["days"] as? Int == 20)
        #expect((dispute["values"] as? [String: Any])?["by"] as? String == "2026-12-27")
        #expect((dispute["message"] as? String)?.contains("征信异议") == true)
        #expect((steps[0]["message"] as? String)?.contains("公安机关") == true)
        let scams = (json["scams"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        #expect(scams.contains("scam-fake-police") && !scams.contains("scam-campus-loan-cancellation"), "\(scams)")
        let sources = (json["scams"] as? [[String: Any]] ?? []).compactMap {
            ($0["params"] as? [String: Any])?["source"] as? String
        }
        #expect(!sources.isEmpty && sources.allSatisfy { $0.hasPrefix("https://") })
    }

    @Test(.timeLimit(.minutes(2)))
    func huabeiClosedWhileJiebeiIsOpenGetsNoDateThroughTheBinaryAndTheServer() async throws {
        let text = try Self.diagnose(Self.huabeiClosedJiebeiOpen)
        #expect(text.contains("does not explain it"), "\(text)")
        #expect(!text.contains("Huabei may reopen"), "\(text)")
        let chinese = try Self.diagnose(Self.huabeiClosedJiebeiOpen, ["--lang", "zh"])
        #expect(chinese.contains("解释不了") && !chinese.contains("花呗最早可能"), "\(chinese)")

        let server = try ServeProcessTests().start(catalog: ProvidersCommandTests.catalog, token: "t0ken-advice")
        defer { server.process.terminate() }
        let (status, json) = try await DelinquencyDatesTests.diagnose(Self.huabeiClosedJiebeiOpen, port: server.port)
        #expect(status == 200, "\(json)")
        let diagnosis = try #require(json["diagnosis"] as? [[String: Any]])
        let huabei = try #require(diagnosis.first { $0["service"] as? String == "huabei" })
        #expect(huabei["explained"] as? Bool == false)
        #expect((huabei["summaryFact"] as? [String: Any])?["code"] as? String == "summary-reported-unexplained")
        let reopenings = try #require((json["whatIf"] as? [String: Any])?["reopenings"] as? [[String: Any]])
        #expect(reopenings.allSatisfy { $0["earliest"] == nil })
        let steps = try #require(json["recovery"] as? [[String: Any]])
        let ask = try #require(steps.first { $0["code"] as? String == "step-contact-official-service" })
        #expect(ask["services"] as? [String] == ["huabei"])
        // One flag through the server: the appeal, and compliant use worded for one flag.
        let (_, flag) = try await DelinquencyDatesTests.diagnose(Self.oneFlag, port: server.port)
        let flagCodes = (flag["recovery"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        #expect(flagCodes.prefix(2) == ["step-appeal-cash-out-flag", "step-compliant-use"], "\(flagCodes)")
        let use = (flag["recovery"] as? [[String: Any]] ?? []).first { $0["code"] as? String == "step-compliant-use" }
        #expect((use?["message"] as? String)?.hasPrefix("If the flag is right") == true)
        #expect(use?["dateKind"] as? String == "estimate")
    }

    @Test func anUnknownStateIsHeadedAsUnknownInBothLanguages() throws {
        let english = try Self.diagnose(Self.unknownJiebei)
        #expect(english.contains("Jiebei: STATE UNKNOWN (assessed by Backstop's illustrative rules: "), "\(english)")
        #expect(!english.contains("Jiebei: CLOSED"))
        let chinese = try Self.diagnose(Self.unknownJiebei, ["--lang", "zh"])
        #expect(chinese.contains("借呗：状态未知（按示意规则评估："), "\(chinese)")
        #expect(!chinese.contains("显示为状态未知") && !chinese.contains("借呗：已关闭"))
        // The signal that is missing (cash-out flags) is listed while it could change the diagnosis.
        #expect(english.contains("Not in the profile: cash-out"), "\(english)")
        #expect(chinese.contains("资料中缺少"), "\(chinese)")
    }

    /// The five cases the issue names, in Chinese as an agent would paste them: the product's name only in no
    /// sentence, the terms users know, no promise, no jargon.
    @Test(arguments: [
        ("long default", longDefault), ("impersonation", impersonation), ("one flag", oneFlag),
        ("expired ID", expired), ("Huabei closed, Jiebei open", huabeiClosedJiebeiOpen),
    ])
    func theChineseIsPasteable(_ name: String, _ profile: String) throws {
        let chinese = try Self.diagnose(profile, ["--lang", "zh"])
        for banned in ["Backstop", "窗口", "修复信用分", "硬查询", "运营方", "1至7天", "标记会消除"] {
            #expect(!chinese.contains(banned), "\(name): \(banned) in\n\(chinese)")
        }
        let english = try Self.diagnose(profile)
        for promise in ["clears the flags", "1 to 7 days", "1–7 days", "usually done within"] {
            #expect(!english.contains(promise), "\(name): \(promise) in\n\(english)")
        }
        // Every reopening date is an estimate, said in the same sentence.
        for line in english.split(separator: "\n") where line.contains("may reopen from") {
            #expect(line.contains("Backstop's illustrative rules assume"), "\(name): \(line)")
        }
        for line in chinese.split(separator: "\n") where line.contains("最早可能于") && line.contains("恢复") {
            #expect(line.contains("示意规则的估计"), "\(name): \(line)")
        }
    }
}
