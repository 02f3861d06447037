import Foundation

extension Aggregator {
    /// The refusal of an offer above an exclusion cap and its `above-legal-cap` warning: the failed `legalCap` rule
    /// (cap, APR, fees, and for a nearest-loan price the loan) before the rules it failed `also`; gated.
    static func capRefusal(
        _ details: ProviderDescription,
        _ cap: LegalCap,
        apr: Decimal,
        _ params: [String: FactValue],
        also failed: [RuleCheck] = []
    ) -> (refusal: Refusal, warning: Warning) {
        let fix = Fact(.fixNoneAboveCap, params)
        let check = RuleCheck(
            rule: .legalCap,
            outcome: .failed,
            threshold: "\(cap.maxAPRPercent)",
            value: "\(apr)",
            margin: (cap.maxAPRPercent - apr) / cap.maxAPRPercent,
            finding: Fact(.ruleAboveLegalCap, params),
            fix: fix
        )
        return (
            Refusal(details: details, failed: [check] + failed, fixes: [fix], gated: true),
            Warning(.aboveLegalCap, provider: details.id, params)
        )
    }
}
