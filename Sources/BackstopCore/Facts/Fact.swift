public import Foundation

/// A fact Backstop states: a stable code and its typed parameters. The core never builds a sentence; the
/// presentation layer (`BackstopPresentation`) renders each fact in Simplified Chinese or English, and the wire format
/// carries the code, the parameters and the rendered message side by side.
public struct Fact: Hashable, Sendable {
    public var code: FactCode
    /// Named parameters; the wire format writes them as a JSON object (numbers for counts, amounts and percents,
    /// strings for codes and dates).
    public var params: [String: FactValue]

    public init(_ code: FactCode, _ params: [String: FactValue] = [:]) {
        self.code = code
        self.params = params
    }

    /// A parameter by name.
    public subscript(_ name: String) -> FactValue? { params[name] }
}

/// A typed parameter of a ``Fact``.
public enum FactValue: Hashable, Sendable {
    case int(Int)
    case money(Money)
    /// A percentage: 15.86 is 15.86%.
    case percent(Decimal)
    /// A plain decimal number (a risk position, a ratio).
    case decimal(Decimal)
    case date(CalendarDate)
    /// A month of the calendar (the month a late instalment fell due).
    case month(YearMonth)
    /// Text shown as it is (an error message from a plugin, an id).
    case text(String)
    case provider(ProviderID)
    /// A name in both languages (a provider's, a cap's).
    case name(LocalizedName)
    case account(PlatformAccount)
    case purpose(LoanPurpose)
    case identity(IdentityStatus)
    case serviceState(ServiceState)
    case providerState(ProviderState)
    case service(PrimaryService)
    case reason(ClosureReason)
    case licence(LicenceKind)
    case method(RepaymentMethod)
    case likelihood(Likelihood)
    case field(ProfileField)
    case rule(RuleID)
    case institution(InstitutionID)
    case inquiry(InquiryKind)
    case interest(InterestPricing)
    case installmentFee(InstallmentFee)
    /// A kind of fee (guarantee, insurance…).
    case fee(FeeKind)
    case list([FactValue])
}

/// A name in English and Simplified Chinese.
public struct LocalizedName: Hashable, Sendable, Codable {
    public var en: String
    public var zh: String

    public init(en: String, zh: String) {
        self.en = en
        self.zh = zh
    }
}

/// A profile signal a rule or a diagnosis reads (wire names).
public enum ProfileField: String, WireEnum, Hashable {
    case age
    case creditScore
    case creditScore90DaysAgo
    case repayment
    case overdueCount12m = "repayment.overdueCount12m"
    case overdueCount24m = "repayment.overdueCount24m"
    case worstDaysPastDue = "repayment.worstDaysPastDue"
    case currentOverdueAmount = "repayment.currentOverdueAmount"
    case cashOutFlags12m
    case identity
    case monthlyIncome
    case monthlyDebtPayments
    case accounts
    case student
    case enrolled
    case employment
    case hardInquiries
    case overdueEvents
    case customerOf
    case invitedBy
    /// What the user owes each lender now (per-borrower limits).
    case outstandingBalances
}

/// A rule a provider applies, named as in the provider XML and the wire format's `rule` field; each knows the
/// profile fields it reads.
public enum RuleID: String, WireEnum, Hashable {
    case status
    case purpose
    case amountLimits
    case minAmount
    case maxAmount
    case pricing
    case maxMonthlyPayment
    case maxDebtToIncome
    case minCreditScore
    case maxOverdueCount12m
    case maxOverdueCount24m
    case maxDaysPastDue
    case noCurrentOverdue
    case identityVerified
    case age
    case minMonthlyIncome
    case requiresAccount
    case excludedWhenCashOut = "excludedWhen:cash-out"
    case excludedWhenIdentityAbnormal = "excludedWhen:identity-abnormal"
    case licensed
    case legalCap
    case serviceState
    /// Lender kinds barred from lending to a protected group (students).
    case protectedGroup
    /// The provider's documented tolerance of hard inquiries in the last 3 months.
    case maxHardInquiries3m
    /// Only existing customers of the institution may apply.
    case customersOnly
    /// Only users the channel has invited may apply.
    case invitationOnly
    /// The offer's term must be the one asked for (`--exact-term`).
    case exactTerm
    /// Backstop's own limit on debt service: existing debts plus the new payment over income.
    case debtService
    /// The rulebook: no credit below the age of majority (or a lender kind's legal minimum).
    case ageOfMajority
    /// The rulebook: credit may not fund the purpose asked for.
    case purposeBanned
    /// The rulebook: a business loan only for a business, to a business owner.
    case businessOnly
    /// The rulebook: the most one borrower may owe one lender of the kind.
    case perBorrowerLimit
    /// A loan the channel made, documented by press or a court, cost more than a cap binding it then and now.
    case documentedLoanAboveCap

    /// The profile fields the rule reads (empty for rules on the request or the provider).
    public var fields: [ProfileField] {
        switch self {
        case .minCreditScore: [.creditScore]
        case .maxOverdueCount12m: [.overdueCount12m]
        case .maxOverdueCount24m: [.overdueCount24m]
        case .maxDaysPastDue: [.worstDaysPastDue]
        case .noCurrentOverdue: [.currentOverdueAmount]
        case .identityVerified, .excludedWhenIdentityAbnormal: [.identity]
        case .age: [.age]
        case .minMonthlyIncome: [.monthlyIncome]
        case .maxDebtToIncome: [.monthlyIncome, .monthlyDebtPayments]
        case .requiresAccount: [.accounts]
        case .excludedWhenCashOut: [.cashOutFlags12m]
        case .protectedGroup: [.student]
        case .maxHardInquiries3m: [.hardInquiries]
        case .customersOnly: [.customerOf]
        case .invitationOnly: [.invitedBy]
        case .debtService: [.monthlyIncome, .monthlyDebtPayments]
        case .ageOfMajority: [.age]
        case .businessOnly: [.employment]
        case .perBorrowerLimit: [.outstandingBalances]
        case .purposeBanned, .documentedLoanAboveCap: []
        case .exactTerm,
            .status, .purpose, .amountLimits, .minAmount, .maxAmount, .pricing, .maxMonthlyPayment, .licensed,
            .legalCap, .serviceState:
            []
        }
    }
}

/// Where a fact appears in an answer; the wire format's code lists are grouped by it.
public enum FactCategory: String, Sendable, CaseIterable {
    /// Evidence of a closure reason.
    case evidence
    /// A diagnosis summary.
    case summary
    /// What a rule found.
    case rule
    /// What would make a failed rule pass.
    case fix
    /// A warning about an offer or the answer.
    case warning
    /// A recovery step.
    case step
    /// A change the what-if assumes.
    case assumption
    /// How an offer was priced.
    case note
    /// Why an alternative is listed, and what limits its odds.
    case why
    /// The application plan: which channel to try, in what order, and when.
    case plan
    /// Where a rate stands against the legal caps (`quote`, `apr`).
    case legality
    /// When a closed service or a refused provider may reopen (the what-if's headline per service or provider).
    case reopening
    /// What a reopening date waits for, or why no date can be given.
    case basis
    /// A scam warning of the recovery plan.
    case scam
}

/// Every fact Backstop states. Stable, kebab-case: a contract with the wire format (docs/openapi.yaml lists them).
public enum FactCode: String, WireEnum, Hashable {
    // Evidence of a closure reason.
    case evidenceScore = "evidence-score"
    case evidenceLateRepayment = "evidence-late-repayment"
    case evidenceCashOut = "evidence-cash-out"
    case evidenceIdentity = "evidence-identity"
    case evidenceThinFile = "evidence-thin-file"
    case evidenceAge = "evidence-age"

    // Diagnosis summaries.
    case summaryReportedNoReason = "summary-reported-no-reason"
    case summaryReportedWithReasons = "summary-reported-with-reasons"
    case summaryReportedOpenAtRisk = "summary-reported-open-at-risk"
    case summaryReportedOpen = "summary-reported-open"
    /// Reported closed or restricted, but the reasons found do not explain it (``ServiceDiagnosis/crossChecked(_:)``).
    case summaryReportedUnexplained = "summary-reported-unexplained"
    case summaryLikelyOpenWithUnknowns = "summary-likely-open-with-unknowns"
    case summaryLikelyOpen = "summary-likely-open"
    case summaryLikelyNotOpen = "summary-likely-not-open"

    // Rules.
    case ruleStatusOpen = "rule-status-open"
    case ruleStatusNotOpen = "rule-status-not-open"
    case rulePurposeServed = "rule-purpose-served"
    case rulePurposeNotServed = "rule-purpose-not-served"
    case ruleAmountWithinLimits = "rule-amount-within-limits"
    case ruleAmountAboveMax = "rule-amount-above-max"
    case ruleAmountBelowMin = "rule-amount-below-min"
    case ruleNoPriceForTerm = "rule-no-price-for-term"
    /// The provider prices the term, but no price list is in force on the date: its prices then are unknown.
    case ruleNoPriceOnDate = "rule-no-price-on-date"
    case rulePaymentWithinCeiling = "rule-payment-within-ceiling"
    case rulePaymentAboveCeiling = "rule-payment-above-ceiling"
    case ruleDebtToIncome = "rule-debt-to-income"
    case ruleCreditScore = "rule-credit-score"
    case ruleOverdueCount12m = "rule-overdue-count-12m"
    case ruleOverdueCount24m = "rule-overdue-count-24m"
    case ruleWorstDaysPastDue = "rule-worst-days-past-due"
    case ruleNothingOverdue = "rule-nothing-overdue"
    case ruleOverdueNow = "rule-overdue-now"
    case ruleIdentityVerified = "rule-identity-verified"
    case ruleIdentityNotVerified = "rule-identity-not-verified"
    case ruleAge = "rule-age"
    case ruleIncome = "rule-income"
    case ruleAccountHeld = "rule-account-held"
    case ruleAccountMissing = "rule-account-missing"
    case ruleNoCashOut = "rule-no-cash-out"
    case ruleCashOutFlags = "rule-cash-out-flags"
    case ruleIdentityNotFlagged = "rule-identity-not-flagged"
    case ruleIdentityFlagged = "rule-identity-flagged"
    case ruleSignalUnknown = "rule-signal-unknown"
    case ruleUnlicensed = "rule-unlicensed"
    case ruleAboveLegalCap = "rule-above-legal-cap"
    case ruleServiceState = "rule-service-state"
    case ruleStudentBarred = "rule-student-barred"
    case ruleHardInquiries = "rule-hard-inquiries"
    case ruleCustomersOnly = "rule-customers-only"
    case ruleInvitationOnly = "rule-invitation-only"
    case ruleTermDiffers = "rule-term-differs"
    /// The borrower is under the rulebook's minimum age (the age of majority): no credit from any lender.
    case ruleUnderAge = "rule-under-age"
    /// The rulebook bans credit of this kind for the purpose asked for.
    case rulePurposeBanned = "rule-purpose-banned"
    /// A business loan asked for another purpose, or by someone who is not a business owner.
    case ruleBusinessOnly = "rule-business-only"
    /// The new loan and what the user already owes the lender exceed the rulebook's per-borrower limit.
    case rulePerBorrowerLimit = "rule-per-borrower-limit"
    /// A loan the channel made cost more than a cap binding it then and now.
    case ruleDocumentedLoanAboveCap = "rule-documented-loan-above-cap"
    /// The profile says its income is zero: no payment is within any share of it.
    case ruleNoIncome = "rule-no-income"

    // Fixes.
    case fixReopensOn = "fix-reopens-on"
    case fixNoReopeningAnnounced = "fix-no-reopening-announced"
    case fixUseForPurpose = "fix-use-for-purpose"
    case fixBorrowAtMost = "fix-borrow-at-most"
    case fixBorrowAtLeast = "fix-borrow-at-least"
    case fixChooseTerm = "fix-choose-term"
    case fixPricesUnknownForDate = "fix-prices-unknown-for-date"
    case fixBorrowLessOrLonger = "fix-borrow-less-or-longer"
    case fixKeepPaymentUnder = "fix-keep-payment-under"
    case fixReduceDebtsBelow = "fix-reduce-debts-below"
    case fixRaiseScore = "fix-raise-score"
    case fixWaitOverdue12m = "fix-wait-overdue-12m"
    case fixWaitOverdue24m = "fix-wait-overdue-24m"
    case fixCleanRecordDays = "fix-clean-record-days"
    case fixRepayOverdue = "fix-repay-overdue"
    case fixCompleteVerification = "fix-complete-verification"
    case fixWaitUntilAge = "fix-wait-until-age"
    case fixAboveMaximumAge = "fix-above-maximum-age"
    case fixIncomeAtLeast = "fix-income-at-least"
    case fixOpenAccount = "fix-open-account"
    case fixCompliantUse = "fix-compliant-use"
    case fixReverifyIdentity = "fix-reverify-identity"
    case fixUseLicensedChannel = "fix-use-licensed-channel"
    case fixNoneAboveCap = "fix-none-above-cap"
    /// Nothing the borrower can change: the channel's documented loans cost more than a binding cap.
    case fixNoneDocumentedLoan = "fix-none-documented-loan"
    case fixFollowRecoveryPlan = "fix-follow-recovery-plan"
    case fixContactOfficialService = "fix-contact-official-service"
    case fixNotAvailable = "fix-not-available"
    case fixNoneStudentBarred = "fix-none-student-barred"
    case fixWaitForInquiries = "fix-wait-for-inquiries"
    case fixBecomeCustomer = "fix-become-customer"
    case fixWaitForInvitation = "fix-wait-for-invitation"
    case fixAskExactTerm = "fix-ask-exact-term"
    /// Nothing changes it before the borrower is of age; what a minor can do instead.
    case fixWaitUntilAdult = "fix-wait-until-adult"
    /// What is lawful instead of a banned purpose (a mortgage through a bank; no borrowing to invest).
    case fixLawfulAlternative = "fix-lawful-alternative"
    /// A business loan is for running a business: for other needs, a consumer loan.
    case fixBusinessLoanForBusiness = "fix-business-loan-for-business"
    /// Borrow at most what the per-borrower limit leaves.
    case fixWithinBorrowerLimit = "fix-within-borrower-limit"
    /// No repayment fits without an income: a loan now would be repaid with more debt.
    case fixNoIncome = "fix-no-income"

    // Warnings.
    case highCost = "high-cost"
    case aboveCourtCeiling = "above-court-ceiling"
    case aboveFinancialCourtLevel = "above-financial-court-level"
    case debtService = "debt-service"
    case unlicensedRefused = "unlicensed-refused"
    case aboveLegalCap = "above-legal-cap"
    case unknownSignals = "unknown-signals"
    case providerFailed = "provider-failed"
    case serviceAtRisk = "service-at-risk"
    case duplicateProvider = "duplicate-provider"
    case noLegalCaps = "no-legal-caps"
    case studentProtected = "student-protected"
    case unrecognizedProfileFields = "unrecognized-profile-fields"
    case manyRecentInquiries = "many-recent-inquiries"
    /// A mandatory fee of the offer is not published: its total cost and APR leave it out.
    case costIncomplete = "cost-incomplete"
    /// An optional fee the channel is known to push (pre-ticked, "faster approval").
    case optionalFeePushed = "optional-fee-pushed"
    /// The borrower is under the age of majority: no lender may give them credit (the rulebook's rule and source).
    case minorProtected = "minor-protected"
    /// The purpose asked for may not be funded with credit of these kinds: why, and what is lawful instead.
    case purposeBanned = "purpose-banned"
    /// The purpose is a business, and these offers are consumer credit, which may not fund a business.
    case consumerCreditForBusiness = "consumer-credit-for-business"
    /// Borrowing to repay debts: do not, and the lawful alternatives (a negotiated arrangement with the creditor).
    case debtRepaymentAdvice = "debt-repayment-advice"
    /// The catalog has no rulebook rules: ages, purposes and per-borrower limits are not checked.
    case noRulebook = "no-rulebook"

    // Recovery steps.
    case stepRepayOverdueNow = "step-repay-overdue-now"
    case stepKeepRepaymentRecord = "step-keep-repayment-record"
    case stepRebuildScore = "step-rebuild-score"
    case stepCompliantUse = "step-compliant-use"
    case stepFixIdentity = "step-fix-identity"
    case stepFollowOfficialNotices = "step-follow-official-notices"
    case stepKeepLicensedBackup = "step-keep-licensed-backup"
    case stepResolveIdentityReport = "step-resolve-identity-report"
    case stepOverdueRecordDates = "step-overdue-record-dates"
    case stepOverdueCountsUndated = "step-overdue-counts-undated"
    case stepBuildRecord = "step-build-record"
    case stepAgeLimit = "step-age-limit"
    case stepContactOfficialService = "step-contact-official-service"
    case stepVerifyIdentityBeforeBorrowing = "step-verify-identity-before-borrowing"
    case stepNoLicensedChannelNow = "step-no-licensed-channel-now"
    /// Overdue and unable to repay in full: ask the creditor for a repayment arrangement (个性化分期 for a card).
    case stepAskForRepaymentArrangement = "step-ask-for-repayment-arrangement"
    /// Identity theft: report it to the police (公安机关).
    case stepReportToPolice = "step-report-to-police"
    /// Get the credit report (free from the PBoC Credit Reference Center) and look for what is not yours.
    case stepCheckCreditReport = "step-check-credit-report"
    /// Dispute (征信异议) the records that are not yours: answered within 20 days.
    case stepDisputeRecords = "step-dispute-records"
    /// Ask the lenders an impostor borrowed from to stop collecting from you.
    case stepAskLendersStopCollection = "step-ask-lenders-stop-collection"
    /// A cash-out flag that is wrong: appeal through the in-app customer service with evidence.
    case stepAppealCashOutFlag = "step-appeal-cash-out-flag"

    // What-if assumptions.
    case assumeNothingOverdue = "assume-nothing-overdue"
    case assumeNoLatePayments = "assume-no-late-payments"
    case assumeScore = "assume-score"
    case assumeNoCashOut = "assume-no-cash-out"
    case assumeIdentityVerified = "assume-identity-verified"
    case assumeOperatorsDecide = "assume-operators-decide"

    // When a closed service or a refused provider may reopen.
    case reopenFrom = "reopen-from"
    case reopenNotPredictable = "reopen-not-predictable"

    // What a reopening date waits for, or why there is none.
    case afterOverdueRepaid = "after-overdue-repaid"
    case afterIdentityReverified = "after-identity-reverified"
    case afterRecordLeavesWindow = "after-record-leaves-window"
    case afterProviderReopens = "after-provider-reopens"
    case dependsOnUndatedCounts = "depends-on-undated-counts"
    case dependsOnScore = "depends-on-score"
    case dependsOnRecordBuilding = "depends-on-record-building"
    case dependsOnOperatorReview = "depends-on-operator-review"

    // Scam warnings.
    case scamCreditRepair = "scam-credit-repair"
    case scamCampusLoanCancellation = "scam-campus-loan-cancellation"
    case scamUpfrontFees = "scam-upfront-fees"
    case scamFakeCustomerService = "scam-fake-customer-service"
    case scamPaidUnblocking = "scam-paid-unblocking"
    case scamPaidDebtAgents = "scam-paid-debt-agents"
    case scamFakePolice = "scam-fake-police"

    // Pricing notes.
    case notePublishedPrice = "note-published-price"
    case noteEstimatedPrice = "note-estimated-price"
    case noteNearestTerm = "note-nearest-term"
    case noteServiceRestricted = "note-service-restricted"
    /// A promotion the profile qualifies for is applied to the price.
    case notePromotion = "note-promotion"
    /// A new-customer promotion exists, but the profile does not say whether the user is a customer: not applied.
    case notePromotionCustomerUnknown = "note-promotion-customer-unknown"
    /// The mandatory fees the price counts besides interest, and optional fees shown but not counted.
    case noteFees = "note-fees"

    // Why an alternative is listed.
    case whyLicence = "why-licence"
    case whyPrice = "why-price"
    case whyLikelihood = "why-likelihood"
    case whyJustClears = "why-just-clears"
    case whyUnknown = "why-unknown"
    case whyEstimate = "why-estimate"
    /// The likelihood model's caps (docs/advice.md "Honest odds").
    case whyOddsCurrentOverdue = "why-odds-current-overdue"
    case whyOddsRecentOverdue = "why-odds-recent-overdue"
    case whyOddsCashOut = "why-odds-cash-out"
    case whyOddsInquiries = "why-odds-inquiries"
    case whyOddsUnknown = "why-odds-unknown"
    case whyOddsUnemployed = "why-odds-unemployed"
    case whyOddsGig = "why-odds-gig"
    /// None of the channel's criteria rests on evidence: Backstop's estimates cannot make the odds high.
    case whyOddsEstimatesOnly = "why-odds-estimates-only"
    case whyOnlyIfInvited = "why-only-if-invited"
    case whyOnlyForCustomers = "why-only-for-customers"
    case whyTermDiffers = "why-term-differs"
    case whyInquiry = "why-inquiry"
    /// The profile does not say whether the user is a student, and this kind of lender may not lend to students.
    case whyNotIfStudent = "why-not-if-student"

    // The application plan.
    case planUseOpenLine = "plan-use-open-line"
    case planApplySoft = "plan-apply-soft"
    case planApplyHard = "plan-apply-hard"
    case planOneAtATime = "plan-one-at-a-time"
    case planLater = "plan-later"
    case planWaitUntil = "plan-wait-until"
    case planInquiriesUnknown = "plan-inquiries-unknown"
    case planNothingToApply = "plan-nothing-to-apply"
    /// Every candidate's odds are low: wait (until the date a forecast gives a better chance, when one is known).
    case planWaitForBetterOdds = "plan-wait-for-better-odds"
    /// A step of a plan that leads with waiting: only for someone who cannot wait.
    case planApplyIfCannotWait = "plan-apply-if-cannot-wait"
    /// `--inquiry-budget 0`: no application that adds a hard inquiry.
    case planNoHardInquiries = "plan-no-hard-inquiries"
    /// The order leaves a cheaper, plausible offer for later: what that costs in total.
    case planSkipsCheaper = "plan-skips-cheaper"

    // Where a rate stands against the legal caps.
    case legalityWithinCap = "legality-within-cap"
    case legalityAboveCap = "legality-above-cap"
    case legalityAboveCourtLevel = "legality-above-court-level"
    case legalityNoCap = "legality-no-cap"
    case legalityCapsUnknown = "legality-caps-unknown"

    public var category: FactCategory {
        let raw = rawValue
        if raw.hasPrefix("evidence-") { return .evidence }
        if raw.hasPrefix("summary-") { return .summary }
        if raw.hasPrefix("rule-") { return .rule }
        if raw.hasPrefix("fix-") { return .fix }
        if raw.hasPrefix("step-") { return .step }
        if raw.hasPrefix("assume-") { return .assumption }
        if raw.hasPrefix("note-") { return .note }
        if raw.hasPrefix("why-") { return .why }
        if raw.hasPrefix("plan-") { return .plan }
        if raw.hasPrefix("legality-") { return .legality }
        if raw.hasPrefix("reopen-") { return .reopening }
        if raw.hasPrefix("after-") || raw.hasPrefix("depends-on-") { return .basis }
        if raw.hasPrefix("scam-") { return .scam }
        return .warning
    }

    /// The codes of one category, in declaration order.
    public static func codes(in category: FactCategory) -> [FactCode] {
        allCases.filter { $0.category == category }
    }
}

extension FactValue {
    /// The value as the wire format writes it in `params`: counts, amounts (yuan) and percents as numbers, codes and
    /// dates as strings, lists as arrays.
    public var wireValue: WireValue {
        switch self {
        case .int(let value): .number(Decimal(value))
        case .money(let money): .number(money.decimalValue)
        case .percent(let value), .decimal(let value): .number(value)
        case .date(let date): .string(date.description)
        case .month(let month): .string(month.description)
        case .text(let text): .string(text)
        case .provider(let id): .string(id.rawValue)
        case .name(let name): .string(name.en)
        case .account(let account): .string(account.rawValue)
        case .purpose(let value): .string(value.rawValue)
        case .identity(let value): .string(value.rawValue)
        case .serviceState(let value): .string(value.rawValue)
        case .providerState(let value): .string(value.rawValue)
        case .service(let value): .string(value.rawValue)
        case .reason(let value): .string(value.rawValue)
        case .licence(let value): .string(value.rawValue)
        case .method(let value): .string(value.rawValue)
        case .likelihood(let value): .string(value.rawValue)
        case .field(let value): .string(value.rawValue)
        case .rule(let value): .string(value.rawValue)
        case .institution(let value): .string(value.rawValue)
        case .inquiry(let value): .string(value.rawValue)
        case .interest(let pricing): .string(pricing.wireText)
        case .installmentFee(let fee): .string(fee.wireText)
        case .fee(let kind): .string(kind.rawValue)
        case .list(let values): .array(values.map(\.wireValue))
        }
    }
}

/// A JSON value of a fact's parameters on the wire.
public indirect enum WireValue: Hashable, Sendable, Codable {
    case number(Decimal)
    case string(String)
    case array([WireValue])

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let values): try container.encode(values)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Decimal.self) {
            self = .number(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else {
            self = .array(try container.decode([WireValue].self))
        }
    }
}

extension InterestPricing {
    /// The machine form: `0.05%/day actual/360`, `none`.
    public var wireText: String {
        switch self {
        case .none: "none"
        case .daily(let rate, let dayCount): "\(rate) \(dayCount.rawValue)"
        case .monthly(let rate): "\(rate)"
        case .annual(let rate): "\(rate)"
        }
    }
}

extension InstallmentFee {
    /// The machine form: `0.6%/month`, `8.8%/term`.
    public var wireText: String {
        switch self {
        case .perPeriod(let rate): "\(rate)"
        case .total(let rate): "\(rate)"
        }
    }
}
