import Foundation
import Testing

@testable import BackstopCore

/// Properties over many seeded random loans: exact principal, monotone cost, level payments, zero-rate APR.
struct PropertyTests {
    static func randomTerms(_ generator: inout SeededGenerator) -> LoanTerms {
        let amount = Money(minorUnits: Int64.random(in: 10_000...50_000_000, using: &generator))
        let term = [1, 3, 6, 9, 12, 18, 24, 36, 60].randomElement(using: &generator) ?? 12
        let method = RepaymentMethod.allCases.randomElement(using: &generator) ?? .equalInstallment
        let interest: InterestPricing
        switch Int.random(in: 0..<4, using: &generator) {
        case 0: interest = .none
        case 1:
            interest = .daily(
                DailyRate(fraction: Decimal(Int.random(in: 1...60, using: &generator)) / 100_000),
                dayCount: Bool.random(using: &generator) ? .actual360 : .actual365
            )
        case 2: interest = .monthly(MonthlyRate(fraction: Decimal(Int.random(in: 1...200, using: &generator)) / 10_000))
        default: interest = .annual(AnnualRate(fraction: Decimal(Int.random(in: 1...2400, using: &generator)) / 10_000))
        }
        var pricing = Pricing(interest: interest)
        if Bool.random(using: &generator) {
            pricing.installmentFee =
                Bool.random(using: &generator)
                ? .perPeriod(MonthlyRate(fraction: Decimal(Int.random(in: 0...100, using: &generator)) / 10_000))
                : .total(TermRate(fraction: Decimal(Int.random(in: 0...1500, using: &generator)) / 10_000))
        }
        if Int.random(in: 0..<4, using: &generator) == 0 {
            pricing.interestFreeDays = Int.random(in: 1...40, using: &generator)
        }
        let start = CalendarDate(daysSinceEpoch: Int.random(in: 18_000...22_000, using: &generator))
        return LoanTerms(amount: amount, termMonths: term, pricing: pricing, method: method, startDate: start)
    }

    @Test func principalSumsExactlyToTheAmountBorrowed() throws {
        var generator = SeededGenerator(seed: 1)
        for _ in 0..<2000 {
            let terms = Self.randomTerms(&generator)
            let schedule = try CostEngine.schedule(for: terms)
            #expect(schedule.totalPrincipal == terms.amount, "\(terms)")
            #expect(schedule.rows.last?.balance.minorUnits == 0)
            #expect(schedule.rows.count == (terms.method == .bullet ? 1 : terms.termMonths))
            #expect(schedule.rows.allSatisfy { $0.principal.minorUnits >= 0 && $0.interest.minorUnits >= 0 })
            // Each row's balance is the previous balance less its principal.
            var balance = terms.amount
            for row in schedule.rows {
                balance -= row.principal
                #expect(row.balance == balance)
                #expect(row.payment == row.principal + row.interest + row.fees)
            }
        }
    }

    @Test func addingAFeeRaisesTheAPR() throws {
        var generator = SeededGenerator(seed: 2)
        for _ in 0..<500 {
            var terms = Self.randomTerms(&generator)
            terms.pricing.upfrontFee = nil
            let before = try CostEngine.quote(terms)
            terms.pricing.upfrontFee = .percent(Decimal(Int.random(in: 1...500, using: &generator)) / 100)
            let after = try CostEngine.quote(terms)
            #expect(after.totalCost > before.totalCost)
            #expect(after.apr.periodicRate > before.apr.periodicRate, "\(terms)")
        }
    }

    @Test func equalInstalmentsDifferOnlyInTheLastRow() throws {
        var generator = SeededGenerator(seed: 3)
        for _ in 0..<1000 {
            var terms = Self.randomTerms(&generator)
            terms.method = .equalInstallment
            terms.pricing.installmentFee = nil
            let rows = try CostEngine.schedule(for: terms).rows
            let level = rows[0].payment
            let others = terms.pricing.interestFreeDays > 0 ? rows.dropFirst().dropLast() : rows.dropLast()
            // With an interest-free first period the first instalment is principal only and equals the level too.
            #expect(rows.dropLast().allSatisfy { $0.payment == level } || others.allSatisfy { $0.payment == level })
            let adjustment = Double(abs(rows[rows.count - 1].payment.minorUnits - level.minorUnits))
            #expect(adjustment <= Self.lastRowBound(rows, terms, level: level) + 1e-6, "\(terms)")
        }
    }

    /// How far the last equal instalment may be from the level payment L, in fen.
    ///
    /// With i the monthly rate the level payment is sized at, and r_k = interest_k − B_{k−1}·i what row k charges
    /// beyond that rate on the balance before it, each row leaves the balance off the exact annuity's by
    /// r_k − (L − L*), L* the unrounded level payment, and that difference grows by (1 + i) a month. The last row
    /// repays the whole balance, so
    ///
    ///     last − L = Σ_{k=1…n} (r_k − (L − L*)) · (1 + i)^(n−k)
    ///
    /// and |L − L*| ≤ ½ fen (half-up to the fen). For monthly and annual rates r_k is only the rounding of the
    /// row's interest, |r_k| ≤ ½ fen, so |last − L| ≤ Σ (1 + i)^j fen for j = 0…n−1: n fen when i is small, n × ½
    /// fen without interest. A daily rate d charges actual days while i assumes a year's days / 12 a month, so
    /// r_k adds B_{k−1}·d·|days_k − days in year / 12|: the actual-day drift, read off the schedule. (An
    /// interest-free first period charges no interest in the first row, as the annuity-due it is sized as.)
    static func lastRowBound(_ rows: [ScheduleRow], _ terms: LoanTerms, level: Money) -> Double {
        let i = NSDecimalNumber(decimal: terms.pricing.interest.monthlyEquivalent).doubleValue
        let n = rows.count
        var bound = 0.0
        var balance = terms.amount
        var previous = terms.startDate
        for (index, row) in rows.enumerated() {
            var residue = i == 0 ? 0 : 0.5
            if case .daily(let rate, let dayCount) = terms.pricing.interest {
                let start = max(previous, terms.startDate.adding(days: terms.pricing.interestFreeDays))
                if start < row.dueDate {
                    let days = Double(dayCount.days(from: start, to: row.dueDate))
                    let drift = abs(days - Double(dayCount.daysInYear) / 12)
                    residue += Double(balance.minorUnits) * NSDecimalNumber(decimal: rate.fraction).doubleValue * drift
                }
            }
            bound += (residue + 0.5) * pow(1 + i, Double(n - 1 - index))
            balance = row.balance
            previous = row.dueDate
        }
        return bound
    }

    @Test func zeroRateGivesZeroAPR() throws {
        var generator = SeededGenerator(seed: 4)
        for _ in 0..<500 {
            var terms = Self.randomTerms(&generator)
            terms.pricing = Pricing()
            let quote = try CostEngine.quote(terms)
            #expect(quote.totalCost.minorUnits == 0)
            #expect(quote.apr.periodicRate == 0)
            #expect(quote.nominalAPR == 0 && quote.effectiveAPR == 0)
        }
    }

    /// Random flows (zero amounts, equal times, one sign only, fractional times) either give a rate that is a root of
    /// the NPV, or one of the two errors the solver documents, each thrown only where it applies.
    @Test func solverReturnsARootOrTheErrorThatApplies() {
        var generator = SeededGenerator(seed: 5)
        var roots = 0
        var refusals = 0
        for _ in 0..<5000 {
            let count = Int.random(in: 1...40, using: &generator)
            let amounts = (0..<count).map { _ in Double(Int.random(in: -100_000...100_000, using: &generator)) / 100 }
            let times = (0..<count).map { _ in Double(Int.random(in: 0...4000, using: &generator)) / 100 }
            let simple = Bool.random(using: &generator)
            // The flows as `solve` documents it sees them: in time order, netted by time in Double, zeros left out.
            let netted = APRCalculator.netByTime(amounts, times, zero: 0.0, add: +)
            let net = Array(zip(netted.amounts, netted.times))
            let bothSigns = net.contains { $0.0 < 0 } && net.contains { $0.0 > 0 }
            do {
                let rate = try APRCalculator.solve(amounts: amounts, times: times, simpleFraction: simple)
                roots += 1
                #expect(bothSigns, "a rate for flows of one sign: \(amounts) at \(times)")
                #expect(rate.isFinite && rate > -1, "\(rate)")
                // A root: the NPV at the rate is zero to rounding against the size of the terms that cancel, or (where
                // it is steep, near -100%) changes sign within a relative 10^-7 of the rate (of 1 + rate near -100%).
                let (value, magnitude) = Self.presentValue(net, rate, simple)
                let delta = 1e-7 * min(1 + rate, max(1, abs(rate)))
                let below = Self.presentValue(net, rate - delta, simple).0
                let above = Self.presentValue(net, rate + delta, simple).0
                #expect(
                    abs(value) <= 1e-9 * magnitude || below * above <= 0,
                    "NPV \(value) at \(rate), terms of \(magnitude): \(amounts) at \(times), simple \(simple)"
                )
            } catch {
                refusals += 1
                if bothSigns {
                    // Both signs: only "no rate in the range searched", and rightly: the NPV has the same sign at
                    // both ends of that range (-100% + 2·10^-12 and 10^9 per period), or a root lies between.
                    #expect(error.message.hasPrefix("no rate exists between -100% and 10^11% per period"), "\(error)")
                    let low = Self.presentValue(net, -1 + 2e-12, simple).0
                    let high = Self.presentValue(net, 1e9, simple).0
                    #expect(low * high > 0, "NPV \(low) and \(high) at the ends: \(net), simple \(simple)")
                } else {
                    #expect(error == APRCalculator.needsAdvanceAndRepayment, "\(error)")
                }
            }
        }
        // Both branches ran: the random flows reach each.
        #expect(roots > 1000 && refusals > 100, "\(roots) roots, \(refusals) refusals")
    }

    /// The NPV of `flows` (amount, time) at periodic rate `i` — compound, or Regulation Z's simple interest on the
    /// fraction of a period — and the sum of its terms' magnitudes. Written apart from the solver's own evaluation,
    /// and scaled as it is (times counted from the first flow when i ≥ 0, from the last when i < 0) so nothing
    /// overflows; the scaling changes neither the sign nor the ratio of the two.
    static func presentValue(_ flows: [(Double, Double)], _ i: Double, _ simple: Bool) -> (Double, Double) {
        guard let first = flows.first?.1, let last = flows.last?.1 else { return (0, 0) }
        let origin = (i < 0 ? last : first).rounded(.down)
        var value = 0.0
        var magnitude = 0.0
        for (amount, time) in flows {
            let t = time - origin
            let factor: Double
            if simple {
                let whole = t.rounded(.down)
                factor = pow(1 + i, -whole) / (1 + (t - whole) * i)
            } else {
                factor = pow(1 + i, -t)
            }
            value += amount * factor
            magnitude += abs(amount * factor)
        }
        return (value, magnitude)
    }
}

/// Robustness and clear errors of the APR solver.
struct APRSolverTests {
    @Test func feeOnlyLoan() throws {
        // 1000 borrowed, 20 fee at disbursement, 1000 back after one month: 2.04% a month.
        let apr = try APRCalculator(convention: .cn).apr(of: [
            CashFlow(amount: -1000, periods: 0), CashFlow(amount: 20, periods: 0), CashFlow(amount: 1000, periods: 1),
        ])
        #expect(abs(apr.periodicRate - 20.0 / 980) < 1e-12)
    }

    @Test func bulletRepayment() throws {
        let apr = try APRCalculator(convention: .cn, unitPeriodsPerYear: 1).apr(of: [
            CashFlow(amount: -1000, periods: 0), CashFlow(amount: 1100, periods: 1),
        ])
        #expect(apr.effective(scale: 6) == 10)
    }

    @Test func negativeRateIsFound() throws {
        let apr = try APRCalculator(convention: .cn, unitPeriodsPerYear: 1).apr(of: [
            CashFlow(amount: -1000, periods: 0), CashFlow(amount: 900, periods: 1),
        ])
        #expect(abs(apr.periodicRate + 0.1) < 1e-12)
    }

    @Test func veryHighRateIsFound() throws {
        let rate = try APRCalculator.solve(amounts: [-100, 1_000_000], times: [0, 1])
        #expect(abs(rate - 9999) < 1e-6)
    }

    @Test(arguments: [
        ([Decimal(-1000), -5], "no rate exists"),
        ([Decimal(1000), 5], "no rate exists"),
        ([Decimal(0)], "no rate exists"),
    ])
    func sequencesWithoutARateAreClearErrors(amounts: [Decimal], message: String) {
        let flows = amounts.enumerated().map { CashFlow(amount: $0.element, periods: Decimal($0.offset)) }
        let error = #expect(throws: APRError.self) { try APRCalculator(convention: .eu).apr(of: flows) }
        #expect(error?.description.contains(message) == true)
    }

    @Test func mixingDatesAndPeriodsIsRefused() throws {
        let error = #expect(throws: APRError.self) {
            try APRCalculator(convention: .eu).apr(of: [
                CashFlow(amount: -1, periods: 0),
                CashFlow(amount: 2, date: try #require(CalendarDate(iso: "2026-01-01"))),
            ])
        }
        #expect(error?.description.contains("not a mix") == true)
    }

    /// Dated flows are counted in whole unit periods back from each payment; the count starts from the calendar
    /// month difference, so it must agree with stepping one period at a time, including across centuries.
    @Test(arguments: [(12, 1), (6, 2), (4, 3), (2, 6), (1, 12)])
    func datedPeriodsAgreeWithSteppingOnePeriodAtATime(perYear: Int, months: Int) throws {
        var generator = SeededGenerator(seed: UInt64(perYear))
        let calculator = APRCalculator(convention: .usRegZ, unitPeriodsPerYear: Decimal(perYear))
        let counter = try PeriodCounter(unitPeriodsPerYear: Decimal(perYear), convention: .usRegZ)
        for _ in 0..<300 {
            let origin = try #require(
                CalendarDate(
                    year: Int.random(in: 1900...2100, using: &generator),
                    month: Int.random(in: 1...12, using: &generator),
                    day: Int.random(in: 1...31, using: &generator) % 28 + 1
                )
            )
            let periods = Int.random(in: 1...600, using: &generator)
            let extraDays = Int.random(in: 0...(months * 28 - 1), using: &generator)
            let payment = origin.adding(months: periods * months).adding(days: extraDays)
            let times = try calculator.unitPeriodTimes(of: [
                CashFlow(amount: -100, date: origin), CashFlow(amount: 120, date: payment),
            ])
            #expect(times[1] >= Double(periods) && times[1] < Double(periods + 1), "\(origin) → \(payment)")
            // Whole periods agree with stepping back one period at a time from the payment.
            var whole = 0
            while counter.back(from: payment, months: (whole + 1) * months, origin: origin) >= origin { whole += 1 }
            #expect(Int(times[1].rounded(.down)) == whole)
        }
        // Seven thousand years of monthly periods: exact, and counted without stepping through them.
        let far = try calculator.unitPeriodTimes(of: [
            CashFlow(amount: -100, date: try #require(CalendarDate(iso: "1900-01-15"))),
            CashFlow(amount: 120, date: try #require(CalendarDate(iso: "8999-07-15"))),
        ])
        #expect(far[1].rounded(.down) == Double((8999 - 1900) * perYear + 6 / months))
        if 6 % months == 0 { #expect(far[1] == Double((8999 - 1900) * perYear + 6 / months)) }
    }

    @Test func numbersBeyondAnExactDecimalNameTheirPlace() {
        for (text, line, column, token) in [
            ("{\"a\": 1,\n \"b\": 1e300}", 2, 7, "1e300"),
            ("[1, -2.5E+200]", 1, 5, "-2.5E+200"),
            ("[\"1e300\", 1e-300]", 1, 11, "1e-300"),
        ] {
            let found = JSONInput.outOfRangeNumber(in: Data(text.utf8))
            #expect(found?.0 == line && found?.1 == column && found?.2 == token, "\(text)")
        }
        #expect(JSONInput.outOfRangeNumber(in: Data("[1e127, 0, 0e500, 1e-128]".utf8)) == nil)
        let error = JSONInput.describe(
            DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "The given data was not valid JSON.")),
            data: Data("{\"a\": 1e300}".utf8),
            source: "x.json"
        )
        #expect(
            error.description
                == "x.json:1:7: a: number 1e300 is out of range: numbers are read exactly, from 1e-128 to below 1e128"
        )
    }
}
