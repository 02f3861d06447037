public import Foundation

/// One interest tier: the rate range for some terms, an amount band and a credit-score band (provider XML v2
/// `interest/tier`). Every dimension is optional: nil means every term of the price list, every amount, every score.
public struct InterestTier: Hashable, Sendable {
    public var terms: [Int]?
    /// Amount band, both ends inclusive.
    public var minAmount: Money?
    public var maxAmount: Money?
    /// Credit-score band, both ends inclusive (350 and 950 when nil).
    public var minScore: Int?
    public var maxScore: Int?
    /// The lender's name for the grade.
    public var grade: String?
    /// The range, in the unit of the price list's interest kind, in percent.
    public var minPercent: Decimal
    public var maxPercent: Decimal
    public var source: String?

    public init(
        terms: [Int]? = nil,
        minAmount: Money? = nil,
        maxAmount: Money? = nil,
        minScore: Int? = nil,
        maxScore: Int? = nil,
        grade: String? = nil,
        minPercent: Decimal,
        maxPercent: Decimal,
        source: String? = nil
    ) {
        self.terms = terms
        self.minAmount = minAmount
        self.maxAmount = maxAmount
        self.minScore = minScore
        self.maxScore = maxScore
        self.grade = grade
        self.minPercent = minPercent
        self.maxPercent = maxPercent
        self.source = source
    }

    /// Whether the tier prices this term and amount (whatever the score).
    public func covers(term: Int, amount: Money) -> Bool {
        (terms?.contains(term) ?? true) && (minAmount.map { amount >= $0 } ?? true)
            && (maxAmount.map { amount <= $0 } ?? true)
    }

    /// Whether the tier's score band holds `score`.
    public func covers(score: Int) -> Bool { (minScore ?? 350) <= score && score <= (maxScore ?? 950) }
}

extension InterestQuote {
    /// The same kind of quote with another range (percent in the kind's unit).
    public func withRange(min low: Decimal, max high: Decimal) -> InterestQuote {
        switch self {
        case .none: .none
        case .daily(_, let dayCount):
            .daily(RateRange(min: Rate(percent: low), max: Rate(percent: high)), dayCount: dayCount)
        case .monthly: .monthly(RateRange(min: Rate(percent: low), max: Rate(percent: high)))
        case .annual: .annual(RateRange(min: Rate(percent: low), max: Rate(percent: high)))
        }
    }
}

/// Who a promotion is for.
public enum PromotionAudience: String, WireEnum, Hashable {
    /// Users who are not yet customers of the provider.
    case newCustomers = "new-customers"
    case everyone
}

/// What a promotion gives.
public enum PromotionBenefit: Hashable, Sendable {
    /// No interest accrues during the first days after disbursement (the due dates stay).
    case interestFreeDays(Int)
    /// The interest rate is reduced by this percentage (20: a 20% discount).
    case interestDiscount(Decimal)
}

/// A promotion of a price list (provider XML v2 `pricing/promotion`): applied only when the profile qualifies,
/// and named in the answer.
public struct Promotion: Hashable, Sendable {
    public var name: LocalizedName
    public var benefit: PromotionBenefit
    public var audience: PromotionAudience
    /// First and last day of the offer (inclusive; nil: the price list's).
    public var from: CalendarDate?
    public var until: CalendarDate?
    public var source: String?

    public init(
        name: LocalizedName,
        benefit: PromotionBenefit,
        audience: PromotionAudience,
        from: CalendarDate? = nil,
        until: CalendarDate? = nil,
        source: String? = nil
    ) {
        self.name = name
        self.benefit = benefit
        self.audience = audience
        self.from = from
        self.until = until
        self.source = source
    }

    /// Whether a loan starting on `date` is inside the offer's dates.
    public func covers(_ date: CalendarDate) -> Bool {
        (from.map { $0 <= date } ?? true) && (until.map { date <= $0 } ?? true)
    }
}

/// The kind of entity that funds a referral platform's loans.
public enum FunderKind: String, WireEnum, Hashable {
    case bank
    case consumerFinance = "consumer-finance"
    case onlineMicrolender = "online-microlender"
    case microLoan = "micro-loan"
    case trust
    case unknown
}

extension FunderKind {
    /// The lender kinds a funder of this kind may be (every kind that funds platforms when unknown).
    public var lenderKinds: [LicenceKind] {
        switch self {
        case .bank: [.bank]
        case .consumerFinance: [.consumerFinance]
        case .onlineMicrolender: [.onlineMicrolender]
        case .microLoan: [.microLoan]
        case .trust: [.trust]
        case .unknown: LicenceKind.platformFunders
        }
    }
}

/// An entity that actually lends the money on a referral platform (资金方).
public struct Funder: Hashable, Sendable {
    public var name: String
    public var kind: FunderKind
    public var source: String?

    public init(name: String, kind: FunderKind, source: String? = nil) {
        self.name = name
        self.kind = kind
        self.source = source
    }
}

/// `yes`, `no` or `unknown`.
public enum YesNoUnknown: String, WireEnum, Hashable {
    case yes
    case no
    case unknown
}

/// A party an applicant's data is shared with.
public enum DataRecipient: String, WireEnum, Hashable {
    case guarantor
    case insurer
    case platform
    case fundingBank = "funding-bank"
    case other
}

/// Provenance and disclosure facts (provider XML v2 `disclosure`). The inquiry an application makes is
/// ``ProviderDescription/inquiries``.
public struct Disclosure: Hashable, Sendable {
    /// The day the description was last checked against its sources.
    public var lastUpdated: CalendarDate
    /// Where one applies (a channel value), when not the provider's channel.
    public var applicationChannel: String?
    public var applicationURL: String?
    /// Whether loans are reported to the PBoC credit reference centre.
    public var reportsToCreditReference: YesNoUnknown
    /// Who the applicant's data is shared with (nil: not published).
    public var sharesDataWith: [DataRecipient]?
    public var source: String?

    public init(
        lastUpdated: CalendarDate,
        applicationChannel: String? = nil,
        applicationURL: String? = nil,
        reportsToCreditReference: YesNoUnknown = .unknown,
        sharesDataWith: [DataRecipient]? = nil,
        source: String? = nil
    ) {
        self.lastUpdated = lastUpdated
        self.applicationChannel = applicationChannel
        self.applicationURL = applicationURL
        self.reportsToCreditReference = reportsToCreditReference
        self.sharesDataWith = sharesDataWith
        self.source = source
    }
}

/// The provider's own published example (provider XML v2 `representativeExample`), repriced by `providers lint`.
public struct RepresentativeExample: Hashable, Sendable {
    public var date: CalendarDate
    public var amount: Money
    public var termMonths: Int
    public var method: RepaymentMethod?
    /// The example's rate in the unit of the interest kind, in percent (nil: the single published rate).
    public var interestPercent: Decimal?
    public var creditScore: Int?
    /// Position in every fee range.
    public var riskPosition: Decimal?
    /// The figures the provider states.
    public var totalRepayable: Money
    public var aprPercent: Decimal
    public var firstInstallment: Money?
    public var source: String?

    public init(
        date: CalendarDate,
        amount: Money,
        termMonths: Int,
        method: RepaymentMethod? = nil,
        interestPercent: Decimal? = nil,
        creditScore: Int? = nil,
        riskPosition: Decimal? = nil,
        totalRepayable: Money,
        aprPercent: Decimal,
        firstInstallment: Money? = nil,
        source: String? = nil
    ) {
        self.date = date
        self.amount = amount
        self.termMonths = termMonths
        self.method = method
        self.interestPercent = interestPercent
        self.creditScore = creditScore
        self.riskPosition = riskPosition
        self.totalRepayable = totalRepayable
        self.aprPercent = aprPercent
        self.firstInstallment = firstInstallment
        self.source = source
    }
}

/// Why a representative example cannot be priced.
public struct ExampleError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension ProviderDescription {
    /// Prices a representative example with the cost engine: the price list in force on its date for its term, its
    /// interest rate (or the single published one), the tier its amount, term and score fall in, fee ranges at its
    /// risk position, no promotion.
    /// - Throws: ``ExampleError`` saying why it cannot be priced.
    public func price(_ example: RepresentativeExample) throws(ExampleError) -> Quote {
        let amount = example.amount
        if amount > maxAmount {
            throw ExampleError("\(amount.plainString) yuan is above the limit \(maxAmount.plainString)")
        }
        if amount < minAmount {
            throw ExampleError("\(amount.plainString) yuan is below the limit \(minAmount.plainString)")
        }
        guard terms.contains(example.termMonths) else {
            throw ExampleError("the \(example.termMonths)-month term is not offered")
        }
        guard let rule = pricingRule(forTerm: example.termMonths, on: example.date) else {
            throw ExampleError("no price list is in force on \(example.date) for the \(example.termMonths)-month term")
        }
        let method = example.method ?? rule.method ?? methods.first ?? .equalInstallment
        guard methods.contains(method) else { throw ExampleError("the method \(method.rawValue) is not offered") }
        var quote = rule.interest
        if !rule.tiers.isEmpty {
            let candidates = rule.tiers.filter { $0.covers(term: example.termMonths, amount: amount) }
            let scored = example.creditScore.map { score in candidates.filter { $0.covers(score: score) } }
            guard let tier = (scored ?? candidates).first, (scored ?? candidates).count == 1 else {
                throw ExampleError(
                    example.creditScore == nil && candidates.count > 1
                        ? "the tier depends on the credit score: give creditScore"
                        : "no single tier prices it"
                )
            }
            quote = quote.withRange(min: tier.minPercent, max: tier.maxPercent)
        }
        let (low, high) = quote.percentRange
        if let rate = example.interestPercent {
            guard quote != .none, low <= rate, rate <= high else {
                throw ExampleError("interestPercent \(rate) is outside the published range \(low)–\(high)")
            }
            quote = quote.withRange(min: rate, max: rate)
        } else if low != high {
            throw ExampleError("the rate is a range (\(low)–\(high)): give interestPercent")
        }
        let fees = rule.fees
        let rangedInstallmentFee = rule.installmentFee?.fee(atRisk: 0) != rule.installmentFee?.fee(atRisk: 1)
        if (rangedInstallmentFee || fees.contains { $0.figure?.isRange == true }) && example.riskPosition == nil {
            throw ExampleError("a fee is a range: give riskPosition")
        }
        if let unknown = fees.first(where: { $0.mandatory && $0.status == .unknown }) {
            throw ExampleError("the mandatory \(unknown.kind.rawValue) fee is not published")
        }
        var priced = rule
        priced.interest = quote
        priced.tiers = []
        priced.promotions = []
        var pricing = priced.pricing(atRisk: example.riskPosition ?? 0)
        pricing.interest = quote.pricing(atRisk: 0)
        do {
            return try CostEngine.quote(
                LoanTerms(
                    amount: amount,
                    termMonths: example.termMonths,
                    pricing: pricing,
                    method: method,
                    startDate: example.date
                )
            )
        } catch {
            throw ExampleError(error.description)
        }
    }
}

extension InterestQuote {
    /// The published range in percent of the kind's unit (0–0 for no interest).
    public var percentRange: (Decimal, Decimal) {
        switch self {
        case .none: (0, 0)
        case .daily(let range, _): (range.min.percent, range.max.percent)
        case .monthly(let range): (range.min.percent, range.max.percent)
        case .annual(let range): (range.min.percent, range.max.percent)
        }
    }
}

extension InterestPricing {
    /// The same rate reduced by `percent` percent (a promotion's discount), rounded half-up to 6 decimals of a
    /// percent.
    public func discounted(by percent: Decimal) -> InterestPricing {
        let factor = max(0, 1 - percent / 100)
        func scaled(_ fraction: Decimal) -> Decimal { (fraction * 100 * factor).roundedHalfUp(scale: 6) }
        switch self {
        case .none: return .none
        case .daily(let rate, let dayCount): return .daily(Rate(percent: scaled(rate.fraction)), dayCount: dayCount)
        case .monthly(let rate): return .monthly(Rate(percent: scaled(rate.fraction)))
        case .annual(let rate): return .annual(Rate(percent: scaled(rate.fraction)))
        }
    }
}
