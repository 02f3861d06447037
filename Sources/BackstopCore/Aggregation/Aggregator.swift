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

/// The recovery plan: what to do for each reason found, most urgent first and each with its horizon, when each closed
/// service and refused provider may reopen, and the scams to avoid.
public struct RecoveryPlan: Hashable, Sendable {
    public struct Step: Hashable, Sendable {
        /// The closure reason the step answers; nil for the general advice.
        public var reason: ClosureReason?
        public var action: Fact
        /// When it is done, or when what it waits for happens.
        public var horizon: StepHorizon
        /// The services the step applies to: those whose diagnosis found `reason` (every service not open, for the
        /// general advice; the one named, for a service's own step).
        public var services: [PrimaryService]
        /// What the step's date rests on: a `published` rule (its `source`), Backstop's `estimate`, or `none` (no
        /// date, or only the plan's own date).
        public var dateKind: DateKind
        /// The public rule or notice the step rests on, when there is one.
        public var source: String?

        public init(
            reason: ClosureReason?,
            action: Fact,
            horizon: StepHorizon = .none,
            services: [PrimaryService] = [],
            dateKind: DateKind? = nil,
            source: String? = nil
        ) {
            self.reason = reason
            self.action = action
            self.horizon = horizon
            self.services = services
            self.dateKind = dateKind ?? horizon.defaultDateKind
            self.source = source
        }
    }

    public var steps: [Step]
    /// What the forecasts assume (nothing overdue from the plan's date, no new late payment, the score unchanged…).
    public var assumedChanges: [Fact]
    /// The primary services and providers that reopen by a date on the plan's assumptions (every forecast with an
    /// earliest or a latest date), sorted by id: v1's `whatIf.reopens`.
    public var reopens: [Reopening]
    /// Per closed service, then per refused provider (by id): the earliest date it may reopen, or why none.
    public var forecasts: [ReopeningForecast]
    /// Scam warnings, when a service is not open or a provider refused.
    public var scams: [Fact]
    /// The date the plan starts from.
    public var date: CalendarDate?

    /// Whether there is nothing to show: no step, no forecast, no warning.
    public var isEmpty: Bool { steps.isEmpty && forecasts.isEmpty && scams.isEmpty }

    public init(
        steps: [Step],
        assumedChanges: [Fact],
        reopens: [Reopening],
        forecasts: [ReopeningForecast] = [],
        scams: [Fact] = [],
        date: CalendarDate? = nil
    ) {
        self.steps = steps
        self.assumedChanges = assumedChanges
        self.reopens = reopens
        self.forecasts = forecasts
        self.scams = scams
        self.date = date
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
    /// Where each provider is in ``providers``, by id.
    let positions: [ProviderID: Int]

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
        self.positions = Dictionary(unique.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.duplicateIDs = duplicates.sorted()
        self.caps = caps
        self.policy = policy
        self.catalog = catalog
    }

    /// The diagnosis of each primary service among the providers (Huabei, Jiebei), in service order.
    /// Each reported closure is checked against the others (``ServiceDiagnosis/crossChecked(_:)``).
    public func diagnose(_ profile: UserProfile) -> [ServiceDiagnosis] {
        ServiceDiagnosis.crossChecked(
            providers.compactMap { ($0 as? any PrimaryServiceProvider)?.diagnose(profile) }.sorted {
                $0.service.rawValue < $1.service.rawValue
            }
        )
    }

    /// The recovery plan without a loan request, as `backstop diagnose` shows it: the steps with their horizons, when
    /// each closed service may reopen, and the scam warnings. The same planner as ``recommend(_:_:on:)``'s; `date` is
    /// the day the plan starts from (the profile's dated lists are read on it).
    public func recovery(_ profile: UserProfile, diagnosis: [ServiceDiagnosis], on date: CalendarDate) -> RecoveryPlan {
        whatIf(profile.resolved(on: date), diagnosis: diagnosis, on: date, alternatives: nil, refused: false).plan
    }

    /// The recovery plan as of today (UTC).
    @available(*, deprecated, message: "pass the date the plan starts from: recovery(_:diagnosis:on:)")
    public func recovery(_ profile: UserProfile, diagnosis: [ServiceDiagnosis]) -> RecoveryPlan {
        recovery(profile, diagnosis: diagnosis, on: .todayUTC())
    }

    /// The plan without providers: the steps, the scam warnings and the closed services' forecasts, with the
    /// projection the providers' forecasts reuse. `alternatives`: how many licensed alternatives serve the request
    /// now (nil without a request); `refused`: whether a provider refused the profile itself.
    func whatIf(
        _ profile: UserProfile,
        diagnosis: [ServiceDiagnosis],
        on date: CalendarDate,
        alternatives: Int?,
        refused: Bool
    ) -> (plan: RecoveryPlan, projection: RecoveryProjection) {
        let steps = Countermeasure.steps(for: diagnosis, profile, on: date, alternatives: alternatives)
        let projection = RecoveryProjection(profile, on: date)
        let notOpen = diagnosis.contains { $0.state != .open && $0.state != .unknown }
        var plan = RecoveryPlan(
            steps: steps,
            assumedChanges: [],
            reopens: [],
            forecasts: serviceForecasts(diagnosis, projection),
            scams: ScamWarning.fitting(profile, diagnosis, notOpen: notOpen, refused: refused).map(\.fact),
            date: date
        )
        Self.finish(&plan, projection)
        return (plan, projection)
    }

    /// The assumptions (when anything is forecast) and v1's `reopens`: what reopens by a date, earliest or latest.
    static func finish(_ plan: inout RecoveryPlan, _ projection: RecoveryProjection) {
        plan.assumedChanges = plan.forecasts.isEmpty ? [] : projection.assumptions
        plan.reopens = plan.forecasts.filter { $0.earliest != nil || $0.latest != nil }.map(\.subject).sorted()
    }

    /// When each closed service may reopen. A closure the profile reports must lose every reason the rules find (the
    /// profile does not say which one closed it); an assessed one must stop being closed by the rules. A reported
    /// closure with no reason found waits for the operator's own review.
    func serviceForecasts(_ diagnosis: [ServiceDiagnosis], _ projection: RecoveryProjection) -> [ReopeningForecast] {
        let closed = diagnosis.filter { $0.state == .closed }
        guard !closed.isEmpty else { return [] }
        let timeline = projection.milestones
        var memo: [Int: [ServiceDiagnosis]] = [:]
        func diagnosed(_ index: Int, _ scenario: RecoveryProjection.Scenario) -> [ServiceDiagnosis] {
            let key = index * 2 + (scenario == .optimistic ? 1 : 0)
            if let known = memo[key] { return known }
            let found = diagnose(projection.profile(on: timeline[index].date, scenario))
            memo[key] = found
            return found
        }
        func passes(_ item: ServiceDiagnosis, _ index: Int, _ scenario: RecoveryProjection.Scenario) -> Bool {
            guard let state = diagnosed(index, scenario).first(where: { $0.service == item.service })?.assessed else {
                return false
            }
            return item.observed == .closed ? state == .open : state != .closed
        }
        // A closure with no reason found, or none that explains it, waits for the operator's review: no date.
        let searched = closed.filter { !$0.reasons.isEmpty && $0.explained }
        let conservative = RecoveryProjection.firstPassing(subjects: searched.count, dates: timeline.count) {
            passes(searched[$0.subject], $0.date, .conservative)
        }
        let optimistic =
            projection.hasUndated
            ? RecoveryProjection.firstPassing(subjects: searched.count, dates: timeline.count) {
                passes(searched[$0.subject], $0.date, .optimistic)
            } : conservative
        return closed.map { item in
            let subject = Reopening.service(item.service)
            guard let index = searched.firstIndex(of: item) else {
                var params: [String: FactValue] = ["subject": .service(item.service)]
                if !item.reasons.isEmpty { params["reasons"] = .list(item.reasons.map { .reason($0.code) }) }
                return ReopeningForecast(
                    subject: subject,
                    earliest: nil,
                    because: [Fact(.dependsOnOperatorReview, params)]
                )
            }
            return Self.forecast(
                subject,
                conservative: conservative[index],
                optimistic: optimistic[index],
                timeline,
                projection
            ) {
                let last = diagnosed(timeline.count - 1, .optimistic).first { $0.service == item.service }
                return Self.blockers(of: last, observedClosed: item.observed == .closed, projection.base)
            }
        }
    }

    /// A forecast from the first dates the conservative and optimistic projections pass on: a date when both agree;
    /// else not predictable, with the latest date when the conservative one has it and why.
    static func forecast(
        _ subject: Reopening,
        conservative: Int?,
        optimistic: Int?,
        _ timeline: [RecoveryProjection.Milestone],
        _ projection: RecoveryProjection,
        reopensOn: CalendarDate? = nil,
        blockers: () -> [Fact]
    ) -> ReopeningForecast {
        if let index = conservative, optimistic == index {
            let date = timeline[index].date
            var because = timeline[index].causes.filter { $0.code != .dependsOnUndatedCounts }
            if let reopensOn, reopensOn == date { because.append(Fact(.afterProviderReopens, ["date": .date(date)])) }
            return ReopeningForecast(subject: subject, earliest: date, because: because)
        }
        var because: [Fact] = []
        if optimistic != conservative { because += projection.undatedFacts }
        if conservative == nil { because += blockers() }
        var unique: [Fact] = []
        for fact in because where !unique.contains(fact) { unique.append(fact) }
        return ReopeningForecast(
            subject: subject,
            earliest: nil,
            latest: conservative.map { timeline[$0].date },
            because: unique
        )
    }

    /// Why a service stays closed at the end of the projection: the reasons left.
    static func blockers(of item: ServiceDiagnosis?, observedClosed: Bool, _ profile: UserProfile) -> [Fact] {
        guard let item else { return [] }
        var facts: [Fact] = []
        for finding in item.reasons {
            switch finding.code {
            case .creditScoreDecline: facts.append(Fact(.dependsOnScore, ["score": .int(profile.creditScore)]))
            case .thinFile: facts.append(Fact(.dependsOnRecordBuilding))
            case .identityAbnormal:
                var params: [String: FactValue] = ["subject": .service(item.service)]
                if let identity = profile.identity { params["identity"] = .identity(identity) }
                facts.append(Fact(.dependsOnOperatorReview, params))
            case .lateRepayment, .cashOut, .ageLimit: facts.append(finding.evidence)
            }
        }
        if facts.isEmpty && observedClosed {
            facts.append(Fact(.dependsOnOperatorReview, ["subject": .service(item.service)]))
        }
        return facts
    }

    /// Why a provider stays refused: the rules still failing, the score and an identity report in words of their own.
    static func blockers(_ checks: [RuleCheck], _ subject: Reopening, _ profile: UserProfile) -> [Fact] {
        var facts: [Fact] = []
        for fact in checks.map({ blocker($0, subject, profile) }) where !facts.contains(fact) { facts.append(fact) }
        return facts
    }

    static func blocker(_ check: RuleCheck, _ subject: Reopening, _ profile: UserProfile) -> Fact {
        switch check.rule {
        case .minCreditScore:
            var params: [String: FactValue] = ["score": .int(profile.creditScore)]
            if let minimum = check.finding["min"] { params["min"] = minimum }
            return Fact(.dependsOnScore, params)
        case .identityVerified, .excludedWhenIdentityAbnormal:
            var params: [String: FactValue] = ["subject": subject.factValue]
            if let identity = profile.identity { params["identity"] = .identity(identity) }
            return Fact(.dependsOnOperatorReview, params)
        case .status: return check.fix ?? check.finding
        default: return check.finding
        }
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
        var answerWide: [Warning] = []
        var seen: Set<Warning> = []
        if caps.rules.isEmpty && !caps.caps.isEmpty { warnings.append(Warning(.noRulebook)) }
        let context = GateContext(profile: profile, request: request, date: date, rulebook: caps, policy: policy)

        for (provider, evaluation) in evaluations {
            let details = provider.details
            for check in evaluation.checks where check.outcome == .unknown { unknowns.formUnion(check.rule.fields) }
            // The gates, in list order (``gates``): the first refusal ends the provider's run.
            let candidate = GateCandidate(
                details: details,
                evaluation: evaluation,
                pricing: provider as? any PricesNearestLoan
            )
            var gateWhy: [Fact] = []
            var refused = false
            for gate in Self.gates {
                let raised: [Warning]
                switch gate.check(candidate, in: context) {
                case .pass(let why, let fields, let passWarnings):
                    gateWhy += why
                    unknowns.formUnion(fields)
                    raised = passWarnings
                case .refuse(let refusal, let refuseWarnings, let fields):
                    refusals.append(refusal)
                    unknowns.formUnion(fields)
                    raised = refuseWarnings
                    refused = true
                }
                // A provider's own warnings are its alone; one about the answer (a minor, a banned purpose) is
                // written once however many refusals raise it.
                for warning in raised {
                    if Self.answerWideGateWarnings.contains(warning.code) {
                        if !answerWide.contains(warning) { answerWide.append(warning) }
                    } else if warning.provider != nil || seen.insert(warning).inserted {
                        warnings.append(warning)
                    }
                }
                if refused { break }
            }
            guard !refused, let offer = evaluation.offer else { continue }
            let asked = request.termMonths
            let offered = offer.quote.terms.termMonths
            warnings += Self.costWarnings(offer, details)
            let odds = OddsModel.assess(evaluation, details, profile, on: date)
            var why = Self.why(details, offer, odds.likelihood, evaluation, profile)
            if offered != asked {
                why.append(Fact(.whyTermDiffers, ["asked": .int(asked), "term": .int(offered)]))
            }
            why.append(Fact(.whyInquiry, ["inquiry": .inquiry(details.inquiries.application)]))
            why += gateWhy
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
        warnings += Self.purposeWarnings(request, alternatives)
        // Everything recommendable today, before --top cuts the list: the what-if must not count a provider as
        // reopening when it is open now and was only left out of the shortened list.
        let recommendableNow = Set(alternatives.map(\.details.id))
        let openLines = Set(diagnosis.filter { $0.state == .open }.map { ProviderID(rawValue: $0.service.rawValue) })
        // The plan is made from every alternative: the display limit (--top) never changes whom to apply to.
        var plan = ApplicationPlan.make(
            for: alternatives,
            profile,
            on: date,
            budget: policy.hardInquiryBudget,
            openLines: openLines
        )
        if let top = policy.top { alternatives = Array(alternatives.prefix(max(0, top))) }
        if let recent = plan.hardInquiries3m, recent >= policy.hardInquiryBudget, policy.hardInquiryBudget > 0 {
            var params: [String: FactValue] = ["count": .int(recent), "budget": .int(policy.hardInquiryBudget)]
            if let day = profile.hardInquiries?.dayWithAtMost(policy.hardInquiryBudget - 1, on: date) {
                params["date"] = .date(day)
            }
            warnings.append(Warning(.manyRecentInquiries, params))
        }
        refusals.sort { ($0.gated ? 1 : 0, $0.details.id) < ($1.gated ? 1 : 0, $1.details.id) }
        warnings += answerWide.sorted { Self.sourceOf($0) < Self.sourceOf($1) }
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
        warnings = Self.ordered(warnings)
        let recovery = await recoveryPlan(
            profile,
            request,
            on: date,
            diagnosis: diagnosis,
            refusals: refusals,
            recommendableNow: recommendableNow
        )
        // Every candidate's odds low: the plan leads with waiting, until the first date a forecast gives a better
        // chance (a refused provider or a closed service reopening, a record leaving a window).
        // Without a dated forecast, the latest date an undated record is sure to have left its window.
        let earliest = recovery.forecasts.compactMap(\.earliest).filter { $0 > date }.min()
        let latest = recovery.forecasts.compactMap(\.latest).filter { $0 > date }.min()
        plan.leadWithWaiting(betterOn: earliest ?? latest, atTheLatest: earliest == nil && latest != nil)
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

    /// A warning's `source` parameter (the rule's page), for a stable order of answer-wide warnings.
    static func sourceOf(_ warning: Warning) -> String {
        if case .text(let source)? = warning.fact.params["source"] { return source }
        return ""
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
            // A refusal shows only the rules that failed: a described provider builds no passed check it would drop.
            if let described = provider as? DescribedProvider {
                return described.evaluate(profile, request, on: date, keepPassed: false)
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

    /// The recovery plan of a recommendation: ``whatIf(_:diagnosis:on:alternatives:refused:)`` and, per refused
    /// licensed provider the profile could win back, the earliest date it may serve the request. Only refusals whose
    /// every failed rule can turn are evaluated again, and only on the dates the projection changes on.
    func recoveryPlan(
        _ profile: UserProfile,
        _ request: LoanRequest,
        on date: CalendarDate,
        diagnosis: [ServiceDiagnosis],
        refusals: [Refusal],
        recommendableNow: Set<ProviderID>
    ) async -> RecoveryPlan {
        // A licensed lender refusing the profile on its record calls for scam warnings.
        let refused = refusals.contains { refusal in
            refusal.details.licence.isLicensed && refusal.failed.contains { Self.recoveryRules.contains($0.rule) }
        }
        var (plan, projection) = whatIf(
            profile,
            diagnosis: diagnosis,
            on: date,
            alternatives: recommendableNow.count,
            refused: refused
        )
        let services = Set(diagnosis.map(\.service.rawValue))
        let forecastable = refusals.filter {
            !recommendableNow.contains($0.details.id) && !services.contains($0.details.id.rawValue)
        }
        plan.forecasts += await providerForecasts(forecastable, request, projection).map { forecast in
            // A provider's date rests on its criteria: published only when every one it was refused on is.
            guard case .provider(let id, _) = forecast.subject,
                let refusal = forecastable.first(where: { $0.details.id == id })
            else { return forecast }
            var dated = forecast
            let published = refusal.failed.allSatisfy { check in
                refusal.details.thresholdBasis(of: check.rule).map { $0 == .published } ?? true
            }
            dated.dateKind = published ? .published : .estimate
            return dated
        }
        Self.finish(&plan, projection)
        return plan
    }

    /// The rules a recovery plan is about: the credit record, the score, identity, cash-out, a service's state.
    /// A provider refused on none of these (only an account, an age, an income) is not forecast.
    static let recoveryRules: Set<RuleID> = [
        .minCreditScore, .maxOverdueCount12m, .maxOverdueCount24m, .maxDaysPastDue, .noCurrentOverdue,
        .identityVerified, .excludedWhenIdentityAbnormal, .excludedWhenCashOut, .serviceState,
    ]

    /// Per refused licensed provider (not gated, not refused for the request itself, refused on a rule of
    /// ``recoveryRules``), sorted by id: the earliest date it may serve the request on the plan's assumptions, or why
    /// that is not predictable.
    func providerForecasts(
        _ refusals: [Refusal],
        _ request: LoanRequest,
        _ projection: RecoveryProjection
    ) async -> [ReopeningForecast] {
        // Rules on the request or the provider's price list fail again whatever the profile.
        let requestRules: Set<RuleID> = [.purpose, .amountLimits, .minAmount, .maxAmount, .pricing]
        // The risk position (with the score fixed, the 12-month count) moves the price, and with it these.
        let priced: Set<RuleID> = [.legalCap, .maxMonthlyPayment, .maxDebtToIncome]
        let changing = projection.changing
        let pricesMove = changing.contains(.overdueCount12m)
        var forecasts: [ReopeningForecast] = []
        var searched: [(subject: Reopening, provider: any CreditProvider, reopensOn: CalendarDate?)] = []
        let candidates = refusals.filter { refusal in
            refusal.details.licence.isLicensed && !refusal.gated
                && !refusal.failed.contains { requestRules.contains($0.rule) }
                && refusal.failed.contains { Self.recoveryRules.contains($0.rule) }
        }
        for refusal in candidates.sorted(by: { $0.details.id < $1.details.id }) {
            let subject = Reopening.provider(refusal.details.id, refusal.details.name)
            var reopensOn: CalendarDate?
            if let fix = refusal.failed.first(where: { $0.rule == .status })?.fix, fix.code == .fixReopensOn,
                case .date(let day)? = fix["date"]
            {
                reopensOn = day
            }
            let stuck = refusal.failed.filter { check in
                switch check.rule {
                case .status: return reopensOn == nil
                case .serviceState: return true
                default:
                    return changing.isDisjoint(with: check.rule.fields) && !(pricesMove && priced.contains(check.rule))
                }
            }
            guard stuck.isEmpty, let position = positions[refusal.details.id] else {
                forecasts.append(
                    ReopeningForecast(
                        subject: subject,
                        earliest: nil,
                        because: Self.blockers(stuck, subject, projection.base)
                    )
                )
                continue
            }
            searched.append((subject, providers[position], reopensOn))
        }
        guard !searched.isEmpty else { return forecasts.sorted { $0.subject < $1.subject } }

        var timeline = projection.milestones
        for item in searched {
            if let day = item.reopensOn, !timeline.contains(where: { $0.date == day }) {
                timeline.append(RecoveryProjection.Milestone(date: day, causes: []))
            }
        }
        timeline.sort { $0.date < $1.date }
        /// The evaluations of some searched providers on the projected profile of a date.
        func evaluate(
            _ members: [Int],
            _ index: Int,
            _ scenario: RecoveryProjection.Scenario
        ) async -> [Int: (
            Evaluation, UserProfile
        )] {
            let day = timeline[index].date
            let profile = projection.profile(on: day, scenario)
            // No primary service is searched here (its forecast is the service's), so no diagnosis is needed.
            let (evaluations, _) = await evaluateAll(
                profile,
                request,
                on: day,
                diagnosis: [],
                only: members.map { searched[$0].provider }
            )
            // By id once: a lookup per member, not a scan of every evaluation (quadratic with a large catalog).
            let byID = Dictionary(evaluations.map { ($0.0.id, $0.1) }, uniquingKeysWith: { first, _ in first })
            var found: [Int: (Evaluation, UserProfile)] = [:]
            for member in members {
                if let evaluation = byID[searched[member].provider.id] { found[member] = (evaluation, profile) }
            }
            return found
        }
        func passes(
            _ questions: [(subject: Int, date: Int)],
            _ scenario: RecoveryProjection.Scenario
        ) async -> [Bool] {
            var answers = Array(repeating: false, count: questions.count)
            let byDate = Dictionary(grouping: questions.indices, by: { questions[$0].date })
            for index in byDate.keys.sorted() {
                let positions = byDate[index] ?? []
                let found = await evaluate(positions.map { questions[$0].subject }, index, scenario)
                for position in positions {
                    let member = questions[position].subject
                    if let pair = found[member] {
                        let (evaluation, profile) = pair
                        let details = searched[member].provider.details
                        let day = timeline[index].date
                        answers[position] =
                            evaluation.isEligible && blockingCap(evaluation, details, on: day) == nil
                            && !studentBarred(details, profile, day)
                    }
                }
            }
            return answers
        }
        let conservative = await RecoveryProjection.firstPassing(subjects: searched.count, dates: timeline.count) {
            await passes($0, .conservative)
        }
        let optimistic =
            projection.hasUndated
            ? await RecoveryProjection.firstPassing(subjects: searched.count, dates: timeline.count) {
                await passes($0, .optimistic)
            } : conservative
        // Why the ones that never pass stay refused: their evaluation at the end of the projection.
        let never = searched.indices.filter { conservative[$0] == nil }
        let last = never.isEmpty ? [:] : await evaluate(never, timeline.count - 1, .optimistic)
        for (member, item) in searched.enumerated() {
            forecasts.append(
                Self.forecast(
                    item.subject,
                    conservative: conservative[member],
                    optimistic: optimistic[member],
                    timeline,
                    projection,
                    reopensOn: item.reopensOn
                ) {
                    guard let found = last[member] else { return [] }
                    let evaluation = found.0
                    var facts = Self.blockers(evaluation.failed, item.subject, found.1)
                    let details = item.provider.details
                    if let cap = blockingCap(evaluation, details, on: timeline[timeline.count - 1].date),
                        let offer = evaluation.offer
                    {
                        let params = Self.capParams(cap, apr: offer.quote.apr.nominal(scale: 10), details.name)
                        facts.append(Fact(.ruleAboveLegalCap, params))
                    }
                    return facts
                }
            )
        }
        return forecasts.sorted { $0.subject < $1.subject }
    }

    /// The exclusion cap an eligible offer is above on a date (the gate of ``recommend(_:_:on:)``).
    func blockingCap(_ evaluation: Evaluation, _ details: ProviderDescription, on date: CalendarDate) -> LegalCap? {
        guard let offer = evaluation.offer else { return nil }
        let apr = offer.quote.apr.nominal(scale: 10)
        return caps.caps(for: details, on: date).first {
            $0.effect == .exclude && $0.isExceeded(byAPRPercent: apr)
        }
    }

    /// Whether a student may not be offered this provider's credit on a date.
    func studentBarred(_ details: ProviderDescription, _ profile: UserProfile, _ date: CalendarDate) -> Bool {
        profile.student == true && !caps.bans(for: details, group: .student, on: date).isEmpty
    }

    /// Exact-term offers first; offers at another term after them, nearest term first, so that every comparison
    /// (cost above all) is between equal terms; within a term, offers with an access condition (only if invited,
    /// only for customers) after those without. Within a group: the preference, then total cost, payment and id.
    static func ranks(_ a: Alternative, before b: Alternative, by preference: RankingPreference) -> Bool {
        let qa = a.offer.quote
        let qb = b.offer.quote
        // A cost-incomplete offer (a mandatory fee not published) comes after every complete one.
        let incomplete = (a.offer.isCostIncomplete ? 1 : 0, b.offer.isCostIncomplete ? 1 : 0)
        if incomplete.0 != incomplete.1 { return incomplete.0 < incomplete.1 }
        // Offers the user may not be able to take (only if invited, only for customers) come after those they can.
        let groupA = (
            a.termDiffers ? 1 : 0, abs(qa.terms.termMonths - a.requestedTerm), qa.terms.termMonths,
            a.condition == nil ? 0 : 1
        )
        let groupB = (
            b.termDiffers ? 1 : 0, abs(qb.terms.termMonths - b.requestedTerm), qb.terms.termMonths,
            b.condition == nil ? 0 : 1
        )
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

    /// The rulebook's gates, in the order they run (after the licence and student gates, before the provider's own
    /// rules): a list, so adding a gate changes no other.
    public static let rulebookGates: [any Gate] = [
        AgeOfMajorityGate(), PurposeBanGate(), BusinessOnlyGate(), DocumentedLoanGate(), PerBorrowerLimitGate(),
        StudentUnknownGate(),
    ]

    /// The answer's warnings in the order a reader needs them: that a minor may not borrow first, then that the
    /// purpose may not be financed, then the rest as raised. A purpose barred by several rules is said once in
    /// full (the refusal, the lawful alternative); each further rule is marked `also` and names only itself.
    static func ordered(_ warnings: [Warning]) -> [Warning] {
        func rank(_ warning: Warning) -> Int {
            switch warning.code {
            case .minorProtected: 0
            case .purposeBanned: 1
            default: 2
            }
        }
        var seenPurposes: Set<String> = []
        let marked = warnings.map { warning -> Warning in
            guard warning.code == .purposeBanned, case .purpose(let purpose)? = warning.fact.params["purpose"] else {
                return warning
            }
            if seenPurposes.insert(purpose.rawValue).inserted { return warning }
            var params = warning.fact.params
            params["also"] = .int(1)
            params["lawful"] = nil
            return Warning(.purposeBanned, provider: warning.provider, params)
        }
        return marked.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }
            .map(\.element)
    }

    /// Answer-wide advice on the purpose: consumer credit offered for a business (which it may not fund), and
    /// borrowing to repay debts (do not; the lawful alternatives).
    static func purposeWarnings(_ request: LoanRequest, _ alternatives: [Alternative]) -> [Warning] {
        switch request.purpose {
        case .business:
            let consumer = alternatives.filter { $0.details.productKind.isConsumerCredit }
            guard !consumer.isEmpty else { return [] }
            return [
                Warning(
                    .consumerCreditForBusiness,
                    ["providers": .list(consumer.map { .name($0.details.name) })]
                )
            ]
        case .debtRepayment:
            return [Warning(.debtRepaymentAdvice)]
        default:
            return []
        }
    }

    /// `why-licence`: the licence kind and, for a platform or a guarantor, the kinds of its funders and its
    /// guarantors (a platform is never shown as the lender).
    static func licenceFact(_ details: ProviderDescription) -> Fact {
        var params: [String: FactValue] = ["licence": .licence(details.licence.kind)]
        if !details.licence.kind.lends && details.licence.kind != .none {
            params["funders"] = .list(details.lendingKinds.map(FactValue.licence))
            if !details.guarantors.isEmpty { params["guarantors"] = .list(details.guarantors.map(FactValue.text)) }
        }
        return Fact(.whyLicence, params)
    }

    static func why(
        _ details: ProviderDescription,
        _ offer: Offer,
        _ likelihood: Likelihood,
        _ evaluation: Evaluation,
        _ profile: UserProfile
    ) -> [Fact] {
        let quote = offer.quote
        var facts = [
            Self.licenceFact(details),
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
        var unknown: [ProfileField] = []
        for field in evaluation.unknowns.flatMap(\.rule.fields) where !unknown.contains(field) { unknown.append(field) }
        if !unknown.isEmpty { facts.append(Fact(.whyUnknown, ["fields": .list(unknown.map(FactValue.field))])) }
        if offer.isEstimate {
            var params = RiskPosition.drivers(profile)
            params["position"] = .decimal(offer.riskPosition)
            facts.append(Fact(.whyEstimate, params))
        }
        return facts
    }
}
