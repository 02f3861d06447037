public import Foundation

/// How time and annualisation are counted when a rate is read off cash flows.
///
/// - ``usRegZ``: US Regulation Z Appendix J actuarial method. A fractional unit period `f` is discounted with
///   simple interest: 1 / ((1 + f·i)(1 + i)^t). With dates, whole unit periods are counted back from each payment
///   to the advance and the odd days are divided by 30 (monthly) or 365 (yearly).
/// - ``eu``: EU consumer-credit APRC (Directive 2008/48/EC, Commission guidelines 2012). Everything compounds.
///   With dates, whole unit periods are counted back from each payment and the remaining days are divided by 365,
///   or 366 when the year counted back from the date reached contains a 29 February.
/// - ``cn``: Chinese annualised-rate practice (PBoC Announcement [2021] No. 3): IRR of the cash flows, compounded;
///   dates are counted like Regulation Z (whole months, odd days over 30).
public enum APRConvention: String, Sendable, Codable, CaseIterable, Hashable {
    case usRegZ = "us-regz"
    case eu
    case cn
}

/// One cash flow seen from the lender: advances are negative, repayments and fees received are positive.
public struct CashFlow: Hashable, Sendable {
    /// When a flow happens.
    public enum Time: Hashable, Sendable {
        /// Unit periods after the first advance; fractions allowed (odd first periods).
        case periods(Decimal)
        /// A calendar date; times are counted from the earliest advance by the convention's rule.
        case date(CalendarDate)
    }

    /// The amount in major units (yuan), exact.
    public let amount: Decimal
    /// When it happens.
    public let time: Time

    public init(amount: Decimal, time: Time) {
        self.amount = amount
        self.time = time
    }

    /// A flow `t` unit periods after the advance.
    public init(amount: Decimal, periods: Decimal) { self.init(amount: amount, time: .periods(periods)) }

    /// A flow on a date.
    public init(amount: Decimal, date: CalendarDate) { self.init(amount: amount, time: .date(date)) }
}

/// The annual percentage rate of a cash-flow sequence, in both the nominal and the effective form.
public struct AnnualPercentageRate: Hashable, Sendable {
    /// The internal rate of return per unit period (0.0125 = 1.25% per month).
    public let periodicRate: Double
    /// How many unit periods make a year (12 for months; 365/255 for a 255-day unit period).
    public let unitPeriodsPerYear: Double

    public init(periodicRate: Double, unitPeriodsPerYear: Double) {
        self.periodicRate = periodicRate
        self.unitPeriodsPerYear = unitPeriodsPerYear
    }

    /// Periodic rate × unit periods per year, in percent: Regulation Z's APR, China's "simple" annualised rate.
    public var nominalPercent: Double { periodicRate * unitPeriodsPerYear * 100 }

    /// (1 + periodic rate)^(periods per year) − 1, in percent: the EU APRC, China's "compound" annualised rate.
    public var effectivePercent: Double { (pow(1 + periodicRate, unitPeriodsPerYear) - 1) * 100 }

    /// The nominal APR as an exact decimal percent, rounded half-up to `scale` places.
    public func nominal(scale: Int) -> Decimal { Decimal.fromSolver(nominalPercent, scale: scale) }

    /// The effective APR as an exact decimal percent, rounded half-up to `scale` places.
    public func effective(scale: Int) -> Decimal { Decimal.fromSolver(effectivePercent, scale: scale) }
}

/// Why no rate could be found.
public struct APRError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A human sentence: what is wrong and what was expected.
    public let message: String

    init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// Solves the internal rate of return of cash flows and annualises it.
///
/// The solver works on the exact amounts converted to `Double` (a rate is not an amount; amounts are never stored
/// as binary floats). It brackets the root first, then runs Newton's method guarded by bisection, so it always
/// terminates: at most 64 bracketing steps and 200 refinement steps. It never returns NaN: a sequence with no
/// rate above −100% per period is an ``APRError``.
public struct APRCalculator: Sendable, Hashable {
    public let convention: APRConvention
    public let unitPeriodsPerYear: Decimal

    /// - Parameters:
    ///   - convention: how fractional periods and dates are counted.
    ///   - unitPeriodsPerYear: 12 for monthly payments, 1 for yearly, 52 weekly; any positive number.
    public init(convention: APRConvention, unitPeriodsPerYear: Decimal = 12) {
        self.convention = convention
        self.unitPeriodsPerYear = unitPeriodsPerYear
    }

    /// The APR of `flows`.
    /// - Throws: ``APRError`` when the flows are empty, mix dates and periods, all have the same sign, or have no
    ///   rate above −100% per period.
    public func apr(of flows: [CashFlow]) throws(APRError) -> AnnualPercentageRate {
        guard unitPeriodsPerYear > 0 else {
            throw APRError("unitPeriodsPerYear must be positive, got \(unitPeriodsPerYear)")
        }
        guard !flows.isEmpty else { throw APRError("there are no cash flows") }
        let times = try unitPeriodTimes(of: flows)
        let exactSum = flows.reduce(Decimal(0)) { $0 + $1.amount }
        // Flows at the same time are netted exactly here, before they become Doubles: a fee charged and refunded on
        // one day is no flow at all (the solver nets again, in Double, for callers of `solve`).
        let k = unitPeriodsPerYear.doubleValue
        guard times.allSatisfy(\.isFinite) else { throw APRError("amounts and times must be finite numbers") }
        let netted = APRCalculator.netByTime(flows.map(\.amount), times, zero: 0, add: +)
        if netted.amounts.isEmpty {
            // Every advance repaid at the same moment: no cost and no time, a zero rate (as any flows summing to 0).
            guard flows.contains(where: { $0.amount < 0 }) && flows.contains(where: { $0.amount > 0 }) else {
                throw APRCalculator.needsAdvanceAndRepayment
            }
            return AnnualPercentageRate(periodicRate: 0, unitPeriodsPerYear: k)
        }
        let rate = try APRCalculator.solve(
            amounts: netted.amounts.map(\.doubleValue),
            times: netted.times,
            simpleFraction: convention == .usRegZ,
            exactSumIsZero: exactSum.isZero
        )
        return AnnualPercentageRate(periodicRate: rate, unitPeriodsPerYear: k)
    }

    /// The time of each flow in unit periods after the first advance.
    func unitPeriodTimes(of flows: [CashFlow]) throws(APRError) -> [Double] {
        var dated = 0
        for flow in flows { if case .date = flow.time { dated += 1 } }
        if dated == 0 {
            return flows.map {
                if case .periods(let t) = $0.time { return t.doubleValue }
                return 0
            }
        }
        guard dated == flows.count else {
            throw APRError("flows must all have a \"t\" or all have a \"date\", not a mix of both")
        }
        let dates = flows.compactMap { flow -> CalendarDate? in
            if case .date(let date) = flow.time { return date }
            return nil
        }
        let advanceDates = zip(flows, dates).filter { $0.0.amount < 0 }.map(\.1)
        guard let origin = advanceDates.min() else {
            throw APRError("there is no advance (a negative amount) to count time from")
        }
        let counter = try PeriodCounter(unitPeriodsPerYear: unitPeriodsPerYear, convention: convention)
        return dates.map { counter.unitPeriods(from: origin, to: $0) }
    }

    /// Net present value at periodic rate `i` for times counted from 0, multiplied by (1 + i)^`latest` when i < 0
    /// (`latest`: the latest whole time), and the derivative of that scaled value. The scaling changes neither the
    /// sign nor the roots, and keeps every discount factor near or below 1 (at most 1 on whole periods): at a negative
    /// rate, flows far apart would otherwise overflow (2^102000 at -50%) or leave the terms that decide the sign
    /// below Double's precision.
    @inline(__always)
    static func npv(
        _ amounts: [Double],
        _ times: [Double],
        _ i: Double,
        simpleFraction: Bool,
        latest: Double
    ) -> (Double, Double) {
        var value = 0.0
        var slope = 0.0
        let logBase = log1p(i)
        let reference = i < 0 ? latest : 0
        for index in amounts.indices {
            // A whole shift: the fraction the simple-interest convention splits off stays the same.
            let t = times[index] - reference
            let a = amounts[index]
            if simpleFraction {
                let whole = t.rounded(.down)
                let f = t - whole
                let compound = exp(-whole * logBase)
                let simple = 1 / (1 + f * i)
                let factor = compound * simple
                value += a * factor
                slope += a * factor * (-whole / (1 + i) - f * simple)
            } else {
                let factor = exp(-t * logBase)
                value += a * factor
                slope += a * factor * (-t / (1 + i))
            }
        }
        return (value, slope)
    }

    /// The periodic IRR of flows at unit-period times. Exposed for benchmarks and tests. Flows at equal times are
    /// netted here in `Double` (where 0.1 + 0.2 - 0.3 leaves a remainder); `apr(of:)` nets them exactly first.
    /// - Throws: ``APRError`` when there is no rate.
    public static func solve(
        amounts givenAmounts: [Double],
        times givenTimes: [Double],
        simpleFraction: Bool = false,
        exactSumIsZero: Bool? = nil
    ) throws(APRError) -> Double {
        guard givenAmounts.count == givenTimes.count, !givenAmounts.isEmpty else {
            throw APRError("there are no cash flows")
        }
        guard givenAmounts.allSatisfy(\.isFinite), givenTimes.allSatisfy(\.isFinite) else {
            throw APRError("amounts and times must be finite numbers")
        }
        // Flows at the same time are netted and zero ones dropped: they change nothing, and left in, the earliest (or
        // latest) flows could cancel to exactly 0 where every other flow has underflowed, which the walk below would
        // take for a root. Only the time between the rest matters: count from the first, in whole periods so that a
        // fraction stays where the convention puts it. Flows far from t = 0 otherwise discount to exactly 0 at high
        // rates, and the walk would take that underflow for a root too.
        let netted = netByTime(givenAmounts, givenTimes, zero: 0.0, add: +)
        let start = netted.times.first?.rounded(.down) ?? 0
        let amounts = netted.amounts
        let times = netted.times.map { $0 - start }
        let latest = times.last?.rounded(.down) ?? 0
        let hasNegative = amounts.contains { $0 < 0 }
        let hasPositive = amounts.contains { $0 > 0 }
        guard hasNegative && hasPositive else { throw needsAdvanceAndRepayment }
        let scale = amounts.reduce(0) { max($0, abs($1)) }
        let tolerance = scale * 1e-13
        // Fast path: flows on whole unit periods (the usual monthly schedule) form a polynomial in v = 1/(1+i);
        // Newton's method from an estimate converges in a few Horner evaluations. Its answer is kept only when the
        // NPV there is zero to rounding; otherwise the bracketing solver below decides.
        let polynomial = WholePeriodPolynomial(amounts: amounts, times: times)
        let (atZero, slopeAtZero) =
            polynomial?.evaluate(0) ?? npv(amounts, times, 0, simpleFraction: simpleFraction, latest: latest)
        if exactSumIsZero ?? (abs(atZero) <= tolerance) { return 0 }
        if let polynomial, let rate = polynomial.newton(from: estimate(amounts, times, atZero), tolerance: tolerance) {
            return rate
        }

        // Bracket: walk away from 0 until the NPV changes sign. Most loans' NPV falls as the rate rises, so the
        // first direction tried follows the slope; the other is tried when that finds nothing.
        let upFirst = (atZero > 0) == (slopeAtZero <= 0)
        var bracket: (Double, Double, Double, Double)?
        for upward in upFirst ? [true, false] : [false, true] {
            var previous = 0.0
            var previousValue = atZero
            var step = upward ? 0.01 : 0.5
            for _ in 0..<64 {
                let candidate = upward ? previous + step : -1 + step
                let value = npv(amounts, times, candidate, simpleFraction: simpleFraction, latest: latest).0
                guard value.isFinite else { break }
                if value == 0 { return candidate }
                if (value > 0) != (atZero > 0) {
                    bracket = (previous, previousValue, candidate, value)
                    break
                }
                previous = candidate
                previousValue = value
                if upward {
                    step *= 2
                    if candidate > 1e9 { break }
                } else {
                    step /= 2
                    if step < 1e-12 { break }
                }
            }
            if bracket != nil { break }
        }
        guard let (a, aValue, b, bValue) = bracket else {
            throw APRError(
                "no rate exists between -100% and 10^11% per period for these flows; check their signs and times"
            )
        }
        var low = min(a, b)
        var high = max(a, b)
        var lowValue = a < b ? aValue : bValue
        // Safeguarded Newton inside [low, high].
        var x = (low + high) / 2
        if x.isNaN { x = low }
        var previousStep = high - low
        for _ in 0..<200 {
            let (value, slope) = npv(amounts, times, x, simpleFraction: simpleFraction, latest: latest)
            if value == 0 { return x }
            if (value > 0) == (lowValue > 0) {
                low = x
                lowValue = value
            } else {
                high = x
            }
            var next = slope != 0 ? x - value / slope : .nan
            // Bisect when Newton leaves the bracket or does not halve the previous step: on a steep NPV (long
            // times, rates far from the root) Newton crawls and would use up the iterations short of the root.
            if !(next > low && next < high) || abs(next - x) > previousStep / 2 { next = (low + high) / 2 }
            previousStep = abs(next - x)
            if abs(next - x) <= 1e-15 * max(1, abs(x)) || high - low <= 1e-15 * max(1, abs(x)) {
                return next
            }
            x = next
        }
        return x
    }
}

extension APRCalculator {
    static let needsAdvanceAndRepayment = APRError(
        "no rate exists: the flows need at least one advance (negative) and one repayment (positive)"
    )

    /// The flows in time order, those at equal times added together, those adding up to zero left out.
    static func netByTime<Amount: Equatable>(
        _ amounts: [Amount],
        _ times: [Double],
        zero: Amount,
        add: (Amount, Amount) -> Amount
    ) -> (amounts: [Amount], times: [Double]) {
        // The usual case, a schedule in time order without zero flows, is returned as it is.
        var ordered = true
        for index in times.indices.dropFirst() where !(times[index] > times[index - 1]) {
            ordered = false
            break
        }
        if ordered && !amounts.contains(zero) { return (amounts, times) }
        let order = times.indices.sorted { times[$0] < times[$1] }
        var netAmounts: [Amount] = []
        var netTimes: [Double] = []
        netAmounts.reserveCapacity(order.count)
        netTimes.reserveCapacity(order.count)
        for index in order {
            if let last = netTimes.last, last == times[index] {
                netAmounts[netAmounts.count - 1] = add(netAmounts[netAmounts.count - 1], amounts[index])
            } else {
                netAmounts.append(amounts[index])
                netTimes.append(times[index])
            }
        }
        let kept = netAmounts.indices.filter { netAmounts[$0] != zero }
        return (kept.map { netAmounts[$0] }, kept.map { netTimes[$0] })
    }

    /// A first guess for the periodic rate: the total cost over the advances, spread over the time the money is out
    /// (as for an amortising loan, half the mean repayment time).
    static func estimate(_ amounts: [Double], _ times: [Double], _ net: Double) -> Double {
        var advanced = 0.0
        var weightedTime = 0.0
        var repaid = 0.0
        for (a, t) in zip(amounts, times) {
            if a < 0 {
                advanced -= a
            } else {
                repaid += a
                weightedTime += a * t
            }
        }
        guard advanced > 0, repaid > 0, weightedTime > 0 else { return 0.01 }
        let meanTime = weightedTime / repaid
        let guess = net / advanced / max(meanTime * 0.55, 1e-9)
        return guess.isFinite ? max(-0.5, min(guess, 10)) : 0.01
    }
}

/// Σ c_k v^k over whole unit periods k, with v = 1/(1+i): evaluated by Horner's rule, no `exp` or `pow`.
struct WholePeriodPolynomial {
    var coefficients: [Double]

    /// nil unless every time is a whole number of periods from 0 to 100,000.
    init?(amounts: [Double], times: [Double]) {
        var maxTime = 0
        for t in times {
            guard t >= 0, t <= 100_000, t == t.rounded(.down) else { return nil }
            maxTime = max(maxTime, Int(t))
        }
        var coefficients = [Double](repeating: 0, count: maxTime + 1)
        for (a, t) in zip(amounts, times) { coefficients[Int(t)] += a }
        self.coefficients = coefficients
    }

    /// NPV and dNPV/di at periodic rate i.
    @inline(__always)
    func evaluate(_ i: Double) -> (Double, Double) {
        let v = 1 / (1 + i)
        var value = 0.0
        var derivative = 0.0
        coefficients.withUnsafeBufferPointer { c in
            var k = c.count - 1
            while k >= 0 {
                derivative = derivative * v + value
                value = value * v + c[k]
                k -= 1
            }
        }
        // dP/dv · dv/di, with dv/di = −v².
        return (value, -derivative * v * v)
    }

    /// Newton's method; nil when it leaves the domain, stalls or ends where the NPV is not zero.
    func newton(from guess: Double, tolerance: Double) -> Double? {
        var x = guess
        for _ in 0..<60 {
            let (value, slope) = evaluate(x)
            guard value.isFinite, slope.isFinite, slope != 0 else { return nil }
            var next = x - value / slope
            if next <= -1 { next = (x - 1) / 2 }
            if abs(next - x) <= 1e-14 * max(1, abs(x)) {
                let residual = evaluate(next).0
                return abs(residual) <= tolerance * 100 ? next : nil
            }
            x = next
        }
        return nil
    }
}

/// Counts the time from an advance to a payment in unit periods, per a convention's calendar rule.
struct PeriodCounter: Sendable {
    enum Unit {
        case months(Int)
        case days(Int)
    }

    let unit: Unit
    let unitPeriodsPerYear: Double
    let convention: APRConvention

    init(unitPeriodsPerYear: Decimal, convention: APRConvention) throws(APRError) {
        self.convention = convention
        self.unitPeriodsPerYear = unitPeriodsPerYear.doubleValue
        switch unitPeriodsPerYear {
        case 1: unit = .months(12)
        case 2: unit = .months(6)
        case 3: unit = .months(4)
        case 4: unit = .months(3)
        case 6: unit = .months(2)
        case 12: unit = .months(1)
        case 24: unit = .days(15)
        case 26: unit = .days(14)
        case 52: unit = .days(7)
        case 365: unit = .days(1)
        default:
            throw APRError(
                "with dates, unitPeriodsPerYear must be 1, 2, 3, 4, 6, 12, 24, 26, 52 or 365, got \(unitPeriodsPerYear);"
                    + " give times in unit periods (\"t\") instead"
            )
        }
    }

    /// `months` months before `date`. A payment on the last day of a month corresponds to the advance's day in
    /// earlier months (a loan made on 31 January and repaid on 28 February has run exactly one month).
    func back(from date: CalendarDate, months: Int, origin: CalendarDate) -> CalendarDate {
        let candidate = date.adding(months: -months)
        let isMonthEnd = date.day == CalendarDate.daysInMonth(year: date.year, month: date.month)
        guard isMonthEnd, origin.day > date.day else { return candidate }
        let day = min(origin.day, CalendarDate.daysInMonth(year: candidate.year, month: candidate.month))
        return CalendarDate(year: candidate.year, month: candidate.month, day: day) ?? candidate
    }

    func unitPeriods(from origin: CalendarDate, to date: CalendarDate) -> Double {
        if date <= origin { return -Double(date.days(to: origin)) * unitPeriodsPerYear / 365 }
        switch unit {
        case .days(let length):
            let days = origin.days(to: date)
            return Double(days) / Double(length)
        case .months(let length):
            // Whole unit periods counted back from the payment date without passing the advance.
            // Start from the calendar month difference (never more than one period off) instead of counting
            // from zero, so a span of centuries costs a few steps.
            let months = (date.year - origin.year) * 12 + date.month - origin.month
            var whole = max(0, months / length)
            while whole > 0 && back(from: date, months: whole * length, origin: origin) < origin { whole -= 1 }
            while back(from: date, months: (whole + 1) * length, origin: origin) >= origin { whole += 1 }
            let reached = back(from: date, months: whole * length, origin: origin)
            let oddDays = Double(origin.days(to: reached))
            let fraction: Double
            switch convention {
            case .eu:
                // Remaining days over the length of the year ending on the date reached (365 or 366).
                let yearLength = Double(reached.adding(months: -12).days(to: reached))
                fraction = oddDays / yearLength * unitPeriodsPerYear
            case .usRegZ, .cn:
                fraction = length == 12 ? oddDays / 365 : oddDays / (30 * Double(length))
            }
            return Double(whole) + fraction
        }
    }
}

extension Decimal {
    /// An exact decimal from a solver result, rounded half-up to `scale` places; 0 for a non-finite input.
    package static func fromSolver(_ value: Double, scale: Int) -> Decimal {
        guard value.isFinite else { return 0 }
        // 15 fixed decimals keep every digit a Double carries for a percentage; the rounding is then done in decimal.
        let text = String(format: "%.15f", value)
        return (Decimal(string: text, locale: posix) ?? 0).roundedHalfUp(scale: scale)
    }

    /// The locale solver figures are read in (a point for decimals), made once. Immutable.
    private static let posix = Locale(identifier: "en_US_POSIX")
}

extension AnnualPercentageRate {
    /// Regulation Z's tolerance for a regular transaction: 1/8 of a percentage point (12 CFR 1026.22(a)(2)).
    public static let regulationZTolerancePercentagePoints: Decimal = Decimal(string: "0.125")!

    /// Whether a disclosed nominal APR (percent) is accurate under Regulation Z for this actual APR:
    /// within 1/8 of a percentage point of it.
    public func isAccurateDisclosure(_ disclosedPercent: Decimal) -> Bool {
        let actual = Decimal.fromSolver(nominalPercent, scale: 10)
        let difference = disclosedPercent - actual
        return abs(difference) <= Self.regulationZTolerancePercentagePoints
    }
}
