import BackstopCatalog
import Foundation
import Testing

/// The loader's own refusals (DOCTYPE, processing instruction, depth) name the line and column where the refused
/// construct starts, in characters, whatever spans lines, repeats its marker or comes before it; through the public
/// in-memory check, on a small valid provider with one construct added. Several cases put non-ASCII text between the
/// line's start and the construct, or inside it, so that a count in bytes would fail them.
struct RefusalPlaceTests {
    /// The file name the provider's id asks for.
    static let file = "processing-instruction-in-element.xml"

    /// A valid provider: the hostile fixture with its processing instruction taken out.
    static func validProvider() throws -> String {
        let directory = try #require(HostileFixtures.directory)
        let text = try String(
            contentsOf: directory.appendingPathComponent(file),
            encoding: .utf8
        )
        return text.replacingOccurrences(of: "<?php system(\"id\"); ?>", with: "")
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        /// Text replaced in the valid provider, and what replaces it.
        let replacing: String
        let with: String
        let line: Int
        let column: Int
        let message: String
        var encoding: String.Encoding = .utf8
        /// A second replacement, where one place is not enough.
        var secondReplacing: String? = nil
        var secondWith: String? = nil
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "a DOCTYPE indented and spread over three lines",
            replacing: "?>\n<provider",
            with: "?>\n  <!DOCTYPE provider\n    SYSTEM\n    \"http://127.0.0.1:9/p.dtd\">\n<provider",
            line: 2,
            column: 3,
            message: "DOCTYPE declarations are not allowed"
        ),
        Case(
            name: "a DOCTYPE with an internal subset declaring an entity",
            replacing: "?>\n<provider",
            with: "?><!DOCTYPE provider [\n<!ENTITY e \"x\">\n]>\n<provider",
            line: 1,
            column: 39,
            message: "DOCTYPE declarations are not allowed"
        ),
        Case(
            name: "a processing instruction after Chinese text, counted in characters",
            replacing: "<name lang=\"zh\">测试</name>",
            with: "<name lang=\"zh\">测试<?php x ?></name>",
            line: 4,
            column: 21,
            message: "processing instructions are not allowed (found <?php …?>)"
        ),
        Case(
            name: "a processing instruction whose data repeats its target",
            replacing: "<operator>Nobody</operator>",
            with: "<operator>Nobody<?php echo '<?php <?php'; ?></operator>",
            line: 5,
            column: 19,
            message: "processing instructions are not allowed (found <?php …?>)"
        ),
        Case(
            name: "a processing instruction spread over lines",
            replacing: "<operator>Nobody</operator>",
            with: "<operator>Nobody<?php\n\n  echo 1;\n?></operator>",
            line: 5,
            column: 19,
            message: "processing instructions are not allowed (found <?php …?>)"
        ),
        Case(
            name: "a processing instruction on a CRLF line",
            replacing: "\n  <operator>Nobody</operator>\n",
            with: "\r\n  <operator>Nobody</operator><?x?>\r\n",
            line: 5,
            column: 30,
            message: "processing instructions are not allowed (found <?x …?>)"
        ),
        Case(
            name: "the 17th nested element, its start tag spread over lines with a > in an attribute",
            replacing: "<purpose>cash</purpose>",
            with: "<purpose>cash</purpose>" + String(repeating: "<a>", count: 14) + "<b\n  t=\"1>2\"\n/>"
                + String(repeating: "</a>", count: 14),
            line: 10,
            column: 70,
            message: "elements are nested 17 deep, over the limit of 16"
        ),
        Case(
            name: "a processing instruction spread over lines after Chinese text",
            replacing: "<name lang=\"zh\">测试</name>",
            with: "<name lang=\"zh\">测试<?php\n  测试\n?></name>",
            line: 4,
            column: 21,
            message: "processing instructions are not allowed (found <?php …?>)"
        ),
        Case(
            name: "a processing instruction spread over CRLF lines",
            replacing: "<operator>Nobody</operator>",
            with: "<operator>Nobody<?php\r\n  x\r\r\n?></operator>",
            line: 5,
            column: 19,
            message: "processing instructions are not allowed (found <?php …?>)"
        ),
        Case(
            name: "a processing instruction after a comment holding its target",
            replacing: "<operator>Nobody</operator>",
            with: "<operator>Nobody<!-- <?php --><?php x ?></operator>",
            line: 5,
            column: 33,
            message: "processing instructions are not allowed (found <?php …?>)"
        ),
        Case(
            name: "a processing instruction after an end tag with non-ASCII letters",
            replacing: "<operator>Nobody</operator>",
            with: "<operator>Nobody</operator><größe></größe><?php x?>",
            line: 5,
            column: 45,
            message: "processing instructions are not allowed (found <?php …?>)"
        ),
        Case(
            name: "a DOCTYPE whose system literal holds <!DOCTYPE",
            replacing: "?>\n<provider",
            with: "?>\n<!DOCTYPE provider SYSTEM \"x<!DOCTYPE\">\n<provider",
            line: 2,
            column: 1,
            message: "DOCTYPE declarations are not allowed"
        ),
        Case(
            name: "a DOCTYPE with a public id, its literals on two lines",
            replacing: "?>\n<provider",
            with:
                "?>\n <!DOCTYPE provider PUBLIC '-//Evil//DTD x//EN'\n\t\"http://127.0.0.1:9/<!DOCTYPE.dtd\" >\n<provider",
            line: 2,
            column: 2,
            message: "DOCTYPE declarations are not allowed"
        ),
        Case(
            name: "a processing instruction spread over lines after Chinese text in UTF-16LE",
            replacing: "<name lang=\"zh\">测试</name>",
            with: "<name lang=\"zh\">测试测试<?php\n 测试 ?></name>",
            line: 4,
            column: 23,
            message: "processing instructions are not allowed (found <?php …?>)",
            encoding: .utf16LittleEndian
        ),
        Case(
            name: "a processing instruction on the first line, after an end tag with non-ASCII letters",
            replacing: "?>\n<provider",
            with: "?><größe></größe><?php x?>\n<provider",
            line: 1,
            column: 54,
            message: "processing instructions are not allowed (found <?php …?>)"
        ),
        Case(
            name: "a processing instruction on the first line after a byte order mark, spread over lines",
            replacing: "<?xml",
            with: "\u{FEFF}<?xml",
            line: 1,
            column: 39,
            message: "processing instructions are not allowed (found <?php …?>)",
            secondReplacing: "?>\n<provider",
            secondWith: "?><?php\n\n?>\n<provider"
        ),
        Case(
            name: "a processing instruction holding and following characters outside the BMP",
            replacing: "<operator>Nobody</operator>",
            with: "<operator>😀𝄞<?php 😀 ?></operator>",
            line: 5,
            column: 15,
            message: "processing instructions are not allowed (found <?php …?>)"
        ),
        Case(
            name: "a DOCTYPE naming a non-ASCII root",
            replacing: "?>\n<provider",
            with: "?>\n<!DOCTYPE 供应商 SYSTEM 'x'>\n<provider",
            line: 2,
            column: 1,
            message: "DOCTYPE declarations are not allowed (found <!DOCTYPE 供应商 …>)"
        ),
        Case(
            name: "a long processing instruction near the end, whose start libxml2 has dropped from its buffer",
            replacing: "</notes>\n</provider>",
            with: "</notes><?php\n" + String(repeating: "x", count: 300) + "\n?>\n</provider>",
            line: 31,
            column: 51,
            message: "processing instructions are not allowed (found <?php …?>)"
        ),
        Case(
            name: "a processing instruction after Chinese text in UTF-16LE",
            replacing: "<name lang=\"zh\">测试</name>",
            with: "<name lang=\"zh\">测试测试<?php x ?></name>",
            line: 4,
            column: 23,
            message: "processing instructions are not allowed (found <?php …?>)",
            encoding: .utf16LittleEndian
        ),
    ]

    @Test func theBaseDocumentIsValid() throws {
        let check = CatalogLoader().check(
            data: Data(try Self.validProvider().utf8),
            file: Self.file,
            schema: try .shipped()
        )
        #expect(check.issues.isEmpty, "\(check.issues)")
        #expect(check.provider != nil)
    }

    @Test(arguments: cases)
    func theRefusalNamesWhereTheConstructStarts(_ example: Case) throws {
        var text = try Self.validProvider()
        try #require(text.contains(example.replacing), "the base document has no \(example.replacing)")
        text = text.replacingOccurrences(of: example.replacing, with: example.with)
        if let second = example.secondReplacing, let with = example.secondWith {
            try #require(text.contains(second), "the base document has no \(second)")
            text = text.replacingOccurrences(of: second, with: with)
        }
        if example.encoding == .utf16LittleEndian {
            text = text.replacingOccurrences(of: "encoding=\"UTF-8\"", with: "encoding=\"UTF-16\"")
        }
        let data = try #require(text.data(using: example.encoding))
        let check = CatalogLoader().check(data: data, file: Self.file, schema: try .shipped())
        let issue = try #require(check.issues.first, "refused")
        #expect(check.provider == nil)
        #expect(issue.rule == .security, "\(issue)")
        #expect(issue.message.contains(example.message), "\(issue)")
        #expect(issue.line == example.line, "\(issue)")
        #expect(issue.column == example.column, "\(issue)")
        #expect(issue.description.hasPrefix("\(Self.file):\(example.line):\(example.column): [security] "))
    }
}
