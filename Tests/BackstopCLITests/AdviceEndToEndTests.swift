import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Issue 14's cases end to end: each through the real binary (`alternatives --format json`) and through the real
/// server (`serve`, POST /v1/alternatives), which must give the same answer.
@Suite(.serialized)
struct AdviceEndToEndTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let catalog = repository.appendingPathComponent("providers").path
    static let date = "2026-11-25"

    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let profile: String
        let request: String
        /// Extra CLI flags and the same options as HTTP body fields.
        var flags: [String] = []
        var body: String = ""
        let check: @Sendable ([String: Any]) throws -> Void

        var description: String { name }
    }

    static func example(_ path: String) throws -> String {
        try String(contentsOf: repository.appendingPathComponent("examples/\(path)"), encoding: .utf8)
    }

    static func alternatives(_ json: [String: Any]) -> [[String: Any]] {
        json["alternatives"] as? [[String: Any]] ?? []
    }
    static func warnings(_ json: [String: Any]) -> [String] {
        (json["warnings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
    }
    static func refusedFor(_ json: [String: Any], rule: String) -> [String] {
        (json["ineligible"] as? [[String: Any]] ?? []).filter {
            ($0["failed"] as? [[String: Any]] ?? []).contains { $0["rule"] as? String == rule }
        }.compactMap { $0["provider"] as? String }
    }
    /// The CLI's and the server's answers carry the same documents under `keys` (compared with sorted keys).
    static func expectSame(_ cli: [String: Any], _ http: [String: Any], _ keys: [String], _ name: String) throws {
        for key in keys {
            let a = try JSONSerialization.data(withJSONObject: cli[key] ?? NSNull(), options: .sortedKeys)
            let b = try JSONSerialization.data(withJSONObject: http[key] ?? NSNull(), options: .sortedKeys)
            #expect(a == b, "\(name): \(key) differs between the CLI and HTTP")
        }
    }

    static func factCodes(_ alternative: [String: Any], _ key: String) -> [String] {
        (alternative[key] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
    }

    static let cases: [Case] = [
        // 7 hard inquiries in 3 months: every offer's odds capped at low, no application now, a dated wait.
        Case(name: "seven-inquiries", profile: "many-inquiries", request: "cash-5000-12m") { json in
            let alternatives = Self.alternatives(json)
            #expect(!alternatives.isEmpty)
            #expect(alternatives.allSatisfy { $0["likelihood"] as? String == "low" })
            #expect(alternatives.allSatisfy { Self.factCodes($0, "oddsFactors").contains("why-odds-inquiries") })
            #expect(Self.warnings(json).contains("many-recent-inquiries"))
            let plan = try #require(json["plan"] as? [String: Any])
            #expect(plan["hardInquiries3m"] as? Int == 7)
            #expect((plan["steps"] as? [Any])?.isEmpty == true, "no application while over the budget")
            // The last month's 3 inquiries leave the 3-month window by 2027-02-25 at the latest.
            #expect(plan["waitUntil"] as? String == "2027-02-25")
            #expect((plan["later"] as? [String])?.count == alternatives.count)
        },
        // The late payer (2 overdue in 12 months, worst 45 days): no "high" anywhere, and each offer says why.
        Case(name: "late-payer-odds", profile: "late-repayment", request: "cash-5000-12m") { json in
            let alternatives = Self.alternatives(json)
            #expect(!alternatives.isEmpty)
            for alternative in alternatives {
                #expect(alternative["likelihood"] as? String == "low", "\(alternative["provider"] ?? "")")
                #expect(Self.factCodes(alternative, "oddsFactors").contains("why-odds-recent-overdue"))
            }
            let plan = try #require(json["plan"] as? [String: Any])
            #expect((plan["steps"] as? [Any])?.count == 2, "the budget of 2 hard inquiries")
        },
        // ¥50,000 over 24 months for a gig worker: only 24-month offers ranked first, the cost ranking compares
        // equal terms, and payments above half the income are refused.
        Case(name: "24-month-request", profile: "gig-worker", request: "cash-50000-24m", flags: ["--rank-by", "cost"]) {
            json in
            let alternatives = Self.alternatives(json)
            let first = try #require(alternatives.first)
            #expect(first["termMonths"] as? Int == 24)
            #expect(first["termDiffers"] as? Bool == false)
            let flags = alternatives.map { $0["termDiffers"] as? Bool ?? true }
            #expect(flags == flags.sorted { !$0 && $1 }, "exact terms first: \(flags)")
            #expect(!Self.refusedFor(json, rule: "debtService").isEmpty)
            #expect(alternatives.allSatisfy { $0["likelihood"] as? String != "high" }, "gig income caps the odds")
        },
        // Cash-out flags (Alipay's own) cap every other lender's odds at medium; nobody is "high".
        Case(name: "cash-out-odds", profile: "cash-out", request: "cash-5000-12m") { json in
            let alternatives = Self.alternatives(json)
            #expect(!alternatives.isEmpty)
            for alternative in alternatives {
                #expect(alternative["likelihood"] as? String != "high", "\(alternative["provider"] ?? "")")
                #expect(Self.factCodes(alternative, "oddsFactors").contains("why-odds-cash-out"))
            }
        },
        Case(
            name: "exact-term",
            profile: "healthy",
            request: "cash-5000-12m",
            flags: ["--exact-term"],
            body: #", "exactTerm": true"#
        ) { json in
            #expect(Self.alternatives(json).allSatisfy { $0["termDiffers"] as? Bool == false })
            #expect(Self.refusedFor(json, rule: "exactTerm") == ["wechat-weilidai"])
        },
        // A complete, clean profile: odds rest on evidence, so a channel none of whose cleared criteria is published
        // or reported is at most "medium", saying why; invitation-only Weilidai is "only if invited", and
        // customers-only CCB is refused for an ICBC customer; the open Jiebei comes first in the plan.
        Case(name: "healthy-access", profile: "healthy", request: "cash-5000-12m") { json in
            let alternatives = Self.alternatives(json)
            for alternative in alternatives {
                let rules = alternative["rules"] as? [[String: Any]] ?? []
                // A published or reported criterion cleared, or a primary service the user reports open.
                let evidenced = rules.contains {
                    $0["outcome"] as? String == "passed"
                        && (["published", "reported"].contains($0["basis"] as? String)
                            || $0["rule"] as? String == "serviceState")
                }
                if !evidenced {
                    #expect(alternative["likelihood"] as? String != "high", "\(alternative["provider"] ?? "")")
                    #expect(Self.factCodes(alternative, "oddsFactors").contains("why-odds-estimates-only"))
                }
            }
            // ICBC publishes its age and identity rules: no estimates-only cap on its odds.
            let icbc = try #require(alternatives.first { $0["provider"] as? String == "icbc-rongejie" })
            #expect(!Self.factCodes(icbc, "oddsFactors").contains("why-odds-estimates-only"))
            let weilidai = try #require(alternatives.first { $0["provider"] as? String == "wechat-weilidai" })
            #expect(weilidai["condition"] as? String == "only-if-invited")
            #expect(weilidai["likelihood"] as? String == "low")
            #expect(Self.refusedFor(json, rule: "customersOnly").contains("ccb-kuaidai"))
            let plan = try #require(json["plan"] as? [String: Any])
            let steps = try #require(plan["steps"] as? [[String: Any]])
            #expect(steps.first?["provider"] as? String == "jiebei")
            #expect(steps.first?["code"] as? String == "plan-use-open-line")
            #expect(steps.filter { $0["code"] as? String == "plan-apply-hard" }.count == 2)
        },
        Case(
            name: "inquiry-budget",
            profile: "healthy",
            request: "cash-5000-12m",
            flags: ["--inquiry-budget", "1"],
            body: #", "inquiryBudget": 1"#
        ) { json in
            let plan = try #require(json["plan"] as? [String: Any])
            let steps = try #require(plan["steps"] as? [[String: Any]])
            #expect(steps.filter { $0["code"] as? String == "plan-apply-hard" }.count == 1)
        },
    ]

    func cli(_ item: Case) throws -> [String: Any] {
        let result = try BinaryRunner.run(
            [
                "alternatives", "--profile", "examples/profiles/\(item.profile).json",
                "--request", "examples/requests/\(item.request).json", "--catalog", Self.catalog, "--date", Self.date,
                "--format", "json",
            ] + item.flags,
            currentDirectory: Self.repository
        )
        try #require(result.status == 0, "\(result.stderr)")
        return try BinaryRunner.json(result.stdout)
    }

    func http(_ item: Case, port: Int) async throws -> [String: Any] {
        var body =
            #"{"profile": \#(try Self.example("profiles/\(item.profile).json")), "#
            + #""request": \#(try Self.example("requests/\(item.request).json")), "date": "\#(Self.date)""#
        body += item.body
        if let index = item.flags.firstIndex(of: "--rank-by") {
            // The request document's own rankBy, as the flag overrides it.
            body = body.replacingOccurrences(of: #""rankBy": "apr""#, with: #""rankBy": "\#(item.flags[index + 1])""#)
        }
        body += "}"
        let (status, json) = try await ServeProcessTests().call(port, "POST", "/v1/alternatives", body: body)
        try #require(status == 200, "\(item.name): \(json)")
        return json
    }

    @Test(.timeLimit(.minutes(3)))
    func everyCaseThroughTheBinaryAndTheServer() async throws {
        let server = try ServeProcessTests().start(catalog: Self.catalog, token: "t0ken-for-advice-tests")
        defer { server.process.terminate() }
        for item in Self.cases {
            let fromCLI = try cli(item)
            try item.check(fromCLI)
            let fromHTTP = try await http(item, port: server.port)
            try item.check(fromHTTP)
            // One answer, whichever front end: the alternatives, refusals and plan are the same documents.
            try Self.expectSame(fromCLI, fromHTTP, ["alternatives", "ineligible", "plan", "warnings"], item.name)
        }
    }

    /// Counts and dated lists that disagree: exit 65 / HTTP 400 naming both fields; unknown fields are reported.
    @Test(.timeLimit(.minutes(2)))
    func contradictionsAndUnknownFields() async throws {
        let contradictory =
            #"{"id": "c", "creditScore": 700, "repayment": {"overdueCount12m": 3}, "overdueEvents": ["#
            + #"{"month": "2026-05", "daysPastDue": 12, "settled": "2026-05-20"}, "#
            + #"{"month": "2026-08", "daysPastDue": 5, "settled": "2026-08-10"}]}"#
        let result = try BinaryRunner.run(
            ["alternatives", "--profile", "-", "--catalog", Self.catalog, "--date", Self.date],
            stdin: contradictory
        )
        #expect(result.status == 65)
        #expect(result.stderr.contains("repayment.overdueCount12m and overdueEvents"), "\(result.stderr)")
        #expect(result.stderr.contains("says 3") && result.stderr.contains("lists 2"), "\(result.stderr)")

        let unknown = #"{"id": "u", "creditScore": 700, "hardInquiries3m": 7}"#
        let answer = try BinaryRunner.run(
            ["alternatives", "--profile", "-", "--catalog", Self.catalog, "--date", Self.date, "--format", "json"],
            stdin: unknown
        )
        #expect(answer.status == 0)
        let json = try BinaryRunner.json(answer.stdout)
        let warning = try #require(
            (json["warnings"] as? [[String: Any]])?.first { $0["code"] as? String == "unrecognized-profile-fields" }
        )
        #expect((warning["params"] as? [String: Any])?["fields"] as? [String] == ["hardInquiries3m"])

        let server = try ServeProcessTests().start(catalog: Self.catalog, token: "t0ken-for-advice-tests")
        defer { server.process.terminate() }
        let (status, error) = try await ServeProcessTests().call(
            server.port,
            "POST",
            "/v1/alternatives",
            body:
                #"{"profile": \#(contradictory), "request": {"amount": 5000, "termMonths": 12}, "date": "2026-11-25"}"#
        )
        #expect(status == 400)
        let text = "\(error)"
        #expect(text.contains("repayment.overdueCount12m") && text.contains("overdueEvents"), "\(text)")
        let (ok, http) = try await ServeProcessTests().call(
            server.port,
            "POST",
            "/v1/alternatives",
            body: #"{"profile": \#(unknown), "request": {"amount": 5000, "termMonths": 12}, "date": "2026-11-25"}"#
        )
        #expect(ok == 200)
        #expect(Self.warnings(http).contains("unrecognized-profile-fields"))
    }

    /// The ages Huabei (18 and over) and Jiebei (18 to 60) serve are part of their diagnosis, through the binary and
    /// the server: a 62-year-old's closed Jiebei is explained by age, and no date is promised.
    @Test(.timeLimit(.minutes(2)))
    func ageLimitsInTheDiagnosis() async throws {
        let older =
            #"{"id": "old", "age": 62, "creditScore": 720, "repayment": {"overdueCount12m": 0, "overdueCount24m": 0, "#
            + #""worstDaysPastDue": 0, "currentOverdueAmount": 0}, "cashOutFlags12m": 0, "identity": "verified", "#
            + #""services": {"huabei": "open", "jiebei": "closed"}}"#
        func check(_ json: [String: Any]) throws {
            let diagnosis = try #require(json["diagnosis"] as? [[String: Any]])
            let jiebei = try #require(diagnosis.first { $0["service"] as? String == "jiebei" })
            let reasons = (jiebei["reasons"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
            #expect(reasons == ["age-limit"])
            let huabei = try #require(diagnosis.first { $0["service"] as? String == "huabei" })
            #expect((huabei["reasons"] as? [Any])?.isEmpty == true, "Huabei has no upper age limit")
            let steps = try #require(json["recovery"] as? [[String: Any]])
            #expect(steps.first?["code"] as? String == "step-age-limit")
        }
        let result = try BinaryRunner.run(
            ["diagnose", "--profile", "-", "--date", Self.date, "--format", "json"],
            stdin: older
        )
        try #require(result.status == 0, "\(result.stderr)")
        try check(try BinaryRunner.json(result.stdout))
        let zh = try BinaryRunner.run(
            ["diagnose", "--profile", "-", "--date", Self.date, "--lang", "zh"],
            stdin: older
        )
        #expect(zh.stdout.contains("年龄62岁，不在服务年龄范围内（18至60岁）"), "\(zh.stdout)")

        let server = try ServeProcessTests().start(catalog: Self.catalog, token: "t0ken-for-advice-tests")
        defer { server.process.terminate() }
        let (status, json) = try await ServeProcessTests().call(
            server.port,
            "POST",
            "/v1/diagnose",
            body: #"{"profile": \#(older), "date": "2026-11-25"}"#
        )
        #expect(status == 200)
        try check(json)
    }
}
