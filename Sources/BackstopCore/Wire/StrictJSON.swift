import Foundation

/// A strict reading of JSON (RFC 8259) in one pass, run before Foundation's decoder so that a document two JSON
/// readers would read differently is refused, and refused with its place.
///
/// Beyond the grammar (which Foundation's decoder also checks, without saying where), it refuses:
/// - a key given twice in one object (readers disagree on which value counts; Foundation's keeps the first);
/// - a comma before `]` or `}` (Foundation's decoder accepts it);
/// - nesting deeper than ``maximumDepth`` (Foundation's decoder stops at 512 without saying where);
/// - a string with a lone UTF-16 surrogate escape (`"\ud800"`), which readers replace, keep or refuse.
///
/// The work is linear in the document: each byte is read once, a key is compared with the keys of its own object
/// through a hash table, and a JSON path is built only for the one violation reported. ``Work`` counts the steps so
/// tests can hold the scanner to that without timing it.
struct StrictJSON {
    /// Deepest nesting of arrays and objects accepted (the wire format needs 4; unknown members may hold more).
    static let maximumDepth = 64

    /// Steps taken: bytes read, keys compared and path characters built. Tests compare it with the input's size.
    struct Work {
        var steps = 0
    }

    /// Why a document was refused: where (byte offset and JSON path) and the rule.
    struct Violation: Error, Equatable {
        enum Kind: Equatable {
            /// Not JSON at all (`not valid JSON: …`).
            case syntax
            /// JSON, but refused by a rule of ours (duplicate key, trailing comma, depth); the message begins with
            /// the path.
            case rule
        }

        let kind: Kind
        /// Byte offset of the offending token.
        let offset: Int
        /// `repayment.overdueCount12m`, `flows[2]`, `$` for the document itself.
        let path: String
        let message: String
    }

    /// An open array or object.
    private struct Frame {
        let isObject: Bool
        /// Array: the index of the current element. Object: unused.
        var index = 0
        /// Object: the current member's key, once read.
        var key: String?
        /// Object: every key read so far, with the offset of its opening quote.
        var keys: [String: Int] = [:]
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var stack: [Frame] = []
    private(set) var work = Work()

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Checks a whole document.
    /// - Returns: the first violation, or nil when the document is strict JSON.
    static func validate(_ data: Data, work: inout Work) -> Violation? {
        data.withUnsafeBytes { raw -> Violation? in
            var scanner = StrictJSON(raw.bindMemory(to: UInt8.self))
            defer { work.steps += scanner.work.steps }
            do throws(Violation) {
                try scanner.document()
                return nil
            } catch {
                return error
            }
        }
    }

    // MARK: The grammar

    private mutating func document() throws(Violation) {
        skipWhitespace()
        guard index < bytes.count else { throw syntax(at: 0, "the document is empty") }
        try value()
        skipWhitespace()
        guard index == bytes.count else { throw syntax(at: index, "\(found(index)) after the document's value") }
    }

    /// Reads one value, arrays and objects included, with an explicit stack (no recursion on untrusted depth).
    private mutating func value() throws(Violation) {
        var expectingValue = true
        while true {
            if expectingValue {
                skipWhitespace()
                guard index < bytes.count else {
                    throw syntax(at: index, "the document ends where a value was expected")
                }
                switch bytes[index] {
                case UInt8(ascii: "{"):
                    try push(isObject: true)
                    skipWhitespace()
                    if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                        index += 1
                        stack.removeLast()
                        expectingValue = false
                    } else {
                        try member()
                        continue
                    }
                case UInt8(ascii: "["):
                    try push(isObject: false)
                    skipWhitespace()
                    if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                        index += 1
                        stack.removeLast()
                        expectingValue = false
                    } else {
                        continue
                    }
                case UInt8(ascii: "\""):
                    _ = try string(decoding: false)
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    try number()
                case UInt8(ascii: "t"): try literal("true")
                case UInt8(ascii: "f"): try literal("false")
                case UInt8(ascii: "n"): try literal("null")
                default:
                    throw syntax(at: index, "expected a value, found \(found(index))")
                }
                expectingValue = false
            }
            // A value is complete: a comma, the end of its container, or the end of the document follows.
            guard let top = stack.last else { return }
            skipWhitespace()
            guard index < bytes.count else {
                throw syntax(at: index, "the document ends inside an \(top.isObject ? "object" : "array")")
            }
            let close = top.isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
            let byte = bytes[index]
            work.steps += 1
            if byte == close {
                index += 1
                stack.removeLast()
                continue
            }
            guard byte == UInt8(ascii: ",") else {
                let expected =
                    top.isObject ? "\",\" or \"}\" after an object member" : "\",\" or \"]\" after an element"
                throw syntax(at: index, "expected \(expected), found \(found(index))")
            }
            let comma = index
            index += 1
            skipWhitespace()
            if index < bytes.count, bytes[index] == close {
                throw rule(
                    at: comma,
                    path: path(upTo: stack.count, includingLast: false),
                    "trailing comma before \"\(Character(Unicode.Scalar(close)))\": JSON allows none"
                )
            }
            if top.isObject {
                try member()
            } else {
                stack[stack.count - 1].index += 1
            }
            expectingValue = true
        }
    }

    /// Reads `"key" :` in the innermost object and checks the key is new there.
    private mutating func member() throws(Violation) {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
            throw syntax(at: index, "expected a string key, found \(found(index))")
        }
        let start = index
        let key = try string(decoding: true) ?? ""
        let top = stack.count - 1
        work.steps += 1
        if let first = stack[top].keys.updateValue(start, forKey: key) {
            stack[top].key = key
            let (line, column) = Self.position(of: first, in: bytes)
            throw rule(
                at: start,
                path: path(upTo: stack.count, includingLast: true),
                "duplicate key \"\(key)\" (first given at line \(line), column \(column)): readers disagree on which "
                    + "value counts"
            )
        }
        stack[top].key = key
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
            throw syntax(at: index, "expected \":\" after an object key, found \(found(index))")
        }
        index += 1
    }

    private mutating func push(isObject: Bool) throws(Violation) {
        guard stack.count < Self.maximumDepth else {
            // Named by the member whose value is too deep (the trailing indices dropped), so the path does not
            // depend on how deep the document around it is.
            var depth = stack.count
            while depth > 0, !stack[depth - 1].isObject { depth -= 1 }
            throw rule(
                at: index,
                path: path(upTo: depth, includingLast: true),
                "arrays and objects are nested more than \(Self.maximumDepth) deep"
            )
        }
        stack.append(Frame(isObject: isObject))
        index += 1
        work.steps += 1
    }

    private mutating func literal(_ word: StaticString) throws(Violation) {
        let count = word.utf8CodeUnitCount
        let start = index
        work.steps += count
        guard bytes.count - index >= count,
            UnsafeBufferPointer(rebasing: bytes[index..<(index + count)]).elementsEqual(
                UnsafeBufferPointer(start: word.utf8Start, count: count)
            )
        else { throw syntax(at: start, "expected a value, found \(found(start))") }
        index += count
        if index < bytes.count, Self.isWordByte(bytes[index]) {
            throw syntax(at: start, "expected a value, found \(found(start))")
        }
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    private mutating func number() throws(Violation) {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, Self.isDigit(bytes[index]) else {
            throw syntax(at: start, "a number needs digits: \(found(start))")
        }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, Self.isDigit(bytes[index]) {
                throw syntax(at: start, "a number cannot begin with 0 followed by digits: \(found(start))")
            }
        } else {
            skipDigits()
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, Self.isDigit(bytes[index]) else {
                throw syntax(at: start, "a number needs digits after its decimal point: \(found(start))")
            }
            skipDigits()
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard index < bytes.count, Self.isDigit(bytes[index]) else {
                throw syntax(at: start, "a number needs digits in its exponent: \(found(start))")
            }
            skipDigits()
        }
        work.steps += index - start
        if index < bytes.count, Self.isWordByte(bytes[index]) || bytes[index] == UInt8(ascii: ".") {
            throw syntax(at: start, "not a number: \(found(start))")
        }
    }

    /// Reads a string from its opening quote; returns its text when `decoding` (for keys).
    private mutating func string(decoding: Bool) throws(Violation) -> String? {
        let start = index
        index += 1
        var escaped = false
        while true {
            guard index < bytes.count else { throw syntax(at: start, "a string is not closed") }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                work.steps += index - start
                guard decoding else { return nil }
                let body = UnsafeBufferPointer(rebasing: bytes[(start + 1)..<(index - 1)])
                return escaped ? Self.unescaped(body) : String(decoding: body, as: UTF8.self)
            case UInt8(ascii: "\\"):
                escaped = true
                try escape(stringStart: start)
            case 0..<0x20:
                throw syntax(
                    at: index,
                    "control character U+\(String(format: "%04X", Int(byte))) must be escaped in a string"
                )
            case 0x80...:
                try utf8Sequence()
            default:
                index += 1
            }
        }
    }

    /// One escape sequence, from its backslash; a `\u` escape of a surrogate must be one of a pair.
    private mutating func escape(stringStart: Int) throws(Violation) {
        let start = index
        guard index + 1 < bytes.count else { throw syntax(at: stringStart, "a string is not closed") }
        switch bytes[index + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            index += 2
        case UInt8(ascii: "u"):
            guard let unit = hexUnit(at: index + 2) else {
                throw syntax(at: start, "\\u must be followed by four hexadecimal digits")
            }
            index += 6
            if (0xDC00...0xDFFF).contains(unit) {
                throw syntax(at: start, "a lone low surrogate \\u\(String(unit, radix: 16)) is not a character")
            }
            if (0xD800...0xDBFF).contains(unit) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                    bytes[index + 1] == UInt8(ascii: "u"),
                    let low = hexUnit(at: index + 2), (0xDC00...0xDFFF).contains(low)
                else {
                    throw syntax(at: start, "a lone high surrogate \\u\(String(unit, radix: 16)) is not a character")
                }
                index += 6
            }
        default:
            throw syntax(at: start, "unknown escape \(found(start))")
        }
    }

    private func hexUnit(at position: Int) -> UInt16? {
        guard position + 4 <= bytes.count else { return nil }
        var unit: UInt16 = 0
        for offset in 0..<4 {
            let byte = bytes[position + offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            unit = unit << 4 | UInt16(digit)
        }
        return unit
    }

    /// One multi-byte UTF-8 character (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF).
    private mutating func utf8Sequence() throws(Violation) {
        let lead = bytes[index]
        let count: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: count = 2
        case 0xE0:
            count = 3
            low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: count = 3
        case 0xED:
            count = 3
            high = 0x9F
        case 0xF0:
            count = 4
            low = 0x90
        case 0xF1...0xF3: count = 4
        case 0xF4:
            count = 4
            high = 0x8F
        default: throw syntax(at: index, "the bytes are not UTF-8")
        }
        guard index + count <= bytes.count else { throw syntax(at: index, "the bytes are not UTF-8") }
        for offset in 1..<count {
            let byte = bytes[index + offset]
            let range = offset == 1 ? low...high : 0x80...0xBF
            guard range.contains(byte) else { throw syntax(at: index, "the bytes are not UTF-8") }
        }
        index += count
    }

    private mutating func skipWhitespace() {
        let start = index
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default:
                work.steps += index - start
                return
            }
        }
        work.steps += index - start
    }

    private mutating func skipDigits() {
        while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// Letters, digits, `_`, `+`, `-` and non-ASCII: bytes that would continue a literal or a number.
    private static func isWordByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "+"), UInt8(ascii: "-"), 0x80...:
            true
        default: false
        }
    }

    // MARK: Reporting

    private func syntax(at offset: Int, _ detail: String) -> Violation {
        Violation(
            kind: .syntax,
            offset: offset,
            path: path(upTo: stack.count, includingLast: true),
            message: "not valid JSON: " + detail
        )
    }

    private func rule(at offset: Int, path: String, _ detail: String) -> Violation {
        Violation(kind: .rule, offset: offset, path: path, message: path + ": " + detail)
    }

    /// The path of the first `depth` frames; the last one's own key or index only when `includingLast`.
    private func path(upTo depth: Int, includingLast: Bool) -> String {
        var components: [JSONPathComponent] = []
        for (position, frame) in stack.prefix(depth).enumerated() {
            if position == depth - 1 && !includingLast { break }
            if frame.isObject {
                if let key = frame.key { components.append(.key(key)) }
            } else {
                components.append(.index(frame.index))
            }
        }
        return JSONPathComponent.render(components)
    }

    /// What is at `offset`, quoted for a message: the word or number there (at most 12 bytes), one character, or the
    /// end of the document.
    private func found(_ offset: Int) -> String {
        guard offset < bytes.count else { return "the end of the document" }
        var end = offset + 1
        if Self.isWordByte(bytes[offset]) {
            while end < bytes.count, end - offset < 12, Self.isWordByte(bytes[end]) || bytes[end] == UInt8(ascii: ".") {
                end += 1
            }
        }
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[offset..<end]), as: UTF8.self)
        return "\"\(text)\""
    }

    /// The text of a string body with escapes (already checked by the scanner).
    static func unescaped(_ body: UnsafeBufferPointer<UInt8>) -> String {
        var scalars = String.UnicodeScalarView()
        var utf8: [UInt8] = []
        func flush() {
            if !utf8.isEmpty {
                scalars.append(contentsOf: String(decoding: utf8, as: UTF8.self).unicodeScalars)
                utf8.removeAll(keepingCapacity: true)
            }
        }
        var index = 0
        func hex(_ at: Int) -> UInt32 {
            guard at + 4 <= body.count else { return 0xFFFD }
            return UInt32(
                String(decoding: UnsafeBufferPointer(rebasing: body[at..<(at + 4)]), as: UTF8.self),
                radix: 16
            )
                ?? 0xFFFD
        }
        while index < body.count {
            let byte = body[index]
            guard byte == UInt8(ascii: "\\"), index + 1 < body.count else {
                utf8.append(byte)
                index += 1
                continue
            }
            flush()
            let escaped = body[index + 1]
            index += 2
            switch escaped {
            case UInt8(ascii: "b"): scalars.append("\u{8}")
            case UInt8(ascii: "f"): scalars.append("\u{C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"):
                var value = hex(index)
                index += 4
                if (0xD800...0xDBFF).contains(value), index + 6 <= body.count, body[index] == UInt8(ascii: "\\") {
                    let low = hex(index + 2)
                    if (0xDC00...0xDFFF).contains(low) {
                        value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                        index += 6
                    }
                }
                scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
            default: scalars.append(Unicode.Scalar(escaped))
            }
        }
        flush()
        return String(scalars)
    }

    /// The 1-based line and column (in characters: UTF-8 continuation bytes do not count) of a byte offset.
    static func position(of offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for byte in bytes.prefix(offset) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return (line, column)
    }

    static func position(of offset: Int, in data: Data) -> (line: Int, column: Int) {
        data.withUnsafeBytes { position(of: offset, in: $0.bindMemory(to: UInt8.self)) }
    }
}

/// One step of a JSON path: an object member or an array element.
enum JSONPathComponent: Equatable {
    case key(String)
    case index(Int)

    /// `repayment.overdueCount12m`, `flows[2].amount`; `$` for the document itself.
    static func render(_ components: [JSONPathComponent]) -> String {
        var text = ""
        for component in components {
            switch component {
            case .key(let key): text += text.isEmpty ? key : "." + key
            case .index(let index): text += "[\(index)]"
            }
        }
        return text.isEmpty ? "$" : text
    }
}

// MARK: Finding a value by its path

extension StrictJSON {
    /// Where the value at `path` lies in a document `validate` accepted: its bytes, or nil when the path leads
    /// nowhere. One pass that skips every value off the path; keys are unique, so the path leads to one value.
    static func range(of path: [JSONPathComponent], in data: Data, work: inout Work) -> Range<Int>? {
        data.withUnsafeBytes { raw in
            var finder = Finder(bytes: raw.bindMemory(to: UInt8.self))
            defer { work.steps += finder.steps }
            return finder.range(of: path)
        }
    }

    /// Reads a validated document without checking it again.
    private struct Finder {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0
        var steps = 0

        mutating func range(of path: [JSONPathComponent]) -> Range<Int>? {
            skipWhitespace()
            for component in path {
                guard index < bytes.count else { return nil }
                switch (bytes[index], component) {
                case (UInt8(ascii: "{"), .key(let wanted)):
                    guard enterMember(named: wanted) else { return nil }
                case (UInt8(ascii: "{"), .index(let position)):
                    // A dictionary key that reads as a number (`"12"`) comes as an index.
                    guard enterMember(named: String(position)) else { return nil }
                case (UInt8(ascii: "["), .index(let position)):
                    guard enterElement(position) else { return nil }
                default:
                    return nil
                }
            }
            let start = index
            skipValue()
            return start..<index
        }

        /// From `{`, moves to the value of the member named `wanted`.
        private mutating func enterMember(named wanted: String) -> Bool {
            index += 1
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return false }
                let keyStart = index
                skipString()
                let body = UnsafeBufferPointer(rebasing: bytes[(keyStart + 1)..<(index - 1)])
                let key =
                    body.contains(UInt8(ascii: "\\"))
                    ? StrictJSON.unescaped(body) : String(decoding: body, as: UTF8.self)
                skipWhitespace()
                index += 1  // ":"
                skipWhitespace()
                if key == wanted { return true }
                skipValue()
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ",") else { return false }
                index += 1
            }
        }

        /// From `[`, moves to the element at `position`.
        private mutating func enterElement(_ position: Int) -> Bool {
            index += 1
            skipWhitespace()
            guard position >= 0, index < bytes.count, bytes[index] != UInt8(ascii: "]") else { return false }
            for _ in 0..<position {
                skipValue()
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ",") else { return false }
                index += 1
                skipWhitespace()
            }
            return true
        }

        /// Skips one value, arrays and objects included (counting brackets outside strings).
        private mutating func skipValue() {
            let start = index
            var depth = 0
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    skipString()
                    if depth == 0 { return }
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    if depth == 0 {
                        // The end of the container holding a scalar.
                        steps += index - start
                        return
                    }
                    depth -= 1
                    if depth == 0 {
                        index += 1
                        steps += index - start
                        return
                    }
                case UInt8(ascii: ","), 0x20, 0x09, 0x0A, 0x0D:
                    if depth == 0 {
                        steps += index - start
                        return
                    }
                default: break
                }
                index += 1
            }
            steps += index - start
        }

        private mutating func skipString() {
            let start = index
            index += 1
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\\"): index += 2
                case UInt8(ascii: "\""):
                    index += 1
                    steps += index - start
                    return
                default: index += 1
                }
            }
            steps += index - start
        }

        private mutating func skipWhitespace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) {
                index += 1
                steps += 1
            }
        }
    }
}
