public import Foundation

/// A provider's identifier: lower-case letters, digits and single hyphens (`wechat-weilidai`).
public struct ProviderID: RawRepresentable, Hashable, Sendable, Codable, Comparable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Whether `text` is a well-formed id (1–64 characters, `[a-z0-9]+(-[a-z0-9]+)*`).
    public static func isValid(_ text: String) -> Bool {
        guard (1...64).contains(text.count), !text.hasPrefix("-"), !text.hasSuffix("-"), !text.contains("--") else {
            return false
        }
        return text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}

/// The kind of licence a provider lends under.
public enum LicenceKind: String, WireEnum, Hashable {
    case bank
    /// 消费金融公司.
    case consumerFinance = "consumer-finance"
    /// 网络小额贷款公司 (internet micro-lender).
    case onlineMicrolender = "online-microlender"
    /// 小额贷款公司 (local micro-loan company).
    case microLoan = "micro-loan"
    /// A bank's credit-card business.
    case cardIssuer = "card-issuer"
    /// 信托公司: a trust company lending through a loan plan (a platform's funder, mostly).
    case trust
    /// 助贷平台: a loan-facilitation platform. It does not lend: the lenders it names (``ProviderDescription/fundedBy``)
    /// do, and the legal caps and the rulebook bind by their kinds (``ProviderDescription/lendingKinds``).
    case platform
    /// 融资担保公司: a financing-guarantee company that arranges loans funded by others, like a platform.
    case financingGuarantor = "financing-guarantor"
    /// No lending licence: never recommended.
    case none

    /// Whether the entity lends its own money (a platform and a guarantor arrange loans funded by others).
    public var lends: Bool { self != .platform && self != .financingGuarantor && self != .none }

    /// The lender kinds that fund platforms when a description names none: every kind the assisted-lending rules bind.
    public static let platformFunders: [LicenceKind] = [.bank, .consumerFinance, .onlineMicrolender]
}

/// Who licenses the provider.
public struct Licence: Hashable, Sendable, Codable {
    public var kind: LicenceKind
    public var regulator: String?
    public var number: String?

    public init(kind: LicenceKind, regulator: String? = nil, number: String? = nil) {
        self.kind = kind
        self.regulator = regulator
        self.number = number
    }

    /// Whether the provider holds a lending licence.
    public var isLicensed: Bool { kind != .none }
}

/// What the product is.
public enum ProductKind: String, WireEnum, Hashable {
    case creditLine = "credit-line"
    case cashLoan = "cash-loan"
    case cardInstallment = "card-installment"
    /// 经营贷: a loan for a business's production and operation, never for consumption.
    case businessLoan = "business-loan"

    /// Whether this is consumer credit (every kind but a business loan).
    public var isConsumerCredit: Bool { self != .businessLoan }
}

/// Whether a provider takes new business on a date.
public enum ProviderState: String, WireEnum, Hashable {
    case open
    case closedToNewUsers = "closed-to-new-users"
    case suspended
}

/// A state in force from a date, until an optional date (inclusive).
public struct StatusPeriod: Hashable, Sendable, Codable {
    public var state: ProviderState
    public var from: CalendarDate
    public var until: CalendarDate?

    public init(state: ProviderState, from: CalendarDate, until: CalendarDate? = nil) {
        self.state = state
        self.from = from
        self.until = until
    }

    public func covers(_ date: CalendarDate) -> Bool { from <= date && (until.map { date <= $0 } ?? true) }
}

/// A rate range from which a provider picks by risk: the best customers get `min`, the riskiest `max`.
public struct RateRange<Period: RatePeriod>: Hashable, Sendable {
    public var min: Rate<Period>
    public var max: Rate<Period>

    public init(min: Rate<Period>, max: Rate<Period>) {
        self.min = min
        self.max = max
    }

    /// The rate at risk position `position` (0 = best, 1 = riskiest), rounded half-up to 4 decimals of a percent.
    public func rate(atRisk position: Decimal) -> Rate<Period> {
        let clamped = Swift.max(0, Swift.min(1, position))
        let percent = (min.percent + (max.percent - min.percent) * clamped).roundedHalfUp(scale: 4)
        return Rate(percent: percent)
    }

    /// `0.02%–0.05%/day`.
    public var text: String {
        min == max ? "\(min)" : "\(min.percent)%–\(max.percent)%/\(Period.unitName)"
    }
}

/// The interest part of a provider's price list.
public enum InterestQuote: Hashable, Sendable {
    case none
    case daily(RateRange<PerDay>, dayCount: DayCount)
    case monthly(RateRange<PerMonth>)
    case annual(RateRange<PerYear>)

    /// The interest pricing at a risk position.
    public func pricing(atRisk position: Decimal) -> InterestPricing {
        switch self {
        case .none: .none
        case .daily(let range, let dayCount): .daily(range.rate(atRisk: position), dayCount: dayCount)
        case .monthly(let range): .monthly(range.rate(atRisk: position))
        case .annual(let range): .annual(range.rate(atRisk: position))
        }
    }

    /// `0.02%–0.05%/day (actual/360)`.
}

/// The instalment-fee part of a provider's price list.
public enum InstallmentFeeQuote: Hashable, Sendable {
    case perPeriod(RateRange<PerMonth>)
    case total(RateRange<PerTerm>)

    public func fee(atRisk position: Decimal) -> InstallmentFee {
        switch self {
        case .perPeriod(let range): .perPeriod(range.rate(atRisk: position))
        case .total(let range): .total(range.rate(atRisk: position))
        }
    }
}

/// One price list, for the terms it names (or, with no terms, for every term not named elsewhere).
public struct PricingRule: Hashable, Sendable {
    public var terms: [Int]?
    public var interest: InterestQuote
    public var installmentFee: InstallmentFeeQuote?
    public var interestFreeDays: Int
    public var upfrontFee: UpfrontFee?
    public var monthlyMembershipFee: Money?
    /// The repayment method this price list is quoted with; nil means the provider's first method.
    public var method: RepaymentMethod?
    /// The first day these prices apply (nil: since before any date Backstop prices).
    public var from: CalendarDate?
    /// The last day these prices apply, inclusive (nil: still in force).
    public var until: CalendarDate?
    /// Every cost other than interest and version 1's three fees (provider XML v2 `fee`).
    public var fees: [FeeRule]
    /// Interest tiers (provider XML v2 `interest/tier`); when present, ``interest`` gives only the kind (and day
    /// count), and the tier a loan falls in gives the range.
    public var tiers: [InterestTier]
    /// Promotions, applied only when the profile qualifies.
    public var promotions: [Promotion]

    public init(
        terms: [Int]? = nil,
        interest: InterestQuote,
        installmentFee: InstallmentFeeQuote? = nil,
        interestFreeDays: Int = 0,
        upfrontFee: UpfrontFee? = nil,
        monthlyMembershipFee: Money? = nil,
        method: RepaymentMethod? = nil,
        from: CalendarDate? = nil,
        until: CalendarDate? = nil,
        fees: [FeeRule] = [],
        tiers: [InterestTier] = [],
        promotions: [Promotion] = []
    ) {
        self.fees = fees
        self.tiers = tiers
        self.promotions = promotions
        self.method = method
        self.from = from
        self.until = until
        self.terms = terms
        self.interest = interest
        self.installmentFee = installmentFee
        self.interestFreeDays = interestFreeDays
        self.upfrontFee = upfrontFee
        self.monthlyMembershipFee = monthlyMembershipFee
    }

    /// Whether these prices apply on `date`.
    public func covers(_ date: CalendarDate) -> Bool {
        (from.map { $0 <= date } ?? true) && (until.map { date <= $0 } ?? true)
    }

    /// The concrete pricing at a risk position (with tiers, the first tier's range: use
    /// ``pricing(atRisk:term:amount:score:)``).
    public func pricing(atRisk position: Decimal) -> Pricing {
        Pricing(
            interest: interest.pricing(atRisk: position),
            installmentFee: installmentFee?.fee(atRisk: position),
            interestFreeDays: interestFreeDays,
            upfrontFee: upfrontFee,
            monthlyMembershipFee: monthlyMembershipFee,
            fees: fees.map { $0.fee(atRisk: position) }
        )
    }

    /// The interest quote for a loan: the tier its term, amount and score fall in (without a score, the most
    /// expensive tier its term and amount may fall in), or ``interest`` when there are no tiers.
    public func interest(term: Int, amount: Money, score: Int?) -> InterestQuote {
        guard !tiers.isEmpty else { return interest }
        let candidates = tiers.filter { $0.covers(term: term, amount: amount) }
        let scored = score.map { score in candidates.filter { $0.covers(score: score) } } ?? candidates
        let pool = scored.isEmpty ? candidates : scored
        guard let tier = pool.max(by: { ($0.maxPercent, $0.minPercent) < ($1.maxPercent, $1.minPercent) }) else {
            return interest
        }
        return interest.withRange(min: tier.minPercent, max: tier.maxPercent)
    }

    /// The concrete pricing of a loan at a risk position: its tier's interest and every fee.
    public func pricing(atRisk position: Decimal, term: Int, amount: Money, score: Int?) -> Pricing {
        var pricing = pricing(atRisk: position)
        if !tiers.isEmpty {
            pricing.interest = interest(term: term, amount: amount, score: score).pricing(atRisk: position)
        }
        return pricing
    }
}

/// A flag that excludes a user outright.
public enum ExclusionFlag: String, WireEnum, Hashable {
    case cashOut = "cash-out"
    case identityAbnormal = "identity-abnormal"
    case currentOverdue = "current-overdue"
}

/// Declarative eligibility rules. Every rule is optional.
public struct EligibilityRules: Hashable, Sendable {
    public var minCreditScore: Int?
    public var maxOverdueCount12m: Int?
    public var maxOverdueCount24m: Int?
    public var maxDaysPastDue: Int?
    public var noCurrentOverdue: Bool
    public var identityVerified: Bool
    public var minAge: Int?
    public var maxAge: Int?
    public var minMonthlyIncome: Money?
    /// Monthly debt payments, the new instalment included, over monthly income, in percent.
    public var maxDebtToIncomePercent: Decimal?
    public var requiredAccounts: [PlatformAccount]
    public var excludedWhen: [ExclusionFlag]

    public init(
        minCreditScore: Int? = nil,
        maxOverdueCount12m: Int? = nil,
        maxOverdueCount24m: Int? = nil,
        maxDaysPastDue: Int? = nil,
        noCurrentOverdue: Bool = false,
        identityVerified: Bool = false,
        minAge: Int? = nil,
        maxAge: Int? = nil,
        minMonthlyIncome: Money? = nil,
        maxDebtToIncomePercent: Decimal? = nil,
        requiredAccounts: [PlatformAccount] = [],
        excludedWhen: [ExclusionFlag] = []
    ) {
        self.minCreditScore = minCreditScore
        self.maxOverdueCount12m = maxOverdueCount12m
        self.maxOverdueCount24m = maxOverdueCount24m
        self.maxDaysPastDue = maxDaysPastDue
        self.noCurrentOverdue = noCurrentOverdue
        self.identityVerified = identityVerified
        self.minAge = minAge
        self.maxAge = maxAge
        self.minMonthlyIncome = minMonthlyIncome
        self.maxDebtToIncomePercent = maxDebtToIncomePercent
        self.requiredAccounts = requiredAccounts
        self.excludedWhen = excludedWhen
    }
}

/// Whether an action adds an inquiry to the user's PBoC credit report (征信查询记录): `hard` (a loan-approval or
/// credit-card-approval inquiry other lenders see and count), `soft` (none other lenders see, such as a pre-check
/// on data the channel already holds) or `unknown` (not published; Backstop then assumes hard).
public enum InquiryKind: String, WireEnum, Hashable {
    case hard
    case soft
    case unknown

    /// Whether Backstop must count the action as a hard inquiry (hard, or not published).
    public var countsAsHard: Bool { self != .soft }
}

/// What applying to a provider does to the user's credit report, and how many recent hard inquiries the provider
/// tolerates, as published or documented (every field may be unknown).
public struct InquiryPolicy: Hashable, Sendable {
    /// Submitting an application.
    public var application: InquiryKind
    /// Checking the available limit (测额度) before applying.
    public var limitCheck: InquiryKind
    /// The most hard inquiries in the last 3 months the provider is documented to accept (nil: not known).
    public var maxHardInquiries3m: Int?
    /// The id of the source backing these figures (one of ``ProviderDescription/sources``).
    public var source: String?

    public init(
        application: InquiryKind = .unknown,
        limitCheck: InquiryKind = .unknown,
        maxHardInquiries3m: Int? = nil,
        source: String? = nil
    ) {
        self.application = application
        self.limitCheck = limitCheck
        self.maxHardInquiries3m = maxHardInquiries3m
        self.source = source
    }

    /// Nothing published.
    public static let unknown = InquiryPolicy()
}

/// An institution a user banks with or a channel has a relationship with: a lower-case id such as `icbc`, `ccb`,
/// `cmb` (the same ids in profiles' `customerOf` and providers' `<access customersOf=…>`).
public struct InstitutionID: RawRepresentable, Hashable, Sendable, Codable, Comparable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Whether `text` is a well-formed id (the same shape as a provider id).
    public static func isValid(_ text: String) -> Bool { ProviderID.isValid(text) }
}

/// Who may apply: anyone, only users the channel has invited (WeChat Weilidai shows an entry to invited users), or
/// only existing customers of named institutions (many bank loans and card instalments).
public struct ProviderAccess: Hashable, Sendable {
    /// Only users the channel has invited may apply.
    public var invitationOnly: Bool
    /// Only customers of these institutions may apply (empty: no such restriction).
    public var customersOf: [InstitutionID]

    public init(invitationOnly: Bool = false, customersOf: [InstitutionID] = []) {
        self.invitationOnly = invitationOnly
        self.customersOf = customersOf
    }

    /// Anyone may apply.
    public static let open = ProviderAccess()
}

/// A public source for a figure.
public struct SourceReference: Hashable, Sendable, Codable {
    public var id: String
    public var url: String
    public var retrieved: CalendarDate?
    public var title: String

    public init(id: String, url: String, retrieved: CalendarDate? = nil, title: String) {
        self.id = id
        self.url = url
        self.retrieved = retrieved
        self.title = title
    }
}

/// Everything a catalog says about one provider (DESIGN "Provider description").
public struct ProviderDescription: Hashable, Sendable {
    public var id: ProviderID
    public var nameEN: String
    public var nameZH: String
    public var operatorName: String
    public var licence: Licence
    public var channel: String
    public var productKind: ProductKind
    public var purposes: [LoanPurpose]
    public var minAmount: Money
    public var maxAmount: Money
    public var terms: [Int]
    public var pricing: [PricingRule]
    public var methods: [RepaymentMethod]
    public var eligibility: EligibilityRules
    public var status: [StatusPeriod]
    public var sources: [SourceReference]
    /// Which source backs which figure: `interest` → `s1`, `limits` → `s2`, …
    public var figureSources: [String: String]
    public var notes: String
    /// Where the description came from (a file path, or `built-in`).
    public var origin: String
    /// Who may apply (invitation-only, existing customers only).
    public var access: ProviderAccess
    /// What applying does to the credit report, and the recent inquiries tolerated.
    public var inquiries: InquiryPolicy
    /// The banks, trusts or finance companies that actually fund the loans (provider XML v2).
    public var fundedBy: [Funder]
    /// The financing-guarantee companies that guarantee the loans (provider XML v2 `guarantor`).
    public var guarantors: [String]
    /// What a late instalment costs (nil: not published).
    public var lateRepayment: LateRepaymentTerms?
    /// Early repayment (nil: not published).
    public var earlyRepayment: EarlyRepaymentTerms?
    /// Last update, where to apply, credit reporting and data sharing (nil: none given).
    public var disclosure: Disclosure?
    /// The provider's own published examples.
    public var representativeExamples: [RepresentativeExample]
    /// Loans the provider made that press or a court documented, with what the borrower repaid.
    public var documentedLoans: [DocumentedLoan]
    /// The basis its file states for a threshold (``thresholdBasis(of:)`` fills in the rest).
    public var thresholdBases: [RuleID: ThresholdBasis]

    public init(
        id: ProviderID,
        nameEN: String,
        nameZH: String,
        operatorName: String,
        licence: Licence,
        channel: String,
        productKind: ProductKind,
        purposes: [LoanPurpose],
        minAmount: Money,
        maxAmount: Money,
        terms: [Int],
        pricing: [PricingRule],
        methods: [RepaymentMethod],
        eligibility: EligibilityRules,
        status: [StatusPeriod],
        sources: [SourceReference] = [],
        figureSources: [String: String] = [:],
        notes: String = "",
        origin: String = "built-in",
        access: ProviderAccess = .open,
        inquiries: InquiryPolicy = .unknown,
        fundedBy: [Funder] = [],
        guarantors: [String] = [],
        lateRepayment: LateRepaymentTerms? = nil,
        earlyRepayment: EarlyRepaymentTerms? = nil,
        disclosure: Disclosure? = nil,
        representativeExamples: [RepresentativeExample] = [],
        documentedLoans: [DocumentedLoan] = [],
        thresholdBases: [RuleID: ThresholdBasis] = [:]
    ) {
        self.documentedLoans = documentedLoans
        self.thresholdBases = thresholdBases
        self.fundedBy = fundedBy
        self.guarantors = guarantors
        self.lateRepayment = lateRepayment
        self.earlyRepayment = earlyRepayment
        self.disclosure = disclosure
        self.representativeExamples = representativeExamples
        self.access = access
        self.inquiries = inquiries
        self.id = id
        self.nameEN = nameEN
        self.nameZH = nameZH
        self.operatorName = operatorName
        self.licence = licence
        self.channel = channel
        self.productKind = productKind
        self.purposes = purposes
        self.minAmount = minAmount
        self.maxAmount = maxAmount
        self.terms = terms
        self.pricing = pricing
        self.methods = methods
        self.eligibility = eligibility
        self.status = status
        self.sources = sources
        self.figureSources = figureSources
        self.notes = notes
        self.origin = origin
    }

    /// The provider's name in both languages.
    public var name: LocalizedName { LocalizedName(en: nameEN, zh: nameZH) }

    /// The kinds of lender whose money the borrower gets, which the legal caps and the rulebook bind: the licence
    /// kind of a lender; for a platform or a guarantor, its funders' kinds (every kind that funds platforms when
    /// they are not named or of unknown kind), in a stable order without repeats.
    public var lendingKinds: [LicenceKind] {
        guard !licence.kind.lends, licence.kind != .none else { return [licence.kind] }
        var kinds: [LicenceKind] = []
        for funder in fundedBy {
            for kind in funder.kind.lenderKinds where !kinds.contains(kind) { kinds.append(kind) }
        }
        return kinds.isEmpty ? LicenceKind.platformFunders : kinds
    }

    /// Whether a purpose is one the provider serves: a purpose it lists, or a cash use (education, medical,
    /// debt repayment, business, and the purposes the rulebook bans) from a provider that lends cash.
    public func serves(_ purpose: LoanPurpose) -> Bool {
        purposes.contains(purpose) || (purpose.isCashUse && purposes.contains(.cash))
    }

    /// The state on a date: the last period covering it; no period → not yet open (suspended).
    public func state(on date: CalendarDate) -> ProviderState {
        status.last { $0.covers(date) }?.state ?? .suspended
    }

    /// The price list for a term: the rule naming it, else the rule with no terms (any date).
    public func pricingRule(forTerm term: Int) -> PricingRule? {
        pricing.first { $0.terms?.contains(term) == true } ?? pricing.first { $0.terms == nil }
    }

    /// The price list for a term in force on `date`: among the rules covering the date, the one naming the term,
    /// else the one with no terms. Nil when no price list covers the date: the terms of that date are unknown.
    public func pricingRule(forTerm term: Int, on date: CalendarDate) -> PricingRule? {
        let current = pricing.filter { $0.covers(date) }
        return current.first { $0.terms?.contains(term) == true } ?? current.first { $0.terms == nil }
    }

    /// The nominal annual interest-and-fee range over all price lists, in percent, before fees at disbursement:
    /// for `providers list`. Interest and per-period fees are annualised ×360/×365/×12; total fees are spread per year.
    public var headlineAnnualRange: (min: Decimal, max: Decimal)? {
        var lows: [Decimal] = []
        var highs: [Decimal] = []
        for rule in pricing {
            let terms = rule.terms ?? self.terms
            let termMonths = Decimal(terms.max() ?? 12)
            func annual(_ position: Decimal) -> Decimal {
                var value = rule.interest.pricing(atRisk: position).nominalAnnual.percent
                switch rule.installmentFee?.fee(atRisk: position) {
                case .perPeriod(let rate): value += rate.percent * 12
                case .total(let rate): value += rate.percent * 12 / termMonths
                case nil: break
                }
                return value
            }
            lows.append(annual(0))
            highs.append(annual(1))
        }
        guard let low = lows.min(), let high = highs.max() else { return nil }
        return (low.roundedHalfUp(scale: 2), high.roundedHalfUp(scale: 2))
    }
}
