import Backstop
import BackstopServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// The answer's language over HTTP: `?lang=` wins, then Accept-Language with its q-values, else English; the
/// answer says which in `Content-Language` and in the document's `language`.
struct LanguageRouteTests {
    let routes = RouteTests()
    static let request =
        #"{"profile": \#(RouteTests.profile), "request": {"amount": 5000, "termMonths": 12}, "date": "2026-11-25"}"#

    struct Answer: Sendable {
        let status: HTTPResponse.Status
        let contentLanguage: String?
        let body: Data

        var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:] }
    }

    func ask(_ uri: String, acceptLanguage: String? = nil, body: String = request) async throws -> Answer {
        let app = Application(router: try await routes.service().makeRouter())
        var headers = routes.jsonHeaders
        if let acceptLanguage { headers[.acceptLanguage] = acceptLanguage }
        let requestBody = routes.body(body)
        return try await app.test(.router) { [headers] client in
            try await client.execute(uri: uri, method: .post, headers: headers, body: requestBody) { response in
                Answer(
                    status: response.status,
                    contentLanguage: response.headers[.contentLanguage],
                    body: Data(response.body.readableBytesView)
                )
            }
        }
    }

    /// The first reason's message and the first warning's message of an answer.
    func messages(_ json: [String: Any]) -> [String] {
        let diagnosis = json["diagnosis"] as? [[String: Any]] ?? []
        let reasons = diagnosis.first?["reasons"] as? [[String: Any]] ?? []
        let warnings = json["warnings"] as? [[String: Any]] ?? []
        return [reasons.first?["message"] as? String, warnings.first?["message"] as? String].compactMap { $0 }
    }

    @Test func theLangParameterWins() async throws {
        let zh = try await ask("/v1/alternatives?lang=zh", acceptLanguage: "en")
        #expect(zh.status == .ok)
        #expect(zh.contentLanguage == "zh-Hans")
        #expect(zh.json["language"] as? String == "zh-Hans")
        #expect(messages(zh.json).first == "逾期还款：近12个月逾期2次，近24个月3次，最长逾期45天")
        let en = try await ask("/v1/alternatives?lang=en", acceptLanguage: "zh-CN")
        #expect(en.contentLanguage == "en")
        #expect(messages(en.json).first == "late repayment: 2 overdue in 12 months, 3 in 24 months, worst 45 days")
        // Codes and numbers do not change with the language.
        let zhWarnings = (zh.json["warnings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        let enWarnings = (en.json["warnings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        #expect(zhWarnings == enWarnings && !zhWarnings.isEmpty)
    }

    @Test(arguments: [
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh-Hans"), ("en-US,en;q=0.9", "en"), ("en;q=0.3, zh;q=0.7", "zh-Hans"),
        ("fr-FR, de;q=0.5", "en"), ("zh-TW", "en"),
    ])
    func acceptLanguageIsNegotiated(_ header: String, _ expected: String) async throws {
        let answer = try await ask("/v1/alternatives", acceptLanguage: header)
        #expect(answer.status == .ok)
        #expect(answer.contentLanguage == expected)
        #expect(answer.json["language"] as? String == expected)
    }

    @Test func noPreferenceIsEnglish() async throws {
        let answer = try await ask("/v1/alternatives")
        #expect(answer.contentLanguage == "en")
    }

    @Test(arguments: ["fr", "zh-Hant", "", "en;q=1"])
    func anUnsupportedLangIsABadRequestNamingTheValues(_ value: String) async throws {
        let encoded = value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value
        let answer = try await ask("/v1/alternatives?lang=\(encoded)")
        #expect(answer.status == .badRequest)
        let message = ((answer.json["error"] as? [String: Any])?["message"] as? String) ?? ""
        #expect(message.contains("lang: must be one of zh, en"), "\(message)")
    }

    @Test func diagnoseSpeaksTheLanguageAndSharesThePlan() async throws {
        let body = #"{"profile": \#(RouteTests.profile)}"#
        let zh = try await ask("/v1/diagnose?lang=zh", body: body)
        #expect(zh.status == .ok)
        #expect(zh.contentLanguage == "zh-Hans")
        let steps = zh.json["recovery"] as? [[String: Any]] ?? []
        #expect(steps.compactMap { $0["code"] as? String }.contains("step-keep-licensed-backup"))
        #expect((steps.first?["message"] as? String)?.hasPrefix("从现在起保持良好的还款记录") == true)
        let whatIf = zh.json["whatIf"] as? [String: Any] ?? [:]
        #expect(whatIf["reopens"] as? [String] == ["huabei", "jiebei"])
    }

    /// The answer cache keys on the language: the same body in two languages gives two answers.
    @Test func cachedAnswersKeepTheirLanguage() async throws {
        let app = Application(router: try await routes.service().makeRouter())
        try await app.test(.router) { client in
            var bodies: [String: String] = [:]
            for language in ["zh", "en", "zh", "en"] {
                try await client.execute(
                    uri: "/v1/alternatives?lang=\(language)",
                    method: .post,
                    headers: routes.jsonHeaders,
                    body: routes.body(Self.request)
                ) { response in
                    let text = String(buffer: response.body)
                    if let earlier = bodies[language] { #expect(earlier == text) }
                    bodies[language] = text
                    #expect(response.headers[.contentLanguage] == (language == "zh" ? "zh-Hans" : "en"))
                }
            }
            #expect(bodies["zh"] != bodies["en"])
        }
    }
}
