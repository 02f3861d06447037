import BackstopCore
public import Foundation

/// Rewrites a version-1 provider file as version 2 (`backstop providers migrate`), keeping its text, comments and
/// layout: the namespace and `schemaVersion` change, `interestFreeDays` moves after `interest`, and version 1's
/// `installmentFee`, `upfrontFee` and `membershipFee` become `fee` elements (docs/provider-xml.md §14.9). A
/// version-2 file is returned unchanged, so migrating twice is migrating once.
///
/// Safety: the input must load as a valid provider, and the output must load as the **same** provider (every
/// field but its origin), or nothing is written.
public struct ProviderMigration: Sendable {
    public let loader: CatalogLoader
    public let schema: ProviderSchema

    public init(loader: CatalogLoader = CatalogLoader(), schema: ProviderSchema) {
        self.loader = loader
        self.schema = schema
    }

    /// The outcome of migrating one file.
    public struct Outcome: Sendable {
        public let file: String
        /// The version-2 text (the input itself when it was already version 2).
        public let data: Data
        /// Whether the input was version 1.
        public let changed: Bool
    }

    /// Migrates one document.
    /// - Throws: ``CatalogError`` when the input is not a valid provider, or the output would not load as the same
    ///   provider.
    public func migrate(data: Data, file: String) throws(CatalogError) -> Outcome {
        let before = loader.check(data: data, file: file, schema: schema)
        guard let original = before.provider, before.issues.isEmpty else {
            throw CatalogError(issues: before.issues)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw Self.refusal(file, "the file is not UTF-8 text; migrate reads UTF-8 files only")
        }
        guard let root = Self.rootTag(in: text), text[root].contains("urn:backstop:provider:1") else {
            return Outcome(file: file, data: data, changed: false)
        }
        let migrated = Data(Self.rewrite(text).utf8)
        let after = loader.check(data: migrated, file: file, schema: schema)
        guard let result = after.provider, after.issues.isEmpty else {
            throw CatalogError(
                issues: after.issues.map {
                    CatalogIssue(
                        file: $0.file,
                        line: $0.line,
                        column: $0.column,
                        rule: $0.rule,
                        message: "after migration: " + $0.message
                    )
                }
            )
        }
        var same = result
        same.origin = original.origin
        guard same == original else {
            throw Self.refusal(file, "the migrated file would not load as the same provider; nothing was written")
        }
        return Outcome(file: file, data: migrated, changed: true)
    }

    static func refusal(_ file: String, _ message: String) -> CatalogError {
        CatalogError(issues: [CatalogIssue(file: file, line: nil, column: nil, rule: .semantic, message: message)])
    }

    // MARK: Text rewriting (on a file already known to be a valid version-1 provider)

    static func rewrite(_ text: String) -> String {
        var out = text
        // The root element's start tag only (comments before it may quote the version-1 namespace).
        if let root = rootTag(in: out) {
            var tag = String(out[root]).replacingOccurrences(
                of: "urn:backstop:provider:1",
                with: "urn:backstop:provider:2"
            )
            if let range = tag.range(of: #"schemaVersion\s*=\s*["']1["']"#, options: .regularExpression) {
                tag.replaceSubrange(range, with: "schemaVersion=\"2\"")
            }
            out.replaceSubrange(root, with: tag)
        }
        out = moveInterestFreeDays(out)
        out = replaceElement("installmentFee", in: out) { attributes in
            let per = attributes["basis"] == "total" ? "term" : "month"
            return [
                ("kind", "installment"), ("basis", "original-principal"), ("per", per),
                ("minPercent", attributes["minPercent"] ?? "0"), ("maxPercent", attributes["maxPercent"] ?? "0"),
                ("mandatory", "true"), ("status", "published"), ("source", attributes["source"] ?? ""),
            ]
        }
        out = replaceElement("upfrontFee", in: out) { attributes in
            let figure: [(String, String)] =
                attributes["percent"].map { [("basis", "original-principal"), ("per", "once"), ("percent", $0)] }
                ?? [("basis", "fixed"), ("per", "once"), ("amount", attributes["amount"] ?? "0")]
            return [("kind", "upfront")] + figure + [
                ("mandatory", "true"), ("status", "published"), ("source", attributes["source"] ?? ""),
            ]
        }
        out = replaceElement("membershipFee", in: out) { attributes in
            [
                ("kind", "membership"), ("basis", "fixed"), ("per", "month"), ("amount", attributes["monthly"] ?? "0"),
                ("mandatory", "true"), ("status", "published"), ("source", attributes["source"] ?? ""),
            ]
        }
        return out
    }

    /// The range of the root element's start tag: the first `<` that opens neither a declaration, a processing
    /// instruction nor a comment, up to its `>` (attribute values of a valid file hold no `>`).
    static func rootTag(in text: String) -> Range<String.Index>? {
        var index = text.startIndex
        while let open = text[index...].firstIndex(of: "<") {
            let rest = text[open...]
            if rest.hasPrefix("<!--") {
                guard let end = rest.range(of: "-->") else { return nil }
                index = end.upperBound
            } else if rest.hasPrefix("<?") || rest.hasPrefix("<!") {
                guard let end = rest.firstIndex(of: ">") else { return nil }
                index = text.index(after: end)
            } else {
                guard let end = rest.firstIndex(of: ">") else { return nil }
                return open..<text.index(after: end)
            }
        }
        return nil
    }

    /// The pattern of an empty element `<name …/>` or `<name …></name>`, with an optional prefix (group 1) and its
    /// attributes (group 2).
    static func pattern(_ name: String) -> String {
        #"<((?:[A-Za-z_][\w.-]*:)?)"# + name + #"\b([^<>]*?)(?:/>|>\s*</\1"# + name + #"\s*>)"#
    }

    static func attributes(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        let regex = try? NSRegularExpression(pattern: #"([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')"#)
        let range = NSRange(text.startIndex..., in: text)
        for match in regex?.matches(in: text, range: range) ?? [] {
            guard let name = Range(match.range(at: 1), in: text) else { continue }
            let value = Range(match.range(at: 2), in: text) ?? Range(match.range(at: 3), in: text)
            result[String(text[name])] = value.map { String(text[$0]) } ?? ""
        }
        return result
    }

    static func replaceElement(
        _ name: String,
        in text: String,
        _ fee: ([String: String]) -> [(String, String)]
    ) -> String {
        guard let regex = try? NSRegularExpression(pattern: pattern(name)) else { return text }
        var out = text
        // From the end, so earlier ranges stay valid.
        for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).reversed() {
            guard let whole = Range(match.range, in: out), let prefix = Range(match.range(at: 1), in: out),
                let body = Range(match.range(at: 2), in: out)
            else { continue }
            let attributes = fee(attributes(String(out[body])))
            let rendered = attributes.map { "\($0.0)=\"\($0.1)\"" }.joined(separator: " ")
            out.replaceSubrange(whole, with: "<\(out[prefix])fee \(rendered)/>")
        }
        return out
    }

    /// Moves each `<interestFreeDays …/>` (with the line it sits on) to just after the `<interest …/>` of its price
    /// list, price list by price list.
    static func moveInterestFreeDays(_ text: String) -> String {
        guard
            let block = try? NSRegularExpression(
                pattern: #"<((?:[A-Za-z_][\w.-]*:)?)pricing\b[^<>]*>(.*?)</\1pricing\s*>"#,
                options: .dotMatchesLineSeparators
            ),
            let free = try? NSRegularExpression(pattern: #"\n?[ \t]*"# + pattern("interestFreeDays")),
            let interest = try? NSRegularExpression(pattern: pattern("interest"))
        else { return text }
        var out = text
        for match in block.matches(in: text, range: NSRange(text.startIndex..., in: text)).reversed() {
            guard let bodyRange = Range(match.range(at: 2), in: out) else { continue }
            var body = String(out[bodyRange])
            let all = NSRange(body.startIndex..., in: body)
            guard let element = free.firstMatch(in: body, range: all), let removed = Range(element.range, in: body)
            else { continue }
            let moved = String(body[removed])
            body.removeSubrange(removed)
            guard let target = interest.firstMatch(in: body, range: NSRange(body.startIndex..., in: body)),
                let end = Range(target.range, in: body)?.upperBound
            else { continue }
            body.insert(contentsOf: moved.hasPrefix("\n") ? moved : "\n" + moved, at: end)
            out.replaceSubrange(bodyRange, with: body)
        }
        return out
    }
}
