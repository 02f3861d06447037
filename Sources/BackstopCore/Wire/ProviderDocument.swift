public import Foundation

extension ProviderDescription {
    /// The range of nominal APRs (percent, 2 decimals) this provider's published prices give for a sample amount
    /// (¥10,000 clamped to its limits) over the offered terms with its first repayment method: the best profile
    /// at the low end, the riskiest at the high end, with the price lists in force on `date`. Fees are included; nil
    /// when nothing can be priced (no price list in force on the date: the prices of that date are unknown). Every term
    /// of a price list with up to 12 terms is priced, and 12 of a longer one (see ``sampled(_:by:)``).
    public func aprRange(on date: CalendarDate) -> (min: Decimal, max: Decimal)? {
        let sample = max(minAmount, min(maxAmount, Money(minorUnits: 1_000_000, currency: minAmount.currency)))
        guard let firstMethod = methods.first else { return nil }
        var low: Decimal?
        var high: Decimal?
        let rule = { (term: Int) in pricingRule(forTerm: term, on: date) }
        for term in Self.sampled(terms, by: rule) {
            guard let rule = rule(term) else { continue }
            let method = rule.method ?? firstMethod
            for position: Decimal in [0, 1] {
                let terms = LoanTerms(
                    amount: sample,
                    termMonths: term,
                    pricing: rule.pricing(atRisk: position),
                    method: method,
                    startDate: date
                )
                guard let quote = try? CostEngine.quote(terms) else { continue }
                low = Swift.min(low ?? quote.nominalAPR, quote.nominalAPR)
                high = Swift.max(high ?? quote.nominalAPR, quote.nominalAPR)
            }
        }
        guard let low, let high else { return nil }
        return (low, high)
    }

    /// The terms priced for the range: every term of a price list with at most ``maximumSampledTerms`` terms; for a
    /// longer one its shortest, its longest and evenly spaced terms between, so the work per provider is bounded
    /// (500 providers offering all 360 terms would otherwise mean 360,000 schedules of up to 360 rows each).
    static func sampled(_ terms: [Int], by rule: (Int) -> PricingRule?) -> [Int] {
        var groups: [PricingRule: [Int]] = [:]
        var order: [PricingRule] = []
        for term in terms.sorted() {
            guard let priced = rule(term) else { continue }
            if groups[priced] == nil { order.append(priced) }
            groups[priced, default: []].append(term)
        }
        return order.flatMap { priced -> [Int] in
            let group = groups[priced] ?? []
            guard group.count > maximumSampledTerms else { return group }
            let last = group.count - 1
            return (0..<maximumSampledTerms).map { group[$0 * last / (maximumSampledTerms - 1)] }
        }
    }

    /// Terms priced per price list for ``aprRange(on:)``.
    static let maximumSampledTerms = 12
}

/// The JSON form of a provider (`backstop providers show --format json`, `GET /v1/providers/{id}`).
public struct ProviderDocument: Codable, Sendable, Hashable {
    public struct Names: Codable, Sendable, Hashable {
        public let en: String
        public let zh: String
    }

    public struct Limits: Codable, Sendable, Hashable {
        public let currency: String
        public let min: Money
        public let max: Money
    }

    public struct RateRangeDocument: Codable, Sendable, Hashable {
        public let kind: String
        public let dayCount: String?
        public let minPercent: Decimal?
        public let maxPercent: Decimal?
    }

    public struct PricingDocument: Codable, Sendable, Hashable {
        public let terms: [Int]?
        public let interest: RateRangeDocument
        public let installmentFee: RateRangeDocument?
        public let interestFreeDays: Int
        public let upfrontFeePercent: Decimal?
        public let upfrontFeeAmount: Money?
        public let monthlyMembershipFee: Money?
        /// The first day these prices apply (absent: since before any date Backstop prices).
        public let from: CalendarDate?
        /// The last day these prices apply, inclusive (absent: still in force).
        public let until: CalendarDate?
        /// Typed fees (provider XML v2; absent when none).
        public let fees: [FeeDocument]?
        /// Interest tiers (absent when none).
        public let tiers: [TierDocument]?
        /// Promotions (absent when none).
        public let promotions: [PromotionDocument]?
    }

    /// A typed fee as published: the figure is `percent` (a single one), `minPercent`/`maxPercent` (a range) or
    /// `amount`; none when the status is `unknown` or `none`.
    public struct FeeDocument: Codable, Sendable, Hashable {
        public let kind: FeeKind
        public let basis: FeeBasis
        public let per: FeeFrequency
        public let minPercent: Decimal?
        public let maxPercent: Decimal?
        public let amount: Money?
        public let min: Money?
        public let max: Money?
        public let receiver: FeeReceiver?
        public let mandatory: Bool
        public let pushed: Bool
        public let status: FigureStatus
        public let label: String?
        public let source: String?

        public init(_ fee: FeeRule) {
            kind = fee.kind
            basis = fee.basis
            per = fee.per
            switch fee.figure {
            case .percent(let low, let high)?:
                minPercent = low
                maxPercent = high
                amount = nil
            case .amount(let money)?:
                minPercent = nil
                maxPercent = nil
                amount = money
            case nil:
                minPercent = nil
                maxPercent = nil
                amount = nil
            }
            min = fee.minCharge
            max = fee.maxCharge
            receiver = fee.receiver
            mandatory = fee.mandatory
            pushed = fee.pushed
            status = fee.status
            label = fee.label
            source = fee.source
        }
    }

    public struct TierDocument: Codable, Sendable, Hashable {
        public let terms: [Int]?
        public let minAmount: Money?
        public let maxAmount: Money?
        public let minScore: Int?
        public let maxScore: Int?
        public let grade: String?
        public let minPercent: Decimal
        public let maxPercent: Decimal
    }

    public struct PromotionDocument: Codable, Sendable, Hashable {
        public let name: Names
        /// `interest-free-days` or `interest-discount`.
        public let kind: String
        public let days: Int?
        public let percent: Decimal?
        public let audience: PromotionAudience
        public let from: CalendarDate?
        public let until: CalendarDate?
    }

    /// Late and early repayment terms, funders and disclosure (provider XML v2).
    public struct TermsDocument: Codable, Sendable, Hashable {
        public let lateGraceDays: Int?
        /// `+50%` (a markup on the contract rate), a rate (`0.05%/day actual/360`), or the status.
        public let latePenalty: String?
        public let lateFees: [FeeDocument]?
        public let earlyAllowed: TriState?
        public let earlyFromMonth: Int?
        public let earlyRefundsInterest: TriState?
        public let earlyRefundsFees: TriState?
        public let earlyFees: [FeeDocument]?
    }

    public struct FunderDocument: Codable, Sendable, Hashable {
        public let name: String
        public let kind: FunderKind
    }

    public struct DisclosureDocument: Codable, Sendable, Hashable {
        public let lastUpdated: CalendarDate
        public let applicationChannel: String?
        public let applicationUrl: String?
        public let reportsToCreditReference: YesNoUnknown
        public let sharesDataWith: [DataRecipient]?
    }

    public struct ExampleDocument: Codable, Sendable, Hashable {
        public let date: CalendarDate
        public let amount: Money
        public let termMonths: Int
        public let totalRepayable: Money
        public let aprPercent: Decimal
        public let firstInstallment: Money?
    }

    /// Who may apply.
    public struct AccessDocument: Codable, Sendable, Hashable {
        /// Only users the channel has invited may apply.
        public let invitationOnly: Bool
        /// Only existing customers of these institutions may apply (empty: no such restriction).
        public let customersOf: [InstitutionID]
    }

    /// What applying does to the user's credit report (`unknown` counts as a hard inquiry).
    public struct InquiriesDocument: Codable, Sendable, Hashable {
        public let application: InquiryKind
        public let limitCheck: InquiryKind
        /// The most hard inquiries in the last 3 months the provider is documented to accept.
        public let maxHardInquiries3m: Int?
        /// The source id backing these figures (one of ``sources``).
        public let source: String?
    }

    public struct EligibilityDocument: Codable, Sendable, Hashable {
        public let minCreditScore: Int?
        public let maxOverdueCount12m: Int?
        public let maxOverdueCount24m: Int?
        public let maxDaysPastDue: Int?
        public let noCurrentOverdue: Bool
        public let identityVerified: Bool
        public let minAge: Int?
        public let maxAge: Int?
        public let minMonthlyIncome: Money?
        public let maxDebtToIncomePercent: Decimal?
        public let requiresAccount: [String]
        public let excludedWhen: [String]
        /// Where each of the lender's thresholds comes from, by rule (`minCreditScore` → `estimate`): `published`,
        /// `reported` or Backstop's `estimate`. Absent when the provider states no threshold.
        public let basis: [String: ThresholdBasis]?
    }

    /// A loan the provider made, documented by press, a regulator or a court, with Backstop's all-in APR.
    public struct DocumentedLoanDocument: Codable, Sendable, Hashable {
        public let month: YearMonth
        public let amount: Money
        public let termMonths: Int
        public let installment: Money
        /// Backstop's all-in APR of the instalments (12 × the monthly IRR), percent.
        public let aprPercent: Decimal?
        public let statedAPRPercent: Decimal?
        public let source: String
    }

    public let id: String
    public let name: Names
    public let `operator`: String
    public let licence: Licence
    public let licensed: Bool
    public let channel: String
    public let product: String
    public let purposes: [LoanPurpose]
    public let limits: Limits
    public let terms: [Int]
    public let pricing: [PricingDocument]
    public let repayment: [RepaymentMethod]
    public let eligibility: EligibilityDocument
    public let access: AccessDocument
    public let inquiries: InquiriesDocument
    public let status: [StatusPeriod]
    /// The state on the date the document was made.
    public let state: ProviderState
    public let stateDate: CalendarDate
    /// Nominal APR range in percent for a ¥10,000 sample (see ``ProviderDescription/aprRange(on:)``).
    public let aprMin: Decimal?
    public let aprMax: Decimal?
    public let sources: [SourceReference]
    public let figureSources: [String: String]
    public let notes: String
    /// Provider XML v2, each absent when the provider says nothing of it: the funders, late and early repayment,
    /// disclosure, representative examples.
    public let fundedBy: [FunderDocument]?
    /// The financing-guarantee companies that guarantee the loans (absent: none named).
    public let guarantors: [String]?
    public let repaymentTerms: TermsDocument?
    public let disclosure: DisclosureDocument?
    public let representativeExamples: [ExampleDocument]?
    /// Loans the provider made that a report documents (absent: none).
    public let documentedLoans: [DocumentedLoanDocument]?

    public init(_ p: ProviderDescription, on date: CalendarDate) {
        id = p.id.rawValue
        name = Names(en: p.nameEN, zh: p.nameZH)
        self.operator = p.operatorName
        licence = p.licence
        licensed = p.licence.isLicensed
        channel = p.channel
        product = p.productKind.rawValue
        purposes = p.purposes
        limits = Limits(currency: p.minAmount.currency.code, min: p.minAmount, max: p.maxAmount)
        terms = p.terms
        pricing = p.pricing.map { rule in
            let interest: RateRangeDocument
            switch rule.interest {
            case .none: interest = RateRangeDocument(kind: "none", dayCount: nil, minPercent: nil, maxPercent: nil)
            case .daily(let r, let dayCount):
                interest = RateRangeDocument(
                    kind: "daily",
                    dayCount: dayCount.rawValue,
                    minPercent: r.min.percent,
                    maxPercent: r.max.percent
                )
            case .monthly(let r):
                interest = RateRangeDocument(
                    kind: "monthly",
                    dayCount: nil,
                    minPercent: r.min.percent,
                    maxPercent: r.max.percent
                )
            case .annual(let r):
                interest = RateRangeDocument(
                    kind: "annual",
                    dayCount: nil,
                    minPercent: r.min.percent,
                    maxPercent: r.max.percent
                )
            }
            var fee: RateRangeDocument?
            switch rule.installmentFee {
            case .perPeriod(let r):
                fee = RateRangeDocument(
                    kind: "per-period",
                    dayCount: nil,
                    minPercent: r.min.percent,
                    maxPercent: r.max.percent
                )
            case .total(let r):
                fee = RateRangeDocument(
                    kind: "total",
                    dayCount: nil,
                    minPercent: r.min.percent,
                    maxPercent: r.max.percent
                )
            case nil: fee = nil
            }
            var percent: Decimal?
            var amount: Money?
            switch rule.upfrontFee {
            case .percent(let value): percent = value
            case .fixed(let value): amount = value
            case nil: break
            }
            return PricingDocument(
                terms: rule.terms,
                interest: interest,
                installmentFee: fee,
                interestFreeDays: rule.interestFreeDays,
                upfrontFeePercent: percent,
                upfrontFeeAmount: amount,
                monthlyMembershipFee: rule.monthlyMembershipFee,
                from: rule.from,
                until: rule.until,
                fees: rule.fees.isEmpty ? nil : rule.fees.map(FeeDocument.init),
                tiers: rule.tiers.isEmpty
                    ? nil
                    : rule.tiers.map {
                        TierDocument(
                            terms: $0.terms,
                            minAmount: $0.minAmount,
                            maxAmount: $0.maxAmount,
                            minScore: $0.minScore,
                            maxScore: $0.maxScore,
                            grade: $0.grade,
                            minPercent: $0.minPercent,
                            maxPercent: $0.maxPercent
                        )
                    },
                promotions: rule.promotions.isEmpty
                    ? nil
                    : rule.promotions.map { promotion in
                        var days: Int?
                        var percent: Decimal?
                        switch promotion.benefit {
                        case .interestFreeDays(let value): days = value
                        case .interestDiscount(let value): percent = value
                        }
                        return PromotionDocument(
                            name: Names(en: promotion.name.en, zh: promotion.name.zh),
                            kind: days != nil ? "interest-free-days" : "interest-discount",
                            days: days,
                            percent: percent,
                            audience: promotion.audience,
                            from: promotion.from,
                            until: promotion.until
                        )
                    }
            )
        }
        repayment = p.methods
        let e = p.eligibility
        eligibility = EligibilityDocument(
            minCreditScore: e.minCreditScore,
            maxOverdueCount12m: e.maxOverdueCount12m,
            maxOverdueCount24m: e.maxOverdueCount24m,
            maxDaysPastDue: e.maxDaysPastDue,
            noCurrentOverdue: e.noCurrentOverdue,
            identityVerified: e.identityVerified,
            minAge: e.minAge,
            maxAge: e.maxAge,
            minMonthlyIncome: e.minMonthlyIncome,
            maxDebtToIncomePercent: e.maxDebtToIncomePercent,
            requiresAccount: e.requiredAccounts.map(\.rawValue),
            excludedWhen: e.excludedWhen.map(\.rawValue),
            basis: p.thresholdRules.isEmpty
                ? nil
                : Dictionary(
                    uniqueKeysWithValues: p.thresholdRules.compactMap { rule in
                        p.thresholdBasis(of: rule).map { (rule.rawValue, $0) }
                    }
                )
        )
        access = AccessDocument(invitationOnly: p.access.invitationOnly, customersOf: p.access.customersOf)
        inquiries = InquiriesDocument(
            application: p.inquiries.application,
            limitCheck: p.inquiries.limitCheck,
            maxHardInquiries3m: p.inquiries.maxHardInquiries3m,
            source: p.inquiries.source
        )
        status = p.status
        state = p.state(on: date)
        stateDate = date
        let range = p.aprRange(on: date)
        aprMin = range?.min
        aprMax = range?.max
        sources = p.sources
        figureSources = p.figureSources
        notes = p.notes
        fundedBy = p.fundedBy.isEmpty ? nil : p.fundedBy.map { FunderDocument(name: $0.name, kind: $0.kind) }
        guarantors = p.guarantors.isEmpty ? nil : p.guarantors
        if p.lateRepayment != nil || p.earlyRepayment != nil {
            let penalty: String? = p.lateRepayment.map { late in
                switch late.penalty?.rate {
                case .markup(let percent)?: "+\(percent)%"
                case .absolute(let rate)?: rate.wireText
                case nil: late.penalty?.status.rawValue ?? "unknown"
                }
            }
            repaymentTerms = TermsDocument(
                lateGraceDays: p.lateRepayment?.graceDays,
                latePenalty: penalty,
                lateFees: p.lateRepayment.map { $0.fees.map(FeeDocument.init) },
                earlyAllowed: p.earlyRepayment?.allowed,
                earlyFromMonth: p.earlyRepayment?.fromMonth,
                earlyRefundsInterest: p.earlyRepayment?.refundsInterest,
                earlyRefundsFees: p.earlyRepayment?.refundsFees,
                earlyFees: p.earlyRepayment.map { $0.fees.map(FeeDocument.init) }
            )
        } else {
            repaymentTerms = nil
        }
        disclosure = p.disclosure.map {
            DisclosureDocument(
                lastUpdated: $0.lastUpdated,
                applicationChannel: $0.applicationChannel,
                applicationUrl: $0.applicationURL,
                reportsToCreditReference: $0.reportsToCreditReference,
                sharesDataWith: $0.sharesDataWith
            )
        }
        representativeExamples =
            p.representativeExamples.isEmpty
            ? nil
            : p.representativeExamples.map {
                ExampleDocument(
                    date: $0.date,
                    amount: $0.amount,
                    termMonths: $0.termMonths,
                    totalRepayable: $0.totalRepayable,
                    aprPercent: $0.aprPercent,
                    firstInstallment: $0.firstInstallment
                )
            }
        documentedLoans =
            p.documentedLoans.isEmpty
            ? nil
            : p.documentedLoans.map {
                DocumentedLoanDocument(
                    month: $0.month,
                    amount: $0.amount,
                    termMonths: $0.termMonths,
                    installment: $0.installment,
                    aprPercent: $0.aprPercent,
                    statedAPRPercent: $0.statedAPRPercent,
                    source: $0.source
                )
            }
    }
}
