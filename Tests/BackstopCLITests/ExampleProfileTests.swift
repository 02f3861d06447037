import BackstopCore
import Foundation
import Testing

/// Every example profile, end to end through the real binary: diagnosis, top recommendation, a why-not, recovery.
struct ExampleProfileTests {
    static let repository = ProvidersCommandTests.repository
    static func example(_ path: String) -> String { repository.appendingPathComponent("examples/" + path).path }

    struct Expectation: Sendable, CustomStringConvertible {
        let profile: String
        let request: String
        /// service → (state, reason codes)
        let diagnosis: [String: (String, [String])]
        /// The top alternative's provider, or nil when none can serve the request.
        let top: String?
        /// A provider refused, and a rule it fails.
        let whyNot: (String, String)
        /// Reasons with a recovery step.
        let steps: [String]
        /// What the what-if reopens by a date (earliest or latest): exactly.
        let reopens: [String]
        var description: String { profile }
    }

    static let cases: [Expectation] = [
        Expectation(
            profile: "healthy",
            request: "cash-5000-12m",
            diagnosis: ["huabei": ("open", []), "jiebei": ("open", [])],
            top: "icbc-rongejie",
            whyNot: ("huabei", "purpose"),
            steps: [],
            reopens: []
        ),
        Expectation(
            profile: "credit-score-decline",
            request: "cash-5000-12m",
            diagnosis: [
                "huabei": ("restricted", ["credit-score-decline"]), "jiebei": ("closed", ["credit-score-decline"]),
            ],
            top: "mashang-anyihua",
            whyNot: ("wechat-weilidai", "minCreditScore"),
            steps: ["credit-score-decline"],
            // The score is not moved by the what-if: nothing it blocks gets a date.
            reopens: []
        ),
        Expectation(
            profile: "late-repayment",
            request: "cash-5000-12m",
            diagnosis: ["huabei": ("closed", ["late-repayment"]), "jiebei": ("closed", ["late-repayment"])],
            top: "zhaolian-haoqidai",
            whyNot: ("wechat-weilidai", "maxOverdueCount12m"),
            // Keep the record; the counts have no dates, so only their latest dates.
            steps: ["late-repayment", "late-repayment"],
            // CCB and ICBC serve their own customers: the profile does not say, so they may reopen too.
            reopens: ["ccb-kuaidai", "huabei", "icbc-rongejie", "jiebei", "wechat-weilidai"]
        ),
        Expectation(
            profile: "overdue-events",
            request: "cash-5000-12m",
            diagnosis: ["huabei": ("closed", ["late-repayment"]), "jiebei": ("closed", ["late-repayment"])],
            // ¥850 overdue now: nobody lends today.
            top: nil,
            whyNot: ("wechat-weilidai", "maxOverdueCount12m"),
            // Repay now, how to ask for an arrangement if not in full, keep the record, then one step per dated late
            // instalment.
            steps: [
                "late-repayment", "late-repayment", "late-repayment", "late-repayment", "late-repayment",
                "late-repayment",
            ],
            // Shengbei and Yixianghua are refused by the legal cap at any record, and Xiaoying, Ping An Puhui and
            // Yixianghua for the amount: none of them reopens.
            reopens: [
                "ccb-kuaidai", "cmb-shandiandai", "duxiaoman-youqianhua", "fenqile", "huabei", "icbc-rongejie",
                "jd-jintiao", "jiebei", "mashang-anyihua", "paipaidai", "qifu-jietiao",
                "wechat-weilidai", "zhaolian-haoqidai",
            ]
        ),
        Expectation(
            profile: "cash-out",
            request: "cash-5000-12m",
            diagnosis: ["huabei": ("closed", ["cash-out"]), "jiebei": ("closed", ["cash-out"])],
            // Banks do not see Alipay's cash-out flag (issue 14, part 8): only Alipay's own services refuse on it;
            // ICBC lends to its own customers only, which the profile does not say, so it ranks after the others.
            top: "zhaolian-haoqidai",
            whyNot: ("jiebei", "excludedWhen:cash-out"),
            // An appeal if a flag is wrong, compliant use otherwise.
            steps: ["cash-out", "cash-out"],
            reopens: ["huabei", "jiebei"]
        ),
        Expectation(
            profile: "identity-abnormal",
            request: "cash-5000-12m",
            diagnosis: ["huabei": ("closed", ["identity-abnormal"]), "jiebei": ("closed", ["identity-abnormal"])],
            top: nil,
            whyNot: ("wechat-weilidai", "excludedWhen:identity-abnormal"),
            // A mismatch waits for the operator's review (no date for anything); the credit report is checked.
            steps: ["identity-abnormal", "identity-abnormal"],
            reopens: []
        ),
        Expectation(
            profile: "multi-reason",
            request: "cash-5000-12m",
            diagnosis: [
                "huabei": ("closed", ["credit-score-decline", "late-repayment", "cash-out", "identity-abnormal"]),
                "jiebei": ("closed", ["credit-score-decline", "late-repayment", "cash-out", "identity-abnormal"]),
            ],
            top: nil,
            whyNot: ("zhaolian-haoqidai", "noCurrentOverdue"),
            // Most urgent first: the money overdue now and what to do if it cannot be repaid in full, then identity,
            // cash-out (an appeal, compliant use), the record (kept from now on, and the counts' latest dates), the
            // score.
            steps: [
                "late-repayment", "late-repayment", "identity-abnormal", "cash-out", "cash-out", "late-repayment",
                "late-repayment", "credit-score-decline",
            ],
            // The score keeps both services closed; the lenders that do not read it reopen.
            reopens: [
                "cmb-shandiandai", "fenqile", "mashang-anyihua", "paipaidai",
                "zhaolian-haoqidai",
            ]
        ),
        Expectation(
            profile: "thin-file",
            request: "purchase-3000-6m",
            diagnosis: ["huabei": ("open", []), "jiebei": ("restricted", ["thin-file"])],
            top: "huabei",
            whyNot: ("wechat-weilidai", "purpose"),
            steps: ["thin-file"],
            reopens: []
        ),
        Expectation(
            profile: "low-income",
            request: "cash-5000-12m",
            diagnosis: ["huabei": ("open", []), "jiebei": ("open", [])],
            top: "jiebei",
            whyNot: ("ccb-kuaidai", "minMonthlyIncome"),
            steps: [],
            reopens: []
        ),
    ]

    @Test(arguments: cases)
    func examplesEndToEnd(_ expected: Expectation) throws {
        let result = try BinaryRunner.run([
            "alternatives", "--profile", Self.example("profiles/\(expected.profile).json"),
            "--request", Self.example("requests/\(expected.request).json"),
            "--catalog", ProvidersCommandTests.catalog, "--date", "2026-11-25", "--format", "json",
        ])
        try #require(result.status == 0, "\(result.stderr)")
        let json = try BinaryRunner.json(result.stdout)
        // Diagnosis: each service's state and reason codes.
        let diagnosis = try #require(json["diagnosis"] as? [[String: Any]])
        for item in diagnosis {
            let service = try #require(item["service"] as? String)
            let (state, codes) = try #require(expected.diagnosis[service])
            #expect(item["state"] as? String == state, "\(expected.profile) \(service)")
            let found = (item["reasons"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
            #expect(found == codes, "\(expected.profile) \(service)")
            #expect(
                (item["reasons"] as? [[String: Any]] ?? []).allSatisfy { !(($0["evidence"] as? String) ?? "").isEmpty }
            )
        }
        // Top recommendation, always licensed.
        let alternatives = try #require(json["alternatives"] as? [[String: Any]])
        #expect(
            alternatives.first?["provider"] as? String == expected.top,
            "\(expected.profile): \(alternatives.map { $0["provider"] ?? "" })"
        )
        #expect(
            alternatives.allSatisfy {
                $0["licensed"] as? Bool == true && $0["provider"] as? String != "quick-loan-unlicensed"
            }
        )
        for key in [
            "nominalAPR", "effectiveAPR", "monthlyPayment", "totalRepayment", "totalCost", "likelihood", "why",
            "schedule",
        ] {
            #expect(alternatives.allSatisfy { $0[key] != nil }, "\(key)")
        }
        // Why not.
        let ineligible = try #require(json["ineligible"] as? [[String: Any]])
        let refusal = try #require(
            ineligible.first { $0["provider"] as? String == expected.whyNot.0 },
            "\(expected.whyNot.0) not refused"
        )
        let failed = (refusal["failed"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
        #expect(failed.contains(expected.whyNot.1), "\(expected.profile): \(failed)")
        #expect(!((refusal["fix"] as? String) ?? "").isEmpty)
        #expect(ineligible.contains { $0["provider"] as? String == "quick-loan-unlicensed" })
        // Recovery plan.
        let recovery = try #require(json["recovery"] as? [String: Any])
        let steps = (recovery["steps"] as? [[String: Any]] ?? []).compactMap { $0["reason"] as? String }.filter {
            $0 != "general"
        }
        #expect(steps == expected.steps, "\(expected.profile)")
        let reopens = ((recovery["whatIf"] as? [String: Any])?["reopens"] as? [String]) ?? []
        #expect(reopens == expected.reopens, "\(expected.profile): reopens \(reopens)")
        #expect((json["catalog"] as? [String: Any])?["hash"] as? String != nil)
    }

    /// Debt service above the documented share of income is a refusal, not only a flag (issue 14 part 5).
    @Test func unaffordableOffersAreRefusedAndFlagged() throws {
        let result = try BinaryRunner.run([
            "alternatives", "--profile", Self.example("profiles/low-income.json"),
            "--request", Self.example("requests/cash-50000-24m.json"),
            "--catalog", ProvidersCommandTests.catalog, "--date", "2026-11-25", "--format", "json",
        ])
        let json = try BinaryRunner.json(result.stdout)
        let alternatives = try #require(json["alternatives"] as? [[String: Any]])
        let ineligible = try #require(json["ineligible"] as? [[String: Any]])
        let warnings = try #require(json["warnings"] as? [[String: Any]])
        let flagged = Set(
            warnings.filter { $0["code"] as? String == "debt-service" }.compactMap { $0["provider"] as? String }
        )
        // Income 2,800 with 900 of existing debt payments: every offer for 50,000 pushes debt service past 50%.
        #expect(alternatives.isEmpty)
        let refused = ineligible.filter {
            ($0["failed"] as? [[String: Any]] ?? []).contains { $0["rule"] as? String == "debtService" }
        }
        #expect(!refused.isEmpty)
        for refusal in refused {
            let id = try #require(refusal["provider"] as? String)
            #expect(flagged.contains(id), "\(id) not flagged")
            #expect(refusal["gated"] as? Bool == true)
            let fixes = try #require(refusal["fixes"] as? [[String: Any]])
            #expect(fixes.first?["code"] as? String == "fix-keep-payment-under", "\(id)")
        }
        let plan = try #require(json["plan"] as? [String: Any])
        #expect((plan["steps"] as? [Any])?.isEmpty == true)
    }

    @Test func thinFileSaysWhichUnknownsMattered() throws {
        let result = try BinaryRunner.run([
            "alternatives", "--profile", Self.example("profiles/thin-file.json"), "--amount", "3000", "--term", "6",
            "--purpose", "purchase", "--catalog", ProvidersCommandTests.catalog, "--date", "2026-11-25", "--format",
            "json",
        ])
        let json = try BinaryRunner.json(result.stdout)
        let unknowns = try #require(json["unknowns"] as? [String])
        for field in ["identity", "monthlyIncome", "repayment"] { #expect(unknowns.contains(field)) }
        let warnings = try #require(json["warnings"] as? [[String: Any]])
        #expect(warnings.contains { $0["code"] as? String == "unknown-signals" })
        // Unknown never counts as good: no alternative for a thin file is "high".
        let alternatives = try #require(json["alternatives"] as? [[String: Any]])
        #expect(alternatives.allSatisfy { $0["likelihood"] as? String != "high" })
    }

    @Test func tableAndCSVOutputs() throws {
        let arguments = [
            "alternatives", "--profile", Self.example("profiles/late-repayment.json"), "--amount", "5000", "--term",
            "12",
            "--catalog", ProvidersCommandTests.catalog, "--date", "2026-11-25",
        ]
        let table = try BinaryRunner.run(arguments + ["--lang", "en"])
        #expect(table.status == 0)
        for text in [
            "Huabei: CLOSED", "late repayment: 2 overdue in 12 months", "Alternatives (licensed, ranked)", "Why not",
            "Recovery plan", "What if", "needs an account with Meituan", "2 overdue instalments in 12 months",
        ] {
            #expect(table.stdout.contains(text), "missing \(text)")
        }
        let chinese = try BinaryRunner.run(arguments + ["--lang", "zh"])
        #expect(chinese.status == 0)
        for text in [
            "花呗：已关闭", "逾期还款：近12个月逾期2次", "备选渠道（持牌，已排序）", "为什么不行", "恢复计划", "假如", "需要美团账户",
            "年化利率",
        ] {
            #expect(chinese.stdout.contains(text), "missing \(text)")
        }
        // Never a rule identifier in people's output, in either language.
        for rule in RuleID.allCases.map(\.rawValue) where rule.count > 8 {
            #expect(!table.stdout.contains(rule), "\(rule) in the English table")
            #expect(!chinese.stdout.contains(rule), "\(rule) in the Chinese table")
        }
        let csv = try BinaryRunner.run(arguments + ["--format", "csv", "--top", "2"])
        let lines = csv.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("rank,provider,name,licence,nominalAPR") == true)
        #expect(lines.count == 3)
    }

    @Test func diagnoseCommand() throws {
        let result = try BinaryRunner.run([
            "diagnose", "--profile", Self.example("profiles/multi-reason.json"), "--format", "json",
        ])
        #expect(result.status == 0)
        let json = try BinaryRunner.json(result.stdout)
        let diagnosis = try #require(json["diagnosis"] as? [[String: Any]])
        #expect(diagnosis.map { $0["service"] as? String } == ["huabei", "jiebei"])
        let evidence = (diagnosis[0]["reasons"] as? [[String: Any]] ?? []).compactMap { $0["evidence"] as? String }
        #expect(evidence.contains("score 560, down 90 in 90 days, below 600"))
        #expect(evidence.contains("¥1,200.00 overdue now, 3 overdue in 12 months, 5 in 24 months, worst 75 days"))
        let table = try BinaryRunner.run([
            "diagnose", "--profile", Self.example("profiles/late-repayment.json"), "--lang", "en", "--date",
            "2026-11-25",
        ])
        #expect(table.stdout.contains("Recovery plan"))
        // The same planner as `alternatives`: the general steps too, and when each closed service may reopen.
        #expect(table.stdout.contains("Keep a licensed backup channel ready"))
        #expect(
            table.stdout.contains(
                "Huabei: no date can be predicted from the profile (by 2028-11-01 at the latest on Backstop's illustrative rules)"
            )
        )
        let alternatives = try BinaryRunner.run([
            "alternatives", "--profile", Self.example("profiles/late-repayment.json"), "--catalog",
            ProvidersCommandTests.catalog, "--date", "2026-11-25", "--format", "json", "--lang", "en",
        ])
        let plan = try #require(try BinaryRunner.json(alternatives.stdout)["recovery"] as? [String: Any])
        let steps = try #require(json["recovery"] as? [[String: Any]])
        let late = try BinaryRunner.json(
            try BinaryRunner.run([
                "diagnose", "--profile", Self.example("profiles/late-repayment.json"), "--format", "json", "--lang",
                "en",
            ]).stdout
        )
        let diagnoseSteps = try #require(late["recovery"] as? [[String: Any]]).compactMap { $0["code"] as? String }
        let alternativeSteps = try #require(plan["steps"] as? [[String: Any]]).compactMap { $0["code"] as? String }
        #expect(!steps.isEmpty)
        #expect(diagnoseSteps == alternativeSteps)
    }

    @Test(arguments: [
        (#"{"id": "x"}"#, "creditScore: is required but missing"),
        (
            #"{"id": "x", "creditScore": 612, "repayment": {"overdueCount12m": "two"}}"#,
            "repayment.overdueCount12m: expected a number"
        ),
        (#"{"id": "x", "creditScore": 1200}"#, "creditScore: must be from 350 to 950, got 1200"),
        (#"{"id": "x", "creditScore": 612, "identity": "ok"}"#, #"identity: must be one of verified"#),
        (
            #"{"id": "x", "creditScore": 612, "monthlyIncome": 100.123}"#,
            "monthlyIncome: amount must have at most 2 decimals"
        ),
        (#"{"id": "x", "creditScore": 612, "accounts": ["alipay", "paypal"]}"#, "accounts[1]: must be one of"),
        (#"{"id": "x", "creditScore": 612, "services": {"huabei": "gone"}}"#, "services.huabei: must be one of open"),
        ("{\"id\": \"x\",\n \"creditScore\": 612,,}", "<stdin>:2:21: not valid JSON"),
    ])
    func badProfilesNameTheJSONPath(profile: String, message: String) throws {
        let result = try BinaryRunner.run(
            ["alternatives", "--profile", "-", "--catalog", ProvidersCommandTests.catalog],
            stdin: profile
        )
        #expect(result.status == 65, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }
}
