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

    public init(_ quote: Quote, language: Language) {
        let renderer = Renderer(language)
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

extension Renderer {
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
        return parts.isEmpty ? t("interest-free", "免息") : parts.joined(separator: " + ")
    }
}
