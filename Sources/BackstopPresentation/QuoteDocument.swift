public import BackstopCore
public import Foundation

/// The JSON form of a ``Quote`` (wire format v1): what `backstop quote --format json` prints and the HTTP API returns.
///
/// Field names are a contract: fields may be added, never renamed or removed.
public struct QuoteDocument: Codable, Sendable, Hashable {
    public let currency: String
    public let amount: Money
    public let termMonths: Int
    public let method: RepaymentMethod
    /// The pricing in the document's language.
    public let pricing: String
    /// The language of `pricing` (`zh-Hans` or `en`).
    public let language: String
    public let monthlyPayment: Money
    public let largestPayment: Money
    public let totalRepayment: Money
    public let totalInterest: Money
    public let totalFees: Money
    public let totalCost: Money
    /// Percent, rounded half-up to 2 decimals (15.86 means 15.86%).
    public let nominalAPR: Decimal
    /// Percent, rounded half-up to 2 decimals.
    public let effectiveAPR: Decimal
    /// The monthly IRR as a fraction, unrounded to 10 decimals.
    public let periodicRate: Decimal
    public let disbursement: Disbursement
    public let schedule: [ScheduleRow]
    /// Where the nominal APR stands against the legal caps on the judged date (``LegalCapTable/verdict(aprPercent:licence:on:)``),
    /// each fact with its `code`, `params` and `message`; absent when the caller did not judge it.
    public let legality: [FactDocument]?
    /// The mandatory fees over the term by kind (the nominal APR counts them all: it is the all-in rate); absent
    /// when there are none.
    public let fees: [FeeTotalDocument]?
    /// The nominal APR of the interest alone, without any fee, percent to 2 decimals; absent when there are no fees.
    public let interestOnlyAPR: Decimal?
    /// One instalment 30 days late and everything repaid after month 3; absent when not computed.
    public let stress: StressDocument?

    /// - Parameters:
    ///   - legality: the legality verdict of the quote's rate (absent from the document when nil).
    ///   - stress: the stress costs, and whether late terms were given.
    public init(
        _ quote: Quote,
        language: Language,
        legality: [Fact]? = nil,
        stress: (StressCosts, lateKnown: Bool)? = nil
    ) {
        let renderer = Renderer(language)
        let totals = quote.schedule.feeTotals
        fees = totals.isEmpty ? nil : totals.map { FeeTotalDocument($0, renderer) }
        interestOnlyAPR = totals.isEmpty ? nil : quote.interestOnlyAPR
        self.stress = stress.map { StressDocument($0.0, lateKnown: $0.lateKnown, renderer) }
        self.legality = legality?.map { FactDocument($0, renderer) }
        self.language = language.tag
        currency = quote.terms.amount.currency.code
        amount = quote.terms.amount
        termMonths = quote.terms.termMonths
        method = quote.terms.method
        pricing = renderer.pricing(quote.terms.pricing)
        monthlyPayment = quote.monthlyPayment
        largestPayment = quote.largestPayment
        totalRepayment = quote.totalRepayment
        totalInterest = quote.totalInterest
        totalFees = quote.totalFees
        totalCost = quote.totalCost
        nominalAPR = quote.nominalAPR
        effectiveAPR = quote.effectiveAPR
        periodicRate = Decimal.fromSolver(quote.apr.periodicRate, scale: 10)
        disbursement = quote.schedule.disbursement
        schedule = quote.schedule.rows
    }
}

/// The JSON answer of `backstop apr --format json` and `POST /v1/apr`: ``APRResultDocument``'s fields and, added, the
/// legality verdict of the nominal APR.
public struct APRDocument: Codable, Sendable, Hashable {
    public let convention: APRConvention
    public let unitPeriodsPerYear: Decimal
    /// Percent, unrounded (10 decimals): 15.8643 means 15.8643%.
    public let nominalAPR: Decimal
    /// Percent, unrounded (10 decimals).
    public let effectiveAPR: Decimal
    /// The IRR per unit period as a fraction.
    public let periodicRate: Decimal
    /// Where the nominal APR stands against the legal caps on the judged date.
    public let legality: [FactDocument]

    public init(_ result: APRResultDocument, legality: [Fact], language: Language) {
        convention = result.convention
        unitPeriodsPerYear = result.unitPeriodsPerYear
        nominalAPR = result.nominalAPR
        effectiveAPR = result.effectiveAPR
        periodicRate = result.periodicRate
        let renderer = Renderer(language)
        self.legality = legality.map { FactDocument($0, renderer) }
    }
}

extension Renderer {
    /// The legality verdict as lines for people: a heading naming the date, then one line per fact.
    public func legality(_ facts: [Fact], on date: CalendarDate, licence: LicenceKind?) -> String {
        let who =
            licence.map {
                $0 == .none
                    ? t(" (no lending licence)", "（无放贷牌照）")
                    : t(" (licence: \(self.licence($0)))", "（牌照：\(self.licence($0))）")
            } ?? ""
        let heading = t("Legal caps on \(self.date(date))\(who):", "\(self.date(date))的法定利率上限\(who)：")
        return ([heading] + facts.map { "  - " + render($0) }).joined(separator: "\n")
    }

    /// A typed fee in a few words: `a guarantee fee of 1.50% of the principal a month` / `每月按本金1.50%收取担保费`.
    public func feeTerms(_ fee: Fee) -> String {
        let name = fee.label ?? self.fee(fee.kind)
        let figure: String
        switch fee.figure {
        case .percent(let value)?:
            let base =
                fee.basis == .outstandingBalance ? t(" of the balance", "剩余本金的") : t(" of the principal", "本金的")
            figure = language == .zh ? base + percentText(value) : percentText(value) + base
        case .amount(let money)?: figure = self.money(money)
        case nil: figure = t("not published", "金额未公布")
        }
        let period: String
        switch fee.per {
        case .once: period = t(" at disbursement", "（放款时）")
        case .month: period = t(" a month", "（每月）")
        case .period: period = t(" an instalment", "（每期）")
        case .day: period = t(" a day", "（每日）")
        case .year: period = t(" a year, charged monthly", "（年化，按月收取）")
        case .term: period = t(" for the term", "（整个期限）")
        }
        let optional = fee.mandatory ? "" : t(", optional", "，可选")
        let article = name.first.map { "aeiou".contains($0) } == true ? "an" : "a"
        return t("\(article) \(name) of \(figure)\(period)\(optional)", "\(name)\(figure)\(period)\(optional)")
    }

    /// Everything a price list charges, in one line: `0.05% a day (actual/360) + …` / `日利率0.05%（…）+ …`.
    public func pricing(_ pricing: Pricing) -> String {
        var parts: [String] = []
        if pricing.interest != .none { parts.append(interest(pricing.interest)) }
        if let fee = pricing.installmentFee { parts.append(installmentFee(fee)) }
        if pricing.interestFreeDays > 0 {
            parts.append(t("\(pricing.interestFreeDays) interest-free days", "免息\(pricing.interestFreeDays)天"))
        }
        switch pricing.upfrontFee {
        case .percent(let percent):
            parts.append(t("an upfront fee of \(percentText(percent))", "放款时收取\(percentText(percent))的手续费"))
        case .fixed(let amount): parts.append(t("an upfront fee of \(money(amount))", "放款时收取手续费\(money(amount))"))
        case nil: break
        }
        if let fee = pricing.monthlyMembershipFee {
            parts.append(t("a membership fee of \(money(fee)) a month", "每月会员费\(money(fee))"))
        }
        parts += pricing.fees.filter { $0.status != .none }.map(feeTerms)
        return parts.isEmpty ? t("interest-free", "免息") : parts.joined(separator: " + ")
    }
}
