import Foundation
import Testing

@testable import BackstopCore

/// Every worked example in apr-vectors.json (US Regulation Z Appendix J, EU APRC, PBoC, Chinese card instalments,
/// Apache Fineract schedules), reproduced through the public API.
struct PublishedVectorTests {
    static let appendixJ = ["US-AppJ-c1-i", "US-AppJ-c1-ii", "US-AppJ-c2-i", "US-AppJ-c3-i", "US-AppJ-c5-i"]

    @Test(arguments: appendixJ)
    func regulationZAppendixJ(id: String) throws {
        let vector = try Vectors.vector(id)
        let streams = try #require(vector["payment_streams"] as? [[String: Any]])
        var flows = [CashFlow(amount: -dec(vector["amount_financed"]), periods: 0)]
        for stream in streams {
            let f = try #require(Decimal.parseRational(stream["f_str"] as? String ?? "0"))
            let t = dec(stream["t"])
            for k in 0..<(stream["count"] as? Int ?? 0) {
                flows.append(CashFlow(amount: dec(stream["amount"]), periods: t + Decimal(k) + f))
            }
        }
        let perYear =
            vector["unit_period"] as? String == "255 days" ? Decimal(365) / 255 : dec(vector["unit_periods_per_year"])
        let apr = try APRCalculator(convention: .usRegZ, unitPeriodsPerYear: perYear).apr(of: flows)
        let expected = dec((vector["expected"] as? [String: Any])?["apr_percent"])
        #expect(apr.nominal(scale: 2) == expected, "\(id): got \(apr.nominalPercent)")
    }

    @Test func appendixJDatesGiveTheOddDaysFraction() throws {
        // c1-ii: advance 1978-02-10, first payment 1978-04-01: one month and 19 days (19/30), APR 11.82.
        let advance = try #require(CalendarDate(iso: "1978-02-10"))
        let first = try #require(CalendarDate(iso: "1978-04-01"))
        var flows = [CashFlow(amount: -6000, date: advance)]
        for k in 0..<36 { flows.append(CashFlow(amount: 200, date: first.adding(months: k))) }
        let calculator = APRCalculator(convention: .usRegZ, unitPeriodsPerYear: 12)
        let times = try calculator.unitPeriodTimes(of: flows)
        #expect(abs(times[1] - (1 + 19.0 / 30)) < 1e-12)
        #expect(try calculator.apr(of: flows).nominal(scale: 2) == Decimal(string: "11.82"))
    }

    @Test func regulationZTolerance() throws {
        let vector = try Vectors.vector("US-RegZ-tolerance-regular")
        let examples = try #require((vector["expected"] as? [String: Any])?["examples"] as? [[String: Any]])
        for example in examples {
            // An APR whose exact value is the vector's "actual".
            let actual = AnnualPercentageRate(
                periodicRate: dec(example["actual"]).doubleValue / 1200,
                unitPeriodsPerYear: 12
            )
            #expect(actual.isAccurateDisclosure(dec(example["disclosed"])) == (example["accurate"] as? Bool))
        }
    }

    @Test func euDirective98AnnexExample1() throws {
        let apr = try APRCalculator(convention: .eu, unitPeriodsPerYear: 1).apr(of: [
            CashFlow(amount: -1000, periods: 0),
            CashFlow(amount: 1200, periods: try #require(Decimal.parseRational("546/365"))),
        ])
        #expect(apr.effective(scale: 2) == Decimal(string: "12.96"))
        #expect(apr.effective(scale: 1) == 13)
    }

    @Test func euDirective98AnnexExample3() throws {
        let apr = try APRCalculator(convention: .eu, unitPeriodsPerYear: 1).apr(of: [
            CashFlow(amount: -1000, periods: 0), CashFlow(amount: 600, periods: 1), CashFlow(amount: 600, periods: 2),
        ])
        #expect(apr.effective(scale: 2) == Decimal(string: "13.07"))
        #expect(abs(apr.periodicRate - 0.1306623) < 1e-7)
    }

    @Test(arguments: [
        ("EU-guidelines-interval-2012-01-12-2012-03-15", Decimal(12)),
        ("EU-guidelines-annual-2013-02-15", Decimal(1)),
    ])
    func euGuidelinesDayCount(id: String, unitPeriodsPerYear: Decimal) throws {
        let vector = try Vectors.vector(id)
        let start = try #require(CalendarDate(iso: vector["start"] as? String ?? ""))
        let end = try #require(CalendarDate(iso: vector["end"] as? String ?? ""))
        let times = try APRCalculator(convention: .eu, unitPeriodsPerYear: unitPeriodsPerYear).unitPeriodTimes(of: [
            CashFlow(amount: -1, date: start), CashFlow(amount: 1, date: end),
        ])
        let years = times[1] / unitPeriodsPerYear.doubleValue
        let expected = try #require((vector["expected"] as? [String: Any])?["year_fraction"] as? Double)
        #expect(abs(years - expected) < 1e-12)
    }

    @Test func euGuidelinesLeapYearCountsBackFromTheDateReached() throws {
        // 2012-03-10 → 2012-04-20: one month back is 2012-03-20; the year ending there contains 29 Feb 2012: /366.
        let times = try APRCalculator(convention: .eu, unitPeriodsPerYear: 12).unitPeriodTimes(of: [
            CashFlow(amount: -1, date: try #require(CalendarDate(iso: "2012-03-10"))),
            CashFlow(amount: 1, date: try #require(CalendarDate(iso: "2012-04-20"))),
            CashFlow(amount: 1, date: try #require(CalendarDate(iso: "2013-04-20"))),
        ])
        #expect(abs(times[1] / 12 - (1.0 / 12 + 10.0 / 366)) < 1e-12)
        // 13 months later the date reached is the same 2012-03-20: still /366.
        #expect(abs(times[2] / 12 - (13.0 / 12 + 10.0 / 366)) < 1e-12)
        // A loan a year later: 2013-03-20 is reached, and the year before it has no 29 February: /365.
        let later = try APRCalculator(convention: .eu, unitPeriodsPerYear: 12).unitPeriodTimes(of: [
            CashFlow(amount: -1, date: try #require(CalendarDate(iso: "2013-03-10"))),
            CashFlow(amount: 1, date: try #require(CalendarDate(iso: "2013-04-20"))),
        ])
        #expect(abs(later[1] / 12 - (1.0 / 12 + 10.0 / 365)) < 1e-12)
    }

    @Test func euRoundingIsHalfUpAtTheLastShownDecimal() throws {
        let vector = try Vectors.vector("EU-guidelines-rounding")
        let cases = try #require((vector["expected"] as? [String: Any])?["cases"] as? [[String: Any]])
        for item in cases {
            let exact = try #require(item["exact"] as? Double)
            #expect(Decimal.fromSolver(exact, scale: 1) == dec(item["1dp"]))
            #expect(Decimal.fromSolver(exact, scale: 2) == dec(item["2dp"]))
        }
    }

    @Test func peoplesBankOfChinaAnnouncement2021No3() throws {
        let vector = try Vectors.vector("CN-PBOC-2021-3-example")
        let flows = try #require(vector["cash_flows"] as? [[String: Any]]).map {
            CashFlow(amount: dec($0["amount"]), periods: dec($0["month"]))
        }
        let apr = try APRCalculator(convention: .cn, unitPeriodsPerYear: 12).apr(of: flows)
        let expected = try #require(vector["expected"] as? [String: Any])
        #expect(apr.nominal(scale: 2) == dec(expected["apr_simple_percent"]))
        #expect(apr.effective(scale: 2) == dec(expected["apr_compound_percent"]))
    }

    @Test func cmbCardInstallmentIsPricedByItsCashFlowsNotTheShortcut() throws {
        let vector = try Vectors.vector("CN-CMB-card-installment-1200x12-0.66pct")
        let expected = try #require(vector["expected"] as? [String: Any])
        let quote = try CostEngine.quote(
            LoanTerms(
                amount: try Money(dec(vector["principal"])),
                termMonths: 12,
                pricing: Pricing(installmentFee: .perPeriod(MonthlyRate(fraction: dec(vector["fee_rate_per_period"])))),
                method: .equalPrincipal,
                startDate: try #require(CalendarDate(iso: "2017-11-02"))
            )
        )
        #expect(quote.monthlyPayment.decimalValue == dec(expected["payment"]))
        #expect(quote.schedule.rows.allSatisfy { $0.fees.decimalValue == dec(expected["fee_per_period"]) })
        #expect(quote.totalFees.decimalValue == dec(expected["total_fee"]))
        #expect(quote.nominalAPR == dec(expected["apr_irr_nominal_percent"]))
        #expect(quote.nominalAPR != dec(expected["apr_approx_avg_balance_percent"]))
    }

    @Test func popularShortcutFormulaIsNotReproduced() throws {
        // 24 × 0.72% × n/(n+1) = 15.95% is an approximation, not an IRR: the engine must disagree with it.
        let vector = try Vectors.vector("CN-card-installment-0.72pct-12p-approx")
        let shortcut = dec((vector["expected"] as? [String: Any])?["apr_approx_percent"])
        let quote = try CostEngine.quote(
            LoanTerms(
                amount: Money(minorUnits: 1_200_000),
                termMonths: 12,
                pricing: Pricing(installmentFee: .perPeriod(MonthlyRate(fraction: dec(vector["fee_rate_per_period"])))),
                method: .equalPrincipal,
                startDate: try #require(CalendarDate(iso: "2026-01-10"))
            )
        )
        #expect(abs(quote.nominalAPR - shortcut) > Decimal(string: "0.1")!)
        // The true IRR of 1000 + 86.40 a month for a 12,000 advance.
        let irr = try APRCalculator.solve(
            amounts: [-12000] + Array(repeating: 1086.4, count: 12),
            times: (0...12).map(Double.init)
        )
        #expect(quote.nominalAPR == Decimal.fromSolver(irr * 1200, scale: 2))
    }

    @Test func blogEqualPrincipalSchedule() throws {
        let vector = try Vectors.vector("CN-blog-equal-principal-1200-12pct-12m")
        let expected = try #require(vector["expected"] as? [String: Any])
        let schedule = try CostEngine.schedule(for: try terms(vector, method: .equalPrincipal))
        #expect(schedule.rows.map(\.payment.decimalValue) == (expected["payments"] as? [Any] ?? []).map(dec))
        #expect(schedule.rows.map(\.interest.decimalValue) == (expected["interest"] as? [Any] ?? []).map(dec))
        #expect(schedule.totalInterest.decimalValue == dec(expected["total_interest"]))
        #expect(schedule.totalRepayment.decimalValue == dec(expected["total_payable"]))
    }

    @Test func blogEqualInstallmentSchedule() throws {
        let vector = try Vectors.vector("CN-blog-equal-installment-1200-12pct-12m")
        let expected = try #require(vector["expected"] as? [String: Any])
        let schedule = try CostEngine.schedule(for: try terms(vector, method: .equalInstallment))
        #expect(schedule.rows.dropLast().allSatisfy { $0.payment.decimalValue == dec(expected["payment"]) })
        #expect(schedule.rows.map(\.interest.decimalValue) == (expected["interest"] as? [Any] ?? []).map(dec))
        #expect(schedule.rows.map(\.balance.decimalValue) == (expected["balance"] as? [Any] ?? []).map(dec))
        // The published total (1279.44) is 2 fen off its own rows; the rows are the truth.
        #expect(dec(expected["total_payable_published"]) == Decimal(string: "1279.44"))
        #expect(schedule.totalRepayment.decimalValue == Decimal(string: "1279.42"))
        #expect(schedule.totalPrincipal.decimalValue == 1200)
    }

    @Test func fineractDecliningBalanceWithInstalmentInMultiplesOfOne() throws {
        let vector = try Vectors.vector("Fineract-RS02-declining-emi-5000-12pct-18m")
        let expected = try #require(vector["expected"] as? [String: Any])
        var loan = try terms(vector, method: .equalInstallment)
        loan.installmentMultiple = try Money(dec(vector["installment_in_multiples_of"]))
        let schedule = try CostEngine.schedule(for: loan)
        #expect(schedule.rows.dropLast().allSatisfy { $0.payment.decimalValue == dec(expected["installment"]) })
        #expect(schedule.rows.last?.payment.decimalValue == dec(expected["last_due"]))
        #expect(schedule.rows.map(\.interest.decimalValue) == (expected["interest"] as? [Any] ?? []).map(dec))
        #expect(schedule.rows.map(\.balance.decimalValue) == (expected["balance"] as? [Any] ?? []).map(dec))
        #expect(schedule.totalInterest.decimalValue == dec(expected["total_interest"]))
        #expect(schedule.totalRepayment.decimalValue == dec(expected["total_due"]))
        #expect(schedule.rows.first?.dueDate == CalendarDate(iso: "2022-12-01"))
    }

    @Test func fineractEqualPrincipal() throws {
        let vector = try Vectors.vector("Fineract-RS04-equal-principal-5000-12pct-18m")
        let expected = try #require(vector["expected"] as? [String: Any])
        let schedule = try CostEngine.schedule(for: try terms(vector, method: .equalPrincipal))
        #expect(
            schedule.rows.dropLast().allSatisfy { $0.principal.decimalValue == dec(expected["principal_per_period"]) }
        )
        #expect(schedule.rows.last?.principal.decimalValue == dec(expected["last_principal"]))
        #expect(schedule.rows.map(\.interest.decimalValue) == (expected["interest"] as? [Any] ?? []).map(dec))
        #expect(schedule.rows.first?.payment.decimalValue == dec(expected["first_due"]))
        #expect(schedule.rows.last?.payment.decimalValue == dec(expected["last_due"]))
        #expect(schedule.totalRepayment.decimalValue == dec(expected["total_due"]))
    }

    @Test func fineractZeroInterest() throws {
        let vector = try Vectors.vector("Fineract-EMI-1000-0pct-4m")
        let expected = try #require(vector["expected"] as? [String: Any])
        let quote = try CostEngine.quote(try terms(vector, method: .equalInstallment))
        #expect(quote.schedule.rows.allSatisfy { $0.payment.decimalValue == dec(expected["emi"]) })
        #expect(quote.schedule.rows.map(\.balance.decimalValue) == (expected["balance"] as? [Any] ?? []).map(dec))
        #expect(quote.apr.periodicRate == 0)
        #expect(quote.nominalAPR == 0)
    }

    /// Loan terms for a schedule vector: principal, annual rate, n monthly periods.
    func terms(_ vector: [String: Any], method: RepaymentMethod) throws -> LoanTerms {
        let rate = dec(vector["annual_rate"])
        return LoanTerms(
            amount: try Money(dec(vector["principal"])),
            termMonths: try #require(vector["n"] as? Int),
            pricing: Pricing(interest: rate.isZero ? .none : .annual(AnnualRate(fraction: rate))),
            method: method,
            startDate: try #require(CalendarDate(iso: vector["start"] as? String ?? "2022-11-01"))
        )
    }
}
