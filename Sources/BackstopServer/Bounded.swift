import Backstop
import Logging

/// The bounds on what the service sends back or logs about its input (docs/security.md, "What comes back").
enum Bounded {
    /// Characters of one message, path or catalog issue before it is cut.
    static let messageCharacters = 300
    /// Catalog issues listed in a refused reload's 422 answer and logged for it; the rest are counted.
    static let listedIssues = 20

    /// `text` with control and format characters escaped (`\u{1B}`), cut to ``messageCharacters`` characters with a
    /// note of the full length: a message that echoes a value never brings back a megabyte or an escape sequence.
    static func printable(_ text: String) -> String {
        var escaped = ""
        var characters = 0
        var cut = false
        for scalar in text.unicodeScalars {
            let piece: String
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator:
                piece = "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default:
                piece = String(scalar)
            }
            if characters + piece.count > messageCharacters {
                cut = true
                break
            }
            escaped += piece
            characters += piece.count
        }
        guard cut else { return escaped }
        return escaped + "… (cut: \(text.unicodeScalars.count) characters in all)"
    }

    /// The first ``listedIssues`` issues, each printable, and how many were left out.
    static func issues(_ error: CatalogError) -> (listed: [String], omitted: Int) {
        let listed = error.issues.prefix(listedIssues).map { printable($0.description) }
        return (Array(listed), error.issues.count - listed.count)
    }

    /// Logs a refused catalog load: one line with the count, at most ``listedIssues`` lines of issues, and one line
    /// counting the issues left out.
    static func logRefusal(_ error: CatalogError, logger: Logger) {
        let (listed, omitted) = issues(error)
        logger.error(
            "catalog reload refused; the last good catalog keeps serving",
            metadata: ["issues": "\(error.issues.count)"]
        )
        for issue in listed { logger.error("catalog issue", metadata: ["issue": "\(issue)"]) }
        if omitted > 0 {
            logger.error(
                "more catalog issues not logged",
                metadata: ["issues.omitted": "\(omitted)", "hint": "backstop providers validate lists them all"]
            )
        }
    }
}
