import Foundation

/// Finds a start tag with more attributes than allowed, in one pass over the bytes, before libxml2 reads the document.
///
/// libxml2 2.9 checks each attribute of a start tag against every earlier one, and its tree builder appends each
/// attribute to a list it walks from the start: a tag with n attributes costs n² steps before any callback of ours
/// can refuse it (50,000 attributes: seconds). This scan reads markup only as far as it must: it skips comments,
/// CDATA sections, processing instructions and end tags, reads each start tag's attributes (a quoted value may hold
/// `>`), and counts them. It stops at a DOCTYPE (which the parser refuses) and at anything it cannot read, leaving the
/// document to libxml2, whose own callback still enforces the limit, after its quadratic scan, on a document this scan
/// cannot read (an encoding that is neither ASCII-compatible nor UTF-16).
struct CrowdedTagScan {
    /// A start tag over the limit: where its `<` is (line and column in characters) and what it holds.
    struct Finding: Equatable {
        let line: Int
        let column: Int
        let element: String
        let count: Int
    }

    /// Code units of 1 byte (UTF-8 and every ASCII-compatible encoding) or 2 bytes (UTF-16, either byte order).
    private let bytes: UnsafeBufferPointer<UInt8>
    private let width: Int
    private let bigEndian: Bool
    /// Units before the document's first character (a byte order mark).
    private let start: Int
    private let count: Int

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        let b = Array(bytes.prefix(4)) + [0, 0, 0, 0]
        switch (b[0], b[1], b[2], b[3]) {
        case (0xFF, 0xFE, _, _):
            (width, bigEndian, start) = (2, false, 1)
        case (0xFE, 0xFF, _, _):
            (width, bigEndian, start) = (2, true, 1)
        case (0x3C, 0x00, 0x3F, 0x00):
            (width, bigEndian, start) = (2, false, 0)
        case (0x00, 0x3C, 0x00, 0x3F):
            (width, bigEndian, start) = (2, true, 0)
        case (0xEF, 0xBB, 0xBF, _):
            (width, bigEndian, start) = (1, false, 3)
        default:
            (width, bigEndian, start) = (1, false, 0)
        }
        count = bytes.count / width
    }

    /// The first start tag of `data` with more than `limit` attributes (namespace declarations included), or nil.
    static func first(in data: Data, limit: Int) -> Finding? {
        data.withUnsafeBytes { raw in
            CrowdedTagScan(raw.bindMemory(to: UInt8.self)).first(limit: limit)
        }
    }

    private func unit(_ index: Int) -> UInt16 {
        if width == 1 { return UInt16(bytes[index]) }
        let first = UInt16(bytes[2 * index])
        let second = UInt16(bytes[2 * index + 1])
        return bigEndian ? first << 8 | second : second << 8 | first
    }

    private func starts(_ index: Int, with text: StaticString) -> Bool {
        let length = text.utf8CodeUnitCount
        guard index + length <= count else { return false }
        for offset in 0..<length where unit(index + offset) != UInt16(text.utf8Start[offset]) { return false }
        return true
    }

    /// The index just past the next `terminator` from `index`, or nil.
    private func skip(from index: Int, past terminator: StaticString) -> Int? {
        var index = index
        while index < count {
            if starts(index, with: terminator) { return index + terminator.utf8CodeUnitCount }
            index += 1
        }
        return nil
    }

    private static func isSpace(_ unit: UInt16) -> Bool { unit == 0x20 || unit == 0x09 || unit == 0x0A || unit == 0x0D }

    private func first(limit: Int) -> Finding? {
        var index = start
        while index < count {
            guard unit(index) == UInt16(UInt8(ascii: "<")) else {
                index += 1
                continue
            }
            if starts(index, with: "<!--") {
                guard let end = skip(from: index + 4, past: "-->") else { return nil }
                index = end
            } else if starts(index, with: "<![CDATA[") {
                guard let end = skip(from: index + 9, past: "]]>") else { return nil }
                index = end
            } else if starts(index, with: "<?") {
                guard let end = skip(from: index + 2, past: "?>") else { return nil }
                index = end
            } else if starts(index, with: "<!") {
                return nil  // a DOCTYPE: refused by the parser, and its internal subset is no markup to count
            } else if starts(index, with: "</") {
                guard let end = skip(from: index + 2, past: ">") else { return nil }
                index = end
            } else {
                guard let (end, attributes) = startTag(at: index) else { return nil }
                if attributes > limit { return finding(at: index, attributes: attributes) }
                index = end
            }
        }
        return nil
    }

    /// Reads `<name (space name space? = space? quoted)* space? /?>`: the index past it and its attribute count, or
    /// nil when it is not that (libxml2 will say what it is).
    private func startTag(at tag: Int) -> (end: Int, attributes: Int)? {
        var index = tag + 1
        while index < count, !Self.isSpace(unit(index)), unit(index) != UInt16(UInt8(ascii: ">")),
            unit(index) != UInt16(UInt8(ascii: "/"))
        {
            index += 1
        }
        var attributes = 0
        while true {
            while index < count, Self.isSpace(unit(index)) { index += 1 }
            guard index < count else { return nil }
            switch unit(index) {
            case UInt16(UInt8(ascii: ">")): return (index + 1, attributes)
            case UInt16(UInt8(ascii: "/")): return starts(index, with: "/>") ? (index + 2, attributes) : nil
            default: break
            }
            let nameStart = index
            while index < count, !Self.isSpace(unit(index)), unit(index) != UInt16(UInt8(ascii: "=")),
                unit(index) != UInt16(UInt8(ascii: ">")), unit(index) != UInt16(UInt8(ascii: "/"))
            {
                index += 1
            }
            guard index > nameStart else { return nil }
            while index < count, Self.isSpace(unit(index)) { index += 1 }
            guard index < count, unit(index) == UInt16(UInt8(ascii: "=")) else { return nil }
            index += 1
            while index < count, Self.isSpace(unit(index)) { index += 1 }
            guard index < count, unit(index) == UInt16(UInt8(ascii: "\"")) || unit(index) == UInt16(UInt8(ascii: "'"))
            else {
                return nil
            }
            let quote = unit(index)
            index += 1
            while index < count, unit(index) != quote { index += 1 }
            guard index < count else { return nil }
            index += 1
            attributes += 1
        }
    }

    /// The place of the `<` at `tag` and the element's name.
    private func finding(at tag: Int, attributes: Int) -> Finding {
        var line = 1
        var column = 1
        for index in start..<tag {
            let value = unit(index)
            if value == 0x0A {
                line += 1
                column = 1
            } else if width == 1 ? value & 0xC0 != 0x80 : !(0xDC00...0xDFFF).contains(value) {
                // A character starts here: not a UTF-8 continuation byte, not a UTF-16 low surrogate.
                column += 1
            }
        }
        var end = tag + 1
        while end < count, end - tag <= 100, !Self.isSpace(unit(end)), unit(end) != UInt16(UInt8(ascii: ">")),
            unit(end) != UInt16(UInt8(ascii: "/"))
        {
            end += 1
        }
        let element: String
        if width == 1 {
            element = String(decoding: UnsafeBufferPointer(rebasing: bytes[(tag + 1)..<end]), as: UTF8.self)
        } else {
            element = String(decoding: ((tag + 1)..<end).map(unit), as: UTF16.self)
        }
        return Finding(line: line, column: column, element: element, count: attributes)
    }
}
