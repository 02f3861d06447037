import Backstop
import Foundation
public import HTTPTypes
public import Hummingbird

/// An API error: an HTTP status and a JSON body naming the problem and, for bad input, the JSON path and the rule.
///
/// `{"error": {"status": 400, "message": "profile.creditScore: must be from 350 to 950, got 1200", "path": "profile.creditScore"}}`
///
/// The body is bounded whatever the input: the message, the path and each detail are escaped and cut to 300
/// characters (``Bounded/printable(_:)``), at most 20 details are kept (the rest are counted in the last one), and
/// `<`, `>` and `&` are written as `\u003c`, `\u003e` and `\u0026` so that no markup appears in the bytes.
public struct APIError: HTTPResponseError, Sendable, CustomStringConvertible {
    public let status: HTTPResponse.Status
    public let message: String
    public let path: String?
    /// Extra detail, e.g. every catalog issue of a refused reload.
    public let details: [String]

    public init(_ status: HTTPResponse.Status, _ message: String, path: String? = nil, details: [String] = []) {
        self.status = status
        self.message = Bounded.printable(message)
        self.path = path.map(Bounded.printable)
        var kept = details.prefix(Bounded.listedIssues).map(Bounded.printable)
        if details.count > kept.count { kept.append("… and \(details.count - kept.count) more") }
        self.details = kept
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
        return jsonResponse(markupFree(try WireJSON.encode(body, layout: .compact)), status: status)
    }
}

/// Encoded JSON with `<`, `>` and `&` escaped as `\u003c`, `\u003e` and `\u0026`. Those bytes occur only inside JSON
/// strings, where the escape means the same character, so the document is unchanged for a JSON reader while a
/// browser that sniffs it finds no markup.
func markupFree(_ json: Data) -> ByteBuffer {
    var buffer = ByteBuffer()
    buffer.reserveCapacity(json.count)
    for byte in json {
        switch byte {
        case UInt8(ascii: "<"): buffer.writeString("\\u003c")
        case UInt8(ascii: ">"): buffer.writeString("\\u003e")
        case UInt8(ascii: "&"): buffer.writeString("\\u0026")
        default: buffer.writeInteger(byte)
        }
    }
    return buffer
}
