import Foundation

/// What the gate stage leaves: the offers that passed every gate (as alternatives, not yet ranked), the refusals, the
/// warnings raised so far in the order they were raised, the answer-wide ones kept apart, and the unknown signals
/// that mattered.
struct GatedOffers: Sendable {
    var alternatives: [Alternative] = []
    var refusals: [Refusal] = []
    var warnings: [Warning]
    var answerWide: [Warning] = []
    var unknowns: Set<ProfileField>
}

extension Aggregator {
    /// The warnings an answer starts with, before any provider is gated: duplicate ids, no legal caps or rulebook,
    /// profile fields Backstop does not read.
    func leadingWarnings(_ profile: UserProfile) -> [Warning] {
        var warnings: [Warning] = duplicateIDs.map {
            Warning(.duplicateProvider, provider: $0, ["provider": .provider($0)])
        }
        if caps.caps.isEmpty { warnings.append(Warning(.noLegalCaps)) }
        if !profile.unrecognizedFields.isEmpty {
            warnings.append(
                Warning(.unrecognizedProfileFields, ["fields": .list(profile.unrecognizedFields.map(FactValue.text))])
            )
        }
        if caps.rules.isEmpty && !caps.caps.isEmpty { warnings.append(Warning(.noRulebook)) }
        return warnings
    }

    /// The gate stage: each evaluation through ``gates`` in list order, the first refusal ending a provider's run;
    /// an offer that passes every gate becomes an alternative with its explanation and its cost warnings.
    func gate(
        _ evaluations: [(any CreditProvider, Evaluation)],
        in context: GateContext,
        warnings leading: [Warning],
        diagnosis: [ServiceDiagnosis]
    ) -> GatedOffers {
        var result = GatedOffers(warnings: leading, unknowns: Set(diagnosis.flatMap(\.unknowns)))
        var seen: Set<Warning> = []
        for (provider, evaluation) in evaluations {
            let details = provider.details
            for check in evaluation.checks where check.outcome == .unknown {
                result.unknowns.formUnion(check.rule.fields)
            }
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
                    result.unknowns.formUnion(fields)
                    raised = passWarnings
                case .refuse(let refusal, let refuseWarnings, let fields):
                    result.refusals.append(refusal)
                    result.unknowns.formUnion(fields)
                    raised = refuseWarnings
                    refused = true
                }
                // A provider's own warnings are its alone; one about the answer (a minor, a banned purpose) is
                // written once however many refusals raise it.
                for warning in raised {
                    if Self.answerWideGateWarnings.contains(warning.code) {
                        if !result.answerWide.contains(warning) { result.answerWide.append(warning) }
                    } else if warning.provider != nil || seen.insert(warning).inserted {
                        result.warnings.append(warning)
                    }
                }
                if refused { break }
            }
            guard !refused, let offer = evaluation.offer else { continue }
            result.warnings += Self.costWarnings(offer, details)
            result.alternatives.append(
                Self.alternative(
                    details,
                    offer,
                    evaluation,
                    gateWhy: gateWhy,
                    asked: context.request.termMonths,
                    context.profile,
                    on: context.date
                )
            )
        }
        return result
    }

    /// The answer's warnings in the order a reader needs them (``ordered(_:)``): those raised while gating, then the
    /// recent inquiries against the budget, the answer-wide rules, providers that failed, services at risk and the
    /// unknown signals.
    func answerWarnings(
        _ gated: GatedOffers,
        _ plan: ApplicationPlan,
        _ profile: UserProfile,
        on date: CalendarDate,
        diagnosis: [ServiceDiagnosis],
        _ failures: [ProviderFailure],
        _ unknowns: [ProfileField]
    ) -> [Warning] {
        var warnings = gated.warnings
        if let recent = plan.hardInquiries3m, recent >= policy.hardInquiryBudget, policy.hardInquiryBudget > 0 {
            var params: [String: FactValue] = ["count": .int(recent), "budget": .int(policy.hardInquiryBudget)]
            if let day = profile.hardInquiries?.dayWithAtMost(policy.hardInquiryBudget - 1, on: date) {
                params["date"] = .date(day)
            }
            warnings.append(Warning(.manyRecentInquiries, params))
        }
        warnings += gated.answerWide.sorted { Self.sourceOf($0) < Self.sourceOf($1) }
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
        if !unknowns.isEmpty {
            warnings.append(Warning(.unknownSignals, ["fields": .list(unknowns.map(FactValue.field))]))
        }
        return Self.ordered(warnings)
    }
}
