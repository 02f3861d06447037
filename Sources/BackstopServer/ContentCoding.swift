import CompressNIO
import Foundation
import HTTPTypes
import NIOCore

/// Response compression for large answers: gzip when the client's `Accept-Encoding` allows it.
enum ContentCoding {
    /// Answers smaller than this are sent as they are (gzip's header alone is 18 bytes).
    static let minimumBytes = 1024

    /// Whether `Accept-Encoding` allows gzip (RFC 9110 §12.5.3): listed as `gzip` or `x-gzip` or covered by `*`,
    /// with a q-value above zero. An explicit `gzip;q=0` refuses it even when `*` is allowed.
    static func acceptsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        var gzip: Bool?
        var wildcard: Bool?
        for item in header.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let name = parts.first, !name.isEmpty else { continue }
            var allowed = true
            for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
                allowed = (Double(parameter.dropFirst(2)) ?? 0) > 0
            }
            if name == "gzip" || name == "x-gzip" {
                gzip = allowed
            } else if name == "*" {
                wildcard = allowed
            }
        }
        return gzip ?? wildcard ?? false
    }

    /// `body` compressed with gzip (zlib's default level), or nil when it is too small to be worth it or the
    /// compressor fails (the caller then sends it uncompressed).
    static func gzip(_ body: ByteBuffer) -> ByteBuffer? {
        guard body.readableBytes >= minimumBytes else { return nil }
        var input = body
        return try? input.compress(with: .gzip())
    }
}

extension HTTPField.Name {
    static let vary = HTTPField.Name("Vary")!
}
