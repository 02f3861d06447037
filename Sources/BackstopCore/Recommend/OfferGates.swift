public import Foundation

/// A provider that can price a loan other than the one asked for: the capability the legal-cap gate's nearest-loan
/// probe needs (``OwnRulesGate``). XML providers and the Huabei and Jiebei adapters have it; a Swift plugin that does
/// not is never refused for a price its own `evaluate` did not quote.
public protocol PricesNearestLoan: CreditProvider {
    /// The term it offers nearest to `months`.
    func nearestTerm(to months: Int) -> Int
    /// Its best price for a loan (the bottom of its range, any new-customer promotion) as an APR percent; nil when
    /// it cannot price the loan.
    func bestAPR(_ request: LoanRequest, on date: CalendarDate, score: Int) -> Decimal?
    /// Its offer to the profile for a loan, whatever its own rules say of the profile; nil when it cannot price it.
    func makeOffer(_ profile: UserProfile, _ request: LoanRequest, on date: CalendarDate) -> Offer?
}

extension DescribedProvider: PricesNearestLoan {}

/// A provider that can leave out the checks it passed when it refuses (a refusal shows only the rules that failed):
/// the evaluation stage asks for that lean evaluation when the provider offers it, and `evaluate` otherwise.
public protocol EvaluatesLean: CreditProvider {
    /// The evaluation; with `keepPassed` false, a refused one lists only the checks that failed or are unknown.
    func evaluate(_ profile: UserProfile, _ request: LoanRequest, on date: CalendarDate, keepPassed: Bool) -> Evaluation
}

extension DescribedProvider: EvaluatesLean {}

/// Gate 1: unlicensed channels are never recommended. The refusal warns (`unlicensed-refused`) and says where the
/// price stands against the courts' private-lending ceilings, the ones that bind lending without a licence.
public struct LicenceGate: Gate {
    public init() {}
    public var name: String { "licence" }

    public func check(_ candidate: GateCandidate, in context: GateContext) -> GateOutcome {
        let details = candidate.details
        guard !details.licence.isLicensed else { return .pass() }
        let evaluation = candidate.evaluation
        let check = RuleCheck(
            rule: .licensed,
            outcome: .failed,
            threshold: "licensed",
            value: LicenceKind.none.rawValue,
            margin: -1,
            finding: Fact(.ruleUnlicensed, ["provider": .name(details.name)]),
            fix: Fact(.fixUseLicensedChannel)
        )
        let refusal = Refusal(
            details: details,
            failed: [check] + evaluation.failed,
            fixes: [Fact(.fixUseLicensedChannel)],
            gated: true
        )
        var params: [String: FactValue] = ["provider": .name(details.name)]
        if let offer = evaluation.offer {
            params["apr"] = .percent(offer.quote.nominalAPR)
            params["totalCost"] = .money(offer.quote.totalCost)
        }
        var warnings = [Warning(.unlicensedRefused, provider: details.id, params)]
        if let offer = evaluation.offer {
            let apr = offer.quote.apr.nominal(scale: 10)
            for cap in context.rulebook.caps(for: .none, on: context.date)
            where cap.effect == .flag && cap.isExceeded(byAPRPercent: apr) {
                warnings.append(
                    Warning(.aboveCourtCeiling, provider: details.id, Aggregator.capParams(cap, apr: apr, details.name))
                )
            }
        }
        return .refuse(refusal, warnings: warnings)
    }
}

/// Gate 2: a student is never offered credit by a lender kind barred from lending to students on the date. The
/// answer-wide `student-protected` warning names the ban once, however many lenders it refuses.
public struct StudentBanGate: Gate {
    public init() {}
    public var name: String { "student-ban" }

    public func check(_ candidate: GateCandidate, in context: GateContext) -> GateOutcome {
        let details = candidate.details
        guard context.profile.student == true,
            let ban = context.rulebook.bans(for: details, group: .student, on: context.date).first
        else { return .pass() }
        let title = FactValue.name(LocalizedName(en: ban.title, zh: ban.titleZH ?? ban.title))
        let params: [String: FactValue] = [
            "provider": .name(details.name), "licence": .licence(details.licence.kind), "title": title,
            "since": .date(ban.from), "source": .text(ban.sourceURL),
        ]
        let check = RuleCheck(
            rule: .protectedGroup,
            outcome: .failed,
            threshold: "not \(ProtectedGroup.student.rawValue)",
            value: ProtectedGroup.student.rawValue,
            margin: -1,
            finding: Fact(.ruleStudentBarred, params),
            fix: Fact(.fixNoneStudentBarred)
        )
        let warning = Warning(
            .studentProtected,
            [
                "title": title, "since": .date(ban.from), "source": .text(ban.sourceURL),
                "licences": .list(ban.appliesTo.map(FactValue.licence)),
            ]
        )
        return .refuse(candidate.refusal(check, fixes: [Fact(.fixNoneStudentBarred)]), warnings: [warning])
    }
}

/// The provider's own rules and the request: an ineligible evaluation is refused with the rules it failed and
/// their fixes. A licensed provider whose best price at the nearest loan it makes is above an exclusion cap is
/// refused by the legal-cap gate instead, not only by the rule the request happened to miss (the probe needs
/// ``PricesNearestLoan``).
public struct OwnRulesGate: Gate {
    public init() {}
    public var name: String { "own-rules" }

    public func check(_ candidate: GateCandidate, in context: GateContext) -> GateOutcome {
        let evaluation = candidate.evaluation
        guard evaluation.offer == nil || !evaluation.isEligible else { return .pass() }
        if let capped = Self.nearestLoanCapRefusal(candidate, context) {
            return .refuse(capped.refusal, warnings: [capped.warning])
        }
        let failed = evaluation.failed
        let fixes = failed.compactMap(\.fix)
        return .refuse(
            Refusal(
                details: candidate.details,
                failed: failed,
                fixes: fixes.isEmpty ? [Fact(.fixNotAvailable)] : fixes,
                gated: false
            )
        )
    }

    /// A licensed provider refused on its own rules or on the request (an amount outside its limits, a term it does
    /// not offer) whose price is above a legal cap anyway.
    ///
    /// The provider is priced for the profile at the amount inside its limits nearest to the one asked for and at
    /// the offered term nearest to the one asked for. When that all-in price is above an `exclude` cap binding its
    /// licence kind on the date, the refusal is gated (`legalCap`), names the cap, the APR, the mandatory fees
    /// counted and the loan it was priced at (`amount`, `term`), and keeps every other rule the provider failed; the
    /// `above-legal-cap` warning says the same. Only a lender above a cap at its best price (position 0, any
    /// new-customer promotion) is refused this way: one whose price range a better record would bring under the cap
    /// keeps its ordinary refusal and its forecast.
    ///
    /// Cheap: nothing is priced unless an `exclude` cap binds the kind on the date; then the loan is priced at the
    /// best position (a bound for every profile, remembered by the provider), and at the profile's own only when that
    /// is above a cap.
    static func nearestLoanCapRefusal(
        _ candidate: GateCandidate,
        _ context: GateContext
    ) -> (refusal: Refusal, warning: Warning)? {
        let details = candidate.details
        guard details.licence.isLicensed, let pricing = candidate.pricing else { return nil }
        let binding = context.rulebook.caps(for: details, on: context.date).filter { $0.effect == .exclude }
        guard !binding.isEmpty, details.minAmount <= details.maxAmount else { return nil }
        var probe = context.request
        probe.amount = max(details.minAmount, min(details.maxAmount, context.request.amount))
        probe.termMonths = pricing.nearestTerm(to: context.request.termMonths)
        guard let best = pricing.bestAPR(probe, on: context.date, score: context.profile.creditScore),
            binding.contains(where: { $0.isExceeded(byAPRPercent: best) })
        else { return nil }
        guard let offer = pricing.makeOffer(context.profile, probe, on: context.date) else { return nil }
        let apr = offer.quote.apr.nominal(scale: 10)
        guard let cap = binding.first(where: { $0.isExceeded(byAPRPercent: apr) }) else { return nil }
        var params = Aggregator.capParams(cap, apr: apr, details.name).merging(offer.feeParams) { a, _ in a }
        params["amount"] = .money(probe.amount)
        params["term"] = .int(offer.quote.terms.termMonths)
        return Aggregator.capRefusal(details, cap, apr: apr, params, also: candidate.evaluation.failed)
    }
}

/// Gate 3: the legal caps for the licence kind on the request date. An offer above an `exclude` cap is refused
/// (`above-legal-cap`); above a `flag` level (the 24% courts apply to financial institutions' loans) it passes with
/// a warning, and above the policy's high-cost level with another.
///
/// Compares the solver's rate to 0.001 pp (``LegalCap/isExceeded(byAPRPercent:)``), never the 2-decimal figure
/// shown: 24.004% is above 24%; a price at 24% whose instalments are rounded to the fen (24.00006%) is not.
public struct LegalCapGate: Gate {
    public init() {}
    public var name: String { "legal-cap" }

    public func check(_ candidate: GateCandidate, in context: GateContext) -> GateOutcome {
        guard let offer = candidate.evaluation.offer else { return .pass() }
        let details = candidate.details
        let apr = offer.quote.apr.nominal(scale: 10)
        let binding = context.rulebook.caps(for: details, on: context.date)
        if let cap = binding.first(where: { $0.effect == .exclude && $0.isExceeded(byAPRPercent: apr) }) {
            let params = Aggregator.capParams(cap, apr: apr, details.name).merging(offer.feeParams) { a, _ in a }
            let capped = Aggregator.capRefusal(details, cap, apr: apr, params)
            return .refuse(capped.refusal, warnings: [capped.warning])
        }
        var warnings: [Warning] = []
        for cap in binding where cap.effect == .flag && cap.isExceeded(byAPRPercent: apr) {
            warnings.append(
                Warning(
                    .aboveFinancialCourtLevel,
                    provider: details.id,
                    Aggregator.capParams(cap, apr: apr, details.name)
                )
            )
        }
        let level = context.policy.highCostAPRPercent
        if apr > level {
            warnings.append(
                Warning(
                    .highCost,
                    provider: details.id,
                    ["provider": .name(details.name), "apr": .percent(apr), "level": .percent(level)]
                )
            )
        }
        return .pass(warnings: warnings)
    }
}

/// Backstop's own affordability gate: existing debts plus the offer's largest payment above
/// ``AggregatorPolicy/maxDebtServicePercent`` of income refuses the offer (and warns). Unknown existing debts are not
/// assumed to be zero: the check then sees only the new payment, which can still show a loan alone is unaffordable,
/// and the unknown is reported; a known income of zero refuses (no payment is within any share of it).
public struct DebtServiceGate: Gate {
    public init() {}
    public var name: String { "debt-service" }

    public func check(_ candidate: GateCandidate, in context: GateContext) -> GateOutcome {
        guard let offer = candidate.evaluation.offer else { return .pass() }
        let profile = context.profile
        var unknowns: [ProfileField] = []
        if profile.monthlyIncome == nil { unknowns.append(.monthlyIncome) }
        if profile.monthlyDebtPayments == nil { unknowns.append(.monthlyDebtPayments) }
        guard let income = profile.monthlyIncome else { return .pass(unknowns: unknowns) }
        let details = candidate.details
        let debts = profile.monthlyDebtPayments ?? .zero()
        let payment = offer.quote.largestPayment
        let limit = context.policy.maxDebtServicePercent
        guard income.minorUnits > 0 else {
            let check = DescribedProvider.noIncomeCheck(.debtService, limit: limit, payment)
            let warning = Warning(
                .debtService,
                provider: details.id,
                ["provider": .name(details.name), "payment": .money(payment), "limit": .percent(limit)]
            )
            return .refuse(
                Refusal(details: details, failed: [check], fixes: [Fact(.fixNoIncome)], gated: true),
                warnings: [warning],
                unknowns: unknowns
            )
        }
        let share = Decimal.ratio((debts + payment).minorUnits * 100, income.minorUnits, scale: 1)
        guard share > limit else { return .pass(unknowns: unknowns) }
        let fix = DescribedProvider.debtFix(income: income, limitPercent: limit, debts: debts)
        let check = RuleCheck(
            rule: .debtService,
            outcome: .failed,
            threshold: "\(limit)",
            value: "\(share)",
            margin: (limit - share) / limit,
            finding: Fact(.ruleDebtToIncome, ["share": .percent(share), "limit": .percent(limit)]),
            fix: fix
        )
        let warning = Warning(
            .debtService,
            provider: details.id,
            [
                "provider": .name(details.name), "payment": .money(payment), "share": .percent(share),
                "limit": .percent(limit),
            ]
        )
        return .refuse(
            Refusal(details: details, failed: [check], fixes: [fix], gated: true),
            warnings: [warning],
            unknowns: unknowns
        )
    }
}

/// The exact term, when the policy asks for it (`--exact-term`): an offer at another term than the one asked for is
/// refused, with the terms the provider offers.
public struct ExactTermGate: Gate {
    public init() {}
    public var name: String { "exact-term" }

    public func check(_ candidate: GateCandidate, in context: GateContext) -> GateOutcome {
        guard context.policy.exactTerm, let offer = candidate.evaluation.offer else { return .pass() }
        let asked = context.request.termMonths
        let offered = offer.quote.terms.termMonths
        guard offered != asked else { return .pass() }
        let details = candidate.details
        let terms = FactValue.list(details.terms.map(FactValue.int))
        let fix = Fact(.fixChooseTerm, ["terms": terms])
        let check = RuleCheck(
            rule: .exactTerm,
            outcome: .failed,
            threshold: "\(asked)",
            value: "\(offered)",
            margin: -1,
            finding: Fact(
                .ruleTermDiffers,
                ["provider": .name(details.name), "asked": .int(asked), "term": .int(offered), "terms": terms]
            ),
            fix: fix
        )
        return .refuse(Refusal(details: details, failed: [check], fixes: [fix], gated: true))
    }
}

extension Aggregator {
    /// Every gate an evaluated offer passes before it is ranked, in order: licence, protected groups, the rulebook's
    /// own (age, purpose, business-only, per-borrower limits, documented loans, the student question), the
    /// provider's own rules with the nearest-loan probe, legal caps, debt service, the exact term. A list: each gate
    /// is tested on its own, and adding one changes no other.
    public static let gates: [any Gate] =
        [LicenceGate(), StudentBanGate()] + rulebookGates
        + [OwnRulesGate(), LegalCapGate(), DebtServiceGate(), ExactTermGate()]

    /// Warnings about the answer as a whole that several refusals can raise: kept apart from the per-offer warnings
    /// and written once each, after the refusals (in the order their ids sort).
    public static let answerWideGateWarnings: Set<FactCode> = [.studentProtected]
}
