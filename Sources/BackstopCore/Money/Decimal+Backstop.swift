public import Foundation

extension Decimal {
    /// Rounds half-up (a tie goes away from zero) to `scale` decimal places: the rounding of a fen.
    public func roundedHalfUp(scale: Int) -> Decimal {
        var value = self
        var result = Decimal()
        NSDecimalRound(&result, &value, scale, .plain)
        return result
    }

    /// The value as an `Int64` when it is an integer that fits, otherwise nil.
    var exactInt64: Int64? {
        guard self == self.roundedHalfUp(scale: 0) else { return nil }
        guard self <= Decimal(Int64.max), self >= Decimal(Int64.min) else { return nil }
        return Int64(truncating: NSDecimalNumber(decimal: self))
    }

    /// A `Double` for the numerical solver only; amounts themselves are never stored as binary floats.
    var doubleValue: Double { NSDecimalNumber(decimal: self).doubleValue }

    /// Parses a plain decimal number (`-12`, `0.05`, `1e3` is refused), returning nil for anything else.
    package static func parseStrict(_ text: String) -> Decimal? {
        var sawDigit = false
        var sawDot = false
        for (index, character) in text.enumerated() {
            switch character {
            case "0"..."9": sawDigit = true
            case ".":
                if sawDot { return nil }
                sawDot = true
            case "-", "+":
                if index != 0 { return nil }
            default: return nil
            }
        }
        guard sawDigit else { return nil }
        return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
    }

    /// Parses a plain decimal or an exact fraction `a/b` (`546/365`) of plain decimals.
    package static func parseRational(_ text: String) -> Decimal? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        switch parts.count {
        case 1: return parseStrict(trimmed)
        case 2:
            guard let numerator = parseStrict(parts[0].trimmingCharacters(in: .whitespaces)),
                let denominator = parseStrict(parts[1].trimmingCharacters(in: .whitespaces)), !denominator.isZero
            else { return nil }
            return numerator / denominator
        default: return nil
        }
    }

    /// Plain text without exponent, at most `maxScale` decimals, trailing zeros trimmed.
    func plainText(maxScale: Int) -> String {
        let rounded = self.roundedHalfUp(scale: maxScale)
        return rounded.description
    }
}
