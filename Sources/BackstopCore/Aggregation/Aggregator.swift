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

    public init(
        highCostAPRPercent: Decimal = 20,
        maxDebtServicePercent: Decimal = 50,
        top: Int? = nil,
        concurrentProviders: Bool = true
    ) {
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
    /// One line: why it is here and what to know.
    public var why: String
}

/// A provider that cannot serve this profile or request, with the rules it failed and what would change that.
public struct Refusal: Hashable, Sendable {
    public var details: ProviderDescription
    public var failed: [RuleCheck]
    public var fix: String
    /// Whether a gate (licence, legal cap) refused it rather than its own rules.
    public var gated: Bool
}

/// A warning about an offer or the answer as a whole.
public struct Warning: Hashable, Sendable, Codable {
    /// `high-cost`, `above-court-ceiling`, `debt-service`, `unlicensed-refused`, `above-legal-cap`,
    /// `unknown-signals`, `provider-failed`, `service-at-risk`.
    public var code: String
    public var provider: String?
    public var message: String

    public init(code: String, provider: String?, message: String) {
        self.code = code
        self.provider = provider
        self.message = message
    }
}

/// A provider that could not answer (it threw). The others are still compared.
public struct ProviderFailure: Hashable, Sendable {
    public var provider: ProviderID
    public var message: String
}

/// The recovery plan: what to do for each reason found, and what that would reopen.
public struct RecoveryPlan: Hashable, Sendable {
    public struct Step: Hashable, Sendable, Codable {
        public var reason: String
        public var action: String
    }

    public var steps: [Step]
    /// The changes assumed by the what-if (after ``Countermeasure/horizonMonths`` months of following the steps).
    public var assumedChanges: [String]
    /// Primary services and providers that would be open or eligible then but are not now, sorted.
    public var reopens: [String]
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
    public var unknowns: [String]
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

    /// The full recommendation.
    public func recommend(_ profile: UserProfile, _ request: LoanRequest, on date: CalendarDate) async -> Recommendation
    {
        let diagnosis = diagnose(profile)
        let (evaluations, failures) = await evaluateAll(profile, request, on: date)
        var duplicateWarnings: [Warning] = []
        for id in duplicateIDs {
            duplicateWarnings.append(
                Warning(
                    code: "duplicate-provider",
                    provider: id.rawValue,
                    message: "Several providers share the id \(id); only the first registered is compared."
                )
            )
        }
        var alternatives: [Alternative] = []
        var refusals: [Refusal] = []
        var warnings: [Warning] = duplicateWarnings
        var unknowns = Set(diagnosis.flatMap(\.unknowns))

        for (provider, evaluation) in evaluations {
            let details = provider.details
            unknowns.formUnion(evaluation.unknowns.map { Self.profileField(for: $0.rule) })
            // Gate 1: unlicensed channels are never recommended.
            if !details.licence.isLicensed {
                let check = RuleCheck(
                    rule: "licensed",
                    outcome: .failed,
                    threshold: "a lending licence",
                    value: LicenceKind.none.rawValue,
                    margin: -1,
                    explanation: "\(details.nameEN) holds no lending licence",
                    fix: "none: use a licensed channel"
                )
                refusals.append(
                    Refusal(
                        details: details,
                        failed: [check] + evaluation.failed,
                        fix: "none: Backstop never recommends unlicensed lenders; use a licensed alternative",
                        gated: true
                    )
                )
                let cost =
                    evaluation.offer.map {
                        " (this request would cost \($0.quote.nominalAPR.fixedText)% APR, \($0.quote.totalCost.formatted))"
                    } ?? ""
                warnings.append(
                    Warning(
                        code: "unlicensed-refused",
                        provider: details.id.rawValue,
                        message: "\(details.nameEN) is not licensed to lend and is never recommended\(cost)."
                    )
                )
                continue
            }
            guard let offer = evaluation.offer, evaluation.isEligible else {
                let failed = evaluation.failed
                let fix =
                    failed.compactMap(\.fix).first.map { $0.prefix(1).uppercased() + $0.dropFirst() }
                    ?? "Not available for this request."
                refusals.append(
                    Refusal(
                        details: details,
                        failed: failed,
                        fix: failed.compactMap(\.fix).isEmpty ? fix : failed.compactMap(\.fix).joined(separator: "; "),
                        gated: false
                    )
                )
                continue
            }
            // Gate 2: legal caps for the licence kind on the request date.
            let apr = offer.quote.nominalAPR
            let binding = caps.caps(for: details.licence.kind, on: date)
            if let cap = binding.first(where: { $0.effect == .exclude && apr > $0.maxAPRPercent }) {
                let check = RuleCheck(
                    rule: "legalCap",
                    outcome: .failed,
                    threshold: "\(cap.maxAPRPercent)",
                    value: "\(apr)",
                    margin: (cap.maxAPRPercent - apr) / cap.maxAPRPercent,
                    explanation:
                        "\(apr.fixedText)% APR is above \(cap.title) (\(cap.maxAPRPercent)% since \(cap.from), \(cap.sourceURL))",
                    fix: "none at this price: the offer exceeds a legal cap"
                )
                refusals.append(
                    Refusal(
                        details: details,
                        failed: [check],
                        fix: "This offer is above the legal cap \(cap.id) (\(cap.maxAPRPercent)%) and is excluded.",
                        gated: true
                    )
                )
                warnings.append(
                    Warning(
                        code: "above-legal-cap",
                        provider: details.id.rawValue,
                        message: check.explanation + "; excluded."
                    )
                )
                continue
            }
            for cap in binding where cap.effect == .flag && apr > cap.maxAPRPercent {
                warnings.append(
                    Warning(
                        code: "above-court-ceiling",
                        provider: details.id.rawValue,
                        message:
                            "\(apr.fixedText)% APR is above \(cap.title). That ceiling binds private lending, not licensed "
                            + "lenders, but it is the benchmark courts use: this is expensive credit."
                    )
                )
            }
            if apr > policy.highCostAPRPercent {
                warnings.append(
                    Warning(
                        code: "high-cost",
                        provider: details.id.rawValue,
                        message: "\(apr.fixedText)% APR is above the high-cost level of \(policy.highCostAPRPercent)%."
                    )
                )
            }
            var likelihood = evaluation.likelihood ?? .low
            if profile.monthlyIncome == nil { unknowns.insert("monthlyIncome") }
            if profile.monthlyDebtPayments == nil { unknowns.insert("monthlyDebtPayments") }
            if let income = profile.monthlyIncome, income.minorUnits > 0 {
                // Unknown existing debts are not assumed to be zero: the check then only sees the new payment, which
                // can still show a loan alone is unaffordable (and the unknown is reported).
                let debts = profile.monthlyDebtPayments ?? .zero()
                let share = Decimal.ratio(
                    (debts + offer.quote.largestPayment).minorUnits * 100,
                    income.minorUnits,
                    scale: 1
                )
                if share > policy.maxDebtServicePercent {
                    // An unaffordable payment is flagged, and no lender is likely to approve it.
                    likelihood = .low
                    warnings.append(
                        Warning(
                            code: "debt-service",
                            provider: details.id.rawValue,
                            message:
                                "Repaying \(offer.quote.largestPayment.formatted) a month would take debt service to \(share)% of income, above \(policy.maxDebtServicePercent)%."
                        )
                    )
                }
            }
            alternatives.append(
                Alternative(
                    details: details,
                    offer: offer,
                    likelihood: likelihood,
                    checks: evaluation.checks,
                    why: Self.why(details, offer, likelihood, evaluation)
                )
            )
        }
        alternatives.sort { Self.ranks($0, before: $1, by: request.rankBy) }
        // Everything recommendable today, before --top cuts the list: the what-if must not count a provider as
        // reopening when it is open now and was only left out of the shortened list.
        let recommendableNow = alternatives
        if let top = policy.top { alternatives = Array(alternatives.prefix(max(0, top))) }
        refusals.sort { ($0.gated ? 1 : 0, $0.details.id) < ($1.gated ? 1 : 0, $1.details.id) }
        for failure in failures {
            warnings.append(
                Warning(
                    code: "provider-failed",
                    provider: failure.provider.rawValue,
                    message: "\(failure.provider) could not answer: \(failure.message)"
                )
            )
        }
        for item in diagnosis where item.state == .open && item.assessed != .open {
            warnings.append(Warning(code: "service-at-risk", provider: item.service.rawValue, message: item.summary))
        }
        let relevantUnknowns = unknowns.sorted()
        if !relevantUnknowns.isEmpty {
            warnings.append(
                Warning(
                    code: "unknown-signals",
                    provider: nil,
                    message:
                        "Unknown in the profile and needed by some rule (treated as unknown, never as good): \(relevantUnknowns.joined(separator: ", "))."
                )
            )
        }
        let recovery = await recoveryPlan(
            profile,
            request,
            on: date,
            diagnosis: diagnosis,
            alternatives: recommendableNow
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
            unknowns: relevantUnknowns
        )
    }

    /// Evaluates every provider (side by side unless the policy says otherwise); results come back in provider-id
    /// order.
    func evaluateAll(
        _ profile: UserProfile,
        _ request: LoanRequest,
        on date: CalendarDate
    ) async -> ([(any CreditProvider, Evaluation)], [ProviderFailure]) {
        let outcomes: [(Int, Result<Evaluation, any Error>)]
        if !policy.concurrentProviders {
            var inOrder: [(Int, Result<Evaluation, any Error>)] = []
            inOrder.reserveCapacity(providers.count)
            for (index, provider) in providers.enumerated() {
                do {
                    let evaluation = try await provider.evaluate(profile, request, on: date)
                    inOrder.append((index, .success(evaluation)))
                } catch {
                    inOrder.append((index, .failure(error)))
                }
            }
            outcomes = inOrder
        } else {
            outcomes = await evaluateConcurrently(profile, request, on: date)
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

    /// Every provider's evaluation in its own child task, in provider order.
    func evaluateConcurrently(
        _ profile: UserProfile,
        _ request: LoanRequest,
        on date: CalendarDate
    ) async -> [(Int, Result<Evaluation, any Error>)] {
        await withTaskGroup(of: (Int, Result<Evaluation, any Error>).self) { group in
            for (index, provider) in providers.enumerated() {
                group.addTask {
                    do {
                        // Await into a local first: building the tuple across the await is miscompiled at -O by
                        // Swift 6.3.1 (the index comes back corrupted; swiftlang/swift #91911, reverted in #92155).
                        let evaluation = try await provider.evaluate(profile, request, on: date)
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

    /// The recovery steps for the reasons found, and what the improved profile would reopen.
    func recoveryPlan(
        _ profile: UserProfile,
        _ request: LoanRequest,
        on date: CalendarDate,
        diagnosis: [ServiceDiagnosis],
        alternatives: [Alternative]
    ) async -> RecoveryPlan {
        var reasons: [ClosureReason] = []
        for item in diagnosis {
            for finding in item.reasons where !reasons.contains(finding.code) { reasons.append(finding.code) }
        }
        reasons.sort { $0.rawValue < $1.rawValue }
        var steps = reasons.map {
            RecoveryPlan.Step(reason: $0.rawValue, action: Countermeasure.action(for: $0, profile))
        }
        if diagnosis.contains(where: { $0.state != .open }) {
            steps += Countermeasure.general.map { RecoveryPlan.Step(reason: "general", action: $0) }
        }
        guard !reasons.isEmpty else { return RecoveryPlan(steps: steps, assumedChanges: [], reopens: []) }
        let improved = Countermeasure.improved(profile, following: reasons)
        var reopened: Set<String> = []
        // Services: closed now, open or restricted after. Observed states are replaced by what the rules give.
        var assessedProfile = improved
        assessedProfile.services = nil
        for (before, after) in zip(diagnosis, diagnose(assessedProfile))
        where before.state == .closed && after.state != .closed {
            reopened.insert(before.service.rawValue)
        }
        // Providers: recommendable then (eligible, licensed, under the caps) and not among today's alternatives.
        let (later, _) = await evaluateAll(assessedProfile, request, on: date)
        let recommendedNow = Set(alternatives.map(\.details.id))
        for (provider, evaluation) in later where evaluation.isEligible && provider.details.licence.isLicensed {
            guard let offer = evaluation.offer, !recommendedNow.contains(provider.id) else { continue }
            let excluded = caps.caps(for: provider.details.licence.kind, on: date).contains {
                $0.effect == .exclude && offer.quote.nominalAPR > $0.maxAPRPercent
            }
            if !excluded { reopened.insert(provider.id.rawValue) }
        }
        return RecoveryPlan(
            steps: steps,
            assumedChanges: Countermeasure.changes(from: profile, to: improved),
            reopens: reopened.sorted()
        )
    }

    static func ranks(_ a: Alternative, before b: Alternative, by preference: RankingPreference) -> Bool {
        let qa = a.offer.quote
        let qb = b.offer.quote
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
        }
        return tieBreak
    }

    static func why(
        _ details: ProviderDescription,
        _ offer: Offer,
        _ likelihood: Likelihood,
        _ evaluation: Evaluation
    ) -> String {
        let quote = offer.quote
        var parts = [
            "\(details.licence.kind.rawValue) licence",
            "\(quote.nominalAPR.fixedText)% APR over \(quote.terms.termMonths) months (\(quote.terms.method.rawValue))",
            "\(likelihood.rawValue) approval likelihood",
        ]
        let thin = evaluation.checks.filter { $0.outcome == .passed && ($0.margin ?? 1) < Decimal(string: "0.05")! }
            .map(\.rule)
        if !thin.isEmpty { parts.append("only just clears \(thin.joined(separator: ", "))") }
        if !evaluation.unknowns.isEmpty {
            parts.append("unknown: \(evaluation.unknowns.map(\.rule).joined(separator: ", "))")
        }
        if offer.isEstimate { parts.append("rate estimated at risk position \(offer.riskPosition)") }
        return parts.joined(separator: "; ")
    }

    /// The profile field a rule needs, for the unknowns list.
    static func profileField(for rule: String) -> String {
        switch rule {
        case "maxOverdueCount12m": "repayment.overdueCount12m"
        case "maxOverdueCount24m": "repayment.overdueCount24m"
        case "maxDaysPastDue": "repayment.worstDaysPastDue"
        case "noCurrentOverdue": "repayment.currentOverdueAmount"
        case "identityVerified", "excludedWhen:identity-abnormal": "identity"
        case "age": "age"
        case "minMonthlyIncome": "monthlyIncome"
        case "maxDebtToIncome": "monthlyIncome/monthlyDebtPayments"
        case "requiresAccount": "accounts"
        case "excludedWhen:cash-out": "cashOutFlags12m"
        default: rule
        }
    }
}

extension Decimal {
    /// Two decimals, always: `12.00`.
    package var fixedText: String {
        let text = roundedHalfUp(scale: 2).description
        let parts = text.split(separator: ".", maxSplits: 1)
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        return String(parts[0]) + "." + fraction + String(repeating: "0", count: max(0, 2 - fraction.count))
    }
}
