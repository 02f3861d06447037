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
///
/// A document is first read by `StrictJSON`, in one linear pass that refuses what JSON readers disagree on
/// (duplicate keys, trailing commas, lone surrogates, nesting deeper than 64) and places every syntax error; then
/// Foundation's decoder reads it. When that decoder refuses a number without saying where (12.5 or 1e30 for a whole
/// number, 1e999 anywhere), the document is decoded once more through `TrackingDecoder`, which names the field
/// being read: the first field the type actually reads that is wrong, never a member the type ignores. The number's
/// text and place are then found with one more pass. The work is linear in the document and the memory a small
/// multiple of it; a JSON path is built only for the error reported.
public enum JSONInput: Sendable {
    /// Decodes `type` from `data`; amounts are read exactly as decimals.
    /// - Throws: ``JSONInputError``.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, source: String) throws(JSONInputError) -> T
    {
        var work = StrictJSON.Work()
        return try decode(type, from: data, source: source, work: &work)
    }

    /// ``decode(_:from:source:)``, counting the scanner's steps (for tests of linearity).
    static func decode<T: Decodable>(
        _ type: T.Type,
        from data: Data,
        source: String,
        work: inout StrictJSON.Work
    ) throws(JSONInputError) -> T {
        let data = try utf8(data, source: source)
        if let violation = StrictJSON.validate(data, work: &work) {
            throw error(for: violation, in: data, source: source)
        }
        let firstError: any Error
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            firstError = error
        }
        guard isPathless(firstError), !TrackingDecoder.isReadByFoundation(type) else {
            throw finish(explain(firstError, data: data, source: source, work: &work))
        }
        // Foundation's decoder refused a number without saying where: decode again, naming the field being read.
        do {
            return try JSONDecoder().decode(Tracked<T>.self, from: data).value
        } catch {
            throw finish(explain(isPathless(error) ? firstError : error, data: data, source: source, work: &work))
        }
    }

    /// The document as UTF-8 without a byte order mark: Foundation's decoder also reads UTF-16 and UTF-32 (a file
    /// saved by some Windows tools), recognised by a byte order mark or by the zero bytes around the first character
    /// (RFC 4627 §3). Lines and columns count characters, so they are the same in the UTF-8 text.
    static func utf8(_ data: Data, source: String) throws(JSONInputError) -> Data {
        let b = Array(data.prefix(4)) + Array(repeating: 0xAA, count: max(0, 4 - data.count))
        let encoding: String.Encoding
        switch (b[0], b[1], b[2], b[3]) {
        case (0xEF, 0xBB, 0xBF, _): return Data(data.dropFirst(3))
        case (0, 0, 0xFE, 0xFF), (0, 0, 0, _): encoding = .utf32BigEndian
        case (0xFF, 0xFE, 0, 0): encoding = .utf32LittleEndian
        case (_, 0, 0, 0): encoding = .utf32LittleEndian
        case (0xFE, 0xFF, _, _), (0, _, 0, _): encoding = .utf16BigEndian
        case (0xFF, 0xFE, _, _), (_, 0, _, 0): encoding = .utf16LittleEndian
        default: return data
        }
        let hasMark = (b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF) || (b[2] == 0xFE && b[3] == 0xFF)
        let width = encoding == .utf32BigEndian || encoding == .utf32LittleEndian ? 4 : 2
        guard data.count % width == 0, var text = String(data: data, encoding: encoding) else {
            throw JSONInputError(
                source: source,
                path: "$",
                line: 1,
                column: 1,
                message: "not valid JSON: the bytes look like \(width == 2 ? "UTF-16" : "UTF-32") but are not"
            )
        }
        if hasMark, text.unicodeScalars.first == "\u{FEFF}" { text.unicodeScalars.removeFirst() }
        return Data(text.utf8)
    }

    /// Turns a decoding error into a ``JSONInputError``. Its message and path are printable and bounded: control
    /// characters are escaped and a message that echoes a long value is cut.
    public static func describe(_ error: any Error, data: Data, source: String) -> JSONInputError {
        var work = StrictJSON.Work()
        return finish(explain(error, data: data, source: source, work: &work))
    }

    private static func finish(_ explained: JSONInputError) -> JSONInputError {
        JSONInputError(
            source: explained.source,
            path: printable(explained.path),
            line: explained.line,
            column: explained.column,
            message: printable(explained.message)
        )
    }

    /// Whether Foundation's decoder refused the document as a whole ("not valid JSON"), without a path.
    static func isPathless(_ error: any Error) -> Bool {
        guard case .dataCorrupted(let context) = error as? DecodingError else { return false }
        return context.codingPath.isEmpty && !(context.underlyingError is UnreadableNumber)
    }

    static func error(for violation: StrictJSON.Violation, in data: Data, source: String) -> JSONInputError {
        let (line, column) = StrictJSON.position(of: violation.offset, in: data)
        return finish(
            JSONInputError(
                source: source,
                path: violation.path,
                line: line,
                column: column,
                message: violation.message
            )
        )
    }

    static func explain(_ error: any Error, data: Data, source: String, work: inout StrictJSON.Work) -> JSONInputError {
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
            if let unreadable = context.underlyingError as? UnreadableNumber {
                return explain(unreadable, at: context.codingPath, data: data, source: source, work: &work)
            }
            if context.codingPath.isEmpty, let located = locate(in: data, source: source, work: &work) {
                return located
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

    /// A number the type reads at `codingPath` that Foundation's decoder could not convert: its text and place are
    /// found in the document, and the rule it breaks named.
    static func explain(
        _ unreadable: UnreadableNumber,
        at codingPath: [any CodingKey],
        data: Data,
        source: String,
        work: inout StrictJSON.Work
    ) -> JSONInputError {
        let place = path(codingPath)
        let components = codingPath.map { key in
            key.intValue.map(JSONPathComponent.index) ?? .key(key.stringValue)
        }
        guard let range = StrictJSON.range(of: components, in: data, work: &work) else {
            return JSONInputError(source: source, path: place, message: "\(place): the number cannot be read")
        }
        let token = String(
            decoding: data[data.startIndex + range.lowerBound..<data.startIndex + range.upperBound],
            as: UTF8.self
        )
        let (line, column) = StrictJSON.position(of: range.lowerBound, in: data)
        let message: String
        switch unreadable.expected {
        case .wholeNumber(let min, let max) where !isBeyondDecimal(token):
            message = "\(place): expected a whole number from \(min) to \(max), got \(token)"
        default:
            message = outOfRange(token, at: place)
        }
        return JSONInputError(source: source, path: place, line: line, column: column, message: message)
    }

    static func outOfRange(_ token: String, at place: String) -> String {
        (place == "$" ? "" : place + ": ")
            + "number \(token) is out of range: numbers are read exactly, from 1e-128 to below 1e128"
    }

    /// Whether a number token is beyond what an exact decimal holds: magnitude at or above 1e128, or nonzero below
    /// 1e-128.
    static func isBeyondDecimal(_ token: String) -> Bool {
        guard let value = Double(token) else { return false }
        let mantissa = token.prefix { $0 != "e" && $0 != "E" }
        let nonzero = mantissa.contains { $0 >= "1" && $0 <= "9" }
        return !value.isFinite || value.magnitude >= 1e128 || (nonzero && value.magnitude < 1e-128)
    }

    /// Places a path-less refusal when the type is not known (``describe(_:data:source:)``): a strict-JSON
    /// violation, else the first number beyond an exact decimal.
    static func locate(in data: Data, source: String, work: inout StrictJSON.Work) -> JSONInputError? {
        if let violation = StrictJSON.validate(data, work: &work) {
            return error(for: violation, in: data, source: source)
        }
        guard let number = outOfRangeNumber(in: data) else { return nil }
        return JSONInputError(
            source: source,
            path: number.path,
            line: number.line,
            column: number.column,
            message: outOfRange(number.token, at: number.path)
        )
    }

    /// The first number token (outside strings) that an exact decimal cannot hold, with its line, column, JSON path
    /// and byte offset. One pass keeping a stack of the open containers; the path is built for that number alone.
    static func outOfRangeNumber(
        in data: Data
    ) -> (line: Int, column: Int, token: String, path: String, offset: Int)? {
        enum Frame {
            case object(keyStart: Int?, keyEnd: Int)
            case array(index: Int)
        }
        return data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var stack: [Frame] = []
            var index = 0
            var expectingKey = false
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    let start = index
                    index += 1
                    while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                        index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
                    }
                    if expectingKey, case .object = stack.last {
                        stack[stack.count - 1] = .object(keyStart: start + 1, keyEnd: min(index, bytes.count))
                        expectingKey = false
                    }
                case UInt8(ascii: "{"):
                    stack.append(.object(keyStart: nil, keyEnd: 0))
                    expectingKey = true
                case UInt8(ascii: "["): stack.append(.array(index: 0))
                case UInt8(ascii: "}"), UInt8(ascii: "]"): _ = stack.popLast()
                case UInt8(ascii: ","):
                    switch stack.last {
                    case .array(let position): stack[stack.count - 1] = .array(index: position + 1)
                    case .object: expectingKey = true
                    case nil: break
                    }
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    var end = index
                    while end < bytes.count, "+-.eE0123456789".utf8.contains(bytes[end]) { end += 1 }
                    let token = String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<end]), as: UTF8.self)
                    if isBeyondDecimal(token) {
                        let components: [JSONPathComponent] = stack.compactMap { frame in
                            switch frame {
                            case .object(let start?, let end):
                                let body = UnsafeBufferPointer(rebasing: bytes[start..<end])
                                return .key(
                                    body.contains(UInt8(ascii: "\\"))
                                        ? StrictJSON.unescaped(body) : String(decoding: body, as: UTF8.self)
                                )
                            case .object(nil, _): return nil
                            case .array(let position): return .index(position)
                            }
                        }
                        let (line, column) = StrictJSON.position(of: index, in: bytes)
                        return (line, column, token, JSONPathComponent.render(components), index)
                    }
                    index = end
                    continue
                default: break
                }
                index += 1
            }
            return nil
        }
    }

    /// `text` with control and format characters escaped (`\u{1B}`), cut to 300 characters: messages echo values
    /// from the document back to a terminal or an HTTP client, where an escape sequence or a megabyte does harm.
    package static func printable(_ text: String) -> String {
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
        JSONPathComponent.render(
            codingPath.map { key in key.intValue.map(JSONPathComponent.index) ?? .key(key.stringValue) }
        )
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
