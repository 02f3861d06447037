import Backstop
import Foundation
import Testing

/// `import Backstop` alone brings the surface Sources/Backstop/Backstop.swift chooses. This file imports nothing
/// else of the project, so a symbol dropped from the umbrella by mistake fails to compile here.
struct UmbrellaSurfaceTests {
    /// What an embedder names: the aggregator, the profile and request, money, rates and dates, the answer, a
    /// provider of its own, legal caps, catalog loading and the errors of each.
    static let named: [Any.Type] = [
        Aggregator.self, AggregatorPolicy.self, CatalogInfo.self,
        UserProfile.self, RepaymentRecord.self, ServiceStates.self, ServiceState.self, IdentityStatus.self,
        PlatformAccount.self, LoanRequest.self, LoanPurpose.self, RankingPreference.self,
        Money.self, Currency.self, MoneyError.self, DailyRate.self, MonthlyRate.self, AnnualRate.self, TermRate.self,
        QuotedRate.self, RateParseError.self, CalendarDate.self,
        Recommendation.self, ServiceDiagnosis.self, Alternative.self, Refusal.self, Warning.self,
        ProviderFailure.self, RecoveryPlan.self, Offer.self, Quote.self, Schedule.self, ScheduleRow.self,
        AnnualPercentageRate.self, Likelihood.self, RuleCheck.self, Evaluation.self,
        (any CreditProvider).self, ProviderID.self, ProviderDescription.self, Licence.self, EligibilityRules.self,
        PricingRule.self, RateRange<PerYear>.self, StatusPeriod.self, DescribedProvider.self, RuleEvaluator.self,
        CostEngine.self, LoanTerms.self, Pricing.self, RepaymentMethod.self, CostError.self,
        LegalCapTable.self, LegalCap.self,
        CatalogLoader.self, Catalog.self, CatalogError.self, CatalogIssue.self, XMLLimits.self,
        BuiltInProviders.self, HuabeiProvider.self, JiebeiProvider.self,
    ]

    @Test func theChosenSymbolsAreNamedThroughTheUmbrella() {
        #expect(Set(Self.named.map { ObjectIdentifier($0) }).count == Self.named.count)
    }

    /// Money's own operators need the whole of BackstopCore: a scoped import does not carry them (the reason the
    /// umbrella re-exports the core module whole).
    @Test func moneyArithmeticWorksThroughTheUmbrella() throws {
        var total = try Money(parsing: "1,234.56")
        total += try Money(parsing: "0.44")
        #expect(total - Money(minorUnits: 123_500) == .zero())
        #expect(-total < total)
    }

    /// The few lines of the README: a catalog, the standard line-up, an answer.
    @Test func aRecommendationInAFewLines() async throws {
        let providers = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("providers").path
        let aggregator = try Aggregator.standard(catalogDirectory: providers)
        let profile = UserProfile(id: "u-1", creditScore: 700)
        let request = LoanRequest(amount: try Money(parsing: "5000"), termMonths: 12, purpose: .cash)
        let answer = await aggregator.recommend(profile, request, on: try #require(CalendarDate(iso: "2026-11-25")))
        #expect(!answer.alternatives.isEmpty)
        #expect(answer.catalog?.hash.hasPrefix("sha256:") == true)
    }
}
