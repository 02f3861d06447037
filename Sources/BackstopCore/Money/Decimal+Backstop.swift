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

    /// `numerator / denominator` rounded half-up to `scale` decimals, computed in integers (no `Decimal` division,
    /// which allocates): for ratios such as a rule's margin. Zero for a zero denominator.
    package static func ratio(_ numerator: Int64, _ denominator: Int64, scale: Int = 6) -> Decimal {
        guard denominator != 0 else { return 0 }
        var power: Int128 = 1
        for _ in 0..<scale { power *= 10 }
        let scaled = Int128(numerator) * power
        let divisor = Int128(denominator)
        var (quotient, remainder) = scaled.quotientAndRemainder(dividingBy: divisor)
        if remainder.magnitude * 2 >= divisor.magnitude {
            quotient += (scaled < 0) != (divisor < 0) ? -1 : 1
        }
        return Decimal(
            sign: quotient < 0 ? .minus : .plus,
            exponent: -scale,
            significand: Decimal(UInt64(clamping: quotient.magnitude))
        )
    }

    /// This value times 10^`power`, exactly, by moving the decimal point (no arithmetic).
    package func shifted(byPowersOfTen power: Int) -> Decimal {
        guard isFinite, !isZero else { return self }
        return Decimal(sign: sign, exponent: exponent + power, significand: significand)
    }

    /// A `Double` for the numerical solver only; amounts themselves are never stored as binary floats.
    var doubleValue: Double { NSDecimalNumber(decimal: self).doubleValue }

    /// Parses a plain decimal number (`-12`, `0.05`; `1e3`, `.5` with no digit before the point, and `1,5` are refused),
    /// returning nil for anything else. Exact: built from the digits, never through a binary float; a number with more
    /// significant digits than a `Decimal` holds (38) is refused rather than rounded.
    package static func parseStrict(_ text: String) -> Decimal? {
        var negative = false
        var significand: UInt64 = 0
        var digits = 0
        var fractionDigits = 0
        var sawDot = false
        var sawDigit = false
        var first = true
        // Positions of the first and last nonzero digit, for numbers too long for the UInt64 fast path.
        var position = 0
        var firstNonzero: Int?
        var lastNonzero = 0
        for byte in text.utf8 {
            defer { first = false }
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                sawDigit = true
                position += 1
                if byte != UInt8(ascii: "0") {
                    if firstNonzero == nil { firstNonzero = position }
                    lastNonzero = position
                }
                if significand == 0 && byte == UInt8(ascii: "0") && !sawDot { continue }
                digits += 1
                // Past 18 digits the whole text is still checked here; Foundation reads the value below.
                guard digits <= 18 else { continue }
                significand = significand * 10 + UInt64(byte - UInt8(ascii: "0"))
                if sawDot { fractionDigits += 1 }
            case UInt8(ascii: "."):
                guard !sawDot, sawDigit else { return nil }
                sawDot = true
            case UInt8(ascii: "-"), UInt8(ascii: "+"):
                guard first else { return nil }
                negative = byte == UInt8(ascii: "-")
            default:
                return nil
            }
        }
        guard sawDigit else { return nil }
        if digits > 18 {
            // Foundation's parser reads the longest numeric prefix (exponents included) and rounds past 38 digits,
            // so it only ever sees text checked above, and only when every significant digit fits.
            guard let firstNonzero else { return 0 }
            guard lastNonzero - firstNonzero < 38 else { return nil }
            return slowParse(text)
        }
        let value = Decimal(
            sign: negative ? .minus : .plus,
            exponent: -fractionDigits,
            significand: Decimal(significand)
        )
        return value
    }

    /// Long numbers (more than 18 significant digits) go through Foundation's exact decimal parser.
    private static func slowParse(_ text: String) -> Decimal? {
        guard let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")), value.isFinite else {
            return nil
        }
        return value
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
