import Foundation
import Testing

@testable import BackstopCore

/// Rules of the cost engine that the published vectors do not pin down.
struct ScheduleRuleTests {
    let start = CalendarDate(year: 2026, month: 1, day: 15)!

    @Test func halfFenTiesRoundAwayFromZeroWhenDividing() {
        // 1000.50 / 12 = 83.375 exactly: half-up gives 83.38 (a 1/12 computed in decimal would give 83.37).
        #expect(Money(minorUnits: 100_050).divided(by: 12).minorUnits == 8338)
        #expect(Money(minorUnits: -100_050).divided(by: 12).minorUnits == -8338)
        #expect(Money(minorUnits: 100).divided(by: 3).minorUnits == 33)
    }

    @Test func equalPrincipalRowsUseTheHalfUpShare() throws {
        let schedule = try CostEngine.schedule(
            for: LoanTerms(
                amount: try Money(parsing: "1000.50"),
                termMonths: 12,
                pricing: Pricing(),
                method: .equalPrincipal,
                startDate: start
            )
        )
        #expect(schedule.rows.dropLast().allSatisfy { $0.principal.minorUnits == 8338 })
        let last = try #require(schedule.rows.last)
        #expect(last.principal.minorUnits == 100_050 - 11 * 8338, "\(schedule.rows.map(\.principal))")
    }

    @Test func bulletWithInterestFreeDaysChargesOnlyTheRemainingMonths() throws {
        // 1%/month, 12 months, the first 30 days free: maturity is 30 days + 11 months out, 11 months bear interest.
        let schedule = try CostEngine.schedule(
            for: LoanTerms(
                amount: try Money(parsing: "1000"),
                termMonths: 12,
                pricing: Pricing(interest: .monthly(MonthlyRate(percent: 1)), interestFreeDays: 30),
                method: .bullet,
                startDate: start
            )
        )
        #expect(schedule.rows.count == 1)
        #expect(schedule.rows[0].interest == (try Money(parsing: "110")))
        #expect(schedule.rows[0].dueDate == start.adding(days: 30).adding(months: 11))
    }

    @Test func interestFreePeriodDelaysTheFirstInstalmentAndChargesNoInterestBeforeIt() throws {
        let schedule = try CostEngine.schedule(
            for: LoanTerms(
                amount: try Money(parsing: "3000"),
                termMonths: 3,
                pricing: Pricing(
                    interest: .daily(DailyRate(percent: 0.05), dayCount: .actual365),
                    interestFreeDays: 40
                ),
                method: .equalPrincipal,
                startDate: start
            )
        )
        #expect(
            schedule.rows.map(\.dueDate) == [
                start.adding(days: 40), start.adding(days: 40).adding(months: 1),
                start.adding(days: 40).adding(months: 2),
            ]
        )
        #expect(schedule.rows[0].interest.minorUnits == 0)
        // Second row: 2000 × 0.05% × actual days between the first and second due dates.
        let days = Decimal(schedule.rows[0].dueDate.days(to: schedule.rows[1].dueDate))
        #expect(
            schedule.rows[1].interest == Money(minorUnits: 200_000).multiplied(by: Decimal(string: "0.0005")! * days)
        )
    }

    @Test func totalInstallmentFeeSumsExactly() throws {
        // 18% of ¥1 for the term over 12 rows: 18 fen in total, 2 fen a row (1.5 rounds up) and −4 fen would be wrong:
        // the last row takes what is left, so the rows always sum to the total.
        let schedule = try CostEngine.schedule(
            for: LoanTerms(
                amount: try Money(parsing: "7"),
                termMonths: 12,
                pricing: Pricing(installmentFee: .total(TermRate(percent: 18))),
                method: .equalPrincipal,
                startDate: start
            )
        )
        let fees = schedule.rows.reduce(0) { $0 + $1.fees.minorUnits }
        #expect(fees == 126)
    }

    @Test func monthEndsClampAndPaymentsOnTheLastDayCountAsWholeMonths() throws {
        let endOfJanuary = try #require(CalendarDate(iso: "2026-01-31"))
        let quote = try CostEngine.quote(
            LoanTerms(
                amount: try Money(parsing: "1200"),
                termMonths: 12,
                pricing: Pricing(interest: .monthly(MonthlyRate(percent: 1))),
                method: .equalInstallment,
                startDate: endOfJanuary
            )
        )
        #expect(quote.schedule.rows[0].dueDate == CalendarDate(iso: "2026-02-28"))
        #expect(quote.schedule.rows[1].dueDate == CalendarDate(iso: "2026-03-31"))
        // 1% a month on whole months: 12.00% nominal, not more because February is short.
        #expect(quote.nominalAPR == 12)
    }

    @Test(arguments: [
        ("0.05%/day", "0.05%/day"), ("0.6%/month", "0.6%/month"), ("14.6%/year", "14.6%/year"),
        ("8.8%/term", "8.8%/term"),
        ("0.05% / 日", "0.05%/day"), ("12%/pa", "12%/year"), ("1.5%/mo", "1.5%/month"),
    ])
    func ratesParseWithTheirPeriod(text: String, canonical: String) throws {
        #expect(try QuotedRate(parsing: text).description == canonical)
    }

    @Test(arguments: [
        ("0.05", "has no period"), ("0.05/day", "ending in %"), ("abc%/day", "decimal number"),
        ("-1%/day", "is negative"),
        ("5%/week", "unknown period"), ("2%/day", "above 1% per day"), ("", "is empty"),
        ("1e2%/year", "decimal number"),
    ])
    func badRatesAreRefusedWithTheReason(text: String, reason: String) {
        let error = #expect(throws: RateParseError.self) { try QuotedRate(parsing: text) }
        #expect(error?.description.contains(reason) == true, "\(text): \(String(describing: error))")
    }

    @Test func distinctRateTypesCannotBeMixedUp() {
        // The period is in the type: a DailyRate is not an AnnualRate, so this only compiles with an explicit
        // conversion through the pricing's nominal annual rate.
        let daily = DailyRate(percent: Decimal(string: "0.05")!)
        let annual: AnnualRate = InterestPricing.daily(daily, dayCount: .actual365).nominalAnnual
        #expect(annual.percent == Decimal(string: "18.25"))
        #expect(InterestPricing.daily(daily, dayCount: .actual360).nominalAnnual.percent == 18)
    }

    @Test(arguments: ["5000", "¥5,000.00", "0.01", "1234.5"])
    func moneyParsesExactly(text: String) throws {
        let money = try Money(parsing: text)
        #expect(
            money.decimalValue
                == Decimal(string: text.replacingOccurrences(of: "¥", with: "").replacingOccurrences(of: ",", with: ""))
        )
    }

    @Test(arguments: ["1.234", "abc", "1e3", "", "1,2.3.4"])
    func moneyRefusesWhatIsNotAnAmount(text: String) {
        #expect(throws: MoneyError.self) { try Money(parsing: text) }
    }
}

/// Found by the HTTP contract test: inputs that used to overflow or run past year 9999 are refused.
struct CostLimitTests {
    @Test func hugeMembershipFeeIsRefusedNotOverflowed() {
        let terms = LoanTerms(
            amount: Money(minorUnits: 500_000),
            termMonths: 12,
            pricing: Pricing(monthlyMembershipFee: Money(minorUnits: 9_223_372_036_854_775_800)),
            startDate: CalendarDate(year: 2026, month: 1, day: 1)!
        )
        let error = #expect(throws: CostError.self) { try CostEngine.quote(terms) }
        #expect(error?.field == "membershipFee")
    }

    @Test func schedulesCannotRunPastTheCalendar() {
        let terms = LoanTerms(
            amount: Money(minorUnits: 100_000),
            termMonths: 1,
            pricing: Pricing(),
            startDate: CalendarDate(year: 9999, month: 12, day: 31)!
        )
        let error = #expect(throws: CostError.self) { try CostEngine.quote(terms) }
        #expect(error?.field == "startDate")
    }
}

/// The listing's APR range prices a bounded number of terms per price list.
struct APRRangeSamplingTests {
    @Test func longPriceListsAreSampledShortestLongestAndBetween() {
        let rule = PricingRule(interest: .none)
        let all = Array(1...360)
        let sampled = ProviderDescription.sampled(all, by: { _ in rule })
        #expect(sampled.count == 12)
        #expect(sampled.first == 1 && sampled.last == 360)
        #expect(sampled == sampled.sorted() && Set(sampled).count == 12)
        #expect(ProviderDescription.sampled([3, 6, 12], by: { _ in rule }) == [3, 6, 12])
        // Each price list is sampled on its own terms.
        let other = PricingRule(terms: [24], interest: .none)
        let mixed = ProviderDescription.sampled(all, by: { $0 == 24 ? other : rule })
        #expect(mixed.contains(24) && mixed.count == 13)
    }
}
