public import Foundation

/// Settings of the gates and warnings.
public struct AggregatorPolicy: Hashable, Sendable {
    /// An offer above this nominal APR (percent) is flagged `high-cost` (default 20).
    public var highCostAPRPercent: Decimal
    /// A monthly payment that pushes debt service past this share of income (percent) is flagged (default 50).
    public var maxDebtServicePercent: Decimal
    /// Keep at most this many alternatives (nil: all).
    public var top: Int?
    /// Evaluate the providers of one request side by side (default). A caller that already runs many requests at
    /// once (`backstop batch`) turns it off: each request then stays on one core and the requests share the cores.
    /// The answer is the same either way.
    public var concurrentProviders: Bool
    /// Hard credit inquiries the application plan allows in 3 months, those already on the report included
    /// (default 2).
    public var hardInquiryBudget: Int
    /// Refuse offers whose term is not the one asked for, instead of listing them after the exact matches.
    public var exactTerm: Bool

    public init(
        highCostAPRPercent: Decimal = 20,
        maxDebtServicePercent: Decimal = 50,
        top: Int? = nil,
        concurrentProviders: Bool = true,
        hardInquiryBudget: Int = 2,
        exactTerm: Bool = false
    ) {
        self.hardInquiryBudget = hardInquiryBudget
        self.exactTerm = exactTerm
        self.highCostAPRPercent = highCostAPRPercent
        self.maxDebtServicePercent = maxDebtServicePercent
        self.top = top
        self.concurrentProviders = concurrentProviders
    }
}

/// Identifies the catalog snapshot that answered.
public struct CatalogInfo: Hashable, Sendable, Codable {
    public var hash: String
    public var providers: Int

    public init(hash: String, providers: Int) {
        self.hash = hash
        self.providers = providers
    }
}

/// An eligible provider's offer, ranked.
public struct Alternative: Hashable, Sendable {
    public var details: ProviderDescription
    public var offer: Offer
    public var likelihood: Likelihood
    public var checks: [RuleCheck]
    /// Why it is here and what to know, as facts.
    public var why: [Fact]
    /// What capped the likelihood (the odds model's facts; also in ``why``).
    public var oddsFactors: [Fact]
    /// "Only if invited" / "only for customers" when the profile does not say whether the user qualifies.
    public var condition: AccessCondition?

    public init(
        details: ProviderDescription,
        offer: Offer,
        likelihood: Likelihood,
        checks: [RuleCheck],
        why: [Fact],
        oddsFactors: [Fact] = [],
        condition: AccessCondition? = nil
    ) {
        self.details = details
        self.offer = offer
        self.likelihood = likelihood
        self.checks = checks
        self.why = why
        self.oddsFactors = oddsFactors
        self.condition = condition
    }

    /// The offer is priced at another term than the one asked for (the provider does not offer it): it is ranked
    /// after the exact matches and never compared with them on cost.
    public var termDiffers: Bool { offer.quote.terms.termMonths != requestedTerm }

    /// The term asked for (the offer's own when the offer carries no note saying otherwise).
    public var requestedTerm: Int {
        for note in offer.notes where note.code == .noteNearestTerm {
            if case .int(let asked) = note.params["asked"] { return asked }
        }
        return offer.quote.terms.termMonths
    }
}

/// A provider that cannot serve this profile or request, with the rules it failed and what would change that.
public struct Refusal: Hashable, Sendable {
    public var details: ProviderDescription
    public var failed: [RuleCheck]
    /// What would change it, most direct first (each failed rule's fix, or why nothing can).
    public var fixes: [Fact]
    /// Whether a gate (licence, legal cap) refused it rather than its own rules.
    public var gated: Bool

    public init(details: ProviderDescription, failed: [RuleCheck], fixes: [Fact], gated: Bool) {
        self.details = details
        self.failed = failed
        self.fixes = fixes
        self.gated = gated
    }
}

/// A warning about an offer or the answer as a whole: a fact whose code is one of the warning codes
/// (``FactCode/codes(in:)`` with ``FactCategory/warning``).
public struct Warning: Hashable, Sendable {
    public var fact: Fact
    public var provider: ProviderID?

    public init(_ code: FactCode, provider: ProviderID? = nil, _ params: [String: FactValue] = [:]) {
        self.fact = Fact(code, params)
        self.provider = provider
    }

    public var code: FactCode { fact.code }
}

/// A provider that could not answer (it threw). The others are still compared.
public struct ProviderFailure: Hashable, Sendable {
    public var provider: ProviderID
    /// The error's own description (a plugin's words, shown as they are).
    public var message: String

    public init(provider: ProviderID, message: String) {
        self.provider = provider
        self.message = message
    }
}

/// The recovery plan: what to do for each reason found, and what that would reopen.
public struct RecoveryPlan: Hashable, Sendable {
    public struct Step: Hashable, Sendable {
        /// The closure reason the step answers; nil for the general advice.
        public var reason: ClosureReason?
        public var action: Fact

        public init(reason: ClosureReason?, action: Fact) {
            self.reason = reason
            self.action = action
        }
    }

    public var steps: [Step]
    /// The changes assumed by the what-if (after ``Countermeasure/horizonMonths`` months of following the steps).
    public var assumedChanges: [Fact]
    /// Primary services and providers that would be open or eligible then but are not now, sorted by id.
    public var reopens: [Reopening]

    public init(steps: [Step], assumedChanges: [Fact], reopens: [Reopening]) {
        self.steps = steps
        self.assumedChanges = assumedChanges
        self.reopens = reopens
    }
}

/// A primary service or a provider the what-if reopens.
public enum Reopening: Hashable, Sendable, Comparable {
    case service(PrimaryService)
    case provider(ProviderID, LocalizedName)

    /// `huabei`, `wechat-weilidai`: the wire format's `reopens` entries.
    public var id: String {
        switch self {
        case .service(let service): service.rawValue
        case .provider(let id, _): id.rawValue
        }
    }

    public static func < (lhs: Reopening, rhs: Reopening) -> Bool { lhs.id < rhs.id }
}

/// Everything the aggregator returns for a profile and a request (DESIGN "What the aggregator returns").
public struct Recommendation: Hashable, Sendable {
    public var profileID: String
    public var request: LoanRequest
    public var date: CalendarDate
    public var diagnosis: [ServiceDiagnosis]
    public var alternatives: [Alternative]
    public var ineligible: [Refusal]
    public var warnings: [Warning]
    public var recovery: RecoveryPlan
    public var catalog: CatalogInfo?
    public var failures: [ProviderFailure]
    /// Profile fields that were unknown and mattered to some rule or diagnosis.
    public var unknowns: [ProfileField]
    /// Which alternatives to apply to, in what order, within the hard-inquiry budget.
    public var plan: ApplicationPlan

    public init(
        profileID: String,
        request: LoanRequest,
        date: CalendarDate,
        diagnosis: [ServiceDiagnosis],
        alternatives: [Alternative],
        ineligible: [Refusal],
        warnings: [Warning],
        recovery: RecoveryPlan,
        catalog: CatalogInfo?,
        failures: [ProviderFailure],
        unknowns: [ProfileField],
        plan: ApplicationPlan = .empty
    ) {
        self.plan = plan
        self.profileID = profileID
        self.request = request
        self.date = date
        self.diagnosis = diagnosis
        self.alternatives = alternatives
        self.ineligible = ineligible
        self.warnings = warnings
        self.recovery = recovery
        self.catalog = catalog
        self.failures = failures
        self.unknowns = unknowns
    }
}

/// Compares providers for a profile and a request.
///
/// Built from the providers passed in (built-ins, catalog, any caller's plugins): there is no global registry.
/// Providers are evaluated concurrently; the result is deterministic: ranking ties break on total cost, then monthly
/// payment, then provider id.
///
/// Failure policy: a provider that throws is listed in ``Recommendation/failures`` with a `provider-failed` warning;
/// the others are still compared.
public struct Aggregator: Sendable {
    public let providers: [any CreditProvider]
    public let caps: LegalCapTable
    public let policy: AggregatorPolicy
    public let catalog: CatalogInfo?

    /// Ids registered more than once; only the first provider with an id is compared.
    public let duplicateIDs: [ProviderID]

    /// - Parameters:
    ///   - providers: every provider to compare; when several share an id, the first wins and the answer warns.
    ///   - caps: the legal caps in force (by licence kind and date).
    ///   - policy: the high-cost level, the debt-service share and how many alternatives to keep.
    ///   - catalog: the catalog snapshot the providers came from, named in every answer.
    public init(
        providers: [any CreditProvider],
        caps: LegalCapTable = .none,
        policy: AggregatorPolicy = AggregatorPolicy(),
        catalog: CatalogInfo? = nil
    ) {
        var seen: Set<ProviderID> = []
        var duplicates: [ProviderID] = []
        var unique: [any CreditProvider] = []
        for provider in providers {
            if seen.insert(provider.id).inserted {
                unique.append(provider)
            } else if !duplicates.contains(provider.id) {
                duplicates.append(provider.id)
            }
        }
        self.providers = unique
        self.duplicateIDs = duplicates.sorted()
        self.caps = caps
        self.policy = policy
        self.catalog = catalog
    }

    /// The diagnosis of each primary service among the providers (Huabei, Jiebei), in service order.
    public func diagnose(_ profile: UserProfile) -> [ServiceDiagnosis] {
        providers.compactMap { ($0 as? any PrimaryServiceProvider)?.diagnose(profile) }.sorted {
            $0.service.rawValue < $1.service.rawValue
        }
    }

    /// The recovery steps and the services the what-if reopens, without a loan request: what `backstop diagnose`
    /// shows. The steps come from the same planner as ``recommend(_:_:on:)``'s.
    public func recovery(_ profile: UserProfile, diagnosis: [ServiceDiagnosis]) -> RecoveryPlan {
        whatIf(profile, diagnosis: diagnosis).plan
    }

    /// The recovery plan without providers, the improved profile (observed service states dropped, so the rules
    /// decide) and its diagnosis, made once; nil parts when no reason was found.
    func whatIf(
        _ profile: UserProfile,
        diagnosis: [ServiceDiagnosis]
    ) -> (plan: RecoveryPlan, improved: UserProfile?, after: [ServiceDiagnosis]) {
        let steps = Countermeasure.steps(for: diagnosis, profile)
        let reasons = Self.reasons(in: diagnosis)
        guard !reasons.isEmpty else { return (RecoveryPlan(steps: steps, assumedChanges: [], reopens: []), nil, []) }
        var improved = Countermeasure.improved(profile, following: reasons)
        let changes = Countermeasure.changes(from: profile, to: improved)
        improved.services = nil
        let after = diagnose(improved)
        let states = Dictionary(after.map { ($0.service, $0.state) }, uniquingKeysWith: { a, _ in a })
        let reopened = diagnosis.filter { $0.state == .closed && (states[$0.service] ?? .closed) != .closed }
        return (
            RecoveryPlan(steps: steps, assumedChanges: changes, reopens: reopened.map { .service($0.service) }),
            improved,
            after
        )
    }

    /// The full recommendation.
    ///
    /// The profile's dated lists fill in the counts they imply on `date` (``UserProfile/resolved(on:)``); front ends
    /// first refuse a profile whose counts and lists disagree (``UserProfile/contradictions(on:)``).
    public func recommend(_ given: UserProfile, _ request: LoanRequest, on date: CalendarDate) async -> Recommendation {
        let profile = given.resolved(on: date)
        let diagnosis = diagnose(profile)
        let (evaluations, failures) = await evaluateAll(profile, request, on: date, diagnosis: diagnosis)
        var alternatives: [Alternative] = []
        var refusals: [Refusal] = []
        var warnings: [Warning] = duplicateIDs.map {
            Warning(.duplicateProvider, provider: $0, ["provider": .provider($0)])
        }
        if caps.caps.isEmpty { warnings.append(Warning(.noLegalCaps)) }
        if !profile.unrecognizedFields.isEmpty {
            warnings.append(
                Warning(.unrecognizedProfileFields, ["fields": .list(profile.unrecognizedFields.map(FactValue.text))])
            )
        }
        var unknowns = Set(diagnosis.flatMap(\.unknowns))
        var studentBans: Set<LendingBan> = []

        for (provider, evaluation) in evaluations {
            let details = provider.details
            for check in evaluation.unknowns { unknowns.formUnion(check.rule.fields) }
            // Gate 1: unlicensed channels are never recommended.
            if !details.licence.isLicensed {
                let check = RuleCheck(
                    rule: .licensed,
                    outcome: .failed,
                    threshold: "licensed",
                    value: LicenceKind.none.rawValue,
                    margin: -1,
                    finding: Fact(.ruleUnlicensed, ["provider": .name(details.name)]),
                    fix: Fact(.fixUseLicensedChannel)
                )
                refusals.append(
                    Refusal(
                        details: details,
                        failed: [check] + evaluation.failed,
                        fixes: [Fact(.fixUseLicensedChannel)],
                        gated: true
                    )
                )
                var params: [String: FactValue] = ["provider": .name(details.name)]
                if let offer = evaluation.offer {
                    params["apr"] = .percent(offer.quote.nominalAPR)
                    params["totalCost"] = .money(offer.quote.totalCost)
                }
                warnings.append(Warning(.unlicensedRefused, provider: details.id, params))
                // Lending without a licence is private lending: the courts' private-lending ceilings (4 × LPR, the
                // 36% line) are the ones that bind it, and the borrower is told where this price stands.
                if let offer = evaluation.offer {
                    let apr = offer.quote.apr.nominal(scale: 10)
                    for cap in caps.caps(for: .none, on: date) where cap.effect == .flag && apr > cap.maxAPRPercent {
                        warnings.append(
                            Warning(
                                .aboveCourtCeiling,
                                provider: details.id,
                                Self.capParams(cap, apr: apr, details.name)
                            )
                        )
                    }
                }
                continue
            }
            // Gate 2: a student is never offered credit by a lender kind barred from lending to students on the date.
            if profile.student == true, let ban = caps.bans(for: details.licence.kind, group: .student, on: date).first
            {
                let params: [String: FactValue] = [
                    "provider": .name(details.name), "licence": .licence(details.licence.kind),
                    "title": .name(LocalizedName(en: ban.title, zh: ban.titleZH ?? ban.title)),
                    "since": .date(ban.from),
                    "source": .text(ban.sourceURL),
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
                refusals.append(
                    Refusal(
                        details: details,
                        failed: [check] + evaluation.failed,
                        fixes: [Fact(.fixNoneStudentBarred)],
                        gated: true
                    )
                )
                studentBans.insert(ban)
                continue
            }
            guard let offer = evaluation.offer, evaluation.isEligible else {
                let failed = evaluation.failed
                let fixes = failed.compactMap(\.fix)
                refusals.append(
                    Refusal(
                        details: details,
                        failed: failed,
                        fixes: fixes.isEmpty ? [Fact(.fixNotAvailable)] : fixes,
                        gated: false
                    )
                )
                continue
            }
            // Gate 3: legal caps for the licence kind on the request date.
            // Gates compare the solver's rate (10 decimals), never the 2-decimal figure shown: 24.004% is above 24%.
            let apr = offer.quote.apr.nominal(scale: 10)
            let binding = caps.caps(for: details.licence.kind, on: date)
            if let cap = binding.first(where: { $0.effect == .exclude && apr > $0.maxAPRPercent }) {
                let params = Self.capParams(cap, apr: apr, details.name).merging(offer.feeParams) { a, _ in a }
                let check = RuleCheck(
                    rule: .legalCap,
                    outcome: .failed,
                    threshold: "\(cap.maxAPRPercent)",
                    value: "\(apr)",
                    margin: (cap.maxAPRPercent - apr) / cap.maxAPRPercent,
                    finding: Fact(.ruleAboveLegalCap, params),
                    fix: Fact(.fixNoneAboveCap, params)
                )
                refusals.append(
                    Refusal(details: details, failed: [check], fixes: [Fact(.fixNoneAboveCap, params)], gated: true)
                )
                warnings.append(Warning(.aboveLegalCap, provider: details.id, params))
                continue
            }
            // A licensed lender's flags are the levels courts apply to financial institutions' loans (24% a year),
            // never the private-lending ceiling; only reached when no exclude cap refused the offer above.
            for cap in binding where cap.effect == .flag && apr > cap.maxAPRPercent {
                warnings.append(
                    Warning(
                        .aboveFinancialCourtLevel,
                        provider: details.id,
                        Self.capParams(cap, apr: apr, details.name)
                    )
                )
            }
            if apr > policy.highCostAPRPercent {
                warnings.append(
                    Warning(
                        .highCost,
                        provider: details.id,
                        [
                            "provider": .name(details.name), "apr": .percent(apr),
                            "level": .percent(policy.highCostAPRPercent),
                        ]
                    )
                )
            }
            if profile.monthlyIncome == nil { unknowns.insert(.monthlyIncome) }
            if profile.monthlyDebtPayments == nil { unknowns.insert(.monthlyDebtPayments) }
            if let refusal = debtServiceRefusal(profile, offer, details) {
                refusals.append(refusal.refusal)
                warnings.append(refusal.warning)
                continue
            }
            let asked = request.termMonths
            let offered = offer.quote.terms.termMonths
            if offered != asked && policy.exactTerm {
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
                refusals.append(Refusal(details: details, failed: [check], fixes: [fix], gated: true))
                continue
            }
            warnings += Self.costWarnings(offer, details)
            let odds = OddsModel.assess(evaluation, details, profile, on: date)
            var why = Self.why(details, offer, odds.likelihood, evaluation)
            if offered != asked {
                why.append(Fact(.whyTermDiffers, ["asked": .int(asked), "term": .int(offered)]))
            }
            why.append(Fact(.whyInquiry, ["inquiry": .inquiry(details.inquiries.application)]))
            why += odds.factors
            alternatives.append(
                Alternative(
                    details: details,
                    offer: offer,
                    likelihood: odds.likelihood,
                    checks: evaluation.checks,
                    why: why,
                    oddsFactors: odds.factors,
                    condition: odds.condition
                )
            )
        }
        alternatives.sort { Self.ranks($0, before: $1, by: request.rankBy) }
        // Everything recommendable today, before --top cuts the list: the what-if must not count a provider as
        // reopening when it is open now and was only left out of the shortened list.
        let recommendableNow = Set(alternatives.map(\.details.id))
        if let top = policy.top { alternatives = Array(alternatives.prefix(max(0, top))) }
        let openLines = Set(diagnosis.filter { $0.state == .open }.map { ProviderID(rawValue: $0.service.rawValue) })
        let plan = ApplicationPlan.make(
            for: alternatives,
            profile,
            on: date,
            budget: policy.hardInquiryBudget,
            openLines: openLines
        )
        if let recent = plan.hardInquiries3m, recent >= policy.hardInquiryBudget {
            var params: [String: FactValue] = ["count": .int(recent), "budget": .int(policy.hardInquiryBudget)]
            if let day = profile.hardInquiries?.dayWithAtMost(policy.hardInquiryBudget - 1, on: date) {
                params["date"] = .date(day)
            }
            warnings.append(Warning(.manyRecentInquiries, params))
        }
        refusals.sort { ($0.gated ? 1 : 0, $0.details.id) < ($1.gated ? 1 : 0, $1.details.id) }
        for ban in studentBans.sorted(by: { $0.id < $1.id }) {
            warnings.append(
                Warning(
                    .studentProtected,
                    [
                        "title": .name(LocalizedName(en: ban.title, zh: ban.titleZH ?? ban.title)),
                        "since": .date(ban.from), "source": .text(ban.sourceURL),
                        "licences": .list(ban.appliesTo.map(FactValue.licence)),
                    ]
                )
            )
        }
        for failure in failures {
            warnings.append(
                Warning(
                    .providerFailed,
                    provider: failure.provider,
                    ["provider": .provider(failure.provider), "error": .text(failure.message)]
                )
            )
        }
        for item in diagnosis where item.state == .open && item.assessed != .open {
            warnings.append(
                Warning(
                    .serviceAtRisk,
                    provider: ProviderID(rawValue: item.service.rawValue),
                    [
                        "service": .service(item.service), "assessed": .serviceState(item.assessed),
                        "reasons": .list(item.reasons.map { .reason($0.code) }),
                    ]
                )
            )
        }
        let relevantUnknowns = unknowns.sorted { $0.rawValue < $1.rawValue }
        if !relevantUnknowns.isEmpty {
            warnings.append(Warning(.unknownSignals, ["fields": .list(relevantUnknowns.map(FactValue.field))]))
        }
        let recovery = await recoveryPlan(
            profile,
            request,
            on: date,
            diagnosis: diagnosis,
            refusals: refusals,
            recommendableNow: recommendableNow
        )
        return Recommendation(
            profileID: profile.id,
            request: request,
            date: date,
            diagnosis: diagnosis,
            alternatives: alternatives,
            ineligible: refusals,
            warnings: warnings,
            recovery: recovery,
            catalog: catalog,
            failures: failures,
            unknowns: relevantUnknowns,
            plan: plan
        )
    }

    /// Backstop's own affordability gate: existing debts plus the offer's largest payment above
    /// ``AggregatorPolicy/maxDebtServicePercent`` of income refuses the offer (and warns). Unknown existing debts are
    /// not assumed to be zero: the check then sees only the new payment, which can still show a loan alone is
    /// unaffordable (and the unknown is reported).
    func debtServiceRefusal(
        _ profile: UserProfile,
        _ offer: Offer,
        _ details: ProviderDescription
    ) -> (refusal: Refusal, warning: Warning)? {
        guard let income = profile.monthlyIncome, income.minorUnits > 0 else { return nil }
        let debts = profile.monthlyDebtPayments ?? .zero()
        let payment = offer.quote.largestPayment
        let share = Decimal.ratio((debts + payment).minorUnits * 100, income.minorUnits, scale: 1)
        let limit = policy.maxDebtServicePercent
        guard share > limit else { return nil }
        let ceiling = income.multiplied(by: limit / 100)
        let affordable = ceiling - debts
        let fix =
            affordable.minorUnits > 0
            ? Fact(.fixKeepPaymentUnder, ["payment": .money(affordable)])
            : Fact(.fixReduceDebtsBelow, ["debts": .money(ceiling)])
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
        return (Refusal(details: details, failed: [check], fixes: [fix], gated: true), warning)
    }

    static func capParams(_ cap: LegalCap, apr: Decimal, _ provider: LocalizedName) -> [String: FactValue] {
        var params = cap.factParams(apr: apr)
        params["provider"] = .name(provider)
        return params
    }

    /// Evaluates `providers` (all of them by default; side by side unless the policy says otherwise); results come
    /// back in provider-id order. Primary services are evaluated with the diagnosis already made for the profile.
    func evaluateAll(
        _ profile: UserProfile,
        _ request: LoanRequest,
        on date: CalendarDate,
        diagnosis: [ServiceDiagnosis],
        only subset: [any CreditProvider]? = nil
    ) async -> ([(any CreditProvider, Evaluation)], [ProviderFailure]) {
        let providers = subset ?? self.providers
        let diagnoses = Dictionary(diagnosis.map { ($0.service, $0) }, uniquingKeysWith: { first, _ in first })
        @Sendable func evaluate(_ provider: any CreditProvider) async throws -> Evaluation {
            if let primary = provider as? any PrimaryServiceProvider, let known = diagnoses[primary.service] {
                return try await primary.evaluate(profile, request, on: date, diagnosis: known)
            }
            return try await provider.evaluate(profile, request, on: date)
        }
        let outcomes: [(Int, Result<Evaluation, any Error>)]
        if !policy.concurrentProviders {
            var inOrder: [(Int, Result<Evaluation, any Error>)] = []
            inOrder.reserveCapacity(providers.count)
            for (index, provider) in providers.enumerated() {
                do {
                    let evaluation = try await evaluate(provider)
                    inOrder.append((index, .success(evaluation)))
                } catch {
                    inOrder.append((index, .failure(error)))
                }
            }
            outcomes = inOrder
        } else {
            outcomes = await withTaskGroup(of: (Int, Result<Evaluation, any Error>).self) { group in
                for (index, provider) in providers.enumerated() {
                    group.addTask {
                        do {
                            // Await into a local first: building the tuple across the await is miscompiled at -O by
                            // Swift 6.3.1 (the index comes back corrupted; swiftlang/swift #91911, reverted in
                            // #92155).
                            let evaluation = try await evaluate(provider)
                            return (index, .success(evaluation))
                        } catch {
                            return (index, .failure(error))
                        }
                    }
                }
                var results: [(Int, Result<Evaluation, any Error>)] = []
                for await result in group { results.append(result) }
                return results.sorted { $0.0 < $1.0 }
            }
        }
        var evaluations: [(any CreditProvider, Evaluation)] = []
        var failures: [ProviderFailure] = []
        for (index, outcome) in outcomes {
            let provider = providers[index]
            switch outcome {
            case .success(let evaluation): evaluations.append((provider, evaluation))
            case .failure(let error): failures.append(ProviderFailure(provider: provider.id, message: "\(error)"))
            }
        }
        evaluations.sort { $0.0.id < $1.0.id }
        failures.sort { $0.provider < $1.provider }
        return (evaluations, failures)
    }

    static func reasons(in diagnosis: [ServiceDiagnosis]) -> [ClosureReason] {
        var reasons: [ClosureReason] = []
        for item in diagnosis {
            for finding in item.reasons where !reasons.contains(finding.code) { reasons.append(finding.code) }
        }
        return reasons.sorted { $0.rawValue < $1.rawValue }
    }

    /// The recovery steps for the reasons found, and what the improved profile would reopen. Only the refused
    /// providers whose failed rules read something the improvement changes are evaluated again.
    func recoveryPlan(
        _ profile: UserProfile,
        _ request: LoanRequest,
        on date: CalendarDate,
        diagnosis: [ServiceDiagnosis],
        refusals: [Refusal],
        recommendableNow: Set<ProviderID>
    ) async -> RecoveryPlan {
        var (plan, improvedProfile, after) = whatIf(profile, diagnosis: diagnosis)
        guard let improved = improvedProfile else { return plan }
        let changed = Countermeasure.changedFields(from: profile, to: improved)
        // The risk position (score, overdue count) moves the price, and with it the cap, ceiling and debt checks.
        let pricesMove = !changed.isDisjoint(with: [.creditScore, .creditScore90DaysAgo, .overdueCount12m])
        let priced: Set<RuleID> = [.legalCap, .maxMonthlyPayment, .maxDebtToIncome]
        // A refusal can turn only when every rule it failed can: a rule on the request or the provider (amount,
        // purpose, status) fails again whatever the profile.
        let candidates = Set(
            refusals.filter { refusal in
                refusal.details.licence.isLicensed
                    && refusal.failed.allSatisfy { check in
                        check.rule == .serviceState || !changed.isDisjoint(with: check.rule.fields)
                            || (pricesMove && priced.contains(check.rule))
                    }
            }.map(\.details.id)
        )
        var reopened = Set(plan.reopens)
        if !candidates.isEmpty {
            let subset = providers.filter { candidates.contains($0.id) && !recommendableNow.contains($0.id) }
            let (later, _) = await evaluateAll(improved, request, on: date, diagnosis: after, only: subset)
            for (provider, evaluation) in later where evaluation.isEligible {
                guard let offer = evaluation.offer else { continue }
                let excluded = caps.caps(for: provider.details.licence.kind, on: date).contains {
                    $0.effect == .exclude && offer.quote.apr.nominal(scale: 10) > $0.maxAPRPercent
                }
                let isService = reopened.contains { $0.id == provider.id.rawValue }
                if !excluded && !isService { reopened.insert(.provider(provider.id, provider.details.name)) }
            }
        }
        plan.reopens = reopened.sorted()
        return plan
    }

    /// Exact-term offers first; offers at another term after them, nearest term first, so that every comparison
    /// (cost above all) is between equal terms. Within a group: the preference, then total cost, payment and id.
    static func ranks(_ a: Alternative, before b: Alternative, by preference: RankingPreference) -> Bool {
        let qa = a.offer.quote
        let qb = b.offer.quote
        // A cost-incomplete offer (a mandatory fee not published) comes after every complete one.
        let incomplete = (a.offer.isCostIncomplete ? 1 : 0, b.offer.isCostIncomplete ? 1 : 0)
        if incomplete.0 != incomplete.1 { return incomplete.0 < incomplete.1 }
        let groupA = (a.termDiffers ? 1 : 0, abs(qa.terms.termMonths - a.requestedTerm), qa.terms.termMonths)
        let groupB = (b.termDiffers ? 1 : 0, abs(qb.terms.termMonths - b.requestedTerm), qb.terms.termMonths)
        if groupA != groupB { return groupA < groupB }
        let tieBreak = (qa.totalCost, qa.monthlyPayment, a.details.id) < (qb.totalCost, qb.monthlyPayment, b.details.id)
        switch preference {
        case .apr:
            if qa.apr.nominalPercent != qb.apr.nominalPercent { return qa.apr.nominalPercent < qb.apr.nominalPercent }
        case .cost:
            if qa.totalCost != qb.totalCost { return qa.totalCost < qb.totalCost }
        case .payment:
            if qa.largestPayment != qb.largestPayment { return qa.largestPayment < qb.largestPayment }
        case .likelihood:
            if a.likelihood != b.likelihood { return a.likelihood > b.likelihood }
            if qa.apr.nominalPercent != qb.apr.nominalPercent { return qa.apr.nominalPercent < qb.apr.nominalPercent }
        case .worstCase:
            let (wa, wb) = (a.worstCaseKey, b.worstCaseKey)
            if wa != wb { return wa < wb }
        }
        return tieBreak
    }

    static let thinMargin = Decimal(sign: .plus, exponent: -2, significand: 5)

    static func why(
        _ details: ProviderDescription,
        _ offer: Offer,
        _ likelihood: Likelihood,
        _ evaluation: Evaluation
    ) -> [Fact] {
        let quote = offer.quote
        var facts = [
            Fact(.whyLicence, ["licence": .licence(details.licence.kind)]),
            Fact(
                .whyPrice,
                [
                    "apr": .percent(quote.nominalAPR), "term": .int(quote.terms.termMonths),
                    "method": .method(quote.terms.method),
                ]
            ),
            Fact(.whyLikelihood, ["likelihood": .likelihood(likelihood)]),
        ]
        let thin = evaluation.checks.filter { $0.outcome == .passed && ($0.margin ?? 1) < thinMargin }.map(\.rule)
        if !thin.isEmpty { facts.append(Fact(.whyJustClears, ["rules": .list(thin.map(FactValue.rule))])) }
        let unknown = evaluation.unknowns.flatMap(\.rule.fields)
        if !unknown.isEmpty { facts.append(Fact(.whyUnknown, ["fields": .list(unknown.map(FactValue.field))])) }
        if offer.isEstimate { facts.append(Fact(.whyEstimate, ["position": .decimal(offer.riskPosition)])) }
        return facts
    }
}
