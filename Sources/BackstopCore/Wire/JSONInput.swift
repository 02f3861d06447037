public import Foundation

/// A JSON document that could not be read: where (source, line and column for syntax errors, JSON path for
/// content errors) and the rule broken.
public struct JSONInputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file name or `<stdin>`, or a label such as `request body`.
    public let source: String
    /// `flows[2].amount`, or `$` for the document itself.
    public let path: String
    /// 1-based line and column of a syntax error, when known.
    public let line: Int?
    public let column: Int?
    /// The rule broken.
    public let message: String

    public init(source: String, path: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.source = source
        self.path = path
        self.line = line
        self.column = column
        self.message = message
    }

    /// `flows.json:3:14: not valid JSON: …` or `flows.json: flows[2].amount: expected a number`.
    public var description: String {
        if let line, let column { return "\(source):\(line):\(column): \(message)" }
        return "\(source): \(path): \(message)"
    }
}

/// Decodes wire-format documents with errors that name the place and the rule.
public enum JSONInput: Sendable {
    /// Decodes `type` from `data`; amounts are read exactly as decimals.
    /// - Throws: ``JSONInputError``.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, source: String) throws(JSONInputError) -> T
    {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw describe(error, data: data, source: source)
        }
    }

    /// Turns a decoding error into a ``JSONInputError``.
    public static func describe(_ error: any Error, data: Data, source: String) -> JSONInputError {
        guard let error = error as? DecodingError else {
            return JSONInputError(source: source, path: "$", message: "\(error)")
        }
        switch error {
        case .typeMismatch(let type, let context):
            return JSONInputError(source: source, path: path(context.codingPath), message: "expected \(typeName(type))")
        case .valueNotFound(let type, let context):
            return JSONInputError(
                source: source,
                path: path(context.codingPath),
                message: "expected \(typeName(type)), found null"
            )
        case .keyNotFound(let key, let context):
            return JSONInputError(
                source: source,
                path: path(context.codingPath + [key]),
                message: "is required but missing"
            )
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty, let (line, column, detail) = syntaxError(in: data) {
                return JSONInputError(
                    source: source,
                    path: "$",
                    line: line,
                    column: column,
                    message: "not valid JSON: \(detail)"
                )
            }
            if context.codingPath.isEmpty, let (line, column, token) = outOfRangeNumber(in: data) {
                return JSONInputError(
                    source: source,
                    path: "$",
                    line: line,
                    column: column,
                    message: "number \(token) is out of range: numbers are read exactly, from 1e-128 to below 1e128"
                )
            }
            var message = context.debugDescription
            if message.hasPrefix("Cannot initialize "), let value = message.split(separator: " ").last {
                message = "unknown value \"\(value)\""
            }
            return JSONInputError(source: source, path: path(context.codingPath), message: message)
        @unknown default:
            return JSONInputError(source: source, path: "$", message: "\(error)")
        }
    }

    /// Line, column and a description of the first JSON syntax error, found with `JSONSerialization`.
    static func syntaxError(in data: Data) -> (Int, Int, String)? {
        if data.isEmpty { return (1, 1, "the document is empty") }
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return nil
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            // "Invalid value around character 8." → a byte offset.
            var offset = data.count
            if let range = detail.range(of: #"character (\d+)"#, options: .regularExpression) {
                let digits = detail[range].split(separator: " ").last.map(String.init) ?? ""
                offset = min(Int(digits) ?? data.count, data.count)
            }
            var line = 1
            var column = 1
            for byte in data.prefix(offset) {
                if byte == UInt8(ascii: "\n") {
                    line += 1
                    column = 1
                } else if byte & 0xC0 != 0x80 {
                    column += 1
                }
            }
            let reason = detail.replacingOccurrences(
                of: #" around character \d+\.?"#,
                with: "",
                options: .regularExpression
            )
            return (line, column, reason)
        }
    }

    /// The first number token (outside strings) that an exact decimal cannot hold: magnitude at or above 1e128, or
    /// nonzero below 1e-128; with its line and column.
    static func outOfRangeNumber(in data: Data) -> (Int, Int, String)? {
        var line = 1
        var column = 1
        var inString = false
        var escaped = false
        var index = data.startIndex
        while index < data.endIndex {
            let byte = data[index]
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: "-") || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) {
                var end = index
                while end < data.endIndex, "+-.eE0123456789".utf8.contains(data[end]) { end += 1 }
                let token = String(decoding: data[index..<end], as: UTF8.self)
                if let value = Double(token) {
                    let mantissa = token.prefix { $0 != "e" && $0 != "E" }
                    let nonzero = mantissa.contains { $0 >= "1" && $0 <= "9" }
                    if !value.isFinite || value.magnitude >= 1e128 || (nonzero && value.magnitude < 1e-128) {
                        return (line, column, token)
                    }
                }
                column += end - index
                index = end
                continue
            }
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            index += 1
        }
        return nil
    }

    /// `flows[2].amount`; `$` for the document itself.
    public static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return text.isEmpty ? "$" : text
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Decimal.Type, is Double.Type, is Int.Type: "a number"
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        default: "\(type)"
        }
    }
}
