import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The rulebook (issue 23): who may borrow what, for what, from whom. Each case runs through the real binary
/// (`alternatives --format json`, profile on stdin) and the real server (`serve`, POST /v1/alternatives), which
/// must agree; the rules are data in `providers/caps/legal-caps.json`.
@Suite(.serialized)
struct RulebookEndToEndTests {
    static let catalog = AdviceEndToEndTests.catalog
    static let date = "2026-12-07"

    /// A clean record: every refusal below comes from the rulebook, not from the record.
    static func profile(_ extra: String, id: String = "r", income: Int = 15000, debts: Int = 2000) -> String {
        #"{"id": "\#(id)", "creditScore": 760, "creditScore90DaysAgo": 752, "#
            + #""repayment": {"overdueCount12m": 0, "overdueCount24m": 0, "worstDaysPastDue": 0, "#
            + #""currentOverdueAmount": 0}, "cashOutFlags12m": 0, "identity": "verified", "#
            + #""monthlyIncome": \#(income), "monthlyDebtPayments": \#(debts), "hardInquiries": {"last3m": 0}, "#
            + #""accounts": ["alipay", "wechat", "jd", "meituan", "bank"], "#
            + #""services": {"huabei": "open", "jiebei": "open"}, \#(extra)}"#
    }

    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let profile: String
        let amount: Int
        let term: Int
        var purpose: String = "cash"
        let check: @Sendable ([String: Any]) throws -> Void
        var description: String { name }
    }

    static let licensedLenders = [
        "ccb-kuaidai", "cmb-shandiandai", "douyin-fangxinjie", "duxiaoman-youqianhua", "fenqile", "icbc-rongejie",
        "jd-jintiao", "jiebei", "mashang-anyihua", "meituan-jieqian", "paipaidai", "qifu-jietiao", "wechat-weilidai",
        "zhaolian-haoqidai",
    ]

    static func refused(_ json: [String: Any], rule: String) -> Set<String> {
        Set(AdviceEndToEndTests.refusedFor(json, rule: rule))
    }

    static func warning(_ json: [String: Any], _ code: String) -> [String: Any]? {
        (json["warnings"] as? [[String: Any]] ?? []).first { $0["code"] as? String == code }
    }

    static let cases: [Case] = [
        // A 17-year-old: no channel, even those whose file has no age rule (Fenqile, CMB Flash Loan).
        Case(name: "minor-17", profile: profile(#""age": 17"#), amount: 3000, term: 6) { json in
            #expect(AdviceEndToEndTests.alternatives(json).isEmpty)
            let refused = Self.refused(json, rule: "ageOfMajority")
            #expect(refused.isSuperset(of: ["fenqile", "cmb-shandiandai", "wechat-weilidai"]), "\(refused)")
            let warning = try #require(Self.warning(json, "minor-protected"))
            let params = try #require(warning["params"] as? [String: Any])
            #expect(params["ruleID"] as? String == "civil-code-adult-18")
            #expect((params["source"] as? String)?.hasPrefix("http") == true)
        },
        // A 15-year-old student: still nothing, and the minor's warning, not only the student ban.
        Case(name: "minor-15-student", profile: profile(#""age": 15, "student": true"#), amount: 1000, term: 3) {
            json in
            #expect(AdviceEndToEndTests.alternatives(json).isEmpty)
            #expect(Self.warning(json, "minor-protected") != nil)
        },
        // Unemployed, income 0, ¥2,500 a month of debts: every offer is refused, none passes on "unknown".
        Case(
            name: "income-zero",
            profile: profile(#""age": 40, "employment": "unemployed""#, income: 0, debts: 2500),
            amount: 5000,
            term: 12
        ) { json in
            #expect(AdviceEndToEndTests.alternatives(json).isEmpty)
            let failed = (json["ineligible"] as? [[String: Any]] ?? []).flatMap {
                ($0["failed"] as? [[String: Any]] ?? [])
            }
            // The lenders the profile otherwise qualifies for say why: no income, not an unknown one.
            #expect(failed.contains { $0["code"] as? String == "rule-no-income" }, "\(failed)")
        },
        // A retiree's ¥5,000 medical bill: the business loan (MYbank Wangshangdai) is refused, consumer credit is not.
        Case(
            name: "retiree-medical",
            profile: profile(#""age": 63, "employment": "retired""#),
            amount: 5000,
            term: 12,
            purpose: "medical"
        ) { json in
            #expect(Self.refused(json, rule: "businessOnly") == ["mybank-wangshangdai"])
            let listed = AdviceEndToEndTests.alternatives(json).compactMap { $0["provider"] as? String }
            #expect(!listed.isEmpty && !listed.contains("mybank-wangshangdai"))
        },
        // An employee borrowing "for a business": the business loan needs a business owner; consumer credit is flagged.
        Case(
            name: "employee-business",
            profile: profile(#""age": 35, "employment": "employed""#),
            amount: 20000,
            term: 12,
            purpose: "business"
        ) { json in
            #expect(Self.refused(json, rule: "businessOnly").contains("mybank-wangshangdai"))
            #expect(Self.warning(json, "consumer-credit-for-business") != nil)
        },
        // A self-employed owner borrowing for the business: the business-only rule lets MYbank through.
        Case(
            name: "owner-business",
            profile: profile(#""age": 45, "employment": "self-employed""#),
            amount: 20000,
            term: 12,
            purpose: "business"
        ) { json in
            #expect(!Self.refused(json, rule: "businessOnly").contains("mybank-wangshangdai"))
        },
        // The three banned purposes: every licensed channel refused, the rule's source, what is lawful instead.
        Case(name: "down-payment", profile: profile(#""age": 31"#), amount: 200_000, term: 36, purpose: "home-purchase")
        {
            json in
            #expect(AdviceEndToEndTests.alternatives(json).isEmpty)
            #expect(Self.refused(json, rule: "purposeBanned").isSuperset(of: Self.licensedLenders))
            let warning = try #require(Self.warning(json, "purpose-banned"))
            let params = try #require(warning["params"] as? [String: Any])
            #expect(params["purpose"] as? String == "home-purchase")
            #expect((warning["message"] as? String)?.contains("mortgage") == true, "\(warning)")
        },
        Case(name: "stocks", profile: profile(#""age": 31"#), amount: 5000, term: 12, purpose: "securities") { json in
            #expect(AdviceEndToEndTests.alternatives(json).isEmpty)
            #expect(Self.refused(json, rule: "purposeBanned").isSuperset(of: Self.licensedLenders))
        },
        Case(name: "crypto", profile: profile(#""age": 31"#), amount: 5000, term: 12, purpose: "crypto") { json in
            #expect(AdviceEndToEndTests.alternatives(json).isEmpty)
            let warnings = (json["warnings"] as? [[String: Any]] ?? []).filter {
                $0["code"] as? String == "purpose-banned"
            }
            #expect(
                warnings.contains {
                    ($0["params"] as? [String: Any])?["ruleID"] as? String == "crypto-trading-illegal-2021"
                }
            )
        },
        // ¥300,000 unsecured: above the ¥200,000 per-borrower limits of banks' internet loans, consumer finance
        // companies and online micro-lenders.
        Case(name: "300k", profile: profile(#""age": 38"#), amount: 300_000, term: 36) { json in
            #expect(AdviceEndToEndTests.alternatives(json).isEmpty)
            let limited = Self.refused(json, rule: "perBorrowerLimit")
            #expect(limited.isSuperset(of: ["icbc-rongejie", "ccb-kuaidai", "zhaolian-haoqidai", "jd-jintiao"]))
        },
        // What the borrower already owes counts: ¥150,000 at ICBC plus ¥60,000 is over ICBC's limit, not others'.
        Case(
            name: "balances",
            profile: profile(
                #""age": 38, "customerOf": ["icbc"], "outstandingBalances": [{"lender": "icbc", "amount": 150000}]"#
            ),
            amount: 60000,
            term: 24
        ) { json in
            let limited = Self.refused(json, rule: "perBorrowerLimit")
            #expect(limited.contains("icbc-rongejie"), "\(limited)")
            #expect(!limited.contains("wechat-weilidai"))
        },
        // Borrowing to repay debts: the answer says not to, and where to ask for an arrangement.
        Case(name: "debt-repayment", profile: profile(#""age": 30"#), amount: 5000, term: 12, purpose: "debt-repayment")
        {
            json in
            let warning = try #require(Self.warning(json, "debt-repayment-advice"))
            #expect((warning["message"] as? String)?.contains("个性化分期") == true)
        },
        // A 20-year-old who does not say whether they are a student: it is an unknown that mattered, and the
        // micro-lenders' offers say "not if you are a student".
        Case(name: "student-unknown", profile: profile(#""age": 20"#), amount: 3000, term: 6) { json in
            #expect((json["unknowns"] as? [String] ?? []).contains("student"))
            let jintiao = try #require(
                AdviceEndToEndTests.alternatives(json).first { $0["provider"] as? String == "jd-jintiao" }
            )
            #expect(AdviceEndToEndTests.factCodes(jintiao, "whyFacts").contains("why-not-if-student"))
        },
        // A documented loan above a binding cap refuses the channel: Xiaoying Kadai's October 2025 loan of
        // 42,000 yuan in 12 × 4,183.40 cost 34.28% all-in (Backstop's IRR), above the 24% internet-lending cap.
        Case(name: "documented-loan", profile: profile(#""age": 35"#), amount: 20000, term: 12) { json in
            #expect(Self.refused(json, rule: "documentedLoanAboveCap") == ["xiaoying-kadai"])
            let refusal = try #require(
                (json["ineligible"] as? [[String: Any]] ?? []).first { $0["provider"] as? String == "xiaoying-kadai" }
            )
            let failed = try #require((refusal["failed"] as? [[String: Any]])?.first)
            let params = try #require(failed["params"] as? [String: Any])
            #expect((params["apr"] as? NSNumber)?.decimalValue == Decimal(string: "34.28"))
            #expect(params["capID"] as? String == "internet-lending-24")
            #expect((params["loanSource"] as? String)?.hasPrefix("http") == true)
        },
        // Odds from evidence: a clean record, yet every channel whose criteria are all Backstop's estimates is at
        // most "medium", saying so; only a channel with a published criterion cleared may be "high".
        Case(
            name: "estimates-never-raise-odds",
            profile: profile(#""age": 35, "customerOf": ["icbc"]"#),
            amount: 5000,
            term: 12
        ) { json in
            let alternatives = AdviceEndToEndTests.alternatives(json)
            #expect(!alternatives.isEmpty)
            for alternative in alternatives where alternative["provider"] as? String != "jiebei" {
                let rules = alternative["rules"] as? [[String: Any]] ?? []
                let evidenced = rules.contains {
                    $0["outcome"] as? String == "passed" && ["published", "reported"].contains($0["basis"] as? String)
                }
                if !evidenced {
                    #expect(alternative["likelihood"] as? String != "high", "\(alternative["provider"] ?? "")")
                    #expect(
                        AdviceEndToEndTests.factCodes(alternative, "oddsFactors").contains("why-odds-estimates-only")
                    )
                }
                // Every lender threshold says where it comes from.
                for rule in rules
                where ["minCreditScore", "age", "maxOverdueCount12m"].contains(rule["rule"] as? String) {
                    #expect(["published", "reported", "estimate"].contains(rule["basis"] as? String), "\(rule)")
                }
            }
        },
        // A minor's warning leads the answer.
        Case(name: "minor-warning-first", profile: profile(#""age": 16"#), amount: 2000, term: 6) { json in
            let warnings = (json["warnings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
            #expect(warnings.first == "minor-protected", "\(warnings)")
        },
        // A purpose several rules bar is said once in full (the refusal, the lawful way); each further rule is
        // named once more as "also".
        Case(
            name: "purpose-said-once",
            profile: profile(#""age": 31"#),
            amount: 200000,
            term: 36,
            purpose: "home-purchase"
        ) { json in
            let bans = (json["warnings"] as? [[String: Any]] ?? []).filter { $0["code"] as? String == "purpose-banned" }
            #expect(bans.count >= 2)
            let full = bans.filter { ($0["message"] as? String)?.contains("Every offer is refused") == true }
            #expect(full.count == 1, "\(bans)")
            let also = bans.filter { ($0["message"] as? String)?.hasPrefix("Also barred for") == true }
            #expect(also.count == bans.count - 1, "\(bans)")
        },
    ]

    func cli(_ item: Case) throws -> [String: Any] {
        let result = try BinaryRunner.run(
            [
                "alternatives", "--profile", "-", "--amount", "\(item.amount)", "--term", "\(item.term)", "--purpose",
                item.purpose, "--catalog", Self.catalog, "--date", Self.date, "--format", "json",
            ],
            stdin: item.profile
        )
        try #require(result.status == 0, "\(item.name): \(result.stderr)")
        return try BinaryRunner.json(result.stdout)
    }

    func http(_ item: Case, port: Int) async throws -> [String: Any] {
        let body =
            #"{"profile": \#(item.profile), "request": {"amount": \#(item.amount), "termMonths": \#(item.term), "#
            + #""purpose": "\#(item.purpose)"}, "date": "\#(Self.date)"}"#
        let (status, json) = try await ServeProcessTests().call(port, "POST", "/v1/alternatives", body: body)
        try #require(status == 200, "\(item.name): \(json)")
        return json
    }

    @Test(.timeLimit(.minutes(3)))
    func everyRuleThroughTheBinaryAndTheServer() async throws {
        let server = try ServeProcessTests().start(catalog: Self.catalog, token: "t0ken-for-rulebook-tests")
        defer { server.process.terminate() }
        for item in Self.cases {
            let fromCLI = try cli(item)
            try item.check(fromCLI)
            let fromHTTP = try await http(item, port: server.port)
            try item.check(fromHTTP)
            try AdviceEndToEndTests.expectSame(
                fromCLI,
                fromHTTP,
                ["alternatives", "ineligible", "warnings"],
                item.name
            )
        }
    }

    /// A minor and a banned purpose read as a borrower would, in Chinese and English.
    @Test func theWordsInBothLanguages() throws {
        func text(_ profile: String, _ flags: [String]) throws -> String {
            let result = try BinaryRunner.run(
                ["alternatives", "--profile", "-", "--catalog", Self.catalog, "--date", Self.date] + flags,
                stdin: profile
            )
            #expect(result.status == 0, "\(result.stderr)")
            return result.stdout
        }
        let minor = Self.profile(#""age": 17"#)
        let en = try text(minor, ["--amount", "3000", "--term", "6"])
        #expect(en.contains("You are 17: under 18, no bank, lending platform or app may lend to you"), "\(en)")
        #expect(en.contains("at 17 you are under 18: no lender may give credit to a minor"))
        let zh = try text(minor, ["--amount", "3000", "--term", "6", "--lang", "zh"])
        #expect(zh.contains("你17岁，未满18岁：银行、借贷平台和任何App都不得向你放贷"), "\(zh)")
        let house = try text(
            Self.profile(#""age": 31"#),
            ["--amount", "200000", "--term", "36", "--purpose", "home-purchase", "--lang", "zh"]
        )
        #expect(house.contains("贷款不得用于购房（含首付）"), "\(house)")
        #expect(house.contains("住房公积金贷款"))
        // Backstop's estimates are worded as estimates, apart from published red lines, in both languages.
        let late = Self.profile(#""age": 30"#).replacingOccurrences(
            of: #""overdueCount12m": 0, "overdueCount24m": 0, "worstDaysPastDue": 0"#,
            with: #""overdueCount12m": 2, "overdueCount24m": 3, "worstDaysPastDue": 45"#
        )
        let lateEN = try text(late, ["--amount", "5000", "--term", "12"])
        #expect(
            lateEN.contains("(Backstop's estimates: CCB Kuaidai (Quick Loan) does not publish these criteria)"),
            "\(lateEN)"
        )
        #expect(!lateEN.contains("at most 0") && lateEN.contains("(none allowed)"))
        let lateZH = try text(late, ["--amount", "5000", "--term", "12", "--lang", "zh"])
        #expect(lateZH.contains("（以上是估计，建设银行快贷未公布这些标准）"), "\(lateZH)")
        // The product's name once, in the heading: never in a sentence an agent pastes.
        #expect(lateZH.components(separatedBy: "Backstop").count == 2, "\(lateZH)")
        #expect(!lateZH.contains("不超过0") && !lateZH.contains("最多允许0"))
        #expect(!lateZH.contains("风险位置") && !lateEN.contains("risk position"))
    }

    /// Platforms are never shown as banks: the README's late payer sees Fenqile as a platform funded by banks, in
    /// the table, the why and the JSON.
    @Test func platformsAreNotBanks() throws {
        let arguments = [
            "alternatives", "--profile", "examples/profiles/late-repayment.json", "--request",
            "examples/requests/cash-5000-12m.json", "--catalog", Self.catalog, "--date", "2026-11-25",
        ]
        let table = try BinaryRunner.run(arguments, currentDirectory: AdviceEndToEndTests.repository)
        #expect(table.status == 0, "\(table.stderr)")
        let fenqile = try #require(table.stdout.split(separator: "\n").first { $0.contains("Fenqile (LexinFintech)") })
        #expect(fenqile.contains("platform (banks)") && !fenqile.contains(" bank "), "\(fenqile)")
        let json = try BinaryRunner.json(
            try BinaryRunner.run(arguments + ["--format", "json"], currentDirectory: AdviceEndToEndTests.repository)
                .stdout
        )
        let alternative = try #require(
            AdviceEndToEndTests.alternatives(json).first { $0["provider"] as? String == "fenqile" }
        )
        #expect(alternative["licence"] as? String == "platform")
        #expect(alternative["funders"] as? [String] == ["bank"])
        #expect((alternative["guarantors"] as? [String])?.first?.contains("乐信融资担保") == true)
        #expect((alternative["why"] as? String)?.contains("loan-facilitation platform") == true)
    }

    /// Records that contradict themselves: exit 65 and HTTP 400 naming both fields.
    @Test(.timeLimit(.minutes(2)))
    func contradictoryRecordsAreRefused() async throws {
        let cases = [
            (
                #"{"id": "c1", "creditScore": 700, "repayment": {"overdueCount24m": 0, "worstDaysPastDue": 95}}"#,
                "repayment.worstDaysPastDue and repayment.overdueCount24m"
            ),
            (
                #"{"id": "c2", "creditScore": 700, "repayment": {"overdueCount12m": 0, "currentOverdueAmount": 3000}}"#,
                "repayment.currentOverdueAmount and repayment.overdueCount12m"
            ),
            (
                #"{"id": "c3", "creditScore": 700, "repayment": {"overdueCount12m": 2, "worstDaysPastDue": 0}}"#,
                "repayment.worstDaysPastDue and repayment.overdueCount12m"
            ),
            (
                #"{"id": "c4", "creditScore": 700, "overdueEvents": [{"month": "2026-10", "daysPastDue": 10, "settled": "2027-01-05"}]}"#,
                "overdueEvents[0].settled"
            ),
        ]
        let server = try ServeProcessTests().start(catalog: Self.catalog, token: "t0ken-for-rulebook-tests")
        defer { server.process.terminate() }
        for (profile, fields) in cases {
            let result = try BinaryRunner.run(
                ["alternatives", "--profile", "-", "--catalog", Self.catalog, "--date", Self.date],
                stdin: profile
            )
            #expect(result.status == 65, "\(profile)")
            #expect(result.stderr.contains(fields), "\(result.stderr)")
            let (status, error) = try await ServeProcessTests().call(
                server.port,
                "POST",
                "/v1/alternatives",
                body:
                    #"{"profile": \#(profile), "request": {"amount": 5000, "termMonths": 12}, "date": "\#(Self.date)"}"#
            )
            #expect(status == 400)
            #expect("\(error)".contains(fields), "\(error)")
        }
    }

    /// A negative amount is a value refused with its bound, not a missing value; an unknown purpose lists the
    /// allowed ones.
    @Test func badFlagsNameTheFlagAndTheBound() throws {
        let negative = try BinaryRunner.run(
            ["alternatives", "--profile", "-", "--amount", "-100", "--catalog", Self.catalog],
            stdin: Self.profile(#""age": 30"#)
        )
        #expect(negative.status == 64)
        #expect(
            negative.stderr.contains("--amount") && !negative.stderr.contains("Missing value"),
            "\(negative.stderr)"
        )
        let purpose = try BinaryRunner.run(
            ["alternatives", "--profile", "-", "--purpose", "wedding", "--catalog", Self.catalog],
            stdin: Self.profile(#""age": 30"#)
        )
        #expect(purpose.status == 64)
        #expect(
            purpose.stderr.contains("home-purchase") && purpose.stderr.contains("debt-repayment"),
            "\(purpose.stderr)"
        )
    }

    /// The application plan is a decision (issue 23, item 4): it leads with waiting when every chance is low, is the
    /// same whatever `--top` shows, treats a budget of 0 as "no hard inquiries", and dates a wait at a month end on
    /// the first day the window no longer counts the inquiry.
    @Test func thePlanIsADecision() throws {
        func plan(_ arguments: [String], stdin: String? = nil) throws -> [String: Any] {
            let result = try BinaryRunner.run(
                ["alternatives", "--catalog", Self.catalog, "--format", "json"] + arguments,
                stdin: stdin,
                currentDirectory: AdviceEndToEndTests.repository
            )
            try #require(result.status == 0, "\(result.stderr)")
            return try #require(try BinaryRunner.json(result.stdout)["plan"] as? [String: Any])
        }
        let readme = [
            "--profile", "examples/profiles/late-repayment.json", "--request", "examples/requests/cash-5000-12m.json",
            "--date", "2026-11-25",
        ]
        let late = try plan(readme)
        #expect(late["leadsWithWaiting"] as? Bool == true)
        #expect(late["waitForBetterOdds"] as? String == "2028-11-01")
        let notes = (late["notes"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        #expect(notes.first == "plan-wait-for-better-odds")
        let steps = late["steps"] as? [[String: Any]] ?? []
        #expect(!steps.isEmpty && steps.allSatisfy { $0["code"] as? String == "plan-apply-if-cannot-wait" })

        // --top only shortens the list shown.
        let healthy = ["--profile", "examples/profiles/healthy.json", "--amount", "5000", "--term", "12"]
        let all = try plan(healthy + ["--date", "2026-11-25"])
        let top = try plan(healthy + ["--date", "2026-11-25", "--top", "1"])
        #expect(
            (all["steps"] as? [[String: Any]])?.compactMap { $0["provider"] as? String }
                == (top["steps"] as? [[String: Any]])?.compactMap { $0["provider"] as? String }
        )
        #expect(all["leadsWithWaiting"] == nil)

        // A budget of 0: no hard inquiry, and no "wait until" today.
        let none = try plan(healthy + ["--date", "2026-11-25", "--inquiry-budget", "0"])
        #expect(none["waitUntil"] == nil)
        #expect(
            (none["notes"] as? [[String: Any]] ?? []).contains { $0["code"] as? String == "plan-no-hard-inquiries" }
        )

        // Two inquiries on 2026-11-30: still counted on 2027-02-28 (its window starts on 11-28), gone on 03-01.
        let inquiries = Self.profile(#""age": 30"#).replacingOccurrences(
            of: #""hardInquiries": {"last3m": 0}"#,
            with: #""hardInquiries": {"dates": ["2026-11-30", "2026-11-30"]}"#
        )
        let before = try plan(
            ["--profile", "-", "--amount", "5000", "--term", "12", "--date", "2027-02-27"],
            stdin: inquiries
        )
        #expect(before["waitUntil"] as? String == "2027-03-01")
        let on = try plan(
            ["--profile", "-", "--amount", "5000", "--term", "12", "--date", "2027-03-01"],
            stdin: inquiries
        )
        #expect(on["waitUntil"] == nil)
        #expect(!((on["steps"] as? [Any]) ?? []).isEmpty)
    }
}
