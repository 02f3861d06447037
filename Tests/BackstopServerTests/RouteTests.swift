import Backstop
import BackstopServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// The routes, in process (no sockets), through HummingbirdTesting.
struct RouteTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let catalog = repository.appendingPathComponent("providers").path

    func service(token: String? = nil, maxBodyBytes: Int = 256 * 1024) async throws -> BackstopService {
        try await BackstopService(
            settings: ServerSettings(
                catalogDirectory: Self.catalog,
                maxBodyBytes: maxBodyBytes,
                adminToken: token.flatMap(AdminToken.init)
            ),
            logger: Logger(label: "test")
        )
    }

    func body(_ json: String) -> ByteBuffer { ByteBuffer(string: json) }
    var jsonHeaders: HTTPFields { [.contentType: "application/json"] }

    func object(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any])
    }

    static let profile = try! String(
        contentsOf: repository.appendingPathComponent("examples/profiles/late-repayment.json"),
        encoding: .utf8
    )

    @Test func alternativesMatchTheCLIsWireFormat() async throws {
        let app = Application(router: try await service().makeRouter())
        try await app.test(.router) { client in
            let request =
                #"{"profile": \#(Self.profile), "request": {"amount": 5000, "termMonths": 12, "purpose": "cash"}, "date": "2026-11-25"}"#
            try await client.execute(uri: "/v1/alternatives", method: .post, headers: jsonHeaders, body: body(request))
            { response in
                #expect(response.status == .ok)
                let json = try object(response.body)
                for key in ["diagnosis", "alternatives", "ineligible", "warnings", "recovery", "catalog"] {
                    #expect(json[key] != nil)
                }
                let top = try #require((json["alternatives"] as? [[String: Any]])?.first)
                #expect(top["provider"] as? String == "zhaolian-haoqidai")
                #expect(((json["catalog"] as? [String: Any])?["hash"] as? String)?.hasPrefix("sha256:") == true)
            }
        }
    }

    @Test(arguments: [
        (
            #"{"profile": {"id": "x", "creditScore": 1200}, "request": {"amount": 5000, "termMonths": 12}}"#,
            "profile.creditScore"
        ),
        (
            #"{"profile": {"id": "x", "creditScore": 700}, "request": {"amount": -5, "termMonths": 12}}"#,
            "request.amount"
        ),
        (
            #"{"profile": {"id": "x", "creditScore": 700}, "request": {"amount": 5000, "termMonths": "twelve"}}"#,
            "request.termMonths"
        ),
        (#"{"profile": {"id": "x", "creditScore": 700}}"#, "request"),
        (
            #"{"profile": {"id": "x", "creditScore": "NaN"}, "request": {"amount": 5000, "termMonths": 12}}"#,
            "profile.creditScore"
        ),
        (#"not json"#, "$"),
    ])
    func badInputIs400NamingThePath(json: String, path: String) async throws {
        let app = Application(router: try await service().makeRouter())
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/alternatives", method: .post, headers: jsonHeaders, body: body(json)) {
                response in
                #expect(response.status == .badRequest)
                let error = try #require(try object(response.body)["error"] as? [String: Any])
                #expect(error["path"] as? String == path, "\(error)")
                #expect(!((error["message"] as? String) ?? "").isEmpty)
            }
        }
    }

    @Test func sizeTypeAndUnknownProviderErrors() async throws {
        let app = Application(router: try await service(maxBodyBytes: 1024).makeRouter())
        try await app.test(.router) { client in
            let big =
                #"{"flows": ["# + String(repeating: #"{"amount": 1, "t": 1},"#, count: 200)
                + #"{"amount": -1, "t": 0}]}"#
            try await client.execute(uri: "/v1/apr", method: .post, headers: jsonHeaders, body: body(big)) { response in
                #expect(response.status == .contentTooLarge)
            }
            try await client.execute(
                uri: "/v1/apr",
                method: .post,
                headers: [.contentType: "text/plain"],
                body: body("{}")
            ) { response in
                #expect(response.status == .unsupportedMediaType)
            }
            try await client.execute(uri: "/v1/providers/no-such", method: .get) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/v1/providers/huabei", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func quoteAprDiagnoseProvidersHealthAndMetrics() async throws {
        let app = Application(router: try await service().makeRouter())
        try await app.test(.router) { client in
            let quote =
                #"{"amount": 12000, "termMonths": 12, "installmentFee": "8.8%/term", "method": "equal-principal", "startDate": "2026-01-15"}"#
            try await client.execute(uri: "/v1/quote", method: .post, headers: jsonHeaders, body: body(quote)) {
                response in
                let json = try object(response.body)
                #expect("\(json["nominalAPR"] ?? "")" == "15.86")
                #expect("\(json["totalCost"] ?? "")" == "1056")
            }
            let apr =
                #"{"convention": "eu", "unitPeriodsPerYear": 1, "flows": [{"amount": -1000, "t": 0}, {"amount": 1200, "t": "546/365"}]}"#
            try await client.execute(uri: "/v1/apr", method: .post, headers: jsonHeaders, body: body(apr)) { response in
                let json = try object(response.body)
                #expect(abs(((json["effectiveAPR"] as? Double) ?? 0) - 12.96) < 0.005)
            }
            let noRate = #"{"flows": [{"amount": -1000, "t": 0}, {"amount": -5, "t": 1}]}"#
            try await client.execute(uri: "/v1/apr", method: .post, headers: jsonHeaders, body: body(noRate)) {
                response in
                #expect(response.status == .unprocessableContent)
            }
            try await client.execute(
                uri: "/v1/diagnose",
                method: .post,
                headers: jsonHeaders,
                body: body(#"{"profile": \#(Self.profile)}"#)
            ) { response in
                let json = try object(response.body)
                #expect((json["diagnosis"] as? [[String: Any]])?.count == 2)
            }
            try await client.execute(uri: "/v1/providers", method: .get) { response in
                let json = try object(response.body)
                #expect(((json["providers"] as? [[String: Any]])?.count ?? 0) >= 16)
            }
            try await client.execute(uri: "/healthz", method: .get) { response in #expect(response.status == .ok) }
            try await client.execute(uri: "/readyz", method: .get) { response in #expect(response.status == .ok) }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(
                    text.contains("backstop_http_requests_total{route=\"/v1/quote\",method=\"POST\",status=\"200\"} 1")
                )
                #expect(text.contains("backstop_catalog_info{hash=\"sha256:"))
                #expect(text.contains("backstop_http_request_duration_seconds_bucket"))
            }
        }
    }

    /// `GET /v1/providers/{id}` and the listing carry who may apply, the inquiry policy and the price-list dates.
    @Test func providerDocumentsCarryAccessInquiriesAndPriceListDates() async throws {
        let app = Application(router: try await service().makeRouter())
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/providers/wechat-weilidai?date=2026-11-25", method: .get) { response in
                #expect(response.status == .ok)
                let json = try object(response.body)
                let access = try #require(json["access"] as? [String: Any])
                #expect(access["invitationOnly"] as? Bool == true)
                #expect(access["customersOf"] as? [String] == [])
                let inquiries = try #require(json["inquiries"] as? [String: Any])
                #expect(inquiries["application"] as? String == "hard")
                #expect(inquiries["limitCheck"] as? String == "hard")
            }
            try await client.execute(uri: "/v1/providers/icbc-rongejie?date=2026-11-25", method: .get) { response in
                let json = try object(response.body)
                #expect((json["access"] as? [String: Any])?["customersOf"] as? [String] == ["icbc"])
                #expect((json["pricing"] as? [[String: Any]])?.first?["from"] as? String == "2025-04-01")
            }
            // Before its first dated price list a provider has no APR range: its prices then are unknown.
            try await client.execute(uri: "/v1/providers/zhaolian-haoqidai?date=2025-06-01", method: .get) { response in
                let json = try object(response.body)
                #expect(json["aprMin"] == nil && json["aprMax"] == nil)
            }
            try await client.execute(uri: "/v1/providers?date=2026-11-25", method: .get) { response in
                let providers = try #require(try object(response.body)["providers"] as? [[String: Any]])
                let cmb = try #require(providers.first { $0["id"] as? String == "cmb-card-installment" })
                #expect((cmb["access"] as? [String: Any])?["customersOf"] as? [String] == ["cmb"])
                #expect((cmb["inquiries"] as? [String: Any])?["application"] as? String == "unknown")
            }
        }
    }

    @Test func reloadNeedsTheTokenAndKeepsTheLastGoodCatalog() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "backstop-reload-\(UUID().uuidString)"
        )
        try FileManager.default.copyItem(atPath: Self.catalog, toPath: directory.path)
        defer { try? FileManager.default.removeItem(at: directory) }
        let service = try await BackstopService(
            settings: ServerSettings(catalogDirectory: directory.path, adminToken: AdminToken("s3cret")),
            logger: Logger(label: "test")
        )
        let before = try #require(service.routes.store.snapshot?.catalog.hash)
        let app = Application(router: service.makeRouter())
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/admin/reload", method: .post) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/v1/admin/reload", method: .post, headers: [.authorization: "Bearer wrong"])
            { response in
                #expect(response.status == .unauthorized)
            }
            // A broken file: refused, errors returned, the old catalog keeps serving.
            try Data("<provider".utf8).write(to: directory.appendingPathComponent("ccb-kuaidai.xml"))
            try await client.execute(uri: "/v1/admin/reload", method: .post, headers: [.authorization: "Bearer s3cret"])
            { response in
                #expect(response.status == .unprocessableContent)
                let json = try object(response.body)
                #expect(json["status"] as? String == "refused")
                #expect(((json["errors"] as? [String]) ?? []).contains { $0.contains("ccb-kuaidai.xml:1") })
                #expect((json["catalog"] as? [String: Any])?["hash"] as? String == before)
            }
            #expect(service.routes.store.snapshot?.catalog.hash == before)
            // Removing it makes a valid, different catalog: swapped in.
            try FileManager.default.removeItem(at: directory.appendingPathComponent("ccb-kuaidai.xml"))
            try await client.execute(uri: "/v1/admin/reload", method: .post, headers: [.authorization: "Bearer s3cret"])
            { response in
                #expect(response.status == .ok)
                let json = try object(response.body)
                let hash = (json["catalog"] as? [String: Any])?["hash"] as? String
                #expect(hash != nil && hash != before)
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.contains("backstop_catalog_load_errors_total 1"))
                // The shipped catalog (22 channels) less the one removed.
                #expect(text.contains("backstop_catalog_providers_count 21"), "\(text)")
            }
        }
    }
}
