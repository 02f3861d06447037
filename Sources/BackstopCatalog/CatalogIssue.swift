/// One problem in a catalog file: where it is and which rule it breaks.
///
/// `providers/acme.xml:14:7: [schema] Element 'limits', attribute 'min': 'abc' is not a valid value of the atomic type 'Yuan'.`
public struct CatalogIssue: Error, Hashable, Sendable, Codable, CustomStringConvertible {
    /// Which family of rule was broken.
    public enum Rule: String, Hashable, Sendable, Codable {
        /// Not well-formed XML (libxml2's parser).
        case syntax
        /// Refused for safety: DOCTYPE, entity, processing instruction, too large or too deep.
        case security
        /// Not valid against providers/schema/provider-1.xsd.
        case schema
        /// Valid XML but inconsistent (rules L1–L12 of the schema header, e.g. min > max).
        case semantic
        /// The file could not be read.
        case io
        /// A catalog-wide rule: duplicate ids across files.
        case catalog
    }

    public let file: String
    /// 1-based; nil when not known.
    public let line: Int?
    /// 1-based; nil when not known (schema errors only know the line).
    public let column: Int?
    public let rule: Rule
    public let message: String

    public init(file: String, line: Int?, column: Int?, rule: Rule, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.rule = rule
        self.message = message
    }

    public var description: String {
        var place = file
        if let line {
            place += ":\(line)"
            if let column { place += ":\(column)" }
        }
        return "\(place): [\(rule.rawValue)] \(message)"
    }
}

/// A catalog that could not be loaded: every issue of every broken file.
///
/// A load lists a bounded number of issues (``CatalogLoader/maxReportedIssues``): past it, the last issue says how
/// many more there were, and ``omittedIssueCount`` counts them.
public struct CatalogError: Error, Sendable, CustomStringConvertible {
    public let issues: [CatalogIssue]
    /// Issues found but not listed.
    public let omittedIssueCount: Int

    /// Files with issues, listed or not.
    private let fileCount: Int

    public init(issues: [CatalogIssue]) { self.init(issues: issues, omitted: 0, files: Set(issues.map(\.file)).count) }

    private init(issues: [CatalogIssue], omitted: Int, files: Int) {
        self.issues = issues
        omittedIssueCount = omitted
        fileCount = files
    }

    /// Keeps the first `limit` issues and adds one saying how many more there were (when there were more).
    public init(issues: [CatalogIssue], reportingAtMost limit: Int) {
        guard issues.count > limit else {
            self.init(issues: issues)
            return
        }
        let omitted = issues.count - max(0, limit)
        let files = Set(issues.dropFirst(max(0, limit)).map(\.file)).count
        let kept =
            Array(issues.prefix(max(0, limit))) + [
                CatalogIssue(
                    file: issues[max(0, limit)].file,
                    line: nil,
                    column: nil,
                    rule: .catalog,
                    message: "… and \(omitted) more issue(s) in \(files) file(s), not listed"
                )
            ]
        self.init(issues: kept, omitted: omitted, files: Set(issues.map(\.file)).count)
    }

    public var description: String {
        let listed = omittedIssueCount > 0 ? issues.count - 1 : issues.count
        let first = omittedIssueCount > 0 ? ", the first \(listed) listed" : ""
        return "catalog refused: \(listed + omittedIssueCount) issue(s) in \(fileCount) file(s)\(first)\n"
            + issues.map { "  " + $0.description }.joined(separator: "\n")
    }
}
