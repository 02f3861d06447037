import Backstop
import BackstopServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The dated recovery plan over HTTP: `POST /v1/diagnose` with a date and `POST /v1/alternatives`, in both languages.
struct RecoveryRouteTests {
    let routes = RouteTests()

    static func example(_ name: String) throws -> String {
        try String(
            contentsOf: RouteTests.repository.appendingPathComponent("examples/profiles/\(name).json"),
            encoding: .utf8
        )
    }

    func post(_ uri: String, _ body: String) async throws -> [String: Any] {
        let app = Application(router: try await routes.service().makeRouter())
        let requestBody = routes.body(body)
        let headers = routes.jsonHeaders
        return try await app.test(.router) { client in
            try await client.execute(uri: uri, method: .post, headers: headers, body: requestBody) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                return try routes.object(response.body)
            }
        }
    }

    @Test func diagnoseDatesEachStepAndEachReopening() async throws {
        let body = #"{"profile": \#(try Self.example("overdue-events")), "date": "2026-11-25"}"#
        let json = try await post("/v1/diagnose?lang=en", body)
        let steps = try #require(json["recovery"] as? [[String: Any]])
        #expect(steps.first?["code"] as? String == "step-repay-overdue-now")
        #expect((steps.first?["horizon"] as? [String: Any])?["kind"] as? String == "now")
        let record = try #require(
            steps.compactMap { $0["horizon"] as? [String: Any] }.first { $0["month"] as? String == "2026-06" }
        )
        #expect(record["leaves12MonthWindow"] as? String == "2027-06-01")
        #expect(record["leavesCreditReport"] as? String == "2031-06-25")
        let whatIf = try #require(json["whatIf"] as? [String: Any])
        let reopenings = try #require(whatIf["reopenings"] as? [[String: Any]])
        let huabei = try #require(reopenings.first { $0["id"] as? String == "huabei" })
        #expect(huabei["earliest"] as? String == "2027-06-01")
        #expect(huabei["code"] as? String == "reopen-from")
        // "May", with the assumption in the same sentence: the date rests on Backstop's illustrative rules.
        #expect(
            huabei["message"] as? String
                == "Huabei may reopen from 2027-06-01 at the earliest, if it reads your record as Backstop's "
                + "illustrative rules assume (the last 12 and 24 months of repayments, like most lenders)"
        )
        #expect(huabei["dateKind"] as? String == "estimate")
        // v1 clients keep their fields.
        #expect(whatIf["horizonMonths"] as? Int == 24)
        #expect(whatIf["reopens"] as? [String] == ["huabei", "jiebei"])
        let scams = try #require(json["scams"] as? [[String: Any]])
        #expect(scams.compactMap { $0["code"] as? String }.contains("scam-credit-repair"))
    }

    @Test func anExpiredIDCardIsRenewedWithinTheLawsSixtyDays() async throws {
        var profile = try JSONSerialization.jsonObject(with: Data(try Self.example("healthy").utf8)) as? [String: Any]
        profile?["identity"] = "expired-document"
        profile?["services"] = ["huabei": "closed", "jiebei": "closed"]
        let text = String(decoding: try JSONSerialization.data(withJSONObject: profile ?? [:]), as: UTF8.self)
        let json = try await post("/v1/diagnose?lang=zh", #"{"profile": \#(text), "date": "2026-11-25"}"#)
        let steps = try #require(json["recovery"] as? [[String: Any]])
        let identity = try #require(steps.first { $0["reason"] as? String == "identity-abnormal" })
        let horizon = try #require(identity["horizon"] as? [String: Any])
        #expect(horizon["kind"] as? String == "days")
        #expect(horizon["minDays"] as? Int == 1 && horizon["maxDays"] as? Int == 60)
        #expect(horizon["by"] as? String == "2027-01-24")
        #expect(horizon["message"] as? String == "60天内，2027年1月24日前")
        #expect(identity["dateKind"] as? String == "published")
        #expect((identity["source"] as? String)?.hasPrefix("https://") == true)
        #expect((identity["message"] as? String)?.contains("临时居民身份证") == true)
        // Closed, which an expired document alone does not explain by the illustrative rules: no date for either.
        let diagnosis = try #require(json["diagnosis"] as? [[String: Any]])
        #expect(diagnosis.allSatisfy { $0["explained"] as? Bool == false })
        let reopenings = try #require((json["whatIf"] as? [String: Any])?["reopenings"] as? [[String: Any]])
        #expect(reopenings.compactMap { $0["earliest"] as? String } == [])
        #expect(reopenings.allSatisfy { $0["predictable"] as? Bool == false })
    }

    @Test func alternativesGiveAThinFileARecordToBuild() async throws {
        let body =
            #"{"profile": \#(try Self.example("thin-file")), "request": {"amount": 3000, "termMonths": 6, "purpose": "purchase"}, "date": "2026-11-25"}"#
        let json = try await post("/v1/alternatives?lang=en", body)
        let jiebei = try #require(
            (json["diagnosis"] as? [[String: Any]])?.first { $0["service"] as? String == "jiebei" }
        )
        #expect((jiebei["reasons"] as? [[String: Any]])?.compactMap { $0["code"] as? String } == ["thin-file"])
        let recovery = try #require(json["recovery"] as? [String: Any])
        let codes = (recovery["steps"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        #expect(codes.first == "step-build-record")
        #expect(!codes.contains("step-rebuild-score"))
        // A 22-year-old's warnings: the campus-loan call among them, no debt agents (nothing overdue).
        let scams = (recovery["scams"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        #expect(scams.contains("scam-campus-loan-cancellation") && !scams.contains("scam-paid-debt-agents"), "\(scams)")
    }

    @Test func theScoreStaysWhereItIs() async throws {
        let body =
            #"{"profile": \#(try Self.example("credit-score-decline")), "request": {"amount": 5000, "termMonths": 12}, "date": "2026-11-25"}"#
        let json = try await post("/v1/alternatives?lang=en", body)
        let whatIf = try #require((json["recovery"] as? [String: Any])?["whatIf"] as? [String: Any])
        let assumptions = try #require(whatIf["assumptions"] as? [[String: Any]])
        let score = try #require(assumptions.first { $0["code"] as? String == "assume-score" })
        #expect((score["params"] as? [String: Any])?["score"] as? Int == 598)
        #expect(whatIf["reopens"] as? [String] == [])
    }
}
