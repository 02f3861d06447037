import Backstop
import BackstopServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// Issue 15 over HTTP: `POST /v1/quote` takes the same typed fees and stress terms as `backstop quote` and gives the
/// same answer; `POST /v1/alternatives` on a catalog holding version-2 channels carries fees and stress costs, and
/// refuses the over-cap referral channel naming its fees.
struct ProviderCostsRouteTests {
    let routes = RouteTests()
    var jsonHeaders: HTTPFields { [.contentType: "application/json"] }

    static let quote =
        #"{"amount": 10000, "termMonths": 12, "rate": "8%/year", "guaranteeFee": "1.5%/month", "startDate": "2026-11-25", "penaltyRate": "+50%", "lateFee": "20"}"#

    @Test func quoteTakesTheFeeFlagsAndGivesTheAllInAPRStressAndVerdict() async throws {
        let app = Application(router: try await routes.service().makeRouter())
        try await app.test(.router) { client in
            try await client.execute(
                uri: "/v1/quote?licence=online-microlender",
                method: .post,
                headers: jsonHeaders,
                body: routes.body(Self.quote)
            ) { response in
                #expect(response.status == .ok)
                let json = try routes.object(response.body)
                #expect("\(json["nominalAPR"] ?? "")" == "39.04")
                #expect("\(json["interestOnlyAPR"] ?? "")" == "8")
                let fees = try #require(json["fees"] as? [[String: Any]])
                #expect(fees.first?["kind"] as? String == "guarantee")
                #expect("\(fees.first?["amount"] ?? "")" == "1800")
                let stress = try #require(json["stress"] as? [String: Any])
                let late = try #require(stress["late"] as? [String: Any])
                #expect(late["known"] as? Bool == true)
                #expect("\(late["extraCost"] ?? "")" == "28.64")
                let early = try #require(stress["earlyRepayment"] as? [String: Any])
                #expect("\(early["versusSchedule"] ?? "")" == "-254.72")
                let legality = try #require(json["legality"] as? [[String: Any]])
                #expect(legality.contains { $0["code"] as? String == "legality-above-cap" })
            }
            try await client.execute(
                uri: "/v1/quote",
                method: .post,
                headers: jsonHeaders,
                body: routes.body(
                    #"{"amount": 10000, "termMonths": 12, "insuranceFee": "0.3%/month:prepaid-principal"}"#
                )
            ) { response in
                #expect(response.status == .badRequest)
                let error = try #require(try routes.object(response.body)["error"] as? [String: Any])
                #expect(error["path"] as? String == "insuranceFee")
                #expect((error["message"] as? String)?.contains("has unknown basis") == true)
            }
        }
    }

    /// The binary and the server price the same terms alike, field for field.
    @Test func theServerAndTheBinaryAgree() async throws {
        let binaryOutput = try Self.runBinary([
            "quote", "--amount", "10000", "--term", "12", "--rate", "8%/year", "--guarantee-fee", "1.5%/month",
            "--start", "2026-11-25", "--penalty-rate", "+50%", "--late-fee", "20", "--format", "json",
        ])
        let app = Application(router: try await routes.service().makeRouter())
        try await app.test(.router) { client in
            try await client.execute(
                uri: "/v1/quote",
                method: .post,
                headers: jsonHeaders,
                body: routes.body(Self.quote)
            ) { response in
                let served = try routes.object(response.body)
                let binary = try #require(try JSONSerialization.jsonObject(with: binaryOutput) as? [String: Any])
                for key in ["nominalAPR", "effectiveAPR", "totalCost", "totalFees", "interestOnlyAPR"] {
                    #expect("\(served[key] ?? "")" == "\(binary[key] ?? "")", "\(key)")
                }
                let a = try JSONSerialization.data(withJSONObject: served["stress"] ?? [:], options: .sortedKeys)
                let b = try JSONSerialization.data(withJSONObject: binary["stress"] ?? [:], options: .sortedKeys)
                #expect(a == b)
            }
        }
    }

    static func runBinary(_ arguments: [String]) throws -> Data {
        var directory = Bundle.main.bundleURL
        var executable: URL?
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("backstop")
            if FileManager.default.isExecutableFile(atPath: candidate.path) {
                executable = candidate
                break
            }
            directory = directory.deletingLastPathComponent()
        }
        let path = try #require(
            executable
                ?? [".build/debug/backstop"].map { RouteTests.repository.appendingPathComponent($0) }.first {
                    FileManager.default.isExecutableFile(atPath: $0.path)
                }
        )
        let process = Process()
        process.executableURL = path
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["LANG"] = "C.UTF-8"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return data
    }

    @Test func alternativesOnAVersion2CatalogCarryStressAndNameTheFeesOverTheCap() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("backstop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let providers = URL(fileURLWithPath: RouteTests.catalog)
        for name in try FileManager.default.contentsOfDirectory(atPath: providers.path)
        where name.hasSuffix(".xml") || name == "schema" || name == "caps" {
            try FileManager.default.copyItem(
                at: providers.appendingPathComponent(name),
                to: directory.appendingPathComponent(name)
            )
        }
        try FileManager.default.copyItem(
            at: providers.appendingPathComponent("testdata/v2/valid/referral-over-cap.xml"),
            to: directory.appendingPathComponent("referral-over-cap.xml")
        )
        let service = try await BackstopService(
            settings: ServerSettings(catalogDirectory: directory.path),
            logger: Logger(label: "test")
        )
        let app = Application(router: service.makeRouter())
        try await app.test(.router) { client in
            let request =
                #"{"profile": \#(RouteTests.profile), "request": {"amount": 10000, "termMonths": 12, "purpose": "cash", "rankBy": "worst-case"}, "date": "2026-11-25"}"#
            try await client.execute(
                uri: "/v1/alternatives?lang=zh",
                method: .post,
                headers: jsonHeaders,
                body: routes.body(request)
            ) { response in
                #expect(response.status == .ok)
                let json = try routes.object(response.body)
                let alternatives = try #require(json["alternatives"] as? [[String: Any]])
                #expect(!alternatives.isEmpty)
                #expect(alternatives.allSatisfy { $0["stress"] is [String: Any] && $0["fees"] is [Any] })
                let warnings = try #require(json["warnings"] as? [[String: Any]])
                let cap = try #require(
                    warnings.first {
                        $0["code"] as? String == "above-legal-cap" && $0["provider"] as? String == "referral-over-cap"
                    }
                )
                #expect((cap["params"] as? [String: Any])?["fees"] as? [String] == ["guarantee", "insurance"])
                #expect((cap["message"] as? String)?.contains("含担保费和保险费") == true, "\(cap)")
            }
        }
    }
}

/// Issue 15's "Done means" over HTTP on the shipped catalog: `POST /v1/alternatives` with the README's main request
/// (late-repayment profile, ¥5,000 over 12 months) refuses Shengbei by the legal-cap gate naming its guarantee fee,
/// in English and Chinese, and keeps Ping An Puhui (23.90% all-in) out of the gate; for a loan Ping An Puhui makes it
/// is shown with its fees.
struct OverCapReferralRouteTests {
    let routes = RouteTests()
    var jsonHeaders: HTTPFields { [.contentType: "application/json"] }

    static let readme =
        #"{"profile": \#(RouteTests.profile), "request": {"amount": 5000, "termMonths": 12, "purpose": "cash", "maxMonthlyPayment": 600, "rankBy": "apr"}, "date": "2026-11-25"}"#

    func answer(_ uri: String, _ body: String) async throws -> [String: Any] {
        let app = Application(router: try await routes.service().makeRouter())
        let headers = jsonHeaders
        let requestBody = routes.body(body)
        return try await app.test(.router) { client in
            try await client.execute(uri: uri, method: .post, headers: headers, body: requestBody) { response in
                #expect(response.status == .ok)
                return try routes.object(response.body)
            }
        }
    }

    @Test func theReadmeRequestRefusesShengbeiNamingItsGuaranteeFeeInBothLanguages() async throws {
        for (language, cap, fee) in [
            (
                "en", "priced at ¥10,000.00 over 12 months, the nearest loan it makes to the one asked for: 36.00% APR",
                "counting its guarantee fee (¥1,837.32)"
            ),
            ("zh", "按其最接近本次申请的借款（10,000.00元，12个月）计价，年化利率36.00%", "（含担保费共1,837.32元）"),
        ] {
            let json = try await answer("/v1/alternatives?lang=\(language)", Self.readme)
            let alternatives = try #require(json["alternatives"] as? [[String: Any]])
            #expect(!alternatives.contains { $0["provider"] as? String == "shengbei" })
            let ineligible = try #require(json["ineligible"] as? [[String: Any]])
            let shengbei = try #require(ineligible.first { $0["provider"] as? String == "shengbei" })
            #expect(shengbei["gated"] as? Bool == true)
            let failed = try #require(shengbei["failed"] as? [[String: Any]])
            #expect(failed.compactMap { $0["rule"] as? String } == ["legalCap", "minAmount"])
            let message = try #require(failed.first?["message"] as? String)
            #expect(message.hasPrefix(cap) && message.hasSuffix(fee), "\(language): \(message)")
            #expect((failed.first?["params"] as? [String: Any])?["fees"] as? [String] == ["guarantee"])
            let warnings = try #require(json["warnings"] as? [[String: Any]])
            let warning = try #require(warnings.first { $0["provider"] as? String == "shengbei" })
            #expect(warning["code"] as? String == "above-legal-cap")
            #expect((warning["message"] as? String)?.contains(fee) == true, "\(language): \(warning)")
            // Ping An Puhui's fees keep it at 23.90%, under the cap: refused for the amount only.
            let pingan = try #require(ineligible.first { $0["provider"] as? String == "pingan-puhui" })
            #expect(pingan["gated"] as? Bool == false)
            #expect((pingan["failed"] as? [[String: Any]])?.compactMap { $0["rule"] as? String } == ["minAmount"])
        }
    }

    @Test func pingAnPuhuiIsShownWithItsFeesForALoanItMakes() async throws {
        let healthy = try String(
            contentsOf: RouteTests.repository.appendingPathComponent("examples/profiles/healthy.json"),
            encoding: .utf8
        )
        let body =
            #"{"profile": \#(healthy), "request": {"amount": 119000, "termMonths": 36, "purpose": "cash"}, "date": "2026-11-25"}"#
        let json = try await answer("/v1/alternatives", body)
        let alternatives = try #require(json["alternatives"] as? [[String: Any]])
        let pingan = try #require(alternatives.first { $0["provider"] as? String == "pingan-puhui" })
        #expect("\(pingan["nominalAPR"] ?? "")" == "23.9")
        let fees = try #require(pingan["fees"] as? [[String: Any]])
        #expect(fees.compactMap { $0["kind"] as? String } == ["service", "insurance", "guarantee"])
        #expect(fees.compactMap { $0["amount"].map { "\($0)" } } == ["8071.1", "14348.6", "5748.65"])
        let ineligible = try #require(json["ineligible"] as? [[String: Any]])
        #expect(!ineligible.contains { $0["provider"] as? String == "pingan-puhui" })
    }
}
