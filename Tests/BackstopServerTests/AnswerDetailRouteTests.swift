import Backstop
import BackstopServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// `POST /v1/alternatives` with `"detail"`: a client that asks for nothing gets wire format v1 byte for byte;
/// `standard` is the same answer without schedules; `summary` the headline figures; anything else is a 400 naming
/// the field.
struct AnswerDetailRouteTests {
    let routes = RouteTests()

    func answer(_ detail: String?, language: String = "en") async throws -> (HTTPResponse.Status, ByteBuffer) {
        let app = Application(router: try await routes.service().makeRouter())
        let choice = detail.map { #", "detail": \#($0)"# } ?? ""
        let json =
            #"{"profile": \#(RouteTests.profile), "request": {"amount": 5000, "termMonths": 12}, "date": "2026-11-25"\#(choice)}"#
        var fields = routes.jsonHeaders
        fields[.acceptLanguage] = language
        let headers = fields
        let body = routes.body(json)
        return try await app.test(.router) { client in
            try await client.execute(uri: "/v1/alternatives", method: .post, headers: headers, body: body) {
                response in (response.status, response.body)
            }
        }
    }

    /// An alternative as a standard answer carries it: no schedule, only the rules that did not pass; as sorted
    /// JSON text, so two forms compare exactly.
    static func standardForm(_ alternative: [String: Any]) -> String {
        var trimmed = alternative
        trimmed["schedule"] = nil
        trimmed["rules"] = (alternative["rules"] as? [[String: Any]])?.filter { $0["outcome"] as? String != "passed" }
        let data = (try? JSONSerialization.data(withJSONObject: trimmed, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    func alternatives(_ json: [String: Any]) throws -> [[String: Any]] {
        try #require(json["alternatives"] as? [[String: Any]])
    }

    @Test func fullIsTheDefaultAnswerByteForByte() async throws {
        let (plainStatus, plain) = try await answer(nil)
        let (fullStatus, full) = try await answer(#""full""#)
        #expect(plainStatus == .ok && fullStatus == .ok)
        #expect(Array(plain.readableBytesView) == Array(full.readableBytesView))
        let json = try routes.object(plain)
        #expect(json["detail"] == nil)
        let first = try #require(try alternatives(json).first)
        #expect(((first["schedule"] as? [Any])?.count ?? 0) > 0)
    }

    @Test func standardIsTheFullAnswerWithoutSchedules() async throws {
        let full = try routes.object(try await answer(nil).1)
        let (status, buffer) = try await answer(#""standard""#)
        #expect(status == .ok)
        let standard = try routes.object(buffer)
        #expect(standard["detail"] as? String == "standard")
        let fullAlternatives = try alternatives(full)
        let standardAlternatives = try alternatives(standard)
        #expect(!standardAlternatives.isEmpty)
        #expect(standardAlternatives.count == fullAlternatives.count)
        for (a, b) in zip(fullAlternatives, standardAlternatives) {
            #expect(b["schedule"] == nil)
            #expect(((b["rules"] as? [[String: Any]]) ?? []).allSatisfy { $0["outcome"] as? String != "passed" })
            #expect(Self.standardForm(a) == Self.standardForm(b))
        }
        for key in ["diagnosis", "ineligible", "warnings", "recovery", "plan", "catalog", "request"] {
            let same = NSDictionary(dictionary: [key: full[key] as Any]).isEqual(to: [key: standard[key] as Any])
            #expect(same, "\(key) differs")
        }
        #expect(buffer.readableBytes < (try await answer(nil).1).readableBytes)
    }

    @Test func summaryGivesTheHeadlineInTheAnswersLanguage() async throws {
        let full = try routes.object(try await answer(nil).1)
        let (status, buffer) = try await answer(#""summary""#, language: "zh")
        #expect(status == .ok)
        let summary = try routes.object(buffer)
        let options = try alternatives(summary)
        let fullOptions = try alternatives(full)
        #expect(options.map { $0["provider"] as? String } == fullOptions.map { $0["provider"] as? String })
        #expect(options.map { $0["totalCost"] as? NSNumber } == fullOptions.map { $0["totalCost"] as? NSNumber })
        #expect(options.allSatisfy { $0["schedule"] == nil && $0["rules"] == nil })
        // The why is rendered in the language asked for.
        let why = try #require(options.first?["why"] as? String)
        #expect(why.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) })
        let refused = try #require(summary["ineligible"] as? [[String: Any]])
        #expect(refused.count == (full["ineligible"] as? [Any])?.count)
        #expect(refused.allSatisfy { !(($0["failed"] as? [String]) ?? []).isEmpty })
    }

    @Test(arguments: [#""brief""#, "3", "null"])
    func anUnknownDetailIs400NamingTheField(detail: String) async throws {
        let (status, buffer) = try await answer(detail)
        if detail == "null" {
            // JSON null is the field left out: the default answer.
            #expect(status == .ok)
            return
        }
        #expect(status == .badRequest)
        let error = try #require(try routes.object(buffer)["error"] as? [String: Any])
        #expect(error["path"] as? String == "detail", "\(error)")
        if detail.hasPrefix("\"") {
            #expect((error["message"] as? String)?.contains("summary, standard, full") == true, "\(error)")
        }
    }
}
