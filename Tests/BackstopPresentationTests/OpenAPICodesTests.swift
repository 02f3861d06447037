import BackstopCore
import Foundation
import Testing

/// docs/openapi.yaml lists every code the wire format carries; the code and the spec agree in both directions.
struct OpenAPICodesTests {
    static let spec = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/openapi.yaml")

    /// The values of `components.schemas.NAME.enum`, written as a block list (`- "value"`) or inline (`[a, b]`).
    static func enumValues(_ schema: String) throws -> [String] {
        let lines = try String(contentsOf: spec, encoding: .utf8).split(
            separator: "\n",
            omittingEmptySubsequences: false
        )
        guard let start = lines.firstIndex(of: Substring("    \(schema):")) else {
            throw SpecError(message: "no schema \(schema) in docs/openapi.yaml")
        }
        var values: [String] = []
        var inEnum = false
        for line in lines[(start + 1)...] {
            if line.hasPrefix("    ") && !line.hasPrefix("     ") { break }  // the next schema
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("enum: [") {
                return trimmed.dropFirst(7).dropLast().split(separator: ",").map {
                    $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                }
            }
            if trimmed == "enum:" {
                inEnum = true
            } else if inEnum, trimmed.hasPrefix("- ") {
                values.append(String(trimmed.dropFirst(2)).trimmingCharacters(in: CharacterSet(charactersIn: "\"")))
            } else if inEnum {
                break
            }
        }
        return values
    }

    struct SpecError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    static func expectSame(_ schema: String, _ code: [String]) throws {
        let documented = try enumValues(schema)
        #expect(Set(code).subtracting(documented).sorted() == [], "\(schema): in the code, not in docs/openapi.yaml")
        #expect(Set(documented).subtracting(code).sorted() == [], "\(schema): in docs/openapi.yaml, not in the code")
        #expect(documented.count == Set(documented).count, "\(schema): listed twice")
    }

    @Test func everyFactCodeIsDocumented() throws {
        try Self.expectSame("FactCode", FactCode.allCases.map(\.rawValue))
    }

    @Test func everyWarningCodeIsDocumented() throws {
        try Self.expectSame("WarningCode", FactCode.codes(in: .warning).map(\.rawValue))
    }

    @Test func everyLegalityCodeIsDocumented() throws {
        try Self.expectSame("LegalityCode", FactCode.codes(in: .legality).map(\.rawValue))
    }

    @Test func everyRuleAndProfileFieldIsDocumented() throws {
        try Self.expectSame("RuleName", RuleID.allCases.map(\.rawValue))
        try Self.expectSame("ProfileField", ProfileField.allCases.map(\.rawValue))
    }

    @Test func theOtherWireEnumsAgreeToo() throws {
        try Self.expectSame("ClosureReason", ClosureReason.allCases.map(\.rawValue))
        try Self.expectSame("LicenceKind", LicenceKind.allCases.map(\.rawValue))
        try Self.expectSame("ServiceState", ServiceState.allCases.map(\.rawValue))
        try Self.expectSame("Likelihood", Likelihood.allCases.map(\.rawValue))
    }

    /// The parser itself: a schema that is not there is an error, not an empty list that would agree with nothing.
    @Test func aMissingSchemaIsAnError() {
        #expect(throws: SpecError.self) { try Self.enumValues("NoSuchSchema") }
    }
}
