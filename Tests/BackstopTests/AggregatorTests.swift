import Backstop
import BackstopTesting
import Foundation
import Synchronization
import Testing

/// The aggregator through the public library API: gates, ranking, determinism, failure policy, diagnosis, what-if.
struct AggregatorTests {
    static let providers = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("providers").path
    let day = CalendarDate(year: 2026, month: 11, day: 25)!
    let request = LoanRequest(amount: Money(minorUnits: 500_000), termMonths: 12, purpose: .cash)

    func catalog() throws -> Catalog { try CatalogLoader().load(directory: Self.providers) }

    /// The fictional scenario providers of providers/testdata/scenarios (closed, suspended, dated prices): the shipped
    /// catalog holds only real, sourced events.
    func scenarios() throws -> Catalog {
        try CatalogLoader().load(
            directory: Self.providers + "/testdata/scenarios",
            schemaPath: Self.providers + "/schema/provider-1.xsd"
        )
    }

    static let lateRepayer = UserProfile(
        id: "late",
        age: 29,
        creditScore: 688,
        creditScore90DaysAgo: 695,
        repayment: RepaymentRecord(
            overdueCount12m: 2,
            overdueCount24m: 3,
            worstDaysPastDue: 45,
            currentOverdueAmount: .zero()
        ),
        cashOutFlags12m: 0,
        identity: .verified,
        monthlyIncome: Money(minorUnits: 800_000),
        monthlyDebtPayments: Money(minorUnits: 150_000),
        accounts: ["alipay", "wechat", "jd"],
        services: ServiceStates(huabei: .closed, jiebei: .closed)
    )

    /// `top` shortens the list shown, not what is open today: the what-if never counts a provider that is eligible
    /// now (and only cut by `top`) as reopening; and providers running one after another give the same answer.
    @Test func topAndSequentialEvaluationChangeNothingButTheListLength() async throws {
        let catalog = try catalog()
        let all = await Aggregator.standard(catalog: catalog).recommend(Self.lateRepayer, request, on: day)
        let one = await Aggregator.standard(catalog: catalog, policy: AggregatorPolicy(top: 1))
            .recommend(Self.lateRepayer, request, on: day)
        #expect(all.alternatives.count > 1)
        #expect(one.alternatives == Array(all.alternatives.prefix(1)))
        #expect(one.recovery == all.recovery)
        let eligibleNow = Set(all.alternatives.map(\.details.id.rawValue))
        #expect(eligibleNow.isDisjoint(with: one.recovery.reopens.map(\.id)))
        let sequential = await Aggregator.standard(
            catalog: catalog,
            policy: AggregatorPolicy(concurrentProviders: false)
        ).recommend(Self.lateRepayer, request, on: day)
        #expect(sequential == all)
    }

    @Test func sameInputSameOutputWhateverTheProviderOrder() async throws {
        let catalog = try catalog()
        let forward = Aggregator.standard(catalog: catalog)
        let reversed = Aggregator(providers: forward.providers.reversed(), caps: forward.caps, catalog: forward.catalog)
        let a = await forward.recommend(Self.lateRepayer, request, on: day)
        let b = await reversed.recommend(Self.lateRepayer, request, on: day)
        let c = await forward.recommend(Self.lateRepayer, request, on: day)
        #expect(a == b)
        #expect(a == c)
        #expect(RecommendationDocument(a, language: .zh) == RecommendationDocument(b, language: .zh))
    }

    @Test(arguments: RankingPreference.allCases)
    func rankingFollowsThePreference(_ preference: RankingPreference) async throws {
        var request = self.request
        request.rankBy = preference
        let healthy = ProviderConformanceSuite.profiles[0]
        let answer = await Aggregator.standard(catalog: try catalog()).recommend(healthy, request, on: day)
        try #require(answer.alternatives.count >= 4)
        // Cost-incomplete offers (a mandatory fee not published) come after every complete one; within each, offers
        // at the term asked for come first; the preference orders offers of equal terms only.
        let incomplete = answer.alternatives.map(\.offer.isCostIncomplete)
        #expect(incomplete == incomplete.sorted { !$0 && $1 })
        for group in [false, true] {
            let members = answer.alternatives.filter { $0.offer.isCostIncomplete == group }
            let exact = members.prefix { !$0.termDiffers }
            #expect(members.dropFirst(exact.count).allSatisfy { $0.termDiffers })
        }
        // …and offers with an access condition come after those without, within a term.
        for (a, b) in zip(answer.alternatives, answer.alternatives.dropFirst())
        where a.offer.quote.terms.termMonths == b.offer.quote.terms.termMonths
            && (a.condition == nil) == (b.condition == nil)
            && a.offer.isCostIncomplete == b.offer.isCostIncomplete
        {
            switch preference {
            case .apr: #expect(a.offer.quote.apr.nominalPercent <= b.offer.quote.apr.nominalPercent)
            case .cost: #expect(a.offer.quote.totalCost <= b.offer.quote.totalCost)
            case .payment: #expect(a.offer.quote.largestPayment <= b.offer.quote.largestPayment)
            case .likelihood: #expect(a.likelihood >= b.likelihood)
            case .worstCase:
                let (wa, wb) = (try #require(a.offer.stress), try #require(b.offer.stress))
                #expect(
                    (wa.complete ? 0 : 1, wa.worstCaseCost) <= (wb.complete ? 0 : 1, wb.worstCaseCost),
                    "\(a.details.id) before \(b.details.id)"
                )
            }
        }
    }

    @Test func unlicensedChannelsAreNeverRecommendedEvenWhenCheapest() async throws {
        var cheap = try #require(try catalog().provider("quick-loan-unlicensed"))
        cheap.pricing = [
            PricingRule(interest: .annual(RateRange(min: AnnualRate(percent: 1), max: AnnualRate(percent: 1))))
        ]
        cheap.eligibility = EligibilityRules()
        let aggregator = Aggregator(providers: [DescribedProvider(cheap)])
        let answer = await aggregator.recommend(ProviderConformanceSuite.profiles[0], request, on: day)
        #expect(answer.alternatives.isEmpty)
        let refusal = try #require(answer.ineligible.first)
        #expect(refusal.gated && refusal.failed.first?.rule == .licensed)
        #expect(answer.warnings.contains { $0.code == .unlicensedRefused })
    }

    @Test func offersAboveTheCapForTheirLicenceKindAreExcludedNamingTheCap() async throws {
        let catalog = try catalog()
        let cap = LegalCap(
            id: "test-bank-cap",
            title: "test cap for banks",
            appliesTo: [.bank],
            maxAPRPercent: 10,
            effect: .exclude,
            from: CalendarDate(year: 2026, month: 1, day: 1)!,
            sourceTitle: "test",
            sourceURL: "https://example.org/cap"
        )
        let aggregator = Aggregator(
            providers: catalog.providers.map { DescribedProvider($0) },
            caps: LegalCapTable(caps: [cap])
        )
        let answer = await aggregator.recommend(ProviderConformanceSuite.profiles[0], request, on: day)
        let weilidai = try #require(answer.ineligible.first { $0.details.id == "wechat-weilidai" })
        #expect(weilidai.gated)
        #expect(weilidai.failed.first?.rule == .legalCap)
        #expect(weilidai.fixes.first?["capID"] == .text("test-bank-cap"))
        #expect(answer.warnings.contains { $0.code == .aboveLegalCap && $0.provider == "wechat-weilidai" })
        // A bank under the cap and a non-bank above it stay.
        #expect(answer.alternatives.contains { $0.details.id == "icbc-rongejie" })
        #expect(answer.alternatives.contains { $0.details.id == "jd-jintiao" })
        // Before the cap's date it does not bind.
        let earlier = await aggregator.recommend(
            ProviderConformanceSuite.profiles[0],
            request,
            on: CalendarDate(year: 2025, month: 6, day: 1)!
        )
        #expect(earlier.alternatives.contains { $0.details.id == "wechat-weilidai" })
    }

    @Test func providersClosedToNewUsersOrSuspendedOnTheDateAreRefusedSayingSo() async throws {
        let catalog = try scenarios()
        let closed = try #require(catalog.provider("example-closed"))
        var profile = ProviderConformanceSuite.profiles[0]
        profile.accounts = PlatformAccount.known
        let answer = await Aggregator(providers: [DescribedProvider(closed)]).recommend(profile, request, on: day)
        let status = try #require(answer.ineligible.first?.failed.first { $0.rule == .status })
        #expect(status.finding.code == .ruleStatusNotOpen)
        #expect(status.finding["state"] == .providerState(.closedToNewUsers))
        #expect(status.finding["since"] != nil)
        #expect(Renderer(.en).render(status.finding).contains("closed to new users since"))
        // The suspended scenario turns suspended on 2027-07-01: open the day before, refused from then.
        let suspended = try #require(catalog.provider("example-suspended"))
        let before = DescribedProvider(suspended).evaluateNow(
            profile,
            request,
            on: CalendarDate(year: 2027, month: 6, day: 30)!
        )
        let after = DescribedProvider(suspended).evaluateNow(
            profile,
            request,
            on: CalendarDate(year: 2027, month: 7, day: 1)!
        )
        #expect(before.checks.first { $0.rule == .status }?.outcome == .passed)
        #expect(after.checks.first { $0.rule == .status }?.outcome == .failed)
    }

    /// The shipped catalog states no closure or suspension that is not a sourced event: every provider is open on
    /// the reference day and has no scheduled change.
    @Test func theShippedCatalogHoldsNoInventedStatusScenario() throws {
        for provider in try catalog().providers {
            #expect(provider.state(on: day) == .open, "\(provider.id)")
            #expect(provider.status.allSatisfy { $0.state == .open && $0.until == nil }, "\(provider.id)")
        }
    }

    /// A date with no price list in force gets no offer and says the prices of that date are unknown; a date under
    /// an older list is priced with that list's terms, not today's.
    @Test func aDateWithoutPricesIsRefusedAsUnknownAndAnOlderListPricesItsOwnDates() async throws {
        let provider = DescribedProvider(try #require(try scenarios().provider("example-dated-prices")))
        var profile = ProviderConformanceSuite.profiles[0]
        profile.accounts = PlatformAccount.known
        let early = CalendarDate(year: 2023, month: 6, day: 1)!
        let unknown = provider.evaluateNow(profile, request, on: early)
        #expect(unknown.offer == nil)
        let pricing = try #require(unknown.checks.first { $0.rule == .pricing })
        #expect(pricing.outcome == .failed)
        #expect(pricing.finding.code == .ruleNoPriceOnDate)
        #expect(pricing.finding["date"] == .date(early))
        #expect(pricing.fix?.code == .fixPricesUnknownForDate)
        #expect(pricing.fix?["from"] == .date(CalendarDate(year: 2024, month: 1, day: 1)!))
        #expect(Renderer(.en).render(pricing.finding).contains("no known prices for 12 months on 2023-06-01"))
        let answer = await Aggregator(providers: [provider]).recommend(profile, request, on: early)
        let refusal = try #require(answer.ineligible.first)
        #expect(refusal.failed.contains { $0.finding.code == .ruleNoPriceOnDate })
        #expect(refusal.fixes.contains { $0.code == .fixPricesUnknownForDate })
        // 2025-09-30 is priced with the old list (0.05%/day), 2025-10-01 with the new one (0.04%/day).
        let old = try #require(
            provider.evaluateNow(profile, request, on: CalendarDate(year: 2025, month: 9, day: 30)!).offer
        )
        let new = try #require(
            provider.evaluateNow(profile, request, on: CalendarDate(year: 2025, month: 10, day: 1)!).offer
        )
        #expect(
            old.notes.first?["interest"]
                == .interest(.daily(Rate(percent: Decimal(string: "0.05")!), dayCount: .actual360))
        )
        #expect(
            new.notes.first?["interest"]
                == .interest(.daily(Rate(percent: Decimal(string: "0.04")!), dayCount: .actual360))
        )
        #expect(old.quote.totalCost > new.quote.totalCost)
    }

    struct FailingProvider: CreditProvider {
        struct Down: Error, CustomStringConvertible { var description: String { "endpoint unreachable" } }
        let details: ProviderDescription
        var id: ProviderID { details.id }
        func evaluate(_ profile: UserProfile, _ request: LoanRequest, on date: CalendarDate) async throws -> Evaluation
        {
            throw Down()
        }
    }

    @Test func aFailingProviderIsListedAndTheOthersAreStillCompared() async throws {
        let catalog = try catalog()
        var details = try #require(catalog.provider("ccb-kuaidai"))
        details.id = "live-endpoint"
        let aggregator = Aggregator.standard(catalog: catalog, plugins: [FailingProvider(details: details)])
        let answer = await aggregator.recommend(ProviderConformanceSuite.profiles[0], request, on: day)
        #expect(answer.failures.map(\.provider) == ["live-endpoint"])
        #expect(
            answer.warnings.contains { $0.code == .providerFailed && $0.fact["error"] == .text("endpoint unreachable") }
        )
        #expect(answer.alternatives.count >= 4)
    }

    @Test func diagnosisGivesEvidenceAndKeepsTheReportedState() {
        let aggregator = Aggregator(providers: BuiltInProviders.all())
        var profile = UserProfile(id: "d", creditScore: 598, creditScore90DaysAgo: 660)
        let declining = aggregator.diagnose(profile)
        #expect(declining.map(\.service) == [.huabei, .jiebei])
        #expect(
            declining[0].reasons.map(\.evidence) == [
                Fact(.evidenceScore, ["score": .int(598), "drop": .int(62), "below": .int(600)])
            ]
        )
        #expect(Renderer(.en).render(declining[0].reasons[0].evidence) == "score 598, down 62 in 90 days, below 600")
        #expect(Renderer(.zh).render(declining[0].reasons[0].evidence) == "芝麻分598，90天内下降62分，低于600分")
        #expect(declining[1].state == .closed)
        // Reported closed, no reason in the profile: explained, not contradicted.
        profile = UserProfile(
            id: "d2",
            creditScore: 800,
            creditScore90DaysAgo: 800,
            repayment: RepaymentRecord(
                overdueCount12m: 0,
                overdueCount24m: 0,
                worstDaysPastDue: 0,
                currentOverdueAmount: .zero()
            ),
            cashOutFlags12m: 0,
            identity: .verified,
            services: ServiceStates(huabei: .closed)
        )
        let huabei = aggregator.diagnose(profile)[0]
        #expect(huabei.state == .closed && huabei.assessed == .open)
        #expect(huabei.summary.code == .summaryReportedNoReason)
        #expect(Renderer(.en).render(huabei.summary).contains("none of the four published reasons"))
        // Reported open with a risk: kept open, with a service-at-risk warning.
        profile.services = ServiceStates(huabei: .open)
        profile.cashOutFlags12m = 2
        let risky = aggregator.diagnose(profile)[0]
        #expect(risky.state == .open && risky.assessed == .closed)
        #expect(risky.reasons.map(\.code) == [.cashOut])
    }

    @Test func huabeiPricesInstalmentsWithItsTotalFee() async throws {
        let profile = ProviderConformanceSuite.profiles[0]
        let request = LoanRequest(amount: Money(minorUnits: 300_000), termMonths: 6, purpose: .purchase)
        let evaluation = try await HuabeiProvider().evaluate(profile, request, on: day)
        let quote = try #require(evaluation.offer?.quote)
        // 3,000 over 6 instalments with a 4.5% total fee: 500 principal + 22.50 fee a month.
        #expect(quote.monthlyPayment == Money(minorUnits: 52_250))
        #expect(quote.totalCost == Money(minorUnits: 13_500))
        #expect(quote.terms.method == .equalPrincipal)
        // Paid in one go within the interest-free period it costs nothing.
        let once = try await HuabeiProvider().evaluate(
            profile,
            LoanRequest(amount: Money(minorUnits: 300_000), termMonths: 1, purpose: .purchase),
            on: day
        )
        #expect(once.offer?.quote.totalCost == .zero())
        #expect(once.offer?.quote.schedule.rows.first?.dueDate == day.adding(days: 40))
    }

    @Test func whatIfReportsWhatReopens() async throws {
        let answer = await Aggregator.standard(catalog: try catalog()).recommend(Self.lateRepayer, request, on: day)
        #expect(answer.recovery.steps.first?.reason == .lateRepayment)
        let reopens = answer.recovery.reopens.map(\.id)
        #expect(reopens.contains("huabei"))
        #expect(reopens.contains("wechat-weilidai"))
        #expect(!reopens.contains { id in answer.alternatives.contains { $0.details.id.rawValue == id } })
    }

    @Test func builtInsAndEveryCatalogProviderPassTheConformanceSuite() async throws {
        let providers: [any CreditProvider] =
            BuiltInProviders.all() + (try catalog()).providers.map { DescribedProvider($0) }
        for provider in providers {
            let failures = await ProviderConformanceSuite(provider: provider).run()
            #expect(failures.isEmpty, "\(provider.id): \(failures)")
        }
    }

    /// The suite catches a provider that breaks the rules.
    struct SloppyProvider: CreditProvider {
        let details: ProviderDescription
        var id: ProviderID { "sloppy-id" }
        func evaluate(_ profile: UserProfile, _ request: LoanRequest, on date: CalendarDate) async throws -> Evaluation
        {
            let check = RuleCheck(
                rule: .minCreditScore,
                outcome: .failed,
                threshold: "good",
                value: nil,
                margin: nil,
                finding: Fact(.ruleCreditScore)
            )
            let offer = DescribedProvider(details).makeOffer(profile, request, on: date)
            return Evaluation(provider: "sloppy-id", checks: [check], offer: offer)
        }
    }

    @Test func theConformanceSuiteCatchesBrokenProviders() async throws {
        let details = try #require(try catalog().provider("jd-jintiao"))
        let failures = await ProviderConformanceSuite(provider: SloppyProvider(details: details)).run()
        let requirements = Set(failures.map(\.requirement))
        #expect(requirements.isSuperset(of: ["id", "no-offer-when-failed", "fix"]))
    }

    /// Quotes one price through `evaluate` and another through the pricing capability the legal-cap gate uses.
    struct TwoFacedPricing: PricesNearestLoan {
        let described: DescribedProvider
        var id: ProviderID { described.id }
        var details: ProviderDescription { described.details }
        func evaluate(_ profile: UserProfile, _ request: LoanRequest, on date: CalendarDate) async throws -> Evaluation
        {
            described.evaluateNow(profile, request, on: date)
        }
        func nearestTerm(to months: Int) -> Int { 99 }
        func bestAPR(_ request: LoanRequest, on date: CalendarDate, score: Int) -> Decimal? { 99 }
        func makeOffer(_ profile: UserProfile, _ request: LoanRequest, on date: CalendarDate) -> Offer? {
            var longer = request
            longer.termMonths = 24
            return described.makeOffer(profile, longer, on: date)
        }
    }

    @Test func theConformanceSuiteChecksThePricingCapability() async throws {
        let details = try #require(try catalog().provider("jd-jintiao"))
        let failures = await ProviderConformanceSuite(provider: TwoFacedPricing(described: DescribedProvider(details)))
            .run()
        #expect(Set(failures.map(\.requirement)) == ["nearest-term", "pricing", "best-price"], "\(failures)")
        let honest = await ProviderConformanceSuite(provider: DescribedProvider(details)).run()
        #expect(honest.isEmpty, "\(honest)")
    }
}

struct AggregatorPolicyTests {
    let day = CalendarDate(year: 2026, month: 11, day: 25)!
    let request = LoanRequest(amount: Money(minorUnits: 500_000), termMonths: 12, purpose: .cash)

    @Test func duplicateIDsKeepTheFirstAndWarn() async throws {
        let catalog = try CatalogLoader().load(directory: AggregatorTests.providers)
        var shadow = try #require(catalog.provider("icbc-rongejie"))
        shadow.nameEN = "Shadow"
        let aggregator = Aggregator.standard(catalog: catalog, plugins: [DescribedProvider(shadow)])
        #expect(aggregator.duplicateIDs == ["icbc-rongejie"])
        let answer = await aggregator.recommend(ProviderConformanceSuite.profiles[0], request, on: day)
        #expect(answer.warnings.contains { $0.code == .duplicateProvider && $0.provider == "icbc-rongejie" })
        #expect(answer.alternatives.first { $0.details.id == "icbc-rongejie" }?.details.nameEN != "Shadow")
    }

    @Test func whatIfDoesNotReopenWhatACapWouldExclude() async throws {
        let catalog = try CatalogLoader().load(directory: AggregatorTests.providers)
        let cap = LegalCap(
            id: "tight",
            title: "tight cap",
            appliesTo: [.bank],
            maxAPRPercent: 10,
            effect: .exclude,
            from: CalendarDate(year: 2020, month: 1, day: 1)!,
            sourceTitle: "test",
            sourceURL: "https://example.org"
        )
        let aggregator = Aggregator(
            providers: BuiltInProviders.all() + catalog.providers.map { DescribedProvider($0) },
            caps: LegalCapTable(caps: [cap])
        )
        let answer = await aggregator.recommend(AggregatorTests.lateRepayer, request, on: day)
        // Weilidai (a bank at ~15-18%) would pass its rules after the plan, but the cap excludes its offer.
        #expect(!answer.recovery.reopens.map(\.id).contains("wechat-weilidai"))
        #expect(answer.recovery.reopens.map(\.id).contains("huabei"))
    }

    @Test func unknownDebtsAreReportedNotAssumedZero() async throws {
        var profile = ProviderConformanceSuite.profiles[0]
        profile.monthlyDebtPayments = nil
        let catalog = try CatalogLoader().load(directory: AggregatorTests.providers)
        let answer = await Aggregator.standard(catalog: catalog).recommend(profile, request, on: day)
        #expect(answer.unknowns.contains(.monthlyDebtPayments))
    }

    @Test func aBalloonCannotSlipUnderThePaymentCeiling() throws {
        // Interest first: small monthly interest, then the whole principal with the last instalment.
        var details = try #require(
            try CatalogLoader().load(directory: AggregatorTests.providers).provider("icbc-rongejie")
        )
        details.methods = [.interestFirst]
        var request = self.request
        request.maxMonthlyPayment = Money(minorUnits: 100_000)
        let evaluation = DescribedProvider(details).evaluateNow(ProviderConformanceSuite.profiles[0], request, on: day)
        let ceiling = try #require(evaluation.checks.first { $0.rule == .maxMonthlyPayment })
        #expect(ceiling.outcome == .failed)
        #expect(evaluation.offer == nil)
    }
}

/// Every fact the aggregator states for the example profiles renders in both languages with every parameter its
/// words need: the core's parameters and the presentation layer's templates agree.
struct RenderedAnswerTests {
    static let examples = URL(fileURLWithPath: AggregatorTests.providers).deletingLastPathComponent()
        .appendingPathComponent("examples/profiles")

    static func facts(in r: Recommendation) -> [Fact] {
        var facts = r.diagnosis.flatMap { [$0.summary] + $0.reasons.map(\.evidence) }
        facts += r.alternatives.flatMap {
            $0.why + $0.offer.notes + $0.checks.flatMap { [$0.finding] + [$0.fix].compactMap { $0 } }
        }
        facts += r.ineligible.flatMap { $0.fixes + $0.failed.flatMap { [$0.finding] + [$0.fix].compactMap { $0 } } }
        facts += r.warnings.map(\.fact) + r.recovery.steps.map(\.action) + r.recovery.assumedChanges
        facts += r.recovery.forecasts.flatMap { [$0.headline] + $0.because } + r.recovery.scams
        return facts
    }

    @Test func everyFactOfEveryExampleRendersCompletely() async throws {
        let aggregator = Aggregator.standard(catalog: try CatalogLoader().load(directory: AggregatorTests.providers))
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.examples.path).filter {
            $0.hasSuffix(".json")
        }
        try #require(files.count >= 8)
        var codes: Set<FactCode> = []
        for file in files.sorted() {
            let data = try Data(contentsOf: Self.examples.appendingPathComponent(file))
            let profile = try JSONInput.decode(UserProfile.self, from: data, source: file)
            for request in [
                LoanRequest(amount: Money(minorUnits: 500_000), termMonths: 12, purpose: .cash),
                LoanRequest(amount: Money(minorUnits: 300_000), termMonths: 6, purpose: .purchase),
                LoanRequest(
                    amount: Money(minorUnits: 5_000_000),
                    termMonths: 24,
                    purpose: .cash,
                    maxMonthlyPayment: Money(minorUnits: 60_000)
                ),
            ] {
                let answer = await aggregator.recommend(
                    profile,
                    request,
                    on: CalendarDate(year: 2026, month: 11, day: 25)!
                )
                for fact in Self.facts(in: answer) {
                    codes.insert(fact.code)
                    for language in Language.allCases {
                        let text = Renderer(language).render(fact)
                        #expect(!text.contains("?"), "\(file) \(fact.code) \(language): \(text) \(fact.params)")
                    }
                }
            }
        }
        // The examples exercise most of the vocabulary.
        #expect(codes.count >= 50, "\(codes.count) codes")
    }
}

/// One pass: each primary service is diagnosed once per profile, and the what-if evaluates again only what the
/// improved profile can change.
struct OnePassTests {
    let day = CalendarDate(year: 2026, month: 11, day: 25)!
    let request = LoanRequest(amount: Money(minorUnits: 500_000), termMonths: 12, purpose: .cash)

    /// Counts calls, shared by the copies of a provider the aggregator holds.
    final class Calls: Sendable {
        let diagnoses = Mutex(0)
        let evaluations = Mutex(0)
    }

    struct CountingHuabei: PrimaryServiceProvider {
        let wrapped = HuabeiProvider()
        let calls: Calls
        var service: PrimaryService { wrapped.service }
        var details: ProviderDescription { wrapped.details }
        var id: ProviderID { wrapped.id }
        func diagnose(_ profile: UserProfile) -> ServiceDiagnosis {
            calls.diagnoses.withLock { $0 += 1 }
            return wrapped.diagnose(profile)
        }
        func evaluate(
            _ profile: UserProfile,
            _ request: LoanRequest,
            on date: CalendarDate,
            diagnosis: ServiceDiagnosis
        ) async throws -> Evaluation {
            calls.evaluations.withLock { $0 += 1 }
            return try await wrapped.evaluate(profile, request, on: date, diagnosis: diagnosis)
        }
    }

    struct CountingProvider: CreditProvider {
        let described: DescribedProvider
        let calls: Calls
        var details: ProviderDescription { described.details }
        var id: ProviderID { described.id }
        func evaluate(_ profile: UserProfile, _ request: LoanRequest, on date: CalendarDate) async throws -> Evaluation
        {
            calls.evaluations.withLock { $0 += 1 }
            return described.evaluateNow(profile, request, on: date)
        }
    }

    @Test func aHealthyProfileIsDiagnosedOnceAndNothingIsEvaluatedTwice() async throws {
        let huabei = Calls()
        let zhaolian = Calls()
        let catalog = try CatalogLoader().load(directory: AggregatorTests.providers)
        let aggregator = Aggregator(providers: [
            CountingHuabei(calls: huabei),
            CountingProvider(
                described: DescribedProvider(try #require(catalog.provider("zhaolian-haoqidai"))),
                calls: zhaolian
            ),
        ])
        _ = await aggregator.recommend(ProviderConformanceSuite.profiles[0], request, on: day)
        #expect(huabei.diagnoses.withLock { $0 } == 1)
        #expect(huabei.evaluations.withLock { $0 } == 1)
        #expect(zhaolian.evaluations.withLock { $0 } == 1)
    }

    @Test func theWhatIfReevaluatesOnlyRefusalsTheImprovementTouches() async throws {
        let huabei = Calls()
        let eligible = Calls()
        let refusedForAmount = Calls()
        let refusedForRecord = Calls()
        let catalog = try CatalogLoader().load(directory: AggregatorTests.providers)
        var small = try #require(catalog.provider("meituan-jieqian"))
        small.id = "small-lender"
        small.maxAmount = Money(minorUnits: 100_000)  // refuses 5,000 whatever the profile
        let aggregator = Aggregator(providers: [
            CountingHuabei(calls: huabei),
            CountingProvider(
                described: DescribedProvider(try #require(catalog.provider("zhaolian-haoqidai"))),
                calls: eligible
            ),
            CountingProvider(described: DescribedProvider(small), calls: refusedForAmount),
            CountingProvider(
                described: DescribedProvider(try #require(catalog.provider("wechat-weilidai"))),
                calls: refusedForRecord
            ),
        ])
        let answer = await aggregator.recommend(AggregatorTests.lateRepayer, request, on: day)
        #expect(answer.alternatives.map(\.details.id) == ["zhaolian-haoqidai"])
        // The projection changes on three dates (today, and the dates the undated 12- and 24-month counts are gone by
        // at the latest), looked at twice (counts kept until then, or gone at once).
        let dates = 3
        // Huabei: diagnosed for the profile and at most once per projected date and way of reading the counts, never
        // inside its own evaluation; it lends for purchases only, so the cash request is not evaluated again (the
        // service's own forecast comes from the diagnosis).
        #expect((2...(1 + 2 * dates)).contains(huabei.diagnoses.withLock { $0 }))
        #expect(huabei.evaluations.withLock { $0 } == 1)
        #expect(eligible.evaluations.withLock { $0 } == 1)
        #expect(refusedForAmount.evaluations.withLock { $0 } == 1)
        #expect((2...(1 + 2 * dates)).contains(refusedForRecord.evaluations.withLock { $0 }))
        #expect(answer.recovery.reopens.map(\.id) == ["huabei", "wechat-weilidai"])
    }
}

/// The legal-cap gate compares the solver's rate, never the 2-decimal figure shown.
struct ExactCapTests {
    let day = CalendarDate(year: 2026, month: 11, day: 25)!

    func answer(
        annualPercent: String,
        effect: CapEffect = .exclude,
        method: RepaymentMethod = .equalInstallment
    ) async throws -> Recommendation {
        var details = try #require(
            try CatalogLoader().load(directory: AggregatorTests.providers).provider("icbc-rongejie")
        )
        let rate = AnnualRate(percent: try #require(Decimal(string: annualPercent)))
        details.pricing = [PricingRule(interest: .annual(RateRange(min: rate, max: rate)))]
        details.methods = [method]
        details.eligibility = EligibilityRules()
        details.maxAmount = Money(minorUnits: 200_000_000)
        details.terms = [12]
        let cap = LegalCap(
            id: "test-24",
            title: "24% all-in cap",
            titleZH: "综合成本24%上限",
            appliesTo: [.bank],
            maxAPRPercent: 24,
            effect: effect,
            from: CalendarDate(year: 2025, month: 10, day: 1)!,
            sourceTitle: "test",
            sourceURL: "https://example.org/cap"
        )
        let aggregator = Aggregator(providers: [DescribedProvider(details)], caps: LegalCapTable(caps: [cap]))
        let request = LoanRequest(amount: Money(minorUnits: 100_000_000), termMonths: 12, purpose: .cash)
        // Income unknown: the debt-service gate stays out of a test of the cap.
        var profile = ProviderConformanceSuite.profiles[0]
        profile.monthlyIncome = nil
        return await aggregator.recommend(profile, request, on: day)
    }

    @Test func aRateJustAboveTheCapIsExcludedThoughItRoundsToTheCap() async throws {
        let above = try await answer(annualPercent: "24.004")
        let refusal = try #require(above.ineligible.first)
        #expect(above.alternatives.isEmpty)
        #expect(refusal.gated && refusal.failed.first?.rule == .legalCap)
        let warning = try #require(above.warnings.first { $0.code == .aboveLegalCap })
        // The words never say "24.00% is above 24.00%".
        let english = Renderer(.en).render(warning.fact)
        #expect(english.contains("24.004"), "\(english)")
        #expect(Renderer(.zh).render(warning.fact).contains("24.004"))
        let below = try await answer(annualPercent: "23.996")
        #expect(below.alternatives.count == 1)
        #expect(!below.warnings.contains { $0.code == .aboveLegalCap })
        // Exactly at the cap is within it: interest first at 2% a month is 24.0000000000%, and the solver's noise
        // never tips it over. (Equal instalments at 24% cost a little more: each payment is rounded up to the fen.)
        let at = try await answer(annualPercent: "24", method: .interestFirst)
        #expect(at.alternatives.count == 1)
        #expect(!at.warnings.contains { $0.code == .aboveLegalCap })
    }

    /// An exclusion cap of 24% binding banks, in force on the day: the cap the exact-rate tests compare with.
    var cap24: LegalCap {
        LegalCap(
            id: "test-24",
            title: "24% all-in cap",
            appliesTo: [.bank],
            maxAPRPercent: 24,
            effect: .exclude,
            from: day,
            sourceTitle: "test",
            sourceURL: "https://example.org/cap"
        )
    }

    /// A lender pricing at exactly the cap is not refused over fen rounding: 24% a year in equal instalments rounded
    /// to the fen costs 24.00006%, within the cap at the gate's 0.001 pp, and the words say 24.00%, never above.
    @Test func aPriceAtTheCapRoundedToTheFenIsWithinIt() async throws {
        let at = try await answer(annualPercent: "24")
        let offer = try #require(at.alternatives.first?.offer)
        let apr = offer.quote.apr.nominal(scale: 10)
        // The artefact is real: above 24 exactly, by far less than the gate's precision.
        #expect(apr > 24 && apr < Decimal(string: "24.0005")!, "\(apr)")
        #expect(!at.warnings.contains { $0.code == .aboveLegalCap })
        #expect(at.ineligible.isEmpty)
        let cap = cap24
        let verdict = LegalCapTable(caps: [cap]).verdict(aprPercent: apr, licence: .bank, on: day)
        #expect(verdict.map(\.code) == [.legalityWithinCap])
        #expect(Renderer(.en).render(verdict[0]).hasPrefix("24.00% a year is within 24% all-in cap"))
        // The one comparison every gate uses: to 0.001 pp, half-up.
        #expect(!LegalCap.isAbove(aprPercent: Decimal(string: "24.00006")!, level: 24))
        #expect(!LegalCap.isAbove(aprPercent: Decimal(string: "24.00049")!, level: 24))
        #expect(LegalCap.isAbove(aprPercent: Decimal(string: "24.0005")!, level: 24))
        #expect(LegalCap.isAbove(aprPercent: Decimal(string: "24.004")!, level: 24))
        #expect(cap.isExceeded(byAPRPercent: Decimal(string: "24.004")!))
    }

    /// A flag compares the same exact rate: 24.004% is above the courts' 24% level, 24% is not.
    @Test func aFlagComparesTheExactRateToo() async throws {
        let above = try await answer(annualPercent: "24.004", effect: .flag)
        #expect(above.alternatives.count == 1)
        let flag = try #require(above.warnings.first { $0.code == .aboveFinancialCourtLevel })
        #expect(Renderer(.en).render(flag.fact).contains("24.004%"))
        let at = try await answer(annualPercent: "24", effect: .flag, method: .interestFirst)
        #expect(!at.warnings.contains { $0.code == .aboveFinancialCourtLevel })
    }

    /// The verdict `quote` and `apr` print: the exact 24.004% is above a 24% cap and says so with the digits that
    /// show it; 23.996% is within and never reads "24.00% within 24.00%".
    @Test func theVerdictComparesTheExactRate() throws {
        let cap = cap24
        let table = LegalCapTable(caps: [cap])
        let above = table.verdict(aprPercent: Decimal(string: "24.004")!, licence: .bank, on: day)
        #expect(above.map(\.code) == [.legalityAboveCap])
        #expect(Renderer(.en).render(above[0]).hasPrefix("24.004% a year is above 24% all-in cap"))
        #expect(table.verdict(aprPercent: 24, licence: .bank, on: day).map(\.code) == [.legalityWithinCap])
        let below = table.verdict(aprPercent: Decimal(string: "23.996")!, licence: .bank, on: day)
        #expect(Renderer(.zh).render(below[0]).hasPrefix("年化利率23.996%未超过"))
    }
}
