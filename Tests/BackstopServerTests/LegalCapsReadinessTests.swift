import Backstop
import BackstopServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// A catalog without legal caps is said loudly; a reload that would lose the caps is refused.
struct LegalCapsReadinessTests {
    /// A copy of the shipped catalog in a fresh directory, with or without its caps.
    static func catalogCopy(withCaps: Bool) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("backstop-caps-\(UUID())")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: RouteTests.catalog), to: directory)
        if !withCaps { try FileManager.default.removeItem(at: directory.appendingPathComponent("caps")) }
        return directory
    }

    static func service(_ directory: URL) async throws -> BackstopService {
        try await BackstopService(
            settings: ServerSettings(catalogDirectory: directory.path),
            logger: Logger(label: "test")
        )
    }

    @Test func readinessAndAnswersSayWhenNoCapsAreLoaded() async throws {
        let directory = try Self.catalogCopy(withCaps: false)
        defer { try? FileManager.default.removeItem(at: directory) }
        let app = Application(router: try await Self.service(directory).makeRouter())
        try await app.test(.router) { client in
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .ok)
                let json = try #require(
                    try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                )
                #expect(json["legalCaps"] as? Int == 0)
                #expect((json["warnings"] as? [String])?.first?.contains("no legal caps") == true)
            }
            let body = #"{"profile": \#(RouteTests.profile), "request": {"amount": 5000, "termMonths": 12}}"#
            try await client.execute(
                uri: "/v1/alternatives",
                method: .post,
                headers: [.contentType: "application/json"],
                body: ByteBuffer(string: body)
            ) { response in
                #expect(String(buffer: response.body).contains(#""code":"no-legal-caps""#))
            }
        }
    }

    @Test func theShippedCatalogIsReadyWithItsCaps() async throws {
        let app = Application(router: try await RouteTests().service().makeRouter())
        try await app.test(.router) { client in
            try await client.execute(uri: "/readyz", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(!text.contains("no legal caps"))
                #expect(text.contains(#""legalCaps":"#) && !text.contains(#""legalCaps":0"#))
            }
        }
    }

    @Test func aReloadThatWouldLoseTheCapsIsRefusedAndTheCatalogKeepsServing() async throws {
        let directory = try Self.catalogCopy(withCaps: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let service = try await Self.service(directory)
        let before = try #require(service.routes.store.snapshot)
        try FileManager.default.removeItem(at: directory.appendingPathComponent("caps"))
        guard case .refused(let error, _) = await service.routes.store.reload() else {
            Issue.record("a reload without the caps was accepted")
            return
        }
        #expect(error.description.contains("legal-caps"), "\(error)")
        let after = try #require(service.routes.store.snapshot)
        #expect(after.catalog.hash == before.catalog.hash)
        #expect(after.catalog.hasLegalCaps)
    }
}

/// The student gate over HTTP: the same answer as the CLI's.
struct StudentRouteTests {
    @Test func aStudentIsNotOfferedMicroLendersOverHTTP() async throws {
        let profile = try String(
            contentsOf: RouteTests.repository.appendingPathComponent("examples/profiles/student.json"),
            encoding: .utf8
        )
        let app = Application(router: try await RouteTests().service().makeRouter())
        try await app.test(.router) { client in
            let body =
                #"{"profile": \#(profile), "request": {"amount": 2000, "termMonths": 6}, "date": "2026-11-25"}"#
            try await client.execute(
                uri: "/v1/alternatives?lang=zh",
                method: .post,
                headers: [.contentType: "application/json"],
                body: ByteBuffer(string: body)
            ) { response in
                #expect(response.status == .ok)
                let text = String(buffer: response.body)
                #expect(text.contains(#""code":"student-protected""#))
                #expect(text.contains(#""rule":"protectedGroup""#))
                #expect(!text.contains(#""licence":"online-microlender","licensed":true,"likelihood""#))
            }
        }
    }
}
