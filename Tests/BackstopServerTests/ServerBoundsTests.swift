import Backstop
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import BackstopServer

/// What comes back is bounded and inert whatever came in; secrets never print; the provider listing is priced once
/// per catalog snapshot and keeps every field of the provider document.
struct ServerBoundsTests {
    func service(token: String? = nil) async throws -> BackstopService {
        try await BackstopService(
            settings: ServerSettings(
                port: 0,
                catalogDirectory: RouteTests.catalog,
                adminToken: token.flatMap(AdminToken.init)
            ),
            logger: Logger(label: "test")
        )
    }

    func object(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any])
    }

    func message(_ buffer: ByteBuffer) throws -> String {
        try #require((try object(buffer)["error"] as? [String: Any])?["message"] as? String)
    }

    @Test func everyAnswerOfTheLiveServerSaysNosniff() async throws {
        let app = try await service().makeApplication()
        try await app.test(.live) { client in
            let requests: [(String, HTTPRequest.Method, ByteBuffer?, HTTPResponse.Status)] = [
                ("/healthz", .get, nil, .ok),
                ("/no/such/route", .get, nil, .notFound),
                ("/v1/providers/no-such", .get, nil, .notFound),
                ("/v1/apr", .post, ByteBuffer(string: "not json"), .badRequest),
            ]
            for (uri, method, body, status) in requests {
                try await client.execute(
                    uri: uri,
                    method: method,
                    headers: [.contentType: "application/json"],
                    body: body
                ) { response in
                    #expect(response.status == status, "\(method) \(uri)")
                    #expect(
                        response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff",
                        "\(method) \(uri)"
                    )
                }
            }
        }
    }

    @Test func errorsEchoInputEscapedAndCut() async throws {
        let app = Application(router: try await service().makeRouter())
        try await app.test(.router) { client in
            let longID = String(repeating: "a", count: 70_000)
            try await client.execute(uri: "/v1/providers/\(longID)", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(
                    response.body.readableBytes < 1_000,
                    "a 70 KB id came back in \(response.body.readableBytes) bytes"
                )
                let text = try message(response.body)
                #expect(text.contains("cut: "), "\(text)")
            }
            try await client.execute(uri: "/v1/providers/<script>alert(1)", method: .get) { response in
                #expect(response.status == .notFound)
                let raw = String(buffer: response.body)
                #expect(!raw.contains("<"), "markup in an error body: \(raw)")
                #expect(raw.contains("\\u003cscript\\u003ealert(1)"), "\(raw)")
                let text = try message(response.body)
                #expect(text.contains("<script>alert(1)"), "the escape must not change the message: \(text)")
            }
            let longRate = String(repeating: "9", count: 100_000)
            try await client.execute(
                uri: "/v1/quote",
                method: .post,
                headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"amount": 5000, "termMonths": 12, "rate": "\#(longRate)"}"#)
            ) { response in
                #expect(response.status == .badRequest)
                #expect(
                    response.body.readableBytes < 1_000,
                    "a 100,000-character rate came back in \(response.body.readableBytes) bytes"
                )
            }
            try await client.execute(uri: "/v1/providers?date=\(String(repeating: "2", count: 50_000))", method: .get) {
                response in
                #expect(response.status == .badRequest)
                #expect(response.body.readableBytes < 1_000)
            }
            try await client.execute(
                uri: "/v1/apr",
                method: .post,
                headers: [.contentType: "text/<b>" + String(repeating: "x", count: 20_000)],
                body: ByteBuffer(string: "{}")
            ) { response in
                #expect(response.status == .unsupportedMediaType)
                #expect(response.body.readableBytes < 1_000)
                #expect(!String(buffer: response.body).contains("<b>"))
            }
        }
    }

    @Test func aMessageIsEscapedAndCutAtThreeHundredCharacters() {
        #expect(Bounded.printable("a\u{1B}[31mb") == "a\\u{1B}[31mb")
        let cut = Bounded.printable(String(repeating: "é", count: 1_000))
        #expect(cut.hasPrefix(String(repeating: "é", count: 300) + "… (cut: 1000 characters in all)"))
        #expect(Bounded.printable(String(repeating: "z", count: 300)) == String(repeating: "z", count: 300))
        let error = APIError(.badRequest, "x", details: (0..<50).map { "issue \($0)" })
        #expect(error.details.count == 21)
        #expect(error.details.last == "… and 30 more")
    }

    @Test func theAdminTokenNeverPrints() async throws {
        let secret = "s3cret-\(UUID().uuidString)"
        let service = try await service(token: secret)
        let token = try #require(service.settings.adminToken)
        var dumped = ""
        dump(service.settings, to: &dumped)
        dump(service.routes, to: &dumped)
        let texts = [
            "\(token)", String(reflecting: token), "\(service.settings)", String(reflecting: service.settings),
            "\(service.routes)", dumped, "\(Mirror(reflecting: token).children.map { "\($0.value)" })",
        ]
        for text in texts { #expect(!text.contains(secret), "the token printed: \(text.prefix(300))") }
        #expect(texts[0] == "AdminToken(<redacted>)")
        #expect(token.matches(authorization: "Bearer " + secret))
        #expect(!token.matches(authorization: "Bearer " + secret + "x"))
        #expect(!token.matches(authorization: nil))
        #expect(AdminToken("") == nil)
    }

    @Test func theListingKeepsEveryFieldOfTheProviderDocumentAndNamesItsAPRDate() async throws {
        let service = try await service()
        let snapshot = try #require(service.routes.store.snapshot)
        let aprDate = snapshot.listing.aprDate
        #expect(aprDate == CalendarDate.utcToday)
        let app = Application(router: service.makeRouter())
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/providers?date=2031-02-03", method: .get) { response in
                #expect(response.status == .ok)
                let entries = try #require(try object(response.body)["providers"] as? [[String: Any]])
                #expect(entries.count == snapshot.catalog.count + 2)
                for (entry, provider) in zip(
                    entries,
                    BuiltInProviders.all().map(\.details) + snapshot.catalog.providers
                ) {
                    let document = try #require(
                        try JSONSerialization.jsonObject(
                            with: try WireJSON.encode(ProviderDocument(provider, on: aprDate))
                        ) as? [String: Any]
                    )
                    #expect(Set(entry.keys) == Set(document.keys).union(["aprDate"]), "\(provider.id)")
                    #expect(entry["id"] as? String == provider.id.rawValue)
                    #expect("\(entry["aprMin"] ?? "-")" == "\(document["aprMin"] ?? "-")", "\(provider.id)")
                    #expect("\(entry["aprMax"] ?? "-")" == "\(document["aprMax"] ?? "-")", "\(provider.id)")
                    #expect(entry["aprDate"] as? String == aprDate.description)
                    #expect(entry["stateDate"] as? String == "2031-02-03")
                    #expect(entry["state"] as? String == provider.state(on: CalendarDate(iso: "2031-02-03")!).rawValue)
                }
            }
        }
    }

    /// The compact listing is spliced from bytes encoded at load; it must be the straight encoding, byte for byte,
    /// on a day when every provider is open and on days when their states differ.
    @Test(arguments: ["2026-11-25", "2000-01-01", "2031-02-03", "2016-06-30"])
    func theSplicedListingIsTheWholeEncoding(day: String) async throws {
        let listing = try #require(try await service().routes.store.snapshot?.listing)
        let date = try #require(CalendarDate(iso: day))
        let spliced = try listing.spliced(on: date)
        let whole = try listing.whole(on: date, layout: .compact)
        #expect(
            spliced == whole,
            "spliced:\n\(String(buffer: spliced).prefix(600))\nwhole:\n\(String(buffer: whole).prefix(600))"
        )
        let pretty = try object(try listing.body(on: date, layout: .pretty))
        #expect((pretty["providers"] as? [[String: Any]])?.count == listing.providers.count)
    }

    @Test func theLimiterCapsConnectionsInAllAndPerClient() {
        let limiter = ConnectionLimiter(maxConnections: 3, maxPerClient: 2)
        #expect(limiter.open(client: "a") == nil)
        #expect(limiter.open(client: "a") == nil)
        #expect(limiter.open(client: "a") == .clientFull(limit: 2))
        #expect(limiter.open(client: "b") == nil)
        #expect(limiter.open(client: "c") == .serverFull(limit: 3))
        limiter.close(client: "a")
        #expect(limiter.open(client: "c") == nil)
        #expect(limiter.open == 3)
        for client in ["a", "b", "c"] { limiter.close(client: client) }
        #expect(limiter.open == 0)
        // Without a per-client cap, only the total counts; an unknown address counts towards it.
        let open = ConnectionLimiter(maxConnections: 2, maxPerClient: 0)
        #expect(open.open(client: "a") == nil)
        #expect(open.open(client: nil) == nil)
        #expect(open.open(client: "a") == .serverFull(limit: 2))
    }
}
