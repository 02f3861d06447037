import Foundation
import Testing

@testable import BackstopCore

/// JSON input is read strictly (what two JSON readers would read differently is refused, with its place and rule),
/// in work linear in the document, and a refused number is named by the field the type reads.
struct StrictJSONTests {
    /// A document with a whole-number field, a decimal field and a nested list, like the wire documents.
    struct Sample: Decodable, Equatable {
        struct Flow: Decodable, Equatable {
            let amount: Decimal
        }

        let termMonths: Int
        let rate: Decimal?
        let flows: [Flow]?
    }

    func refusal(_ text: String) throws -> JSONInputError {
        do {
            _ = try JSONInput.decode(Sample.self, from: Data(text.utf8), source: "doc.json")
        } catch {
            return error
        }
        throw RefusalMissing(document: text)
    }

    struct RefusalMissing: Error {
        let document: String
    }

    @Test(arguments: [
        // (document, path, line, column, rule)
        (#"{"termMonths": 12, "termMonths": 24}"#, "termMonths", 1, 20, #"duplicate key "termMonths""#),
        (
            "{\"termMonths\": 12,\n \"flows\": [{\"amount\": 1, \"amount\": 2}]}",
            "flows[0].amount", 2, 26, #"duplicate key "amount" (first given at line 2, column 13)"#
        ),
        // Keys are compared as text: an escape spells the same key.
        (#"{"termMonths": 12, "term\u004donths": 24}"#, "termMonths", 1, 20, #"duplicate key "termMonths""#),
        // In a member the type ignores too: another reader may use that member.
        (#"{"termMonths": 12, "x": {"a": 1, "a": 2}}"#, "x.a", 1, 34, #"duplicate key "a""#),
        (#"{"termMonths": 12,}"#, "$", 1, 18, #"trailing comma before "}""#),
        (#"{"termMonths": 12, "flows": [{"amount": 1},]}"#, "flows", 1, 43, #"trailing comma before "]""#),
        (#"{"termMonths": 12, "flows": [{"amount": 1,}]}"#, "flows[0]", 1, 42, #"trailing comma before "}""#),
    ])
    func documentsReadersDisagreeOnAreRefusedWithThePlace(
        document: String,
        path: String,
        line: Int,
        column: Int,
        rule: String
    ) throws {
        let error = try refusal(document)
        #expect(error.path == path, "\(error)")
        #expect(error.line == line && error.column == column, "\(error)")
        #expect(error.message.hasPrefix(path + ": "), "\(error)")
        #expect(error.message.contains(rule), "\(error)")
        #expect(error.description.hasPrefix("doc.json:\(line):\(column): \(path): "), "\(error)")
    }

    @Test(arguments: [
        // (document, line, column, detail)
        ("", 1, 1, "the document is empty"),
        ("  \n ", 1, 1, "the document is empty"),
        ("{\"termMonths\": 12,,}", 1, 19, "expected a string key"),
        ("{\"termMonths\": 012}", 1, 16, "cannot begin with 0"),
        ("{\"termMonths\": 1.}", 1, 16, "digits after its decimal point"),
        ("{\"termMonths\": +1}", 1, 16, "expected a value"),
        ("{\"termMonths\": NaN}", 1, 16, "expected a value"),
        ("{\"termMonths\": tru}", 1, 16, "expected a value"),
        ("{\"termMonths\": 12} {}", 1, 20, "after the document's value"),
        ("{\"termMonths\": 12", 1, 18, "the document ends inside an object"),
        ("{\"rate\": \"\\ud800\", \"termMonths\": 12}", 1, 11, "lone high surrogate"),
        ("{\"rate\": \"\\udc00\", \"termMonths\": 12}", 1, 11, "lone low surrogate"),
        ("{\"rate\": \"\\x\", \"termMonths\": 12}", 1, 11, "unknown escape"),
        ("{\"rate\": \"a\u{1B}[2J\", \"termMonths\": 12}", 1, 12, "control character U+001B must be escaped"),
        ("{\"rate\": \"a\nb\", \"termMonths\": 12}", 1, 12, "control character U+000A"),
        ("{'termMonths': 12}", 1, 2, "expected a string key"),
    ])
    func syntaxErrorsArePlaced(document: String, line: Int, column: Int, detail: String) throws {
        let error = try refusal(document)
        #expect(error.line == line && error.column == column, "\(error)")
        #expect(error.message.hasPrefix("not valid JSON: "), "\(error)")
        #expect(error.message.contains(detail), "\(error)")
        #expect(!error.description.unicodeScalars.contains { $0.properties.generalCategory == .control })
    }

    @Test func bytesThatAreNotUTF8AreRefused() throws {
        for bytes: [UInt8] in [[0xC3, 0x28], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF4, 0x90, 0x80, 0x80], [0xFF]] {
            let document = Data(#"{"termMonths": 12, "x": ""#.utf8) + bytes + Data(#""}"#.utf8)
            let error = #expect(throws: JSONInputError.self) {
                try JSONInput.decode(Sample.self, from: document, source: "doc.json")
            }
            #expect(error?.message.contains("not UTF-8") == true, "\(bytes): \(String(describing: error))")
        }
    }

    @Test func strictDocumentsAreRead() throws {
        let document = """
            \t{"termMonths": 12, "rate": -0.5e-3, "flows": [{"amount": 1E+2}, {"amount": 0}],
             "ignored": [true, false, null, "\\ud83d\\ude00 \\" \\\\ \\/ \\b\\f\\n\\r\\t \\u00e9", {}, [], -0, 1e999]}\r\n
            """
        let sample = try JSONInput.decode(Sample.self, from: Data(document.utf8), source: "doc.json")
        #expect(
            sample
                == Sample(
                    termMonths: 12,
                    rate: Decimal(string: "-0.0005"),
                    flows: [.init(amount: 100), .init(amount: 0)]
                )
        )
    }

    /// Foundation's decoder reads a byte order mark, UTF-16 and UTF-32: so does the strict reading, placing errors
    /// in characters as in UTF-8.
    @Test func aByteOrderMarkAndUTF16AndUTF32AreRead() throws {
        let text = "{\"termMonths\": 12,\n \"rate\": 1}"
        let bad = "{\"termMonths\": 12,\n \"rate\": 1,}"
        let encodings: [(String, (String) -> Data)] = [
            ("UTF-8 with a mark", { Data([0xEF, 0xBB, 0xBF]) + Data($0.utf8) }),
            ("UTF-16LE with a mark", { Data([0xFF, 0xFE]) + $0.data(using: .utf16LittleEndian)! }),
            ("UTF-16BE with a mark", { Data([0xFE, 0xFF]) + $0.data(using: .utf16BigEndian)! }),
            ("UTF-16LE", { $0.data(using: .utf16LittleEndian)! }),
            ("UTF-16BE", { $0.data(using: .utf16BigEndian)! }),
            ("UTF-32LE", { $0.data(using: .utf32LittleEndian)! }),
            ("UTF-32BE", { $0.data(using: .utf32BigEndian)! }),
        ]
        for (name, encode) in encodings {
            let sample = try JSONInput.decode(Sample.self, from: encode(text), source: "doc.json")
            #expect(sample.termMonths == 12 && sample.rate == 1, "\(name)")
            let error = #expect(throws: JSONInputError.self, "\(name)") {
                try JSONInput.decode(Sample.self, from: encode(bad), source: "doc.json")
            }
            #expect(error?.description == #"doc.json:2:11: $: trailing comma before "}": JSON allows none"#, "\(name)")
        }
        let odd = #expect(throws: JSONInputError.self) {
            try JSONInput.decode(Sample.self, from: Data([0xFF, 0xFE, 0x7B, 0x00, 0x00]), source: "doc.json")
        }
        #expect(odd?.message == "not valid JSON: the bytes look like UTF-16 but are not")
    }

    @Test func nestingIsBoundedAndNamedByTheMemberHoldingIt() throws {
        func nested(_ depth: Int) -> String {
            String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        }
        // The document's object is one level: 63 more fit, 64 do not.
        _ = try JSONInput.decode(Sample.self, from: Data(#"{"termMonths": 1, "x": \#(nested(63))}"#.utf8), source: "d")
        let error = try refusal(#"{"termMonths": 1, "x": \#(nested(10_000))}"#)
        #expect(error.path == "x", "\(error)")
        #expect(error.line == 1 && error.column == 24 + 63, "\(error)")
        #expect(error.message == "x: arrays and objects are nested more than 64 deep")
    }

    /// Finding 2 of issue 17: a long key over many fractional numbers in a member the type ignores, then a wrong
    /// whole number. The error names the whole number (the field the type reads), not the ignored member's numbers.
    @Test func theFirstFieldTheTypeReadsIsNamedNotAnIgnoredOne() throws {
        let key = String(repeating: "k", count: 32_000)
        let numbers = Array(repeating: "0.5", count: 5_000).joined(separator: ",")
        let document = #"{"\#(key)": [\#(numbers)], "termMonths": 12.5}"#
        let error = try refusal(document)
        #expect(error.path == "termMonths", "\(error.description.prefix(400))")
        #expect(error.message.hasPrefix("termMonths: expected a whole number from "), "\(error.message.prefix(400))")
        #expect(error.message.hasSuffix(", got 12.5"), "\(error.message.prefix(400))")
        #expect(error.line == 1 && error.column == document.count - 4, "\(error)")
        #expect(error.description.count < 400)
    }

    @Test(arguments: [
        (#"{"termMonths": 1e30}"#, "termMonths", "termMonths: expected a whole number from", "got 1e30"),
        (#"{"termMonths": 1e999}"#, "termMonths", "termMonths: number 1e999 is out of range", "below 1e128"),
        (#"{"termMonths": 1, "rate": 1e999}"#, "rate", "rate: number 1e999 is out of range", "from 1e-128"),
        (#"{"termMonths": 1, "rate": -1e-200}"#, "rate", "rate: number -1e-200 is out of range", "1e-128"),
        (
            #"{"termMonths": 1, "flows": [{"amount": 1}, {"amount": 2.5E+300}]}"#, "flows[1].amount",
            "flows[1].amount: number 2.5E+300 is out of range", "exactly"
        ),
    ])
    func numbersATypeCannotHoldAreNamed(document: String, path: String, start: String, end: String) throws {
        let error = try refusal(document)
        #expect(error.path == path, "\(error)")
        #expect(error.line == 1, "\(error)")
        #expect(error.message.hasPrefix(start) && error.message.contains(end), "\(error)")
    }

    /// A number no decimal holds, in a member the type ignores, is not wrong: the document is read.
    @Test func anIgnoredMemberIsNotWrong() throws {
        let sample = try JSONInput.decode(
            Sample.self,
            from: Data(#"{"x": [1e999, 0.5, 1e-999], "termMonths": 7}"#.utf8),
            source: "doc.json"
        )
        #expect(sample.termMonths == 7)
    }

    /// Linear work: the scanner's steps stay within a small multiple of the document's bytes for the hostile inputs
    /// of issue 17 (and the same multiple when they double), whatever their nesting or key lengths.
    @Test(arguments: [8_000, 16_000])
    func workIsLinearInTheDocument(size: Int) throws {
        let nested =
            String(repeating: "[", count: size) + Array(repeating: "1", count: size).joined(separator: ",")
            + String(repeating: "]", count: size)
        let key = String(repeating: "k", count: 4 * size)
        let numbers = Array(repeating: "0.5", count: size).joined(separator: ",")
        let longKey = #"{"\#(key)": [\#(numbers)], "flows": [{"amount": 1e999}], "termMonths": 12}"#
        let manyKeys = "{" + (0..<size).map { #""k\#($0)": 1"# }.joined(separator: ",") + #", "k0": 2}"#
        for document in [nested, longKey, manyKeys] {
            let data = Data(document.utf8)
            var work = StrictJSON.Work()
            do {
                _ = try JSONInput.decode(Sample.self, from: data, source: "doc.json", work: &work)
                Issue.record("accepted: \(document.prefix(80))")
            } catch {
                #expect(error.description.count < 500, "\(error.description.prefix(600))")
            }
            #expect(work.steps <= 4 * data.count + 64, "\(work.steps) steps for \(data.count) bytes")
            #expect(work.steps > 0)
        }
    }

    /// Mutated documents (a fixed seed): the strict reading never accepts what Foundation's parser refuses, and every
    /// refusal is placed within the document.
    @Test func mutatedDocumentsAreReadOrPlaced() throws {
        struct SplitMix: RandomNumberGenerator {
            var state: UInt64
            mutating func next() -> UInt64 {
                state &+= 0x9E37_79B9_7F4A_7C15
                var z = state
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                return z ^ (z >> 31)
            }
        }
        var random = SplitMix(state: 17)
        let seed = Array(
            #"{"termMonths": 12, "rate": -1.5e-3, "flows": [{"amount": 10}, {"amount": 0.25}], "x": ["\u00e9\n", true, null, {}]}"#
                .utf8
        )
        let pieces = Array(#"{}[],:"\-+.0123456789eEtfnul \#n\#t"#.utf8) + [0x00, 0x1B, 0xC3, 0xA9, 0xED, 0xFF]
        for _ in 0..<3_000 {
            var bytes = seed
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let position = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[position] = pieces.randomElement(using: &random) ?? 0
                case 1: bytes.insert(pieces.randomElement(using: &random) ?? 0, at: position)
                default: if bytes.count > 1 { bytes.remove(at: position) }
                }
            }
            let data = Data(bytes)
            var work = StrictJSON.Work()
            if StrictJSON.validate(data, work: &work) == nil {
                #expect(
                    (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) != nil,
                    "accepted, but Foundation refuses: \(String(decoding: data, as: UTF8.self).debugDescription)"
                )
            }
            #expect(work.steps <= 4 * data.count + 64)
            do {
                _ = try JSONInput.decode(Sample.self, from: data, source: "doc.json")
            } catch {
                let lines = bytes.count { $0 == UInt8(ascii: "\n") } + 1
                #expect(!error.path.isEmpty && !error.message.isEmpty)
                #expect((error.line == nil) == (error.column == nil))
                #expect((error.line ?? 1) >= 1 && (error.line ?? 1) <= lines && (error.column ?? 1) >= 1, "\(error)")
            }
        }
    }

    @Test func valueRangesAreFoundByPath() throws {
        let data = Data(#"{"a": [1, {"b": "x]", "c": [2, 3]}], "d\u0022": 4}"#.utf8)
        var work = StrictJSON.Work()
        func text(_ path: [JSONPathComponent]) -> String? {
            StrictJSON.range(of: path, in: data, work: &work).map { String(decoding: data[$0], as: UTF8.self) }
        }
        #expect(text([.key("a"), .index(1), .key("c"), .index(1)]) == "3")
        #expect(text([.key("a"), .index(1), .key("b")]) == #""x]""#)
        #expect(text([.key("d\"")]) == "4")
        #expect(text([.key("a"), .index(2)]) == nil)
        #expect(text([.key("z")]) == nil)
    }
}
