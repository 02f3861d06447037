import Backstop
import BackstopCatalog
import BackstopPresentation
import Foundation
import Testing

/// Every yuan a borrower pays, through the aggregator: the legal-cap gate on the all-in rate naming the fees,
/// cost-incomplete offers ranked last, promotions only for profiles that qualify, interest tiers, worst-case
/// ranking, and the wire document's fees and stress costs.
struct ProviderCostsTests {
    static let v2 = URL(fileURLWithPath: AggregatorTests.providers).appendingPathComponent("testdata/v2/valid")
    let day = CalendarDate(year: 2026, month: 11, day: 25)!
    let request = LoanRequest(amount: Money(minorUnits: 1_000_000), termMonths: 12, purpose: .cash)
    let profile = UserProfile(
        id: "borrower",
        age: 30,
        creditScore: 700,
        repayment: RepaymentRecord(
            overdueCount12m: 0,
            overdueCount24m: 0,
            worstDaysPastDue: 0,
            currentOverdueAmount: .zero()
        ),
        identity: .verified,
        monthlyIncome: Money(minorUnits: 1_500_000),
        monthlyDebtPayments: .zero()
    )

    func fixture(_ name: String) throws -> ProviderDescription {
        let schema = try ProviderSchema(contentsOf: AggregatorTests.providers + "/schema/provider-1.xsd")
        let check = CatalogLoader().check(files: [Self.v2.appendingPathComponent(name).path], schema: schema)[0]
        return try #require(check.provider, "\(check.issues)")
    }

    func caps() throws -> LegalCapTable { try CatalogLoader().load(directory: AggregatorTests.providers).caps }

    /// The referral fixture: a 7.2% headline, but a guarantee fee and an insurance premium take it to 35.77%.
    @Test func aHeadlineUnderTheCapWhoseFeesPushItOverIsRefusedNamingTheFees() async throws {
        let referral = try fixture("referral-over-cap.xml")
        let aggregator = Aggregator(providers: [DescribedProvider(referral)], caps: try caps())
        let answer = await aggregator.recommend(profile, request, on: day)
        #expect(answer.alternatives.isEmpty)
        let refusal = try #require(answer.ineligible.first { $0.details.id == referral.id })
        #expect(refusal.gated)
        let check = try #require(refusal.failed.first)
        #expect(check.rule == .legalCap)
        #expect(check.finding.params["fees"] == .list([.fee(.guarantee), .fee(.insurance)]))
        #expect(check.finding.params["feeTotal"] == .money(Money(minorUnits: 163_713)))
        let warning = try #require(answer.warnings.first { $0.code == .aboveLegalCap })
        #expect(warning.fact.params["fees"] == .list([.fee(.guarantee), .fee(.insurance)]))
        let en = Renderer(.en).render(warning.fact)
        let zh = Renderer(.zh).render(warning.fact)
        #expect(en.contains("35.77"), "\(en)")
        #expect(en.contains("counting its guarantee fee and insurance premium (¥1,637.13)"), "\(en)")
        #expect(zh.contains("含担保费和保险费共1,637.13元"), "\(zh)")
        #expect(Renderer(.en).render(check.finding).contains("guarantee fee and insurance premium"))
        #expect(Renderer(.zh).render(try #require(check.fix)).contains("担保费和保险费"))
        // Without its fees the same channel is under the cap and recommended: the fees are what refuse it.
        var headline = referral
        headline.pricing[0].fees = []
        let bare = await Aggregator(providers: [DescribedProvider(headline)], caps: try caps())
            .recommend(profile, request, on: day)
        #expect(bare.alternatives.map(\.details.id) == [referral.id])
    }

    /// A licensed channel refused for the request (the amount is outside its limits) is priced at the nearest loan it
    /// makes; above the cap there, it is refused by the legal-cap gate naming the cap, the fees and that loan, and
    /// keeps the rule the request missed. Under the cap, it stays an ordinary refusal.
    @Test func aChannelRefusedForTheAmountIsJudgedAtItsNearestLoan() async throws {
        var referral = try fixture("referral-over-cap.xml")
        referral.minAmount = Money(minorUnits: 1_000_000)
        let small = LoanRequest(amount: Money(minorUnits: 500_000), termMonths: 12, purpose: .cash)
        let answer = await Aggregator(providers: [DescribedProvider(referral)], caps: try caps())
            .recommend(profile, small, on: day)
        #expect(answer.alternatives.isEmpty)
        let refusal = try #require(answer.ineligible.first)
        #expect(refusal.gated)
        #expect(refusal.failed.map(\.rule) == [.legalCap, .minAmount])
        let check = refusal.failed[0]
        #expect(check.finding.params["amount"] == .money(Money(minorUnits: 1_000_000)))
        #expect(check.finding.params["term"] == .int(12))
        #expect(check.finding.params["fees"] == .list([.fee(.guarantee), .fee(.insurance)]))
        #expect(check.finding.params["capID"] == .text("internet-lending-24"))
        #expect(refusal.fixes.map(\.code) == [.fixNoneAboveCap])
        let en = Renderer(.en).render(check.finding)
        #expect(
            en.hasPrefix(
                "priced at ¥10,000.00 over 12 months, the nearest loan it makes to the one asked for: 35.77% APR"
            )
                && en.contains("counting its guarantee fee and insurance premium"),
            "\(en)"
        )
        #expect(Renderer(.zh).render(check.finding).hasPrefix("按其最接近本次申请的借款（10,000.00元，12个月）计价，年化利率35.77%"))
        #expect(
            Renderer(.en).render(refusal.fixes[0]).hasPrefix(
                "none at this price: its loan of ¥10,000.00 over 12 months is above"
            )
        )
        let warning = try #require(answer.warnings.first { $0.code == .aboveLegalCap })
        #expect(
            warning.provider == referral.id && warning.fact.params["amount"] == .money(Money(minorUnits: 1_000_000))
        )
        // Above its maximum: priced at the maximum, refused with the rule it missed.
        let large = LoanRequest(amount: Money(minorUnits: 6_000_000), termMonths: 12, purpose: .cash)
        let above = await Aggregator(providers: [DescribedProvider(referral)], caps: try caps())
            .recommend(profile, large, on: day)
        #expect(above.ineligible.first?.failed.map(\.rule) == [.legalCap, .maxAmount])
        #expect(above.ineligible.first?.failed.first?.finding.params["amount"] == .money(Money(minorUnits: 5_000_000)))
        // Fees that keep it under the cap: refused for the amount only, not gated, no cap warning.
        var fair = referral
        fair.pricing[0].fees = [
            FeeRule(kind: .guarantee, basis: .originalPrincipal, per: .month, figure: .percent(min: 0.2, max: 0.2))
        ]
        let under = await Aggregator(providers: [DescribedProvider(fair)], caps: try caps())
            .recommend(profile, small, on: day)
        let plain = try #require(under.ineligible.first)
        #expect(!plain.gated && plain.failed.map(\.rule) == [.minAmount])
        #expect(!under.warnings.contains { $0.code == .aboveLegalCap })
    }

    /// A price range that straddles the cap: a risky profile's price is above it, the best price is not. A better
    /// record would bring the price under the cap, so the refusal stays ordinary (and the provider stays in the
    /// recovery plan's reach); a profile at the best position is not refused by the cap either.
    @Test func aRangeABetterRecordBringsUnderTheCapIsNotRefusedAtAnyPrice() async throws {
        var ranged = try fixture("referral-over-cap.xml")
        ranged.minAmount = Money(minorUnits: 1_000_000)
        ranged.pricing[0].fees = [
            FeeRule(kind: .guarantee, basis: .originalPrincipal, per: .month, figure: .percent(min: 0.1, max: 3))
        ]
        let small = LoanRequest(amount: Money(minorUnits: 500_000), termMonths: 12, purpose: .cash)
        var risky = profile
        risky.creditScore = 420
        risky.repayment = RepaymentRecord(
            overdueCount12m: 3,
            overdueCount24m: 3,
            worstDaysPastDue: 20,
            currentOverdueAmount: .zero()
        )
        let provider = DescribedProvider(ranged)
        let loan = LoanRequest(amount: Money(minorUnits: 1_000_000), termMonths: 12, purpose: .cash)
        // The bounds straddle the 24% cap.
        #expect(try #require(provider.riskiestAPR(loan, on: day, score: 420)) > 24)
        #expect(try #require(provider.bestAPR(loan, on: day, score: 420)) < 24)
        let answer = await Aggregator(providers: [provider], caps: try caps()).recommend(risky, small, on: day)
        let refusal = try #require(answer.ineligible.first)
        #expect(!refusal.gated, "\(refusal.failed.map(\.rule))")
        #expect(!refusal.failed.contains { $0.rule == .legalCap })
        #expect(!answer.warnings.contains { $0.code == .aboveLegalCap })
    }

    /// Refused on its own rules for a loan it makes: the cap refuses it too, and the failed rule is kept.
    @Test func aChannelRefusedOnItsRulesKeepsThemBesideTheCap() async throws {
        var referral = try fixture("referral-over-cap.xml")
        referral.eligibility.minCreditScore = 800
        let answer = await Aggregator(providers: [DescribedProvider(referral)], caps: try caps())
            .recommend(profile, request, on: day)
        let refusal = try #require(answer.ineligible.first)
        #expect(refusal.gated)
        #expect(refusal.failed.map(\.rule) == [.legalCap, .minCreditScore])
        // Priced at the loan asked for, which is inside its limits and terms.
        #expect(refusal.failed[0].finding.params["amount"] == .money(request.amount))
        // A refused provider without a legal cap on its kind is never priced for one.
        let none = await Aggregator(providers: [DescribedProvider(referral)], caps: .none).recommend(
            profile,
            request,
            on: day
        )
        #expect(none.ineligible.first.map { !$0.gated && $0.failed.map(\.rule) == [.minCreditScore] } == true)
    }

    /// A mandatory fee not published: the offer is shown with a warning, ranked after every complete offer (even a
    /// dearer one), and never first.
    @Test func aCostIncompleteOfferIsRankedAfterCompleteOnes() async throws {
        var cheap = try fixture("referral-over-cap.xml")
        cheap.id = "cheap-but-incomplete"
        cheap.pricing[0].fees = [
            FeeRule(kind: .service, basis: .originalPrincipal, per: .month, figure: nil, status: .unknown)
        ]
        var dear = try fixture("referral-over-cap.xml")
        dear.id = "dearer-but-complete"
        dear.pricing[0].fees = [
            FeeRule(kind: .insurance, basis: .outstandingBalance, per: .month, figure: .percent(min: 0.3, max: 0.3))
        ]
        let answer = await Aggregator(providers: [DescribedProvider(cheap), DescribedProvider(dear)], caps: try caps())
            .recommend(profile, request, on: day)
        #expect(answer.alternatives.map(\.details.id.rawValue) == ["dearer-but-complete", "cheap-but-incomplete"])
        let incomplete = try #require(answer.alternatives.last)
        #expect(incomplete.offer.isCostIncomplete)
        #expect(incomplete.offer.quote.totalCost < answer.alternatives[0].offer.quote.totalCost)
        let warning = try #require(answer.warnings.first { $0.code == .costIncomplete })
        #expect(warning.provider == "cheap-but-incomplete")
        #expect(Renderer(.en).render(warning.fact).contains("service fee is mandatory but not published"))
        #expect(Renderer(.zh).render(warning.fact).contains("服务费为必付费用但未公布金额"))
        for preference in RankingPreference.allCases {
            var asked = request
            asked.rankBy = preference
            let ranked = await Aggregator(
                providers: [DescribedProvider(cheap), DescribedProvider(dear)],
                caps: try caps()
            ).recommend(profile, asked, on: day)
            #expect(ranked.alternatives.first?.details.id == "dearer-but-complete", "\(preference)")
        }
        // The wire document says so.
        let document = RecommendationDocument(answer, language: .en)
        #expect(document.alternatives.map(\.costIncomplete) == [false, true])
        #expect(document.alternatives[1].unpricedFees.map(\.kind) == [.service])
        // The text table marks it.
        #expect(Renderer(.en).table(answer).contains("cost incomplete"))
    }

    /// A new-customer promotion applies only when the profile says the user is not a customer; unknown: not applied.
    @Test func aNewCustomerPromotionNeedsToKnowTheCustomer() async throws {
        var provider = try fixture("referral-over-cap.xml")
        provider.pricing[0].fees = []
        let described = DescribedProvider(provider)
        var unknown = profile
        unknown.customerOf = nil
        var newCustomer = profile
        newCustomer.customerOf = ["icbc"]
        var existing = profile
        existing.customerOf = [InstitutionID(rawValue: provider.id.rawValue)]
        let plain = try #require(described.makeOffer(unknown, request, on: day))
        let promoted = try #require(described.makeOffer(newCustomer, request, on: day))
        let customer = try #require(described.makeOffer(existing, request, on: day))
        #expect(promoted.quote.totalInterest < plain.quote.totalInterest)
        #expect(customer.quote == plain.quote)
        #expect(promoted.notes.contains { $0.code == .notePromotion })
        #expect(plain.notes.contains { $0.code == .notePromotionCustomerUnknown })
        #expect(!customer.notes.contains { $0.code == .notePromotion || $0.code == .notePromotionCustomerUnknown })
        // 30 days without interest on ¥10,000 at 7.2%: the first row's interest is that of the month's last days.
        #expect(promoted.quote.schedule.rows[0].interest < plain.quote.schedule.rows[0].interest)
        #expect(promoted.quote.schedule.rows[0].dueDate == plain.quote.schedule.rows[0].dueDate)
        // Outside its dates it is not applied.
        let later = try #require(
            described.makeOffer(newCustomer, request, on: CalendarDate(year: 2027, month: 1, day: 5)!)
        )
        #expect(!later.notes.contains { $0.code == .notePromotion })
    }

    @Test func interestTiersPickTheRateByAmountAndScore() throws {
        let tiered = DescribedProvider(try fixture("tiered.xml"))
        func rate(_ score: Int, _ yuan: Int64) throws -> InterestPricing {
            var who = profile
            who.creditScore = score
            who.customerOf = ["icbc"]
            let offer = try #require(
                tiered.makeOffer(who, LoanRequest(amount: Money(minorUnits: yuan * 100), termMonths: 12), on: day)
            )
            return offer.quote.terms.pricing.interest
        }
        #expect(try rate(700, 10_000) == .annual(AnnualRate(percent: Decimal(string: "7.2")!)))
        #expect(try rate(700, 5_000) == .annual(AnnualRate(percent: Decimal(string: "8.4")!)))
        // Grade B is a range: a lower score is priced within it, never at grade A's rate.
        if case .annual(let b) = try rate(600, 10_000) {
            #expect(b.percent >= Decimal(string: "9.6")! && b.percent <= 12)
        } else {
            Issue.record("not an annual rate")
        }
    }

    /// `--rank-by worst-case`: a channel cheap on schedule but punishing when late ranks after a dearer, gentler one.
    @Test func worstCaseRankingWeighsTheStressCosts() async throws {
        var punishing = try fixture("referral-over-cap.xml")
        punishing.id = "cheap-harsh-on-late"
        punishing.pricing[0].fees = []
        punishing.lateRepayment = LateRepaymentTerms(
            penalty: PenaltyInterest(
                rate: .absolute(.daily(DailyRate(percent: 1), dayCount: .actual360)),
                status: .published
            ),
            fees: [FeeRule(kind: .late, basis: .fixed, per: .once, figure: .amount(Money(minorUnits: 50_000)))]
        )
        var gentle = try fixture("referral-over-cap.xml")
        gentle.id = "dearer-gentle"
        gentle.pricing[0].fees = [
            FeeRule(kind: .service, basis: .originalPrincipal, per: .month, figure: .percent(min: 0.1, max: 0.1))
        ]
        let providers = [DescribedProvider(punishing), DescribedProvider(gentle)]
        var byCost = request
        byCost.rankBy = .cost
        var byWorst = request
        byWorst.rankBy = .worstCase
        let cost = await Aggregator(providers: providers, caps: try caps()).recommend(profile, byCost, on: day)
        let worst = await Aggregator(providers: providers, caps: try caps()).recommend(profile, byWorst, on: day)
        #expect(cost.alternatives.map(\.details.id.rawValue) == ["cheap-harsh-on-late", "dearer-gentle"])
        #expect(worst.alternatives.map(\.details.id.rawValue) == ["dearer-gentle", "cheap-harsh-on-late"])
        let harsh = try #require(worst.alternatives.last?.offer.stress)
        #expect(harsh.late.complete && harsh.worstCaseCost == harsh.late.totalCost)
        #expect(Renderer(.en).table(worst).contains("ranked by worst-case cost"))
    }

    /// The wire document carries the fees by kind and the stress costs; the table shows a column per kind of fee.
    @Test func theAnswerShowsFeeColumnsAndStressCosts() async throws {
        var provider = try fixture("referral-over-cap.xml")
        provider.pricing[0].fees.removeFirst()  // the guarantee fee: under the cap now
        let answer = await Aggregator(providers: [DescribedProvider(provider)], caps: try caps())
            .recommend(profile, request, on: day)
        let alternative = try #require(RecommendationDocument(answer, language: .en).alternatives.first)
        #expect(alternative.fees.map(\.kind) == [.insurance])
        #expect(alternative.fees.first?.amount == Money(minorUnits: 19_713))
        #expect(alternative.optionalFees.map(\.kind) == [.membership])
        #expect(alternative.optionalFees.first?.pushed == true)
        let stress = try #require(alternative.stress)
        #expect(stress.late.known && stress.late.complete && stress.late.daysLate == 30)
        #expect(stress.earlyRepayment?.afterMonth == 3)
        #expect(stress.message.contains("One instalment 30 days late"))
        #expect(try #require(alternative.schedule)[0].feeItems.map(\.kind) == [.insurance])
        let table = Renderer(.en).table(answer)
        #expect(table.contains("Costs (total over the term) and stress costs"))
        #expect(table.contains("insurance premium") && table.contains("30 days late"))
        #expect(Renderer(.zh).table(answer).contains("逾期30天"))
        #expect(answer.warnings.contains { $0.code == .optionalFeePushed })
    }
}
