public import Foundation

/// The one JSON encoder of the wire format, shared by the CLI's `--format json` and the HTTP API: sorted keys,
/// slashes unescaped, amounts and percents as exact decimals. Both layouts carry the same document; only the
/// whitespace differs.
public enum WireJSON: Sendable {
    /// Whitespace between tokens.
    public enum Layout: String, Sendable, CaseIterable {
        /// Indented, one member per line: the CLI's default, for people.
        case pretty
        /// No whitespace: the HTTP API's default, for programs (a third smaller on the wire).
        case compact
    }

    public static func encode(_ value: some Encodable, layout: Layout = .pretty) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            layout == .pretty
            ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    public static func string(_ value: some Encodable, layout: Layout = .pretty) throws -> String {
        String(decoding: try encode(value, layout: layout), as: UTF8.self)
    }
}
