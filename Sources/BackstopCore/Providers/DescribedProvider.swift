public import Foundation
import Synchronization

/// Where a profile sits in a provider's published rate range: 0 for the best profile, 1 for the riskiest.
///
/// `position = clamp(0, 1, (950 − score) / (950 − floor) + penalties)`, rounded half-up to 2 decimals, where
/// `floor` is the provider's minimum score (350 when it has none) and the penalties are:
/// +0.10 per overdue instalment in the last 12 months (at most +0.30); +0.10 when the score fell by 30 or more in
/// 90 days; +0.05 when the repayment record is unknown. Deterministic, documented in docs/cost-methods.md, and
/// always labelled an estimate: providers price individually.
public enum RiskPosition: Sendable {
    public static func of(_ profile: UserProfile, floor: Int?) -> Decimal {
        let low = Int64(min(floor ?? 350, 900))
        // 12 decimals are as good as exact here: (950 − score) / (950 − floor) has a denominator of at most 600, so
        // it is 0 or at least 1/120,000 away from any 2-decimal rounding boundary.
        var position = Decimal.ratio(950 - Int64(profile.creditScore), 950 - low, scale: 12)
        if let overdue = profile.repayment?.overdueCount12m {
            position += Decimal(sign: .plus, exponent: -1, significand: Decimal(min(max(overdue, 0), 3)))
        } else {
            position += Decimal(sign: .plus, exponent: -2, significand: 5)
        }
        if let before = profile.creditScore90DaysAgo, before - profile.creditScore >= 30 {
            position += Decimal(sign: .plus, exponent: -1, significand: 1)
        }
        return max(0, min(1, position)).roundedHalfUp(scale: 2)
    }
}

/// Offers a ``DescribedProvider`` has made, keyed by all they depend on: the amount, the term asked for, the risk
/// position (2 decimals, so at most 101 values) and the date. A cohort asking for the same loan reuses the schedules
/// and APRs instead of recomputing them; a cached offer is the value a fresh computation gives. Bounded: past
/// ``capacity`` entries it starts afresh. Guarded by a mutex, so providers stay `Sendable` and shareable.
final class OfferMemo: Sendable {
    struct Key: Hashable, Sendable {
        let amount: Money
        let termMonths: Int
        let position: Decimal
        let date: CalendarDate
        /// The credit score, when the price depends on it beyond the position (interest tiers); else nil.
        var score: Int? = nil
        /// Whether the profile is a new customer, when a new-customer promotion depends on it; else nil.
        var newCustomer: Bool? = nil
    }

    static let capacity = 512
    private let entries = Mutex<[Key: Offer?]>([:])

    func offer(for key: Key) -> Offer?? { entries.withLock { $0[key] } }

    /// Offers held now (at most ``capacity``).
    var count: Int { entries.withLock { $0.count } }

    func store(_ offer: Offer?, for key: Key) {
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = .some(offer)
        }
    }
}

/// A provider defined by data: a ``ProviderDescription`` from the XML catalog (or built in code) that checks its
/// declarative rules and quotes through the ``CostEngine``.
public struct DescribedProvider: CreditProvider {
    public let details: ProviderDescription
    public var id: ProviderID { details.id }
    /// Offers already made, by what they depend on (see ``OfferMemo``).
    let offers = OfferMemo()
    /// Whether offers are remembered (benchmarks turn it off to measure the computation itself).
    let memoize: Bool

    /// - Parameters:
    ///   - details: the description.
    ///   - memoize: remember offers by what they depend on (default); off, every offer is computed afresh.
    public init(_ details: ProviderDescription, memoize: Bool = true) {
        self.details = details
        self.memoize = memoize
    }

    public func evaluate(
        _ profile: UserProfile,
        _ request: LoanRequest,
        on date: CalendarDate
    ) async throws -> Evaluation {
        evaluateNow(profile, request, on: date)
    }

    /// The synchronous evaluation (rules, then the quote): no I/O, never throws.
    public func evaluateNow(_ profile: UserProfile, _ request: LoanRequest, on date: CalendarDate) -> Evaluation {
        let evaluator = RuleEvaluator(profile: profile)
        var checks = evaluator.checks(details.eligibility)
        checks.insert(contentsOf: requestChecks(request, on: date), at: 0)
        checks += evaluator.accessChecks(details.access, provider: details)
        if let inquiries = evaluator.inquiryCheck(details.inquiries, on: date) { checks.append(inquiries) }
        guard !checks.contains(where: { $0.outcome == .failed }) else {
            return Evaluation(provider: id, checks: checks, offer: nil)
        }
        guard let offer = makeOffer(profile, request, on: date) else {
            checks.append(noPriceCheck(request, on: date))
            return Evaluation(provider: id, checks: checks, offer: nil)
        }
        // The largest instalment, so a balloon cannot slip under a ceiling or a debt-to-income limit.
        let payment = offer.quote.largestPayment
        if let ceiling = request.maxMonthlyPayment {
            let passes = payment <= ceiling
            checks.append(
                RuleCheck(
                    rule: .maxMonthlyPayment,
                    outcome: passes ? .passed : .failed,
                    threshold: ceiling.plainString,
                    value: payment.plainString,
                    margin: .ratio(ceiling.minorUnits - payment.minorUnits, ceiling.minorUnits),
                    finding: Fact(
                        passes ? .rulePaymentWithinCeiling : .rulePaymentAboveCeiling,
                        ["payment": .money(payment), "ceiling": .money(ceiling)]
                    ),
                    fix: passes ? nil : Fact(.fixBorrowLessOrLonger)
                )
            )
        }
        if let limit = details.eligibility.maxDebtToIncomePercent {
            checks.append(debtToIncomeCheck(limit: limit, newPayment: payment, profile))
        }
        let failed = checks.contains { $0.outcome == .failed }
        return Evaluation(provider: id, checks: checks, offer: failed ? nil : offer)
    }

    /// The offer at the profile's risk position for the request (nearest offered term, provider's first method).
    public func makeOffer(_ profile: UserProfile, _ request: LoanRequest, on date: CalendarDate) -> Offer? {
        let position = RiskPosition.of(profile, floor: details.eligibility.minCreditScore)
        let tiered = details.pricing.contains { !$0.tiers.isEmpty }
        let promoted = details.pricing.contains { $0.promotions.contains { $0.audience == .newCustomers } }
        let key = OfferMemo.Key(
            amount: request.amount,
            termMonths: request.termMonths,
            position: position,
            date: date,
            score: tiered ? profile.creditScore : nil,
            newCustomer: promoted ? isNewCustomer(profile) : nil
        )
        guard memoize else {
            return makeOffer(position: position, request, on: date, score: key.score, newCustomer: key.newCustomer)
        }
        if let known = offers.offer(for: key) { return known }
        let offer = makeOffer(position: position, request, on: date, score: key.score, newCustomer: key.newCustomer)
        offers.store(offer, for: key)
        return offer
    }

    /// Whether the user is not yet a customer of this provider: nil when the profile does not list the
    /// institutions the user is a customer of.
    func isNewCustomer(_ profile: UserProfile) -> Bool? {
        profile.customerOf.map { !$0.contains(InstitutionID(rawValue: details.id.rawValue)) }
    }

    /// The offer at a risk position: everything of it depends only on the amount, the term asked for, the position
    /// and the date, which is what ``OfferMemo`` keys it by.
    func makeOffer(
        position: Decimal,
        _ request: LoanRequest,
        on date: CalendarDate,
        score: Int? = nil,
        newCustomer: Bool? = nil
    ) -> Offer? {
        let term = nearestTerm(to: request.termMonths)
        guard let rule = details.pricingRule(forTerm: term, on: date), let method = rule.method ?? details.methods.first
        else {
            return nil
        }
        func pricing(_ at: Decimal) -> Pricing {
            rule.pricing(atRisk: at, term: term, amount: request.amount, score: score)
        }
        var priced = pricing(position)
        // Promotions: only those whose dates hold the start date and whose audience the profile is known to be in.
        var promotionNotes: [Fact] = []
        for promotion in rule.promotions where promotion.covers(date) {
            if promotion.audience == .newCustomers && newCustomer != true {
                if newCustomer == nil {
                    promotionNotes.append(Fact(.notePromotionCustomerUnknown, ["promotion": .name(promotion.name)]))
                }
                continue
            }
            switch promotion.benefit {
            case .interestFreeDays(let days): priced.interestWaivedDays = max(priced.interestWaivedDays, days)
            case .interestDiscount(let percent): priced.interest = priced.interest.discounted(by: percent)
            }
            promotionNotes.append(Fact(.notePromotion, ["promotion": .name(promotion.name)]))
        }
        let terms = LoanTerms(
            amount: request.amount,
            termMonths: term,
            pricing: priced,
            method: method,
            startDate: date
        )
        guard let quote = try? CostEngine.quote(terms) else { return nil }
        // A single published price is the provider's own; a range is priced by Backstop's estimate of the position.
        let ranged = pricing(0) != pricing(1)
        let base = pricing(position)
        var params: [String: FactValue] = ["interest": .interest(base.interest)]
        if rule.interestFreeDays > 0 { params["interestFreeDays"] = .int(rule.interestFreeDays) }
        if let fee = base.installmentFee { params["installmentFee"] = .installmentFee(fee) }
        if ranged { params["position"] = .decimal(position) }
        var notes = [Fact(ranged ? .noteEstimatedPrice : .notePublishedPrice, params)]
        if let fees = Self.feeNote(quote) { notes.append(fees) }
        notes += promotionNotes
        if term != request.termMonths {
            notes.append(Fact(.noteNearestTerm, ["term": .int(term), "asked": .int(request.termMonths)]))
        }
        let stress = CostEngine.stress(
            of: quote,
            late: details.lateRepayment,
            early: details.earlyRepayment,
            atRisk: position
        )
        return Offer(
            provider: id,
            quote: quote,
            riskPosition: position,
            isEstimate: ranged,
            notes: notes,
            stress: stress
        )
    }

    /// The fees a v2 price list adds beyond version 1's: mandatory fees counted (by kind), optional ones shown but
    /// not counted, unknown ones. Nil when the price list has only version 1's fees (their notes are unchanged).
    static func feeNote(_ quote: Quote) -> Fact? {
        let schedule = quote.schedule
        guard !quote.terms.pricing.fees.isEmpty else { return nil }
        var params: [String: FactValue] = [:]
        let counted = schedule.feeTotals.filter { $0.amount.minorUnits > 0 }
        if !counted.isEmpty {
            params["fees"] = .list(Self.kinds(counted.map(\.kind)).map(FactValue.fee))
            params["amount"] = .money(schedule.totalFees)
        }
        if !schedule.optionalFees.isEmpty {
            params["optional"] = .list(Self.kinds(schedule.optionalFees.map(\.kind)).map(FactValue.fee))
        }
        if !schedule.unpricedFees.isEmpty {
            params["unknown"] = .list(Self.kinds(schedule.unpricedFees.map(\.kind)).map(FactValue.fee))
        }
        return params.isEmpty ? nil : Fact(.noteFees, params)
    }

    /// Kinds in order of first appearance, each once.
    static func kinds(_ list: [FeeKind]) -> [FeeKind] {
        var seen: [FeeKind] = []
        for kind in list where !seen.contains(kind) { seen.append(kind) }
        return seen
    }

    /// Why no offer could be priced: no price list for the term at all, or none in force on the date (the prices of
    /// that date are unknown, which is not the same as the term not being offered).
    func noPriceCheck(_ request: LoanRequest, on date: CalendarDate) -> RuleCheck {
        let term = nearestTerm(to: request.termMonths)
        guard details.pricingRule(forTerm: term) != nil, details.pricingRule(forTerm: term, on: date) == nil else {
            return RuleCheck(
                rule: .pricing,
                outcome: .failed,
                threshold: "\(request.termMonths)",
                value: nil,
                margin: nil,
                finding: Fact(
                    .ruleNoPriceForTerm,
                    ["provider": .name(details.name), "term": .int(request.termMonths)]
                ),
                fix: Fact(.fixChooseTerm, ["terms": .list(details.terms.map(FactValue.int))])
            )
        }
        var fix: [String: FactValue] = ["date": .date(date)]
        let lists = details.pricing.filter { $0.terms?.contains(term) ?? true }
        if let known = lists.compactMap(\.from).filter({ $0 > date }).min() { fix["from"] = .date(known) }
        if let ended = lists.compactMap(\.until).filter({ $0 < date }).max() { fix["until"] = .date(ended) }
        return RuleCheck(
            rule: .pricing,
            outcome: .failed,
            threshold: "\(term)",
            value: "\(date)",
            margin: nil,
            finding: Fact(
                .ruleNoPriceOnDate,
                ["provider": .name(details.name), "date": .date(date), "term": .int(term)]
            ),
            fix: Fact(.fixPricesUnknownForDate, fix)
        )
    }

    /// The offered term nearest to `months` (the shorter on a tie).
    public func nearestTerm(to months: Int) -> Int {
        details.terms.min { (abs($0 - months), $0) < (abs($1 - months), $1) } ?? months
    }

    func requestChecks(_ request: LoanRequest, on date: CalendarDate) -> [RuleCheck] {
        var checks: [RuleCheck] = []
        let state = details.state(on: date)
        let period = details.status.last { $0.covers(date) }
        var statusParams: [String: FactValue] = [
            "provider": .name(details.name), "state": .providerState(state), "date": .date(date),
        ]
        if let since = period?.from { statusParams["since"] = .date(since) }
        checks.append(
            RuleCheck(
                rule: .status,
                outcome: state == .open ? .passed : .failed,
                threshold: ProviderState.open.rawValue,
                value: state.rawValue,
                margin: state == .open ? 1 : -1,
                finding: Fact(state == .open ? .ruleStatusOpen : .ruleStatusNotOpen, statusParams),
                fix: state == .open
                    ? nil
                    : nextOpening(after: date).map { Fact(.fixReopensOn, ["date": .date($0)]) }
                        ?? Fact(.fixNoReopeningAnnounced)
            )
        )
        let purposeOK = details.purposes.contains(request.purpose)
        let served = FactValue.list(details.purposes.map(FactValue.purpose))
        checks.append(
            RuleCheck(
                rule: .purpose,
                outcome: purposeOK ? .passed : .failed,
                threshold: details.purposes.map(\.rawValue).joined(separator: "|"),
                value: request.purpose.rawValue,
                margin: purposeOK ? 1 : -1,
                finding: Fact(
                    purposeOK ? .rulePurposeServed : .rulePurposeNotServed,
                    ["purpose": .purpose(request.purpose), "purposes": served]
                ),
                fix: purposeOK ? nil : Fact(.fixUseForPurpose, ["purposes": served])
            )
        )
        let amount = request.amount
        if amount > details.maxAmount {
            checks.append(
                RuleCheck(
                    rule: .maxAmount,
                    outcome: .failed,
                    threshold: details.maxAmount.plainString,
                    value: amount.plainString,
                    margin: .ratio(details.maxAmount.minorUnits - amount.minorUnits, details.maxAmount.minorUnits),
                    finding: Fact(.ruleAmountAboveMax, ["amount": .money(amount), "max": .money(details.maxAmount)]),
                    fix: Fact(.fixBorrowAtMost, ["max": .money(details.maxAmount)])
                )
            )
        } else if amount < details.minAmount {
            checks.append(
                RuleCheck(
                    rule: .minAmount,
                    outcome: .failed,
                    threshold: details.minAmount.plainString,
                    value: amount.plainString,
                    margin: .ratio(amount.minorUnits - details.minAmount.minorUnits, details.minAmount.minorUnits),
                    finding: Fact(.ruleAmountBelowMin, ["amount": .money(amount), "min": .money(details.minAmount)]),
                    fix: Fact(.fixBorrowAtLeast, ["min": .money(details.minAmount)])
                )
            )
        } else {
            let room = Decimal.ratio(details.maxAmount.minorUnits - amount.minorUnits, details.maxAmount.minorUnits)
            checks.append(
                RuleCheck(
                    rule: .amountLimits,
                    outcome: .passed,
                    threshold: "\(details.minAmount.plainString)-\(details.maxAmount.plainString)",
                    value: amount.plainString,
                    margin: room,
                    finding: Fact(
                        .ruleAmountWithinLimits,
                        ["amount": .money(amount), "min": .money(details.minAmount), "max": .money(details.maxAmount)]
                    )
                )
            )
        }
        return checks
    }

    func nextOpening(after date: CalendarDate) -> CalendarDate? {
        details.status.first { $0.from > date && $0.state == .open }?.from
    }

    func debtToIncomeCheck(limit: Decimal, newPayment: Money, _ profile: UserProfile) -> RuleCheck {
        guard let income = profile.monthlyIncome, income.minorUnits > 0 else {
            return RuleCheck.unknown(.maxDebtToIncome, "\(limit)", field: .monthlyIncome)
        }
        guard let debts = profile.monthlyDebtPayments else {
            return RuleCheck.unknown(.maxDebtToIncome, "\(limit)", field: .monthlyDebtPayments)
        }
        let ratio = Decimal.ratio((debts + newPayment).minorUnits * 100, income.minorUnits, scale: 1)
        let passes = ratio <= limit
        return RuleCheck(
            rule: .maxDebtToIncome,
            outcome: passes ? .passed : .failed,
            threshold: "\(limit)",
            value: "\(ratio)",
            margin: (limit - ratio) / limit,
            finding: Fact(.ruleDebtToIncome, ["share": .percent(ratio), "limit": .percent(limit)]),
            fix: passes ? nil : Self.debtFix(income: income, limitPercent: limit, debts: debts)
        )
    }

    /// What brings debt payments within `limitPercent` of income: the largest payment that fits next to the
    /// existing debts, or, when the debts alone exceed it, the level they must fall below. Shared by a provider's
    /// debt-to-income rule and the aggregator's debt-service gate.
    static func debtFix(income: Money, limitPercent: Decimal, debts: Money) -> Fact {
        let ceiling = income.multiplied(by: limitPercent / 100)
        let affordable = ceiling - debts
        return affordable.minorUnits > 0
            ? Fact(.fixKeepPaymentUnder, ["payment": .money(affordable)])
            : Fact(.fixReduceDebtsBelow, ["debts": .money(ceiling)])
    }
}

/// Checks a profile against declarative eligibility rules. Missing signals give `unknown`, never a pass.
public struct RuleEvaluator: Sendable {
    public let profile: UserProfile

    public init(profile: UserProfile) { self.profile = profile }

    public func checks(_ rules: EligibilityRules) -> [RuleCheck] {
        var checks: [RuleCheck] = []
        if let minimum = rules.minCreditScore {
            let score = profile.creditScore
            let passes = score >= minimum
            checks.append(
                RuleCheck(
                    rule: .minCreditScore,
                    outcome: passes ? .passed : .failed,
                    threshold: "\(minimum)",
                    value: "\(score)",
                    margin: .ratio(Int64(score - minimum), Int64(minimum)),
                    finding: Fact(.ruleCreditScore, ["score": .int(score), "min": .int(minimum)]),
                    fix: passes ? nil : Fact(.fixRaiseScore, ["points": .int(minimum - score), "min": .int(minimum)])
                )
            )
        }
        if let limit = rules.maxOverdueCount12m {
            checks.append(
                count(
                    .maxOverdueCount12m,
                    limit,
                    profile.repayment?.overdueCount12m,
                    .ruleOverdueCount12m,
                    .fixWaitOverdue12m
                )
            )
        }
        if let limit = rules.maxOverdueCount24m {
            checks.append(
                count(
                    .maxOverdueCount24m,
                    limit,
                    profile.repayment?.overdueCount24m,
                    .ruleOverdueCount24m,
                    .fixWaitOverdue24m
                )
            )
        }
        if let limit = rules.maxDaysPastDue {
            checks.append(
                count(
                    .maxDaysPastDue,
                    limit,
                    profile.repayment?.worstDaysPastDue,
                    .ruleWorstDaysPastDue,
                    .fixCleanRecordDays
                )
            )
        }
        if rules.noCurrentOverdue || rules.excludedWhen.contains(.currentOverdue) {
            checks.append(currentOverdue())
        }
        if rules.identityVerified {
            checks.append(identity())
        }
        if rules.minAge != nil || rules.maxAge != nil {
            checks.append(age(rules.minAge, rules.maxAge))
        }
        if let minimum = rules.minMonthlyIncome {
            if let income = profile.monthlyIncome {
                let passes = income >= minimum
                checks.append(
                    RuleCheck(
                        rule: .minMonthlyIncome,
                        outcome: passes ? .passed : .failed,
                        threshold: minimum.plainString,
                        value: income.plainString,
                        margin: minimum.minorUnits > 0
                            ? .ratio(income.minorUnits - minimum.minorUnits, minimum.minorUnits) : 1,
                        finding: Fact(.ruleIncome, ["income": .money(income), "min": .money(minimum)]),
                        fix: passes ? nil : Fact(.fixIncomeAtLeast, ["min": .money(minimum)])
                    )
                )
            } else {
                checks.append(.unknown(.minMonthlyIncome, minimum.plainString, field: .monthlyIncome))
            }
        }
        for account in rules.requiredAccounts {
            if let accounts = profile.accounts {
                let has = accounts.contains(account)
                checks.append(
                    RuleCheck(
                        rule: .requiresAccount,
                        outcome: has ? .passed : .failed,
                        threshold: account.rawValue,
                        value: accounts.map(\.rawValue).joined(separator: ","),
                        margin: has ? 1 : -1,
                        finding: Fact(has ? .ruleAccountHeld : .ruleAccountMissing, ["account": .account(account)]),
                        fix: has ? nil : Fact(.fixOpenAccount, ["account": .account(account)])
                    )
                )
            } else {
                checks.append(.unknown(.requiresAccount, account.rawValue, field: .accounts))
            }
        }
        for flag in rules.excludedWhen {
            switch flag {
            case .cashOut:
                if let flags = profile.cashOutFlags12m {
                    checks.append(
                        RuleCheck(
                            rule: .excludedWhenCashOut,
                            outcome: flags == 0 ? .passed : .failed,
                            threshold: "0",
                            value: "\(flags)",
                            margin: flags == 0 ? 1 : -1,
                            finding: flags == 0
                                ? Fact(.ruleNoCashOut) : Fact(.ruleCashOutFlags, ["count": .int(flags)]),
                            fix: flags == 0 ? nil : Fact(.fixCompliantUse)
                        )
                    )
                } else {
                    checks.append(.unknown(.excludedWhenCashOut, "0", field: .cashOutFlags12m))
                }
            case .identityAbnormal:
                if let status = profile.identity {
                    checks.append(
                        RuleCheck(
                            rule: .excludedWhenIdentityAbnormal,
                            outcome: status.isAbnormal ? .failed : .passed,
                            threshold: "not abnormal",
                            value: status.rawValue,
                            margin: status.isAbnormal ? -1 : 1,
                            finding: status.isAbnormal
                                ? Fact(.ruleIdentityFlagged, ["identity": .identity(status)])
                                : Fact(.ruleIdentityNotFlagged),
                            fix: status.isAbnormal ? Fact(.fixReverifyIdentity) : nil
                        )
                    )
                } else {
                    checks.append(.unknown(.excludedWhenIdentityAbnormal, "not abnormal", field: .identity))
                }
            case .currentOverdue:
                break  // checked above with noCurrentOverdue
            }
        }
        return checks
    }

    /// Who may apply: existing customers of the named institutions, users the channel invited. An unknown
    /// `customerOf` / `invitedBy` leaves the rule unknown (the offer is then "only for customers" / "only if invited").
    public func accessChecks(_ access: ProviderAccess, provider: ProviderDescription) -> [RuleCheck] {
        var checks: [RuleCheck] = []
        if !access.customersOf.isEmpty {
            let named = FactValue.list(access.customersOf.map(FactValue.institution))
            let threshold = access.customersOf.map(\.rawValue).joined(separator: "|")
            if let institutions = profile.customerOf {
                let passes = access.customersOf.contains { institutions.contains($0) }
                checks.append(
                    RuleCheck(
                        rule: .customersOnly,
                        outcome: passes ? .passed : .failed,
                        threshold: threshold,
                        value: institutions.map(\.rawValue).joined(separator: ","),
                        margin: passes ? 1 : -1,
                        finding: Fact(.ruleCustomersOnly, ["institutions": named, "customer": .int(passes ? 1 : 0)]),
                        fix: passes ? nil : Fact(.fixBecomeCustomer, ["institutions": named])
                    )
                )
            } else {
                checks.append(.unknown(.customersOnly, threshold, field: .customerOf))
            }
        }
        if access.invitationOnly {
            if let invited = profile.invitedBy {
                let passes = invited.contains(provider.id)
                checks.append(
                    RuleCheck(
                        rule: .invitationOnly,
                        outcome: passes ? .passed : .failed,
                        threshold: provider.id.rawValue,
                        value: invited.map(\.rawValue).joined(separator: ","),
                        margin: passes ? 1 : -1,
                        finding: Fact(
                            .ruleInvitationOnly,
                            ["provider": .name(provider.name), "invited": .int(passes ? 1 : 0)]
                        ),
                        fix: passes ? nil : Fact(.fixWaitForInvitation, ["provider": .name(provider.name)])
                    )
                )
            } else {
                checks.append(.unknown(.invitationOnly, provider.id.rawValue, field: .invitedBy))
            }
        }
        return checks
    }

    /// The provider's documented tolerance of hard inquiries in the last 3 months, when it has one.
    public func inquiryCheck(_ policy: InquiryPolicy, on date: CalendarDate) -> RuleCheck? {
        guard let limit = policy.maxHardInquiries3m else { return nil }
        guard let inquiries = profile.hardInquiries, let count = inquiries.count(lastMonths: 3, on: date) else {
            return .unknown(.maxHardInquiries3m, "\(limit)", field: .hardInquiries)
        }
        let passes = count <= limit
        var fixParams: [String: FactValue] = ["limit": .int(limit)]
        if let day = inquiries.dayWithAtMost(limit, on: date) { fixParams["date"] = .date(day) }
        return RuleCheck(
            rule: .maxHardInquiries3m,
            outcome: passes ? .passed : .failed,
            threshold: "\(limit)",
            value: "\(count)",
            margin: count == 0 ? 1 : .ratio(Int64(limit - count), Int64(limit + 1)),
            finding: Fact(.ruleHardInquiries, ["count": .int(count), "limit": .int(limit)]),
            fix: passes ? nil : Fact(.fixWaitForInquiries, fixParams)
        )
    }

    func count(_ rule: RuleID, _ limit: Int, _ value: Int?, _ finding: FactCode, _ remedy: FactCode) -> RuleCheck {
        guard let value else { return .unknown(rule, "\(limit)", field: rule.fields[0]) }
        let passes = value <= limit
        let params: [String: FactValue] = ["count": .int(value), "limit": .int(limit)]
        return RuleCheck(
            rule: rule,
            outcome: passes ? .passed : .failed,
            threshold: "\(limit)",
            value: "\(value)",
            // A clean record clears any limit fully; sitting exactly at the limit clears it by nothing.
            margin: value == 0 ? 1 : .ratio(Int64(limit - value), Int64(limit + 1)),
            finding: Fact(finding, params),
            fix: passes ? nil : Fact(remedy, params)
        )
    }

    func currentOverdue() -> RuleCheck {
        guard let amount = profile.repayment?.currentOverdueAmount else {
            return .unknown(.noCurrentOverdue, "0", field: .currentOverdueAmount)
        }
        let passes = amount.minorUnits == 0
        return RuleCheck(
            rule: .noCurrentOverdue,
            outcome: passes ? .passed : .failed,
            threshold: "0",
            value: amount.plainString,
            margin: passes ? 1 : -1,
            finding: passes ? Fact(.ruleNothingOverdue) : Fact(.ruleOverdueNow, ["amount": .money(amount)]),
            fix: passes ? nil : Fact(.fixRepayOverdue, ["amount": .money(amount)])
        )
    }

    func identity() -> RuleCheck {
        guard let status = profile.identity else { return .unknown(.identityVerified, "verified", field: .identity) }
        let passes = status == .verified
        return RuleCheck(
            rule: .identityVerified,
            outcome: passes ? .passed : .failed,
            threshold: "verified",
            value: status.rawValue,
            margin: passes ? 1 : -1,
            finding: passes
                ? Fact(.ruleIdentityVerified) : Fact(.ruleIdentityNotVerified, ["identity": .identity(status)]),
            fix: passes ? nil : Fact(.fixCompleteVerification)
        )
    }

    func age(_ minimum: Int?, _ maximum: Int?) -> RuleCheck {
        let range = "\(minimum.map(String.init) ?? "")-\(maximum.map(String.init) ?? "")"
        guard let age = profile.age else { return .unknown(.age, range, field: .age) }
        let tooYoung = minimum.map { age < $0 } ?? false
        let tooOld = maximum.map { age > $0 } ?? false
        let passes = !tooYoung && !tooOld
        let distances = [minimum.map { age - $0 }, maximum.map { $0 - age }].compactMap { $0 }
        var params: [String: FactValue] = ["age": .int(age)]
        if let minimum { params["min"] = .int(minimum) }
        if let maximum { params["max"] = .int(maximum) }
        return RuleCheck(
            rule: .age,
            outcome: passes ? .passed : .failed,
            threshold: range,
            value: "\(age)",
            margin: .ratio(Int64(distances.min() ?? 10), 10),
            finding: Fact(.ruleAge, params),
            fix: passes
                ? nil
                : tooYoung
                    ? Fact(.fixWaitUntilAge, ["age": .int(minimum ?? 18)])
                    : Fact(.fixAboveMaximumAge, ["max": .int(maximum ?? 0)])
        )
    }
}
