/// A value outside the bounds the wire format, the CLI and the HTTP API all hold it to. The message says the rule and
/// the value (`must be from 1 to 360 months, got 400`); the caller names the field or flag.
public struct BoundError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// The bounds of every input, written once. Codable (the profile and request documents), the CLI flags and the HTTP
/// routes all check through these functions, so a bound cannot drift between front ends.
public enum Bounds: Sendable {
    /// Credit scores (Sesame-style).
    public static let creditScore = 350...950
    public static let age = 14...120
    public static let cashOutFlags = 0...10_000
    public static let overdueCount = 0...1000
    public static let daysPastDue = 0...100_000
    /// Hard credit inquiries counted in a window.
    public static let inquiryCount = 0...1000
    /// The application plan's budget of hard inquiries in 3 months.
    public static let inquiryBudget = 0...100
    /// Entries in a profile's dated lists (inquiry dates, overdue events) and its institution/channel lists.
    public static let historyEntries = 0...1000
    /// Monthly income or debt payments, in fen (1,000,000,000 yuan).
    public static let monthlyAmount: ClosedRange<Int64> = 0...100_000_000_000
    /// An overdue balance, in fen (100,000,000 yuan).
    public static let overdueAmount: ClosedRange<Int64> = 0...Money.maximumInputMinorUnits
    /// The amount of a loan request, in fen (0.01 to 1,000,000,000 yuan).
    public static let loanAmount: ClosedRange<Int64> = 1...LoanRequest.maximumAmount
    /// A request's ceiling on the monthly payment, in fen.
    public static let paymentCeiling: ClosedRange<Int64> = 1...Money.maximumInputMinorUnits
    /// Loan terms, in months.
    public static let termMonths = 1...CostEngine.maximumTermMonths
    /// The years a date may fall in (schedules run far past the start date; day counts stay exact).
    public static let years = 1900...9000

    /// `value` when it lies in `range`: `must be from 1 to 360 months, got 400`.
    public static func check(_ value: Int, in range: ClosedRange<Int>, unit: String = "") throws(BoundError) -> Int {
        guard range.contains(value) else { throw BoundError("must be \(text(range, unit)), got \(value)") }
        return value
    }

    /// `amount` when its fen lie in `range`: `must be from 0.01 to 1000000000 yuan, got 0`.
    public static func check(_ amount: Money, in range: ClosedRange<Int64>) throws(BoundError) -> Money {
        guard range.contains(amount.minorUnits) else {
            throw BoundError(
                "must be from \(yuan(range.lowerBound)) to \(yuan(range.upperBound)) yuan, got \(amount.plainString)"
            )
        }
        return amount
    }

    /// `date` when its year is in ``years``.
    public static func check(_ date: CalendarDate) throws(BoundError) -> CalendarDate {
        guard years.contains(date.year) else {
            throw BoundError("must be a date from \(years.lowerBound) to \(years.upperBound), got \(date)")
        }
        return date
    }

    /// A date written `YYYY-MM-DD` in ``years``.
    public static func date(_ text: String) throws(BoundError) -> CalendarDate {
        guard let date = CalendarDate(iso: text), years.contains(date.year) else {
            throw BoundError(
                "expected a date written YYYY-MM-DD from \(years.lowerBound) to \(years.upperBound), got \(text)"
            )
        }
        return date
    }

    /// An amount of yuan written as text (`5000`, `¥5,000.00`) whose fen lie in `range`.
    public static func yuan(_ text: String, in range: ClosedRange<Int64>) throws(BoundError) -> Money {
        let money: Money
        do { money = try Money(parsing: text) } catch { throw BoundError("\(error)") }
        return try check(money, in: range)
    }

    /// `from 1 to 360 months`.
    public static func text(_ range: ClosedRange<Int>, _ unit: String = "") -> String {
        "from \(range.lowerBound) to \(range.upperBound)\(unit)"
    }

    static func yuan(_ fen: Int64) -> String { fen % 100 == 0 ? "\(fen / 100)" : Money(minorUnits: fen).plainString }
}
