import Backstop
import BackstopServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `POST /v1/quote` and `POST /v1/apr` judge the rate they compute against the caps of the catalog being served.
struct LegalityRouteTests {
    let routes = RouteTests()
    var jsonHeaders: HTTPFields { [.contentType: "application/json"] }

    /// 0.09% a day over 12 months from 2026-11-25: 32.74% a year.
    static let quote =
        #"{"amount": 5000, "termMonths": 12, "rate": "0.09%/day", "startDate": "2026-11-25"}"#

    func legality(_ json: [String: Any]) throws -> [[String: Any]] {
        try #require(json["legality"] as? [[String: Any]])
    }

    @Test func quoteCarriesTheVerdictInTheAnswersLanguage() async throws {
        let app = Application(router: try await routes.service().makeRouter())
        try await app.test(.router) { client in
            try await client.execute(
                uri: "/v1/quote",
                method: .post,
                headers: jsonHeaders,
                body: routes.body(Self.quote)
            ) { response in
                #expect(response.status == .ok)
                let verdict = try legality(try routes.object(response.body))
                let codes = verdict.map { $0["code"] as? String }
                #expect(codes.contains("legality-above-cap"), "\(codes)")
                let internet = try #require(
                    verdict.first { ($0["params"] as? [String: Any])?["capID"] as? String == "internet-lending-24" }
                )
                #expect(internet["code"] as? String == "legality-above-cap")
                #expect(
                    (internet["message"] as? String)?.hasPrefix("32.74% a year is above the 24% all-in cap") == true
                )
            }
            try await client.execute(
                uri: "/v1/quote?lang=zh&licence=none",
                method: .post,
                headers: jsonHeaders,
                body: routes.body(Self.quote)
            ) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentLanguage] == "zh-Hans")
                let first = try #require(try legality(try routes.object(response.body)).first)
                let message = try #require(first["message"] as? String)
                #expect(message.contains("2025年5月20日发布的一年期LPR 3.00%的4倍，即12.00%"), "\(message)")
                #expect((first["params"] as? [String: Any])?["lprDate"] as? String == "2025-05-20")
            }
            try await client.execute(
                uri: "/v1/quote?licence=pawnshop",
                method: .post,
                headers: jsonHeaders,
                body: routes.body(Self.quote)
            ) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("licence: must be one of"))
            }
        }
    }

    @Test func aprCarriesTheVerdictOnTheDateAsked() async throws {
        let app = Application(router: try await routes.service().makeRouter())
        let flows = #"{"flows": [{"amount": -1000, "t": 0}, {"amount": 1025, "t": 1}]}"#
        try await app.test(.router) { client in
            try await client.execute(
                uri: "/v1/apr?date=2024-06-01&licence=card-issuer",
                method: .post,
                headers: jsonHeaders,
                body: routes.body(flows)
            ) { response in
                #expect(response.status == .ok)
                let json = try routes.object(response.body)
                #expect(json["nominalAPR"] != nil)
                let verdict = try legality(json)
                #expect(verdict.map { $0["code"] as? String } == ["legality-above-court-level"])
                let params = try #require(verdict.first?["params"] as? [String: Any])
                #expect(params["capID"] as? String == "courts-financial-loans-24")
                #expect(
                    params["source"] as? String == "http://en.pkulaw.cn/display.aspx?cgid=bb6a5dc1bce57f9fbdfb&lib=law"
                )
            }
            try await client.execute(
                uri: "/v1/apr?date=2026-13-01",
                method: .post,
                headers: jsonHeaders,
                body: routes.body(flows)
            ) { response in
                #expect(response.status == .badRequest)
            }
        }
    }
}
