import Foundation

extension Aggregator {
    /// A licensed provider refused on its own rules or on the request (an amount outside its limits, a term it does
    /// not offer) whose price is above a legal cap anyway: refused by the legal-cap gate, not only by the rule the
    /// request happened to miss.
    ///
    /// The provider is priced for the profile at the amount inside its limits nearest to the one asked for and at the
    /// offered term nearest to the one asked for. When that all-in price is above an `exclude` cap binding its
    /// licence kind on the date, the refusal is gated (`legalCap`), names the cap, the APR, the mandatory fees
    /// counted and the loan it was priced at (`amount`, `term`), and keeps every other rule the provider failed; the
    /// `above-legal-cap` warning says the same. A lender that would be refused at any price is not shown as one a
    /// larger loan or a better record could win back.
    ///
    /// Only a lender above a cap at its best price (risk position 0, any new-customer promotion) is refused this way:
    /// one whose price range a better record would bring under the cap keeps its ordinary refusal and its forecast.
    ///
    /// Cheap: nothing is priced unless an `exclude` cap binds the kind on the date; then the loan is priced at the
    /// best position (a bound for every profile, remembered across them), and at the profile's own only when that is
    /// above a cap; nil otherwise, and when nothing can be priced.
    func nearestLoanCapRefusal(
        _ provider: any CreditProvider,
        _ evaluation: Evaluation,
        _ profile: UserProfile,
        _ request: LoanRequest,
        on date: CalendarDate
    ) -> (refusal: Refusal, warning: Warning)? {
        let details = provider.details
        guard details.licence.isLicensed else { return nil }
        let binding = caps.caps(for: details, on: date).filter { $0.effect == .exclude }
        guard !binding.isEmpty, details.minAmount <= details.maxAmount else { return nil }
        let described = provider as? DescribedProvider ?? DescribedProvider(details, memoize: false)
        let term = described.nearestTerm(to: request.termMonths)
        let amount = max(details.minAmount, min(details.maxAmount, request.amount))
        var probe = request
        probe.amount = amount
        probe.termMonths = term
        // Refused at any price only when even its best price (position 0, any new-customer promotion) is above a
        // cap: a price range that a better record would bring under the cap stays an ordinary refusal, and the
        // provider stays in the recovery plan's forecasts (where the cap gate judges the projected price). The best
        // price is the same for every profile asking for the loan, so it is remembered per loan.
        guard let best = described.bestAPR(probe, on: date, score: profile.creditScore),
            binding.contains(where: { $0.isExceeded(byAPRPercent: best) })
        else { return nil }
        guard let offer = described.makeOffer(profile, probe, on: date) else { return nil }
        let apr = offer.quote.apr.nominal(scale: 10)
        guard let cap = binding.first(where: { $0.isExceeded(byAPRPercent: apr) }) else { return nil }
        var params = Self.capParams(cap, apr: apr, details.name).merging(offer.feeParams) { a, _ in a }
        params["amount"] = .money(amount)
        params["term"] = .int(offer.quote.terms.termMonths)
        return Self.capRefusal(details, cap, apr: apr, params, also: evaluation.failed)
    }

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
