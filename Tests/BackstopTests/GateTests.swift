import Backstop
import BackstopTesting
import Foundation
import Testing

/// Each rulebook gate on its own, through the public `Gate` protocol, with the shipped rulebook: a gate reads only
/// the candidate and the context, so it is tested with a hand-made evaluation and no aggregator.
struct GateTests {
    static func catalog() throws -> Catalog { try CatalogLoader().load(directory: AggregatorTests.providers) }
    static let date = CalendarDate(year: 2026, month: 12, day: 7)!

    static func candidate(_ id: String) throws -> GateCandidate {
        let details = try #require(try catalog().provider(ProviderID(rawValue: id)))
        return GateCandidate(details: details, evaluation: Evaluation(provider: details.id, checks: [], offer: nil))
    }

    static func context(
        _ profile: UserProfile,
        amount: Int64 = 500_000,
        purpose: LoanPurpose = .cash
    ) throws -> GateContext {
        GateContext(
            profile: profile,
            request: LoanRequest(amount: Money(minorUnits: amount), termMonths: 12, purpose: purpose),
            date: date,
            rulebook: try catalog().caps,
            policy: AggregatorPolicy()
        )
    }

    static func refusedRule(_ outcome: GateOutcome) -> RuleID? {
        if case .refuse(let refusal, _, _) = outcome { return refusal.failed.first?.rule }
        return nil
    }

    @Test(arguments: [(17, true), (0, true), (18, false), (64, false)])
    func theAgeOfMajorityBindsEveryChannel(age: Int, refused: Bool) throws {
        // Fenqile's own file has no age rule: the rulebook's binds it all the same.
        for id in ["fenqile", "cmb-shandiandai", "icbc-card-installment"] {
            let outcome = AgeOfMajorityGate().check(
                try Self.candidate(id),
                in: try Self.context(UserProfile(id: "a", age: age, creditScore: 700))
            )
            #expect((Self.refusedRule(outcome) == .ageOfMajority) == refused, "\(id) at \(age)")
        }
        let unknown = AgeOfMajorityGate().check(
            try Self.candidate("fenqile"),
            in: try Self.context(UserProfile(id: "a", creditScore: 700))
        )
        #expect(unknown == .pass())
    }

    @Test(arguments: [LoanPurpose.homePurchase, .securities, .crypto])
    func bannedPurposesRefuseEveryKindOfConsumerCredit(_ purpose: LoanPurpose) throws {
        // A bank, a consumer finance company, an online micro-lender, a card issuer and a platform.
        for id in ["icbc-rongejie", "zhaolian-haoqidai", "jd-jintiao", "cmb-card-installment", "fenqile"] {
            let outcome = PurposeBanGate().check(
                try Self.candidate(id),
                in: try Self.context(UserProfile(id: "p", creditScore: 700), purpose: purpose)
            )
            #expect(Self.refusedRule(outcome) == .purposeBanned, "\(id) for \(purpose)")
            if case .refuse(let refusal, let warnings, _) = outcome {
                #expect(refusal.gated)
                #expect(warnings.first?.code == .purposeBanned)
                #expect(refusal.failed.first?.finding["source"] != nil)
            }
        }
    }

    @Test(arguments: [LoanPurpose.cash, .medical, .education, .purchase])
    func lawfulPurposesPass(_ purpose: LoanPurpose) throws {
        let outcome = PurposeBanGate().check(
            try Self.candidate("icbc-rongejie"),
            in: try Self.context(UserProfile(id: "p", creditScore: 700), purpose: purpose)
        )
        #expect(outcome == .pass())
    }

    @Test(arguments: [
        (LoanPurpose.business, Employment.selfEmployed, false), (.business, .employed, true),
        (.medical, .retired, true),
        (.cash, .selfEmployed, true),
    ])
    func aBusinessLoanIsOnlyForABusinessOwnersBusiness(
        purpose: LoanPurpose,
        employment: Employment,
        refused: Bool
    )
        throws
    {
        let outcome = BusinessOnlyGate().check(
            try Self.candidate("mybank-wangshangdai"),
            in: try Self.context(UserProfile(id: "b", creditScore: 700, employment: employment), purpose: purpose)
        )
        #expect((Self.refusedRule(outcome) == .businessOnly) == refused)
        // A consumer loan is never bound by the business-only rule.
        let consumer = BusinessOnlyGate().check(
            try Self.candidate("wechat-weilidai"),
            in: try Self.context(UserProfile(id: "b", creditScore: 700, employment: employment), purpose: purpose)
        )
        #expect(consumer == .pass())
    }

    @Test func perBorrowerLimitsAddWhatIsOwed() throws {
        let gate = PerBorrowerLimitGate()
        let plain = UserProfile(id: "l", creditScore: 700)
        // ¥200,000 is within the bank limit, ¥200,000.01 is not.
        #expect(
            gate.check(try Self.candidate("icbc-rongejie"), in: try Self.context(plain, amount: 20_000_000))
                == .pass(unknowns: [.outstandingBalances])
        )
        #expect(
            Self.refusedRule(
                gate.check(try Self.candidate("icbc-rongejie"), in: try Self.context(plain, amount: 20_000_001))
            )
                == .perBorrowerLimit
        )
        // Without balances, an amount at least half the limit makes the balances an unknown that matters.
        #expect(
            gate.check(try Self.candidate("icbc-rongejie"), in: try Self.context(plain, amount: 10_000_000))
                == .pass(unknowns: [.outstandingBalances])
        )
        var owing = plain
        owing.outstandingBalances = [OutstandingBalance(lender: "icbc", amount: Money(minorUnits: 15_000_000))]
        owing.customerOf = ["icbc"]
        let refused = gate.check(try Self.candidate("icbc-rongejie"), in: try Self.context(owing, amount: 6_000_000))
        #expect(Self.refusedRule(refused) == .perBorrowerLimit)
        if case .refuse(let refusal, _, _) = refused {
            #expect(refusal.fixes.first?["room"] == .money(Money(minorUnits: 5_000_000)))
        }
        // What is owed elsewhere does not count at another lender.
        #expect(
            gate.check(try Self.candidate("wechat-weilidai"), in: try Self.context(owing, amount: 6_000_000)) == .pass()
        )
    }

    @Test func aPlatformIsBoundByItsFundersKinds() throws {
        let xiaoying = try Self.candidate("xiaoying-kadai").details
        #expect(xiaoying.licence.kind == .platform)
        #expect(Set(xiaoying.lendingKinds) == [.bank, .consumerFinance, .microLoan])
        let caps = try Self.catalog().caps.caps(for: xiaoying, on: Self.date)
        // Every funder's caps bind, the consumer finance companies' 20% among them.
        #expect(caps.contains { $0.id == "consumer-finance-new-loans-20" })
        // Caps binding every funder come first: Shengbei (banks and consumer finance companies) is refused
        // against the 24% internet-lending cap before the 20% that binds only some of its funders.
        let shengbei = try Self.candidate("shengbei").details
        let first = try Self.catalog().caps.caps(for: shengbei, on: Self.date).first { $0.effect == .exclude }
        #expect(first?.id == "internet-lending-24")
        // A platform naming no funder is judged as funded by every kind that funds platforms.
        var unnamed = xiaoying
        unnamed.fundedBy = []
        #expect(unnamed.lendingKinds == LicenceKind.platformFunders)
    }

    @Test func theStudentQuestionIsAskedAtStudentAges() throws {
        let twenty = UserProfile(id: "s", age: 20, creditScore: 700)
        let outcome = StudentUnknownGate().check(try Self.candidate("jd-jintiao"), in: try Self.context(twenty))
        guard case .pass(let why, let unknowns, _) = outcome else {
            Issue.record("expected a pass, got \(outcome)")
            return
        }
        #expect(why.map(\.code) == [.whyNotIfStudent])
        #expect(unknowns == [.student])
        // A bank may lend to students: nothing to say.
        #expect(
            StudentUnknownGate().check(try Self.candidate("icbc-rongejie"), in: try Self.context(twenty)) == .pass()
        )
        // At 40 the question is not asked.
        let forty = UserProfile(id: "s", age: 40, creditScore: 700)
        #expect(StudentUnknownGate().check(try Self.candidate("jd-jintiao"), in: try Self.context(forty)) == .pass())
    }

    /// A documented loan above a cap binding the channel then and now refuses it, with Backstop's own APR of the
    /// instalments; one made before any cap it breaks, or under a cap that no longer binds, does not.
    @Test func aDocumentedLoanAboveABindingCapRefusesTheChannel() throws {
        let profile = UserProfile(id: "d", age: 30, creditScore: 700)
        // Xiaoying Kadai's October 2025 loan: 42,000 yuan repaid in 12 × 4,183.40 = 34.28% all-in, above 24%.
        let xiaoying = try Self.candidate("xiaoying-kadai")
        let loan = try #require(xiaoying.details.documentedLoans.first)
        #expect(loan.aprPercent == Decimal(string: "34.28"))
        let outcome = DocumentedLoanGate().check(xiaoying, in: try Self.context(profile))
        #expect(Self.refusedRule(outcome) == .documentedLoanAboveCap)
        if case .refuse(let refusal, _, _) = outcome {
            let finding = try #require(refusal.failed.first?.finding)
            #expect(finding["capID"] == .text("internet-lending-24"))
            #expect(finding["apr"] == .percent(Decimal(string: "34.28")!))
            #expect(refusal.fixes.map(\.code) == [.fixNoneDocumentedLoan])
        }
        // Before the loan was made, nothing is documented yet.
        var early = try Self.context(profile)
        early.date = CalendarDate(year: 2025, month: 9, day: 30)!
        #expect(DocumentedLoanGate().check(xiaoying, in: early) == .pass())
        // The same platform with a loan from before the 24% rule (Sept 2025, under 36%): not refused.
        var details = xiaoying.details
        details.documentedLoans = [
            DocumentedLoan(
                month: YearMonth(year: 2025, month: 9)!,
                amount: Money(minorUnits: 4_200_000),
                termMonths: 12,
                installment: Money(minorUnits: 418_340),
                source: "s2"
            )
        ]
        let before = GateCandidate(details: details, evaluation: xiaoying.evaluation)
        #expect(DocumentedLoanGate().check(before, in: try Self.context(profile)) == .pass())
        // A loan within the cap (12 × 3,900 on 42,000: under 24%) is no evidence against it.
        details.documentedLoans[0].month = YearMonth(year: 2025, month: 11)!
        details.documentedLoans[0].installment = Money(minorUnits: 390_000)
        let within = GateCandidate(details: details, evaluation: xiaoying.evaluation)
        #expect(DocumentedLoanGate().check(within, in: try Self.context(profile)) == .pass())
        // A channel without documented loans passes.
        #expect(
            DocumentedLoanGate().check(try Self.candidate("icbc-rongejie"), in: try Self.context(profile)) == .pass()
        )
    }

    /// Where each threshold comes from: a stated basis, else published with a source and an estimate without.
    @Test func everyThresholdHasItsProvenance() throws {
        let icbc = try Self.candidate("icbc-rongejie").details
        #expect(icbc.thresholdBasis(of: .age) == .published)
        #expect(icbc.thresholdBasis(of: .identityVerified) == .published)
        #expect(icbc.thresholdBasis(of: .customersOnly) == .reported)
        #expect(icbc.thresholdBasis(of: .minCreditScore) == .estimate)
        #expect(icbc.thresholdBasis(of: .amountLimits) == nil)
        #expect(icbc.hasEvidencedThreshold)
        let zhaolian = try Self.candidate("zhaolian-haoqidai").details
        #expect(!zhaolian.hasEvidencedThreshold)
        #expect(zhaolian.estimatedThresholds == zhaolian.thresholdRules)
        // A provider built in code without sources states estimates only.
        var plain = zhaolian
        plain.figureSources = [:]
        plain.thresholdBases = [.minCreditScore: .published]
        #expect(plain.thresholdBasis(of: .minCreditScore) == .published)
        #expect(plain.thresholdBasis(of: .age) == .estimate)
    }

    /// The gates are a list, in the documented order.
    @Test func theRulebookGatesAreAList() {
        #expect(
            Aggregator.rulebookGates.map(\.name) == [
                "age-of-majority", "purpose-ban", "business-only", "documented-loan", "per-borrower-limit",
                "student-unknown",
            ]
        )
    }

    // MARK: The offer gates, each on its own

    static let healthy = ProviderConformanceSuite.profiles[0]

    /// A provider's own evaluation of the healthy profile for a request, as the gates see it.
    static func evaluated(
        _ id: String,
        amount: Int64 = 500_000,
        term: Int = 12,
        profile: UserProfile = healthy,
        pricing: Bool = true
    ) throws -> (GateCandidate, GateContext) {
        let details = try #require(try catalog().provider(ProviderID(rawValue: id)))
        let provider = DescribedProvider(details)
        var context = try Self.context(profile, amount: amount)
        context.request.termMonths = term
        let evaluation = provider.evaluateNow(profile, context.request, on: date)
        return (GateCandidate(details: details, evaluation: evaluation, pricing: pricing ? provider : nil), context)
    }

    @Test func theLicenceGateRefusesOnlyUnlicensedChannels() throws {
        var (candidate, context) = try Self.evaluated("wechat-weilidai")
        #expect(LicenceGate().check(candidate, in: context) == .pass())
        candidate.details.licence = Licence(kind: .none)
        guard case .refuse(let refusal, let warnings, _) = LicenceGate().check(candidate, in: context) else {
            Issue.record("an unlicensed channel passed")
            return
        }
        #expect(refusal.gated && refusal.failed.first?.rule == .licensed)
        #expect(warnings.first?.code == .unlicensedRefused)
    }

    @Test func theStudentBanRefusesBarredKindsAndNamesTheBanOnce() throws {
        var student = Self.healthy
        student.age = 20
        student.student = true
        let (lender, context) = try Self.evaluated("duxiaoman-youqianhua", profile: student)
        guard case .refuse(let refusal, let warnings, _) = StudentBanGate().check(lender, in: context) else {
            Issue.record("a micro-lender was not refused for a student")
            return
        }
        #expect(refusal.failed.first?.rule == .protectedGroup)
        #expect(warnings.map(\.code) == [.studentProtected])
        #expect(Aggregator.answerWideGateWarnings.contains(.studentProtected))
        let (adult, adultContext) = try Self.evaluated("duxiaoman-youqianhua")
        #expect(StudentBanGate().check(adult, in: adultContext) == .pass())
    }

    @Test func theOwnRulesGateProbesTheNearestLoanOnlyWithAPriceTheProviderQuotes() throws {
        // Asked for more than it lends: refused on its own limits. An exclusion cap would need its price at the
        // nearest loan it makes; a candidate without the pricing capability is never probed.
        let (candidate, context) = try Self.evaluated("wechat-weilidai", amount: 100_000_000)
        guard case .refuse(let refusal, _, _) = OwnRulesGate().check(candidate, in: context) else {
            Issue.record("an amount above its limits passed")
            return
        }
        #expect(!refusal.gated)
        #expect(refusal.failed.contains { $0.rule == .amountLimits || $0.rule == .maxAmount })
        // Yixianghua lends from ¥9,100 at a price above the consumer finance companies' cap: asked for ¥5,000 it is
        // refused by the cap at its nearest loan, but only when it quotes that loan itself.
        let (capped, cappedContext) = try Self.evaluated("yiren-yixianghua")
        guard case .refuse(let byCap, let capWarnings, _) = OwnRulesGate().check(capped, in: cappedContext) else {
            Issue.record("Yixianghua passed")
            return
        }
        #expect(byCap.gated && byCap.failed.first?.rule == .legalCap)
        #expect(capWarnings.map(\.code) == [.aboveLegalCap])
        let (plugin, pluginContext) = try Self.evaluated("yiren-yixianghua", pricing: false)
        guard case .refuse(let own, let none, _) = OwnRulesGate().check(plugin, in: pluginContext) else {
            Issue.record("Yixianghua without pricing passed")
            return
        }
        #expect(!own.gated && none.isEmpty)
        let (eligible, eligibleContext) = try Self.evaluated("wechat-weilidai")
        #expect(OwnRulesGate().check(eligible, in: eligibleContext) == .pass())
    }

    @Test func theLegalCapGateRefusesAboveAnExclusionCapAndWarnsAboveAFlag() throws {
        let (candidate, context) = try Self.evaluated("wechat-weilidai")
        let outcome = LegalCapGate().check(candidate, in: context)
        guard case .pass(_, _, let warnings) = outcome else {
            Issue.record("Weilidai's price was refused: \(outcome)")
            return
        }
        #expect(warnings.allSatisfy { $0.provider == candidate.details.id })
        // Yixianghua asked for a loan it makes: its price is above the consumer finance companies' cap.
        let (capped, cappedContext) = try Self.evaluated("yiren-yixianghua", amount: 1_000_000)
        try #require(capped.evaluation.offer != nil)
        guard case .refuse(let refusal, let capWarnings, _) = LegalCapGate().check(capped, in: cappedContext) else {
            Issue.record("Yixianghua's price above the cap passed")
            return
        }
        #expect(refusal.gated && refusal.failed.first?.rule == .legalCap)
        #expect(capWarnings.map(\.code) == [.aboveLegalCap])
        // Above the policy's high-cost level: a warning, not a refusal.
        var strict = context
        strict.policy.highCostAPRPercent = 1
        guard case .pass(_, _, let high) = LegalCapGate().check(candidate, in: strict) else {
            Issue.record("a high-cost level refused instead of warning")
            return
        }
        #expect(high.contains { $0.code == .highCost })
    }

    @Test func theDebtServiceGateRefusesAnUnaffordablePaymentAndReportsUnknownIncome() throws {
        var poor = Self.healthy
        poor.monthlyIncome = Money(minorUnits: 60_000)
        poor.monthlyDebtPayments = Money(minorUnits: 20_000)
        let (candidate, context) = try Self.evaluated("wechat-weilidai", profile: poor)
        guard case .refuse(let refusal, let warnings, _) = DebtServiceGate().check(candidate, in: context) else {
            Issue.record("a payment above half the income passed")
            return
        }
        #expect(refusal.failed.first?.rule == .debtService && warnings.first?.code == .debtService)
        var unknown = Self.healthy
        unknown.monthlyIncome = nil
        unknown.monthlyDebtPayments = nil
        let (open, openContext) = try Self.evaluated("wechat-weilidai", profile: unknown)
        #expect(
            DebtServiceGate().check(open, in: openContext)
                == .pass(unknowns: [.monthlyIncome, .monthlyDebtPayments])
        )
    }

    @Test func theExactTermGateRefusesAnotherTermOnlyWhenAsked() throws {
        // Weilidai does not lend over 7 months: priced at its nearest term.
        let (candidate, context) = try Self.evaluated("wechat-weilidai", term: 7)
        let offered = try #require(candidate.evaluation.offer).quote.terms.termMonths
        try #require(offered != 7)
        #expect(ExactTermGate().check(candidate, in: context) == .pass())
        var exact = context
        exact.policy.exactTerm = true
        #expect(Self.refusedRule(ExactTermGate().check(candidate, in: exact)) == .exactTerm)
    }

    @Test func theGatesRunInTheirListedOrder() {
        #expect(
            Aggregator.gates.map(\.name).prefix(2) == ["licence", "student-ban"]
        )
        #expect(
            Array(Aggregator.gates.map(\.name).suffix(4)) == ["own-rules", "legal-cap", "debt-service", "exact-term"]
        )
        #expect(Aggregator.gates.count == 2 + Aggregator.rulebookGates.count + 4)
    }
}
