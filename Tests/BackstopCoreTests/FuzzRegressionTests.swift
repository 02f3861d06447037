import BackstopCore
import Foundation
import Testing

/// Inputs that broke an invariant of a libFuzzer target (Fuzz/, docs/fuzzing.md), replayed through the public API.
/// The raw inputs are kept in Fuzz/Regressions/<Target>/ and replayed by `scripts/fuzz.sh` too.
struct FuzzRegressionTests {
    // MARK: FuzzRateParser

    /// Fuzz/Regressions/FuzzRateParser/long-number-trailing-garbage: past 18 digits the text went to Foundation's
    /// parser unchecked, which reads the longest numeric prefix (exponents included) and ignores what follows. Each
    /// of these was accepted before the fix.
    @Test(arguments: [
        "44144414144441440.01\u{FFFD}\u{FFFD}\u{FFFD}",
        "12345678901234567.89xyz",
        "123456789012345678.9e-1",
        "¥12,345,678,901,234,567.89 yuan",
    ])
    func amountsWithTextAfterALongNumberAreRefused(_ text: String) {
        #expect(throws: MoneyError.self) { try Money(parsing: text) }
    }

    @Test(arguments: ["1234567890123456789e-18%/year", "0.0000000000000000001x%/day", "1234567890123456789e-20%/term"])
    func ratesWithTextAfterALongNumberAreRefused(_ text: String) {
        #expect(throws: RateParseError.self) { try QuotedRate(parsing: text) }
    }

    /// More significant digits than a Decimal holds are refused, not rounded into an amount with fewer decimals.
    @Test func numbersBeyondDecimalPrecisionAreRefusedNotRounded() {
        #expect(throws: MoneyError.self) { try Money(parsing: "1.0000000000000000000000000000000000000001") }
    }

    @Test func longNumbersAreStillReadExactly() throws {
        #expect(try Money(parsing: "12345678901234567.89") == Money(minorUnits: 1_234_567_890_123_456_789))
        #expect(try Money(parsing: "0.000000000000000000000") == .zero())
        #expect(try Money(parsing: "+00000000000000000000000042.50") == Money(minorUnits: 4250))
        let rate = try QuotedRate(parsing: "0.05000000000000000000000%/day")
        #expect(rate == .perDay(DailyRate(percent: Decimal(string: "0.05")!)))
    }

    /// Fuzz/Regressions/FuzzRateParser/tiny-rate-underflows-to-zero: 5 × 10^-128 % was parsed exactly, then lost its
    /// digits when turned into a fraction (a Decimal's exponent stops at -128) and read as 0%/day.
    @Test func ratesTooSmallToHoldAreRefusedNotReadAsZero() throws {
        let text = "00." + String(repeating: "0", count: 127) + "5%/day"
        #expect(throws: RateParseError.self) { try QuotedRate(parsing: text) }
        #expect(
            try QuotedRate(parsing: "0." + String(repeating: "0", count: 120) + "5%/day") != .perDay(.init(fraction: 0))
        )
        #expect(try QuotedRate(parsing: "0.000%/day") == .perDay(DailyRate(fraction: 0)))
    }

    // MARK: FuzzAPRSolver

    /// Fuzz/Regressions/FuzzAPRSolver/newton-crawl-returns-non-root: on a steep NPV, Newton steps inside the bracket
    /// crawled, the 200 iterations ran out and an unconverged rate (-2.67% instead of -0.0612%) was returned.
    @Test func steepFlowsConvergeToTheRoot() throws {
        let flows = [
            CashFlow(amount: 0, periods: 0),
            CashFlow(amount: Decimal(string: "635095.04")!, periods: 256),
            CashFlow(amount: Decimal(string: "-464404.48")!, periods: 767),
        ]
        let rate = try APRCalculator(convention: .cn).apr(of: flows).periodicRate
        let expected = pow(464_404.48 / 635_095.04, 1.0 / 511) - 1
        #expect(abs(rate - expected) < 1e-12)
    }

    /// Fuzz/Regressions/FuzzAPRSolver/late-flows-underflow-taken-for-root: with every flow hundreds of periods after
    /// t = 0, the NPV underflowed to exactly 0 at 1023% a period and that was returned as the rate.
    @Test func flowsFarFromTimeZeroGetTheirRealRate() throws {
        let flows = [
            CashFlow(amount: 0, periods: 0),
            CashFlow(amount: Decimal(string: "-18790164.22")!, periods: 351),
            CashFlow(amount: Decimal(string: "-18790085.12")!, periods: 351),
            CashFlow(amount: Decimal(string: "183321.6")!, periods: 464),
        ]
        let rate = try APRCalculator(convention: .cn).apr(of: flows).periodicRate
        let expected = pow(183_321.6 / (18_790_164.22 + 18_790_085.12), 1.0 / 113) - 1
        #expect(abs(rate - expected) < 1e-12)
    }

    /// Fuzz/Regressions/FuzzAPRSolver/far-flows-subnormal-npv-in-the-check: the solver was right and the fuzz target's
    /// check was not: ¥0.04 at period 880 and -¥111,100.48 at period 898 have their root at 128.02% a period, where
    /// the check's NPV discounted both flows to subnormal numbers (1e-320) and lost the digits that show it is a root.
    /// The check now scales the NPV by (1 + i)^880 first; this pins the solver's answer to the closed form.
    @Test func farFlowsWithARepaymentFirstGetTheirRealRate() throws {
        let flows = [
            CashFlow(amount: Decimal(string: "-111100.48")!, periods: 898),
            CashFlow(amount: Decimal(string: "0.04")!, periods: 880),
        ]
        let rate = try APRCalculator(convention: .cn).apr(of: flows).periodicRate
        let expected = pow(111_100.48 / 0.04, 1.0 / 18) - 1
        #expect(abs(rate - expected) < 1e-12 * expected)
    }

    /// Fuzz/Regressions/FuzzAPRSolver/negative-rate-npv-overflows-far-flows: flows 101,826 periods apart repaying
    /// less than was advanced have a small negative rate, but the NPV at -50% (the first bracket tried) overflowed
    /// (2^102000) and the solver said no rate exists. The NPV at negative rates is now scaled by (1 + i)^latest.
    @Test(arguments: [[Decimal(0), -1000], [Decimal(0)]])
    func farFlowsRepayingLessGetTheirNegativeRate(_ early: [Decimal]) throws {
        var flows = [
            CashFlow(amount: Decimal(string: "-17115060.32")!, periods: 174),
            CashFlow(amount: Decimal(string: "335544.52")!, periods: 102_000),
        ]
        flows += early.map { CashFlow(amount: $0, periods: 0) }
        let rate = try APRCalculator(convention: .cn).apr(of: flows).periodicRate
        if early.count == 1 {
            let expected = expm1(log(335_544.52 / 17_115_060.32) / 101_826)
            #expect(abs(rate - expected) < 1e-9 * abs(expected))
        } else {
            // ¥1,000 more advanced at 0: a slightly more negative rate, and a root of the NPV (scaled to 102,000).
            let npv =
                -1000 * pow(1 + rate, 102_000) - 17_115_060.32 * pow(1 + rate, 102_000 - 174) + 335_544.52
            #expect(rate < expm1(log(335_544.52 / 17_115_060.32) / 101_826))
            #expect(abs(npv) < 1e-6 * 335_544.52)
        }
    }

    /// Found in review of the scaling above: flows at the latest time that cancel (a fee charged and refunded on the
    /// last day) added up to exactly 0 at -50%, where every other flow had underflowed, and -50% was returned as the
    /// rate. Flows at equal times are now netted first (exactly, in `apr(of:)`). The rate is that of -100 at 0 and 50
    /// at 5: 2^(-1/5) - 1.
    @Test func flowsCancellingAtTheLatestTimeAreNotARoot() throws {
        let expected = pow(2, -1.0 / 5) - 1
        let solved = try APRCalculator.solve(amounts: [-100, 50, 1000, -1000], times: [0, 5, 2000.5, 2000.5])
        #expect(abs(solved - expected) < 1e-12)
        let flows = [
            CashFlow(amount: -100, periods: 0),
            CashFlow(amount: 50, periods: 5),
            CashFlow(amount: Decimal(string: "1000.10")!, periods: Decimal(string: "2000.5")!),
            CashFlow(amount: Decimal(string: "-999.90")!, periods: Decimal(string: "2000.5")!),
            CashFlow(amount: Decimal(string: "-0.20")!, periods: Decimal(string: "2000.5")!),
        ]
        let rate = try APRCalculator(convention: .cn).apr(of: flows).periodicRate
        #expect(abs(rate - expected) < 1e-12)
    }

    /// Netting never turns a loan into an error: every advance repaid at the same moment costs nothing (rate 0, as
    /// any flows summing to zero), flows of one sign are still refused, and a time that is not a number is refused
    /// before anything is netted.
    @Test func flowsThatAllCancelCostNothing() throws {
        let calculator = APRCalculator(convention: .cn)
        let cancelling = [CashFlow(amount: -100, periods: 3), CashFlow(amount: 100, periods: 3)]
        #expect(try calculator.apr(of: cancelling).periodicRate == 0)
        #expect(throws: APRError.self) { try calculator.apr(of: [CashFlow(amount: 0, periods: 0)]) }
        let error = #expect(throws: APRError.self) {
            try calculator.apr(of: [CashFlow(amount: 0, periods: .nan), CashFlow(amount: -1, periods: 0)])
        }
        #expect(error?.message.contains("finite") == true, "\(String(describing: error))")
    }

    // MARK: FuzzAPRSolver (cost engine)

    /// Fuzz/Regressions/FuzzAPRSolver/total-fee-share-rounded-up-last-negative: ¥8.95 of fees over 65 instalments
    /// rounded each share up to ¥0.14, and the last share came out at -¥0.01.
    @Test func totalFeeSharesAreNeverNegative() throws {
        let terms = LoanTerms(
            amount: Money(minorUnits: 1152),
            termMonths: 65,
            pricing: Pricing(
                installmentFee: .total(TermRate(percent: Decimal(string: "77.7238")!)),
                interestFreeDays: 144
            ),
            method: .interestFirst,
            startDate: CalendarDate(year: 2478, month: 1, day: 1)!,
            installmentMultiple: Money(minorUnits: 321)
        )
        let schedule = try CostEngine.schedule(for: terms)
        #expect(schedule.rows.allSatisfy { $0.fees.minorUnits >= 0 })
        #expect(schedule.totalFees == Money(minorUnits: 895))
        #expect(schedule.totalPrincipal == terms.amount)
    }

    /// Fuzz/Regressions/FuzzAPRSolver/huge-rate-overflows-payment: a rate of 1.7 × 10^15 % a year made the interest
    /// saturate at Int64.max fen and `principal + interest + fees` trapped.
    @Test func absurdRatesAreRefusedNotOverflowed() {
        let terms = LoanTerms(
            amount: Money(minorUnits: 38_838_422_788),
            termMonths: 1,
            pricing: Pricing(
                interest: .annual(AnnualRate(percent: Decimal(sign: .plus, exponent: 6, significand: 1_702_063_980))),
                installmentFee: .perPeriod(MonthlyRate(percent: Decimal(string: "0.0095")!))
            ),
            method: .bullet,
            startDate: CalendarDate(year: 2026, month: 11, day: 25)!
        )
        let error = #expect(throws: CostError.self) { try CostEngine.quote(terms) }
        #expect(error?.field == "rate")
    }

    @Test func theWidestQuotedRateIsStillPriced() throws {
        let terms = LoanTerms(
            amount: Money(minorUnits: 100_000_000_000),
            termMonths: 360,
            pricing: Pricing(interest: .annual(AnnualRate(percent: 1000))),
            startDate: CalendarDate(year: 2026, month: 11, day: 25)!
        )
        let quote = try CostEngine.quote(terms)
        #expect(quote.schedule.totalPrincipal == terms.amount)
    }

    /// Fuzz/Regressions/FuzzProfileJSON/unknown-key-round-trip.json: a misspelt key (`overdueCountue24m`) is kept in
    /// `unrecognizedFields` to be reported, and never written back: the re-encoded profile is the wire profile.
    @Test func unknownKeysAreReportedAndNotReencoded() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(
                "Fuzz/Regressions/FuzzProfileJSON/unknown-key-round-trip.json"
            )
        let profile = try JSONInput.decode(UserProfile.self, from: try Data(contentsOf: url), source: "regression")
        #expect(profile.unrecognizedFields == ["repayment.overdueCountue24m"])
        let again = try JSONInput.decode(
            UserProfile.self,
            from: try JSONEncoder().encode(profile),
            source: "re-encoded"
        )
        #expect(again.unrecognizedFields.isEmpty)
        var wire = profile
        wire.unrecognizedFields = []
        #expect(again == wire)
    }
}
