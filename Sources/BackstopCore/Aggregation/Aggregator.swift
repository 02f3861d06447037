import Foundation

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

    /// The full recommendation.
    ///
    /// The profile's dated lists fill in the counts they imply on `date` (``UserProfile/resolved(on:)``); front ends
    /// first refuse a profile whose counts and lists disagree (``UserProfile/contradictions(on:)``).
    public func recommend(_ given: UserProfile, _ request: LoanRequest, on date: CalendarDate) async -> Recommendation {
        // Line-up and diagnosis: the profile read on the date, each primary service diagnosed once.
        let profile = given.resolved(on: date)
        let diagnosis = diagnose(profile)
        // Evaluation: every provider side by side (Recommend/Evaluation.swift).
        let (evaluations, failures) = await evaluateAll(profile, request, on: date, diagnosis: diagnosis)
        // Gates, in list order (Recommend/GateStage.swift, Recommend/OfferGates.swift).
        let context = GateContext(profile: profile, request: request, date: date, rulebook: caps, policy: policy)
        var gated = gate(evaluations, in: context, warnings: leadingWarnings(profile), diagnosis: diagnosis)
        // Ranking (Recommend/Ranking.swift); what is recommendable today, before --top cuts the list.
        gated.alternatives.sort { Self.ranks($0, before: $1, by: request.rankBy) }
        gated.warnings += Self.purposeWarnings(request, gated.alternatives)
        let recommendableNow = Set(gated.alternatives.map(\.details.id))
        // The application plan, from every alternative: the display limit never changes whom to apply to.
        let openLines = Set(diagnosis.filter { $0.state == .open }.map { ProviderID(rawValue: $0.service.rawValue) })
        var plan = ApplicationPlan.make(
            for: gated.alternatives,
            profile,
            on: date,
            budget: policy.hardInquiryBudget,
            openLines: openLines
        )
        if let top = policy.top { gated.alternatives = Array(gated.alternatives.prefix(max(0, top))) }
        gated.refusals.sort { ($0.gated ? 1 : 0, $0.details.id) < ($1.gated ? 1 : 0, $1.details.id) }
        let unknowns = gated.unknowns.sorted { $0.rawValue < $1.rawValue }
        let warnings = answerWarnings(gated, plan, profile, on: date, diagnosis: diagnosis, failures, unknowns)
        // The recovery planner (Recommend/RecoveryPlanner.swift), then the plan leads with waiting when every
        // candidate's odds are low.
        let recovery = await recoveryPlan(
            profile,
            request,
            on: date,
            diagnosis: diagnosis,
            refusals: gated.refusals,
            recommendableNow: recommendableNow
        )
        plan.leadWithWaiting(recovery, after: date)
        return Recommendation(
            profileID: profile.id,
            request: request,
            date: date,
            diagnosis: diagnosis,
            alternatives: gated.alternatives,
            ineligible: gated.refusals,
            warnings: warnings,
            recovery: recovery,
            catalog: catalog,
            failures: failures,
            unknowns: unknowns,
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
}
