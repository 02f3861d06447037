public import Foundation

/// The one JSON encoder of the wire format, shared by the CLI's `--format json` and the HTTP API: sorted keys,
/// pretty-printed, slashes unescaped, amounts and percents as exact decimals.
public enum WireJSON: Sendable {
    public static func encode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    public static func string(_ value: some Encodable) throws -> String {
        String(decoding: try encode(value), as: UTF8.self)
    }
}
