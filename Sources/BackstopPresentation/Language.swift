/// A language Backstop speaks: Simplified Chinese or English.
public enum Language: String, Sendable, Hashable, CaseIterable {
    /// Simplified Chinese (简体中文).
    case zh
    /// English.
    case en

    /// The BCP 47 tag an answer is labelled with (`Content-Language`).
    public var tag: String {
        switch self {
        case .zh: "zh-Hans"
        case .en: "en"
        }
    }

    /// The values `--lang` and `?lang=` accept, for error messages: `zh, en`.
    public static let supportedValues = allCases.map(\.rawValue).joined(separator: ", ")

    /// Reads a language tag leniently (`zh`, `zh-Hans`, `zh-CN`, `zh_CN.UTF-8`, `en`, `en-GB`); nil for anything
    /// else. Traditional Chinese tags (`zh-Hant`, `zh-TW`, `zh-HK`) are not Simplified Chinese and give nil.
    public init?(tag: String) {
        let lowered = tag.lowercased().split(separator: ".").first.map(String.init) ?? ""
        let parts = lowered.split(whereSeparator: { $0 == "-" || $0 == "_" }).map(String.init)
        guard let primary = parts.first else { return nil }
        switch primary {
        case "en": self = .en
        case "zh":
            if parts.dropFirst().contains(where: { ["hant", "tw", "hk", "mo"].contains($0) }) { return nil }
            self = .zh
        default: return nil
        }
    }

    /// The language of the process's locale: the first of `LC_ALL`, `LC_MESSAGES`, `LANG` that is set and not
    /// empty decides; zh for `zh_*` (Simplified), English otherwise.
    public static func fromEnvironment(_ environment: [String: String]) -> Language {
        for name in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            guard let value = environment[name], !value.isEmpty else { continue }
            return Language(tag: value) == .zh ? .zh : .en
        }
        return .en
    }

    /// The best language for an `Accept-Language` header (RFC 9110 §12.5.4: q-values honoured, `q=0` refuses, `*`
    /// matches anything). Nil when nothing in it is supported, so the caller falls back to English and says so.
    public static func negotiate(acceptLanguage header: String) -> Language? {
        var best: (language: Language, quality: Double, order: Int)?
        for (order, item) in header.split(separator: ",").enumerated() {
            let pieces = item.split(separator: ";").map { $0.trimmingCharacters(in: " \t") }
            guard let range = pieces.first, !range.isEmpty else { continue }
            var quality = 1.0
            for parameter in pieces.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: " \t") }
                if pair.count == 2, pair[0].lowercased() == "q" {
                    quality = Double(pair[1]).map { min(max($0, 0), 1) } ?? 0
                }
            }
            guard quality > 0 else { continue }
            let language: Language? = range == "*" ? .en : Language(tag: range)
            guard let language else { continue }
            if best.map({ quality > $0.quality }) ?? true { best = (language, quality, order) }
        }
        return best?.language
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var text = self
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return String(text)
    }
}
