import Backstop
import Foundation
public import HTTPTypes
public import Hummingbird

/// An API error: an HTTP status and a JSON body naming the problem and, for bad input, the JSON path and the rule.
///
/// `{"error": {"status": 400, "message": "profile.creditScore: must be from 350 to 950, got 1200", "path": "profile.creditScore"}}`
public struct APIError: HTTPResponseError, Sendable, CustomStringConvertible {
    public let status: HTTPResponse.Status
    public let message: String
    public let path: String?
    /// Extra detail, e.g. every catalog issue of a refused reload.
    public let details: [String]

    public init(_ status: HTTPResponse.Status, _ message: String, path: String? = nil, details: [String] = []) {
        self.status = status
        self.message = message
        self.path = path
        self.details = details
    }

    public var description: String { "\(status.code) \(message)" }

    struct Body: Encodable {
        struct Inner: Encodable {
            let status: Int
            let message: String
            let path: String?
            let details: [String]?
        }

        let error: Inner
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = Body(
            error: .init(status: status.code, message: message, path: path, details: details.isEmpty ? nil : details)
        )
        return try json(body, status: status)
    }
}
