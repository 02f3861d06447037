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
