import Foundation

/// The ranking stage and the answer's words about the ranked offers: the order, why each is listed, the answer-wide
/// warnings' order.
extension Aggregator {
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

    /// An offer that passed every gate, as an alternative: its odds and why it is listed (the licence, the price,
    /// the odds and what limits them, a term other than the one asked for, the inquiry, what the gates added).
    static func alternative(
        _ details: ProviderDescription,
        _ offer: Offer,
        _ evaluation: Evaluation,
        gateWhy: [Fact],
        asked: Int,
        _ profile: UserProfile,
        on date: CalendarDate
    ) -> Alternative {
        let offered = offer.quote.terms.termMonths
        let odds = OddsModel.assess(evaluation, details, profile, on: date)
        var why = Self.why(details, offer, odds.likelihood, evaluation, profile)
        if offered != asked {
            why.append(Fact(.whyTermDiffers, ["asked": .int(asked), "term": .int(offered)]))
        }
        why.append(Fact(.whyInquiry, ["inquiry": .inquiry(details.inquiries.application)]))
        why += gateWhy
        why += odds.factors
        return Alternative(
            details: details,
            offer: offer,
            likelihood: odds.likelihood,
            checks: evaluation.checks,
            why: why,
            oddsFactors: odds.factors,
            condition: odds.condition
        )
    }
}
