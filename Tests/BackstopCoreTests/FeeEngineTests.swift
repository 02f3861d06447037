import Foundation
import Testing

@testable import BackstopCore

/// Typed fees (provider XML v2) in the cost engine: row by row, by kind and receiver, in the totals and the APR;
/// optional and unknown fees; stress costs; the worked examples of docs/cost-methods.md §10.
struct FeeEngineTests {
    static let start = CalendarDate(year: 2026, month: 1, day: 15)!
    static let tenThousand = Money(minorUnits: 1_000_000)
    static let annual72 = InterestPricing.annual(AnnualRate(percent: Decimal(string: "7.2")!))

    static func fee(
        _ kind: FeeKind,
        _ percent: String,
        per: FeeFrequency = .month,
        basis: FeeBasis = .originalPrincipal,
        receiver: FeeReceiver? = nil,
        mandatory: Bool = true
    ) -> Fee {
        Fee(
            kind: kind,
            basis: basis,
            per: per,
            figure: .percent(Decimal(string: percent)!),
            receiver: receiver,
            mandatory: mandatory
        )
    }

    static func quote(_ fees: [Fee], interest: InterestPricing = annual72, term: Int = 12) throws -> Quote {
        try CostEngine.quote(
            LoanTerms(
                amount: tenThousand,
                termMonths: term,
                pricing: Pricing(interest: interest, fees: fees),
                startDate: start
            )
        )
    }

    // MARK: Worked examples (docs/cost-methods.md §10)

    /// (a) A guarantee fee of 1.2% of the original principal a month: ¥120.00 on every row, whatever is repaid.
    /// (Every figure of these examples was also computed independently, outside Swift, with the rules of
    /// docs/cost-methods.md.)
    @Test func guaranteeFeeOnTheOriginalPrincipal() throws {
        let quote = try Self.quote([Self.fee(.guarantee, "1.2", receiver: .guarantor)])
        #expect(quote.schedule.rows.allSatisfy { $0.fees == Money(minorUnits: 12_000) })
        #expect(quote.schedule.rows[0].payment == Money(minorUnits: 98_619))
        #expect(quote.totalFees == Money(minorUnits: 144_000))
        #expect(quote.totalCost == Money(minorUnits: 183_428))
        #expect(quote.nominalAPR == Decimal(string: "32.29"))
        #expect(quote.interestOnlyAPR == Decimal(string: "7.2"))
        #expect(
            quote.schedule.feeTotals
                == [FeeCharge(kind: .guarantee, receiver: .guarantor, amount: Money(minorUnits: 144_000))]
        )
    }

    /// (b) An insurance premium of 0.3% of the outstanding balance a month: it falls as the balance does.
    @Test func insurancePremiumOnTheBalance() throws {
        let quote = try Self.quote([Self.fee(.insurance, "0.3", basis: .outstandingBalance, receiver: .insurer)])
        let rows = quote.schedule.rows
        #expect(rows[0].fees == Money(minorUnits: 3_000))
        #expect(rows[1].fees == Money(minorUnits: 2_758))
        #expect(rows[11].fees == Money(minorUnits: 258))
        #expect(zip(rows, rows.dropFirst()).allSatisfy { $0.fees >= $1.fees })
        #expect(quote.totalFees == Money(minorUnits: 19_713))
        #expect(quote.nominalAPR == Decimal(string: "10.8"))
    }

    /// Both at once: the complaint-case shape, a 7.2% headline and a 35.77% all-in rate.
    @Test func guaranteeAndInsuranceTogether() throws {
        let quote = try Self.quote([
            Self.fee(.guarantee, "1.2", receiver: .guarantor),
            Self.fee(.insurance, "0.3", basis: .outstandingBalance, receiver: .insurer),
        ])
        #expect(quote.totalRepayment == Money(minorUnits: 1_203_141))
        #expect(quote.nominalAPR == Decimal(string: "35.77"))
        #expect(quote.schedule.rows[0].feeItems.map(\.kind) == [.guarantee, .insurance])
    }

    /// (c) One instalment 30 days late: penalty interest of the contract rate plus 50% on its principal for 30
    /// days, and a ¥20 fee; the costliest instalment is the last (it repays the most principal).
    @Test func aLateInstalment() throws {
        let quote = try Self.quote([Self.fee(.guarantee, "1.2")])
        let late = LateRepaymentTerms(
            graceDays: 3,
            penalty: PenaltyInterest(rate: .markup(50), status: .published),
            fees: [FeeRule(kind: .late, basis: .fixed, per: .once, figure: .amount(Money(minorUnits: 2_000)))]
        )
        let stress = CostEngine.stress(of: quote, late: late, early: nil)
        let last = try #require(quote.schedule.rows.last)
        #expect(stress.late.installment == 12)
        // 7.2% a year is 0.02% a day; plus 50% is 0.03% a day; 30 days is 0.9% of the principal.
        #expect(stress.late.penaltyInterest == last.principal.multiplied(by: Decimal(string: "0.009")!))
        #expect(stress.late.penaltyInterest == Money(minorUnits: 775))
        #expect(stress.late.fees == Money(minorUnits: 2_000))
        #expect(stress.late.extraCost == Money(minorUnits: 2_775))
        #expect(stress.late.complete)
        // Within the grace days nothing is charged.
        var generous = late
        generous.graceDays = 30
        #expect(CostEngine.stress(of: quote, late: generous, early: nil).late.extraCost.minorUnits == 0)
        // Unknown terms: nothing counted, and said so.
        let unknown = CostEngine.stress(of: quote, late: nil, early: nil)
        #expect(!unknown.late.complete && unknown.late.extraCost.minorUnits == 0 && !unknown.complete)
    }

    /// (d) Early repayment of a card instalment: ¥12,000 over 12 months at 0.6% a month, repaid after month 3. The
    /// fees of the later months are not refunded: repaying early saves nothing.
    @Test func earlyRepaymentOfACardInstalment() throws {
        let terms = LoanTerms(
            amount: Money(minorUnits: 1_200_000),
            termMonths: 12,
            pricing: Pricing(installmentFee: .perPeriod(MonthlyRate(percent: Decimal(string: "0.6")!))),
            method: .equalPrincipal,
            startDate: Self.start
        )
        let quote = try CostEngine.quote(terms)
        #expect(quote.totalCost == Money(minorUnits: 86_400))
        let kept = CostEngine.stress(
            of: quote,
            late: nil,
            early: EarlyRepaymentTerms(allowed: .true, refundsInterest: .true, refundsFees: .false)
        )
        let early = try #require(kept.early)
        #expect(early.totalCost == Money(minorUnits: 86_400))
        #expect(early.versusSchedule == .zero())
        #expect(early.feesNotRefunded == Money(minorUnits: 64_800))
        #expect(early.complete)
        // A lender that waives later fees: only the three months' fees are paid.
        let waived = CostEngine.stress(
            of: quote,
            late: nil,
            early: EarlyRepaymentTerms(allowed: .true, refundsInterest: .true, refundsFees: .true)
        )
        #expect(waived.early?.totalCost == Money(minorUnits: 21_600))
        #expect(waived.early?.versusSchedule == Money(minorUnits: -64_800))
        // Unknown refund rules are counted as "not refunded", and flagged.
        let unknown = CostEngine.stress(of: quote, late: nil, early: EarlyRepaymentTerms(allowed: .unknown))
        #expect(unknown.early?.totalCost == Money(minorUnits: 86_400) && unknown.early?.complete == false)
        // Not allowed before month 6: no early figure.
        let closed = CostEngine.stress(of: quote, late: nil, early: EarlyRepaymentTerms(allowed: .true, fromMonth: 6))
        #expect(closed.early?.allowed == .false && closed.early?.totalCost == nil)
        // A 1% fee on the prepaid principal (¥9,000 after three months) adds ¥90.
        let charged = CostEngine.stress(
            of: quote,
            late: nil,
            early: EarlyRepaymentTerms(
                allowed: .true,
                refundsInterest: .true,
                refundsFees: .true,
                fees: [
                    FeeRule(
                        kind: .earlyRepayment,
                        basis: .prepaidPrincipal,
                        per: .once,
                        figure: .percent(min: 1, max: 1)
                    )
                ]
            )
        )
        #expect(charged.early?.fees == Money(minorUnits: 9_000))
        #expect(charged.early?.totalCost == Money(minorUnits: 30_600))
    }

    /// A daily-interest loan whose interest stops on repayment: repaying early saves the later interest.
    @Test func earlyRepaymentOfADailyInterestLoanSavesInterest() throws {
        let quote = try Self.quote(
            [],
            interest: .daily(DailyRate(percent: Decimal(string: "0.05")!), dayCount: .actual360)
        )
        let stress = CostEngine.stress(
            of: quote,
            late: nil,
            early: EarlyRepaymentTerms(allowed: .true, refundsInterest: .true, refundsFees: .true)
        )
        let early = try #require(stress.early)
        let firstThree = quote.schedule.rows.prefix(3).reduce(Money.zero()) { $0 + $1.interest }
        #expect(early.totalCost == firstThree)
        #expect(try #require(early.versusSchedule).minorUnits < 0)
        #expect(stress.worstCaseCost == quote.totalCost)
    }

    // MARK: Optional, unknown, legacy

    @Test func optionalFeesAreShownNotCounted() throws {
        let bare = try Self.quote([])
        let with = try Self.quote([
            Fee(
                kind: .membership,
                basis: .fixed,
                per: .month,
                figure: .amount(Money(minorUnits: 2_990)),
                mandatory: false,
                pushed: true
            )
        ])
        #expect(with.totalCost == bare.totalCost && with.apr == bare.apr)
        #expect(with.schedule.optionalFees.first?.amount == Money(minorUnits: 35_880))
        #expect(with.schedule.optionalFees.first?.pushed == true)
    }

    @Test func anUnknownMandatoryFeeMakesTheCostIncomplete() throws {
        let unknown = Fee(kind: .service, basis: .originalPrincipal, per: .month, figure: nil, status: .unknown)
        let quote = try Self.quote([unknown])
        #expect(quote.schedule.isCostIncomplete)
        #expect(quote.schedule.unpricedFees == [UnpricedFee(kind: .service)])
        #expect(quote.totalCost == (try Self.quote([])).totalCost)
        // "none" charges nothing and is complete.
        var none = unknown
        none.status = .none
        #expect(!(try Self.quote([none])).schedule.isCostIncomplete)
    }

    /// Version 1's fees and the same fees written as typed fees give the same schedule to the fen.
    @Test(arguments: RepaymentMethod.allCases)
    func version1FeesAndTypedFeesAgree(method: RepaymentMethod) throws {
        let legacy = Pricing(
            interest: Self.annual72,
            installmentFee: .total(TermRate(percent: Decimal(string: "8.8")!)),
            upfrontFee: .percent(1),
            monthlyMembershipFee: Money(minorUnits: 990)
        )
        let typed = Pricing(
            interest: Self.annual72,
            fees: [
                Self.fee(.installment, "8.8", per: .term),
                Fee(kind: .membership, basis: .fixed, per: .month, figure: .amount(Money(minorUnits: 990))),
                Self.fee(.upfront, "1", per: .once),
            ]
        )
        func schedule(_ pricing: Pricing) throws -> Schedule {
            try CostEngine.schedule(
                for: LoanTerms(
                    amount: Self.tenThousand,
                    termMonths: 13,
                    pricing: pricing,
                    method: method,
                    startDate: Self.start
                )
            )
        }
        #expect(try schedule(legacy) == schedule(typed))
    }

    // MARK: Properties

    static func randomFee(_ generator: inout SeededGenerator) -> Fee {
        let kind = [FeeKind.guarantee, .insurance, .service, .membership, .other].randomElement(using: &generator)!
        let per = [FeeFrequency.once, .month, .period, .day, .year, .term].randomElement(using: &generator)!
        if Int.random(in: 0..<4, using: &generator) == 0 && per != .day {
            return Fee(
                kind: kind,
                basis: .fixed,
                per: per,
                figure: .amount(Money(minorUnits: Int64.random(in: 1...20_000, using: &generator)))
            )
        }
        let basis: FeeBasis =
            per != .term && Bool.random(using: &generator) ? .outstandingBalance : .originalPrincipal
        var fee = Fee(
            kind: kind,
            basis: basis,
            per: per,
            figure: .percent(Decimal(Int.random(in: 1...300, using: &generator)) / 100),
            receiver: FeeReceiver.allCases.randomElement(using: &generator)
        )
        if Int.random(in: 0..<5, using: &generator) == 0 {
            fee.minCharge = Money(minorUnits: 500)
            fee.maxCharge = Money(minorUnits: 50_000)
        }
        return fee
    }

    /// Whenever a mandatory fee charges a positive amount, the all-in APR is at least the APR of the same loan
    /// without it; and every schedule's fee columns sum to its total fees to the fen.
    @Test func allInAPRIsAtLeastTheContractAPRAndFeeColumnsSumToTheFen() throws {
        var generator = SeededGenerator(seed: 15)
        var positive = 0
        for _ in 0..<1500 {
            var terms = PropertyTests.randomTerms(&generator)
            let contract = try CostEngine.quote(terms)
            let count = Int.random(in: 1...3, using: &generator)
            terms.pricing.fees = (0..<count).map { _ in Self.randomFee(&generator) }
            let allIn = try CostEngine.quote(terms)
            let schedule = allIn.schedule
            // Fee columns: each row's items sum to its fees, the disbursement's too, and all to the total fees.
            for row in schedule.rows {
                #expect(row.feeItems.reduce(Money.zero()) { $0 + $1.amount } == row.fees)
            }
            #expect(
                schedule.disbursement.feeItems.reduce(Money.zero()) { $0 + $1.amount } == schedule.disbursement.fees
            )
            #expect(schedule.feeTotals.reduce(Money.zero()) { $0 + $1.amount } == schedule.totalFees, "\(terms)")
            #expect(schedule.totalPrincipal == terms.amount)
            let added = schedule.totalFees - contract.schedule.totalFees
            #expect(added.minorUnits >= 0)
            if added.minorUnits > 0 {
                positive += 1
                #expect(allIn.apr.periodicRate >= contract.apr.periodicRate, "\(terms)")
                #expect(allIn.nominalAPR >= contract.nominalAPR)
            }
        }
        #expect(positive > 1000)
    }
}
