public import Foundation

/// An ISO 4217 currency with the number of minor units it is counted in.
///
/// Backstop prices Chinese products, so ``cny`` (two minor units, 分) is the default everywhere an
/// amount is created without a currency.
public struct Currency: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The ISO 4217 code, e.g. `CNY`.
    public let code: String
    /// How many decimal places one major unit is divided into (2 for CNY: 1 yuan = 100 fen).
    public let minorUnitDigits: Int

    /// Creates a currency.
    /// - Parameters:
    ///   - code: the ISO 4217 code.
    ///   - minorUnitDigits: decimal places of the minor unit (0...4).
    public init(code: String, minorUnitDigits: Int = 2) {
        self.code = code
        self.minorUnitDigits = max(0, min(4, minorUnitDigits))
    }

    /// Chinese yuan renminbi, counted in fen.
    public static let cny = Currency(code: "CNY", minorUnitDigits: 2)

    public var description: String { code }

    /// Minor units in one major unit (100 for CNY).
    public var minorPerMajor: Int64 {
        var result: Int64 = 1
        for _ in 0..<minorUnitDigits { result *= 10 }
        return result
    }
}

/// An exact amount of money, stored as an integer number of minor units (fen for CNY).
///
/// `Money` never passes through binary floating point. Arithmetic between two amounts requires the
/// same currency; mixing currencies is a programming error caught by ``MoneyError``-throwing
/// initialisers at the input boundary, so operators only ever see amounts of one currency.
public struct Money: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The amount in minor units (fen for CNY). Negative amounts are allowed (e.g. in cash flows).
    public let minorUnits: Int64
    /// The currency the amount is in.
    public let currency: Currency

    /// Creates an amount from minor units.
    public init(minorUnits: Int64, currency: Currency = .cny) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    /// Creates an amount from a decimal number of major units (yuan), which must be exact in minor units.
    /// - Throws: ``MoneyError`` when the value has more decimals than the currency's minor unit, or is too large.
    public init(_ major: Decimal, currency: Currency = .cny) throws(MoneyError) {
        guard major.isFinite else { throw MoneyError(.notANumber, text: "\(major)") }
        let scaled = major * Decimal(currency.minorPerMajor)
        let rounded = scaled.roundedHalfUp(scale: 0)
        guard rounded == scaled else {
            throw MoneyError(.tooManyDecimals(currency.minorUnitDigits), text: "\(major)")
        }
        guard let units = rounded.exactInt64 else { throw MoneyError(.outOfRange, text: "\(major)") }
        self.init(minorUnits: units, currency: currency)
    }

    /// Parses an amount written as a plain decimal number of major units (`"5000"`, `"1234.56"`),
    /// optionally prefixed with `¥`/`￥` and with `,` thousands separators.
    /// - Throws: ``MoneyError`` naming the text and the rule broken.
    public init(parsing text: String, currency: Currency = .cny) throws(MoneyError) {
        var cleaned = text
        let plain = text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x2D }
        if !plain {
            cleaned = cleaned.trimmingCharacters(in: .whitespaces)
            if cleaned.hasPrefix("¥") || cleaned.hasPrefix("￥") { cleaned.removeFirst() }
            cleaned = cleaned.replacingOccurrences(of: ",", with: "")
        }
        guard let value = Decimal.parseStrict(cleaned) else { throw MoneyError(.notANumber, text: text) }
        try self.init(value, currency: currency)
    }

    /// Zero in the given currency.
    public static func zero(_ currency: Currency = .cny) -> Money { Money(minorUnits: 0, currency: currency) }

    /// The amount in major units (yuan), exact.
    /// Built by moving the decimal point (no division: this sits on the hot path of every encoded amount).
    public var decimalValue: Decimal {
        Decimal(
            sign: minorUnits < 0 ? .minus : .plus,
            exponent: -currency.minorUnitDigits,
            significand: Decimal(minorUnits.magnitude)
        )
    }

    /// `1234.5` yuan is written `1234.50`.
    public var plainString: String { digits(grouped: false) }

    /// Grouped with thousands separators and the currency sign: `¥12,345.60` (CNY) or `USD 12,345.60`.
    public var formatted: String {
        let sign = currency == .cny ? "¥" : currency.code + " "
        let body = digits(grouped: true)
        return minorUnits < 0 ? "-" + sign + body.dropFirst() : sign + body
    }

    /// The amount's digits in major units with every minor digit, built from the integer (no `Decimal`).
    private func digits(grouped: Bool) -> String {
        var magnitude = minorUnits.magnitude
        let places = currency.minorUnitDigits
        // Filled from the right: minor digits, the point, then major digits in groups of three.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for _ in 0..<places {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        }
        if places > 0 { bytes.append(UInt8(ascii: ".")) }
        var count = 0
        repeat {
            if grouped && count > 0 && count % 3 == 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
            count += 1
        } while magnitude > 0
        if minorUnits < 0 { bytes.append(UInt8(ascii: "-")) }
        bytes.reverse()
        return String(decoding: bytes, as: UTF8.self)
    }

    public var description: String { formatted }

    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.minorUnits < rhs.minorUnits }

    public static func + (lhs: Money, rhs: Money) -> Money {
        precondition(lhs.currency == rhs.currency, "currency mismatch")
        return Money(minorUnits: lhs.minorUnits + rhs.minorUnits, currency: lhs.currency)
    }

    public static func - (lhs: Money, rhs: Money) -> Money {
        precondition(lhs.currency == rhs.currency, "currency mismatch")
        return Money(minorUnits: lhs.minorUnits - rhs.minorUnits, currency: lhs.currency)
    }

    public static func += (lhs: inout Money, rhs: Money) { lhs = lhs + rhs }
    public static func -= (lhs: inout Money, rhs: Money) { lhs = lhs - rhs }
    public static prefix func - (value: Money) -> Money {
        Money(minorUnits: -value.minorUnits, currency: value.currency)
    }

    /// This amount times a rate, rounded half-up (away from zero on a tie) to the minor unit.
    public func multiplied(by factor: Decimal) -> Money {
        let product = (Decimal(minorUnits) * factor).roundedHalfUp(scale: 0)
        return Money(minorUnits: product.exactInt64 ?? (product > 0 ? Int64.max : Int64.min), currency: currency)
    }

    /// This amount divided into `parts`, rounded half-up (away from zero on a tie) to the minor unit, in integers.
    public func divided(by parts: Int) -> Money {
        precondition(parts > 0, "divided into no parts")
        let divisor = Int64(parts)
        let (quotient, remainder) = minorUnits.quotientAndRemainder(dividingBy: divisor)
        let roundsAway = remainder.magnitude * 2 >= divisor.magnitude
        let adjusted = roundsAway ? quotient + (minorUnits < 0 ? -1 : 1) : quotient
        return Money(minorUnits: adjusted, currency: currency)
    }
}

extension Money: Codable {
    /// Money is encoded as a JSON number of major units with at most the currency's decimals (`450.12`).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(decimalValue)
    }

    /// Decodes a JSON number of yuan, read exactly; more than two decimals is an error naming the path.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let value = try container.decode(Decimal.self)
        do {
            try self.init(value)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }
}

/// Why an amount could not be made.
public struct MoneyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The rule an amount broke.
    public enum Rule: Sendable, Equatable {
        case notANumber
        case tooManyDecimals(Int)
        case outOfRange
    }

    public let rule: Rule
    /// The text or value that was refused.
    public let text: String

    init(_ rule: Rule, text: String) {
        self.rule = rule
        self.text = text
    }

    public var description: String {
        switch rule {
        case .notANumber: "amount must be a decimal number of yuan such as 5000 or 1234.56, got \"\(text)\""
        case .tooManyDecimals(let digits):
            "amount must have at most \(digits) decimals (one fen), got \(text)"
        case .outOfRange: "amount is out of range, got \(text)"
        }
    }
}
