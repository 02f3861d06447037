import Foundation
import Testing

@testable import BackstopCore

/// The per-provider offer memo answers a repeated request from its entry, bounds the memory of a long batch (it never
/// holds more than its capacity, whatever the number of distinct requests), and an answer from it is the answer
/// computed afresh.
struct OfferMemoTests {
    static let day = CalendarDate(year: 2026, month: 11, day: 25)!

    static func lender() -> DescribedProvider {
        let rate = AnnualRate(percent: 12)
        return DescribedProvider(
            ProviderDescription(
                id: "memo-test-bank",
                nameEN: "Memo test bank",
                nameZH: "测试银行",
                operatorName: "Test",
                licence: Licence(kind: .bank),
                channel: "other",
                productKind: .cashLoan,
                purposes: [.cash],
                minAmount: Money(minorUnits: 100),
                maxAmount: Money(minorUnits: 100_000_000),
                terms: [3, 6, 12, 24],
                pricing: [PricingRule(interest: .annual(RateRange(min: rate, max: AnnualRate(percent: 24))))],
                methods: [.equalInstallment],
                eligibility: EligibilityRules(),
                status: [StatusPeriod(state: .open, from: CalendarDate(year: 2020, month: 1, day: 1)!)]
            )
        )
    }

    /// The memo is used, not only filled: the computed offer is stored under the key the provider looks up, and an
    /// entry planted under that key (marked by its note) is what the next request with that key gets back. With the
    /// lookup or the store disabled this fails.
    @Test func aRepeatedRequestIsAnsweredFromTheMemo() throws {
        let provider = Self.lender()
        let profile = UserProfile(id: "p", creditScore: 700)
        let request = LoanRequest(amount: Money(minorUnits: 5_000_00), termMonths: 12)
        let key = OfferKey(
            amount: request.amount,
            termMonths: request.termMonths,
            position: RiskPosition.of(profile, floor: provider.details.eligibility.minCreditScore),
            date: Self.day
        )
        #expect(provider.offers.value(for: key) == nil)
        let first = try #require(provider.makeOffer(profile, request, on: Self.day))
        #expect(provider.offers.count == 1)
        #expect(provider.offers.value(for: key) == Offer??.some(first))

        var planted = first
        planted.notes = [Fact(.noteNearestTerm, ["term": .int(99), "asked": .int(12)])]
        provider.offers.store(planted, for: key)
        #expect(provider.makeOffer(profile, request, on: Self.day)?.notes == planted.notes)
        // Another profile at the same risk position shares the entry: the key is the position, not the profile.
        let twin = UserProfile(id: "q", creditScore: 700)
        #expect(provider.makeOffer(twin, request, on: Self.day)?.notes == planted.notes)
        #expect(provider.offers.count == 1)
    }

    @Test func theMemoNeverHoldsMoreThanItsCapacity() {
        let provider = Self.lender()
        var largest = 0
        for step in 0..<(3 * OfferMemo.capacity) {
            let request = LoanRequest(amount: Money(minorUnits: 100_000 + Int64(step) * 100), termMonths: 12)
            _ = provider.makeOffer(UserProfile(id: "p", creditScore: 700), request, on: Self.day)
            largest = max(largest, provider.offers.count)
        }
        #expect(largest == OfferMemo.capacity)
        #expect(provider.offers.count <= OfferMemo.capacity)
    }

    @Test func anOfferStillAskedForOutlivesOneOffOffers() throws {
        let provider = Self.lender()
        let profile = UserProfile(id: "p", creditScore: 700)
        let hot = LoanRequest(amount: Money(minorUnits: 500_000), termMonths: 12)
        let first = try #require(provider.makeOffer(profile, hot, on: Self.day))
        let key = OfferKey(amount: hot.amount, termMonths: 12, position: first.riskPosition, date: Self.day)
        // A marker in place of the remembered offer: seen again only while the entry lives.
        var planted = first
        planted.notes = [Fact(.notePublishedPrice, ["marker": .int(1)])]
        provider.offers.store(planted, for: key)
        for step in 0..<(4 * OfferMemo.capacity) {
            let oneOff = LoanRequest(amount: Money(minorUnits: 100_000 + Int64(step) * 100), termMonths: 12)
            _ = provider.makeOffer(profile, oneOff, on: Self.day)
            if step % 100 == 0 {
                #expect(provider.makeOffer(profile, hot, on: Self.day)?.notes == planted.notes, "step \(step)")
            }
        }
        // Not asked for during a whole generation, it is gone: the memo is bounded, not a leak.
        for step in 0..<OfferMemo.capacity {
            let oneOff = LoanRequest(amount: Money(minorUnits: 900_000 + Int64(step) * 100), termMonths: 12)
            _ = provider.makeOffer(profile, oneOff, on: Self.day)
        }
        #expect(provider.makeOffer(profile, hot, on: Self.day)?.notes == first.notes)
    }

    @Test func aMemoisedOfferIsTheOfferComputedAfresh() throws {
        let provider = Self.lender()
        for score in stride(from: 350, through: 950, by: 50) {
            for (amount, term) in [(5_000_00, 12), (12_345_67, 6), (50_000_00, 24)] as [(Int64, Int)] {
                let profile = UserProfile(id: "p", creditScore: score)
                let request = LoanRequest(amount: Money(minorUnits: amount), termMonths: term)
                let first = try #require(provider.makeOffer(profile, request, on: Self.day))
                let again = try #require(provider.makeOffer(profile, request, on: Self.day))
                let fresh = try #require(Self.lender().makeOffer(profile, request, on: Self.day))
                for offer in [again, fresh] {
                    #expect(offer.quote.schedule.rows == first.quote.schedule.rows)
                    #expect(offer.quote.apr.periodicRate == first.quote.apr.periodicRate)
                    #expect(offer.quote.totalCost == first.quote.totalCost)
                }
            }
        }
    }
}
