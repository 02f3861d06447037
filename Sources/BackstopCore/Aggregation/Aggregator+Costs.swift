import Foundation

extension Offer {
    /// The mandatory fees (besides interest) the offer's APR counts, as the `fees` parameter of the legal-cap facts:
    /// a price whose fees push it over a cap says which. Empty when the offer charges none.
    public var feeParams: [String: FactValue] {
        let kinds = DescribedProvider.kinds(
            quote.schedule.feeTotals.filter { $0.amount.minorUnits > 0 }.map(\.kind)
        )
        guard !kinds.isEmpty else { return [:] }
        return ["fees": .list(kinds.map(FactValue.fee)), "feeTotal": .money(quote.totalFees)]
    }
}

extension Alternative {
    /// What `--rank-by worst-case` compares: offers whose stress costs are all published first, then the largest
    /// total cost of credit under the schedule and the two stress scenarios.
    var worstCaseKey: (Int, Money) {
        guard let stress = offer.stress else { return (1, offer.quote.totalCost) }
        return (stress.complete ? 0 : 1, stress.worstCaseCost)
    }
}

extension Aggregator {
    /// Warnings about an offer's costs: a mandatory fee not published (the cost is incomplete), an optional fee the
    /// channel is known to push.
    static func costWarnings(_ offer: Offer, _ details: ProviderDescription) -> [Warning] {
        var warnings: [Warning] = []
        let schedule = offer.quote.schedule
        if schedule.isCostIncomplete {
            warnings.append(
                Warning(
                    .costIncomplete,
                    provider: details.id,
                    [
                        "provider": .name(details.name),
                        "fees": .list(DescribedProvider.kinds(schedule.unpricedFees.map(\.kind)).map(FactValue.fee)),
                    ]
                )
            )
        }
        for fee in schedule.optionalFees where fee.pushed {
            var params: [String: FactValue] = ["provider": .name(details.name), "fee": .fee(fee.kind)]
            if let amount = fee.amount { params["amount"] = .money(amount) }
            warnings.append(Warning(.optionalFeePushed, provider: details.id, params))
        }
        return warnings
    }
}
