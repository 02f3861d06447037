public import Foundation

/// The period a rate is quoted per. Each is a distinct type so that a daily rate can never be
/// passed where a monthly or annual one is expected.
public protocol RatePeriod: Sendable {
    /// The unit as written after the slash: `day`, `month`, `year`, `term`.
    static var unitName: String { get }
}

/// 日利率: a rate per day on the outstanding balance.
public enum PerDay: RatePeriod { public static let unitName = "day" }
/// 月利率 or 月费率: a rate per monthly period.
public enum PerMonth: RatePeriod { public static let unitName = "month" }
/// 年利率: a nominal rate per year.
public enum PerYear: RatePeriod { public static let unitName = "year" }
/// A total rate for the whole term (e.g. "8.8% over 12 instalments").
public enum PerTerm: RatePeriod { public static let unitName = "term" }

/// A rate tied to its period in the type: `Rate<PerDay>` is 0.05% *per day*, and only that.
///
/// The stored ``fraction`` is exact (`0.0005` for 0.05%). Rates are never bare numbers.
public struct Rate<Period: RatePeriod>: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The rate as a fraction: 0.0005 for 0.05%.
    public let fraction: Decimal

    /// Creates a rate from a fraction (0.0005 for 0.05%).
    public init(fraction: Decimal) { self.fraction = fraction }

    /// Creates a rate from a percentage (0.05 for 0.05%).
    public init(percent: Decimal) { self.fraction = percent.shifted(byPowersOfTen: -2) }

    /// The rate in percent (0.05 for 0.05%).
    public var percent: Decimal { fraction * 100 }

    /// `0.05%/day`.
    public var description: String { "\(percent)%/\(Period.unitName)" }

    public static func < (lhs: Rate, rhs: Rate) -> Bool { lhs.fraction < rhs.fraction }
}

public typealias DailyRate = Rate<PerDay>
public typealias MonthlyRate = Rate<PerMonth>
public typealias AnnualRate = Rate<PerYear>
public typealias TermRate = Rate<PerTerm>

/// A rate as a person writes it, with its period: `0.05%/day`, `0.6%/month`, `14.6%/year`, `8.8%/term`.
public enum QuotedRate: Hashable, Sendable, CustomStringConvertible {
    case perDay(DailyRate)
    case perMonth(MonthlyRate)
    case perYear(AnnualRate)
    case perTerm(TermRate)

    /// Parses `0.05%/day`, `0.6%/month`, `14.6%/year`, `8.8%/term`.
    ///
    /// Accepted period words: `day`, `d`, `daily`, `日`; `month`, `mo`, `monthly`, `月`; `year`, `yr`, `y`,
    /// `annual`, `pa`, `年`; `term`, `total`. The number must be a plain decimal followed by `%`.
    /// - Throws: ``RateParseError`` naming the text and what was expected.
    public init(parsing text: String) throws(RateParseError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw RateParseError(text: text, problem: "is empty") }
        let pieces = trimmed.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard pieces.count == 2 else {
            throw RateParseError(text: text, problem: "has no period; write it with one, e.g. 0.05%/day")
        }
        var number = pieces[0].trimmingCharacters(in: .whitespaces)
        guard number.hasSuffix("%") else {
            throw RateParseError(text: text, problem: "must be a percentage ending in %, e.g. 0.05%/day")
        }
        number.removeLast()
        guard let value = Decimal.parseStrict(number.trimmingCharacters(in: .whitespaces)) else {
            throw RateParseError(text: text, problem: "has \"\(number)\" where a decimal number was expected")
        }
        guard value >= 0 else { throw RateParseError(text: text, problem: "is negative") }
        // A Decimal's exponent stops at -128: a percentage too small to hold as a fraction would silently read as 0.
        guard value.isZero || !value.shifted(byPowersOfTen: -2).isZero else {
            throw RateParseError(text: text, problem: "is too small to be held exactly (below 10^-126%)")
        }
        let unit = pieces[1].trimmingCharacters(in: .whitespaces).lowercased()
        switch unit {
        case "day", "d", "daily", "日":
            guard value <= 1 else { throw RateParseError(text: text, problem: "is above 1% per day (365% a year)") }
            self = .perDay(DailyRate(percent: value))
        case "month", "mo", "m", "monthly", "月":
            guard value <= 30 else { throw RateParseError(text: text, problem: "is above 30% per month") }
            self = .perMonth(MonthlyRate(percent: value))
        case "year", "yr", "y", "annual", "pa", "年":
            guard value <= 1000 else { throw RateParseError(text: text, problem: "is above 1000% per year") }
            self = .perYear(AnnualRate(percent: value))
        case "term", "total":
            guard value <= 1000 else { throw RateParseError(text: text, problem: "is above 1000% for the term") }
            self = .perTerm(TermRate(percent: value))
        default:
            throw RateParseError(
                text: text,
                problem: "has unknown period \"\(unit)\"; expected day, month, year or term"
            )
        }
    }

    public var description: String {
        switch self {
        case .perDay(let rate): rate.description
        case .perMonth(let rate): rate.description
        case .perYear(let rate): rate.description
        case .perTerm(let rate): rate.description
        }
    }
}

/// Why a rate text was refused.
public struct RateParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text that was refused.
    public let text: String
    /// What is wrong with it.
    public let problem: String

    public var description: String { "rate \"\(text)\" \(problem)" }
}
