import Backstop
import BackstopServer
import BadInputMatrix
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// Every field of the profile and the request, set missing, to the wrong type, negative, huge, to NaN-like strings and
/// in the wrong units, through `POST /v1/alternatives`: 400 with a JSON error whose `path` names the field and whose
/// message states the rule (or, for an optional field left out, 200).
struct BadInputMatrixTests {
    /// One service (and catalog load) for every case; each case builds its own router on it.
    static let service = Task {
        try await BackstopService(
            settings: ServerSettings(catalogDirectory: RouteTests.catalog),
            logger: Logger(label: "bad-input-matrix")
        )
    }

    /// Posts `body` to `/v1/alternatives`; returns the status and the JSON answer.
    func post(_ body: String) async throws -> (HTTPResponse.Status, [String: Any]) {
        let app = Application(router: try await Self.service.value.makeRouter())
        let outcome = try await app.test(.router) { client in
            try await client.execute(
                uri: "/v1/alternatives",
                method: .post,
                headers: [.contentType: "application/json"],
                body: ByteBuffer(string: body)
            ) { response in
                (response.status, Data(response.body.readableBytesView))
            }
        }
        let json = try JSONSerialization.jsonObject(with: outcome.1) as? [String: Any]
        return (outcome.0, try #require(json, "not a JSON object: \(String(decoding: outcome.1, as: UTF8.self))"))
    }

    @Test(arguments: BadInputMatrix.cases)
    func httpNamesTheFieldAndTheRule(input: BadInput) async throws {
        let body = #"{"profile": \#(input.profile), "request": \#(input.request), "date": "2026-11-25"}"#
        let (status, json) = try await post(body)
        guard let rule = input.rule else {
            #expect(status == .ok, "\(json)")
            #expect(json["alternatives"] != nil)
            return
        }
        #expect(status == .badRequest, "\(json)")
        let error = try #require(json["error"] as? [String: Any], "\(json)")
        let message = try #require(error["message"] as? String)
        #expect(error["path"] as? String == "\(input.document).\(input.path)", "\(error)")
        #expect(error["status"] as? Int == 400)
        #expect(message.hasPrefix("\(input.document).\(input.path): "), "\(message)")
        #expect(message.contains(rule), "\(message)")
        #expect(message.count < 1000, "\(message.count) characters")
        #expect(!message.unicodeScalars.contains { $0.properties.generalCategory == .control }, "\(message)")
    }

    /// The body's own fields beside the profile and the request.
    @Test(arguments: [
        (#""date": 20261125"#, "date", "expected"),
        (#""date": "2026-13-45""#, "date", "date"),
        (#""date": "NaN""#, "date", "date"),
        (#""top": 0"#, "top", "must be at least 1"),
        (#""top": -1"#, "top", "must be at least 1"),
        (#""top": "3""#, "top", "expected a number"),
        (#""top": 1.5"#, "top", "expected a whole number"),
        (#""top": 1e30"#, "top", "expected a whole number"),
        (#""top": 1e999"#, "top", "is out of range"),
    ])
    func httpNamesTheBodysOwnFields(member: String, path: String, rule: String) async throws {
        let profile = BadInputMatrix.profile.text
        let request = BadInputMatrix.request.text
        let (status, json) = try await post(#"{"profile": \#(profile), "request": \#(request), \#(member)}"#)
        #expect(status == .badRequest, "\(json)")
        let error = try #require(json["error"] as? [String: Any], "\(json)")
        #expect(error["path"] as? String == path, "\(error)")
        #expect((error["message"] as? String)?.contains(rule) == true, "\(error)")
    }

    @Test(arguments: ["profile", "request"])
    func httpNamesAMissingOrMistypedDocument(document: String) async throws {
        let other = document == "profile" ? "request" : "profile"
        let present = document == "profile" ? BadInputMatrix.request.text : BadInputMatrix.profile.text
        for (value, rule) in [(nil, "is required but missing"), ("null", "found null"), ("[]", "expected an object")] {
            let member = value.map { #", "\#(document)": \#($0)"# } ?? ""
            let (status, json) = try await post(#"{"\#(other)": \#(present)\#(member)}"#)
            #expect(status == .badRequest, "\(json)")
            let error = try #require(json["error"] as? [String: Any], "\(json)")
            #expect(error["path"] as? String == document, "\(error)")
            #expect((error["message"] as? String)?.contains(rule) == true, "\(error)")
        }
    }
}
