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

    /// Turns a decoding error into a ``JSONInputError``. Its message and path are printable and bounded: control
    /// characters are escaped and a message that echoes a long value is cut.
    public static func describe(_ error: any Error, data: Data, source: String) -> JSONInputError {
        let explained = explain(error, data: data, source: source)
        return JSONInputError(
            source: source,
            path: printable(explained.path),
            line: explained.line,
            column: explained.column,
            message: printable(explained.message)
        )
    }

    static func explain(_ error: any Error, data: Data, source: String) -> JSONInputError {
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
            if context.codingPath.isEmpty, let located = locate(in: data, source: source) { return located }
            var message = context.debugDescription
            if message.hasPrefix("Cannot initialize "), let value = message.split(separator: " ").last {
                message = "unknown value \"\(value)\""
            }
            return JSONInputError(source: source, path: path(context.codingPath), message: message)
        @unknown default:
            return JSONInputError(source: source, path: "$", message: "\(error)")
        }
    }

    /// Finds why Foundation's decoder refused a document without saying where: a syntax error, a number beyond an
    /// exact decimal, or a number that does not fit a whole-number field (the decoder names none of them).
    static func locate(in data: Data, source: String) -> JSONInputError? {
        let syntax = syntaxError(in: data)
        let number = outOfRangeNumber(in: data)
        // A number JSONSerialization cannot hold (1e999) is a syntax error to it, placed at the end of the document:
        // the number, found by our own scan, is the better answer unless a real syntax error comes first.
        if let number, syntax.map({ number.offset < $0.offset }) ?? true {
            let place = number.path == "$" ? "" : number.path + ": "
            return JSONInputError(
                source: source,
                path: number.path,
                line: number.line,
                column: number.column,
                message: place
                    + "number \(number.token) is out of range: numbers are read exactly, from 1e-128 to below 1e128"
            )
        }
        if let syntax {
            return JSONInputError(
                source: source,
                path: "$",
                line: syntax.line,
                column: syntax.column,
                message: "not valid JSON: \(syntax.detail)"
            )
        }
        let misfits = notWholeNumbers(in: data)
        guard let first = misfits.first else { return nil }
        let whole = "a whole number from \(Int.min) to \(Int.max)"
        let message =
            misfits.count == 1
            ? "\(first.path): expected \(whole), got \(first.token)"
            : "a number does not fit its field (\(whole) was expected) at one of: "
                + misfits.prefix(5).map { "\($0.path) (\($0.token))" }.joined(separator: ", ")
        return JSONInputError(
            source: source,
            path: first.path,
            line: first.line,
            column: first.column,
            message: message
        )
    }

    /// Line, column, byte offset and a description of the first JSON syntax error, found with `JSONSerialization`.
    /// When it gives no position, the offset is the end of the document.
    static func syntaxError(in data: Data) -> (line: Int, column: Int, detail: String, offset: Int)? {
        if data.isEmpty { return (1, 1, "the document is empty", 0) }
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
            return (line, column, reason, offset)
        }
    }

    /// A number token of a document, where it is and the JSON path of the value it is.
    struct NumberToken {
        let line: Int
        let column: Int
        let offset: Int
        let token: String
        let path: String
    }

    /// The first number token (outside strings) that an exact decimal cannot hold: magnitude at or above 1e128, or
    /// nonzero below 1e-128; with its line, column, JSON path and byte offset.
    static func outOfRangeNumber(
        in data: Data
    ) -> (line: Int, column: Int, token: String, path: String, offset: Int)? {
        var found: NumberToken?
        scanNumbers(in: data) { number in
            guard let value = Double(number.token) else { return true }
            let mantissa = number.token.prefix { $0 != "e" && $0 != "E" }
            let nonzero = mantissa.contains { $0 >= "1" && $0 <= "9" }
            if !value.isFinite || value.magnitude >= 1e128 || (nonzero && value.magnitude < 1e-128) {
                found = number
                return false
            }
            return true
        }
        return found.map { ($0.line, $0.column, $0.token, $0.path, $0.offset) }
    }

    /// The number tokens that are not whole numbers an `Int` holds (a fraction, or 19 digits and more).
    static func notWholeNumbers(in data: Data) -> [NumberToken] {
        var found: [NumberToken] = []
        scanNumbers(in: data) { number in
            guard let value = Decimal(string: number.token) else { return true }
            if value.roundedHalfUp(scale: 0) != value || value > Decimal(Int.max) || value < Decimal(Int.min) {
                found.append(number)
            }
            return true
        }
        return found
    }

    /// Calls `visit` with every number token outside strings, in document order, until it returns false. Follows
    /// objects and arrays to give each its path (`repayment.overdueCount12m`, `flows[2].amount`; `$` at the top).
    static func scanNumbers(in data: Data, _ visit: (NumberToken) -> Bool) {
        enum Frame {
            case object(key: String?, expectingKey: Bool)
            case array(index: Int)
        }
        var stack: [Frame] = []
        var line = 1
        var column = 1
        var inString = false
        var escaped = false
        var keyStart: Int?
        var index = data.startIndex
        func currentPath() -> String {
            var text = ""
            for frame in stack {
                switch frame {
                case .object(let key?, _): text += text.isEmpty ? key : "." + key
                case .array(let position): text += "[\(position)]"
                case .object(nil, _): break
                }
            }
            return text.isEmpty ? "$" : text
        }
        while index < data.endIndex {
            let byte = data[index]
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                    if let start = keyStart, case .object = stack.last {
                        stack[stack.count - 1] = .object(key: key(data[start..<index]), expectingKey: false)
                    }
                    keyStart = nil
                }
            } else {
                switch byte {
                case UInt8(ascii: "\""):
                    inString = true
                    if case .object(_, true) = stack.last { keyStart = index + 1 }
                case UInt8(ascii: "{"): stack.append(.object(key: nil, expectingKey: true))
                case UInt8(ascii: "["): stack.append(.array(index: 0))
                case UInt8(ascii: "}"), UInt8(ascii: "]"): _ = stack.popLast()
                case UInt8(ascii: ","):
                    switch stack.last {
                    case .array(let position): stack[stack.count - 1] = .array(index: position + 1)
                    case .object(let key, _): stack[stack.count - 1] = .object(key: key, expectingKey: true)
                    case nil: break
                    }
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    var end = index
                    while end < data.endIndex, "+-.eE0123456789".utf8.contains(data[end]) { end += 1 }
                    let token = String(decoding: data[index..<end], as: UTF8.self)
                    let number = NumberToken(
                        line: line,
                        column: column,
                        offset: index - data.startIndex,
                        token: token,
                        path: currentPath()
                    )
                    guard visit(number) else { return }
                    column += end - index
                    index = end
                    continue
                default: break
                }
            }
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            index += 1
        }
    }

    /// An object key as written between its quotes, unescaped.
    private static func key(_ raw: Data) -> String {
        guard raw.contains(UInt8(ascii: "\\")) else { return String(decoding: raw, as: UTF8.self) }
        let quoted = Data("\"".utf8) + raw + Data("\"".utf8)
        return (try? JSONSerialization.jsonObject(with: quoted, options: [.fragmentsAllowed]) as? String)
            ?? String(decoding: raw, as: UTF8.self)
    }

    /// `text` with control and format characters escaped (`\u{1B}`), cut to 300 characters: messages echo values
    /// from the document back to a terminal or an HTTP client, where an escape sequence or a megabyte does harm.
    static func printable(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator:
                escaped += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default:
                escaped.unicodeScalars.append(scalar)
            }
        }
        let limit = 300
        guard escaped.count > limit else { return escaped }
        return escaped.prefix(limit) + "… (cut: \(escaped.count) characters in all)"
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
        default:
            if "\(type)".hasPrefix("Dictionary") {
                "an object"
            } else if "\(type)".hasPrefix("Array") {
                "an array"
            } else {
                "\(type)"
            }
        }
    }
}
