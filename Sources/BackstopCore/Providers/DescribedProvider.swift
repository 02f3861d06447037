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

    /// What puts the profile where it is in a range, as fact parameters: `score`, and when they count `overdue`
    /// (instalments overdue in 12 months), `scoreDrop` (points lost in 90 days, 30 or more) and `recordUnknown`.
    public static func drivers(_ profile: UserProfile) -> [String: FactValue] {
        var params: [String: FactValue] = ["score": .int(profile.creditScore)]
        if let overdue = profile.repayment?.overdueCount12m {
            if overdue > 0 { params["overdue"] = .int(overdue) }
        } else {
            params["recordUnknown"] = .int(1)
        }
        if let before = profile.creditScore90DaysAgo, before - profile.creditScore >= 30 {
            params["scoreDrop"] = .int(before - profile.creditScore)
        }
        return params
    }
}

/// What a described provider's offer depends on: the amount, the term asked for, the risk position (2 decimals, so
/// at most 101 values) and the date, and, when its prices depend on them, the score and whether the user is new.
struct OfferKey: Hashable, Sendable {
    let amount: Money
    let termMonths: Int
    let position: Decimal
    let date: CalendarDate
    /// The credit score, when the price depends on it beyond the position (interest tiers); else nil.
    var score: Int? = nil
    /// Whether the profile is a new customer, when a new-customer promotion depends on it; else nil.
    var newCustomer: Bool? = nil
}

/// Offers a ``DescribedProvider`` has made (``OfferMemo``), or figures of them, by what they depend on. A cohort
/// asking for the same loan reuses the schedules and APRs instead of recomputing them; a remembered value is the value
/// a fresh computation gives. Bounded to ``capacity`` entries in two generations: when the newer one holds half of
/// them, the older is dropped and the newer takes its place, and a value found in the older is moved back into the
/// newer. Values still asked for (the loan a whole cohort asks for) so outlive one-off ones (a what-if's projected
/// dates), which filling and emptying a single table did not allow. Guarded by a mutex, so providers stay `Sendable`
/// and shareable.
final class Memo<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Generations {
        var newer: [Key: Value] = [:]
        var older: [Key: Value] = [:]

        mutating func insert(_ value: Value, for key: Key) {
            if newer.count >= capacity / 2 {
                swap(&newer, &older)
                newer.removeAll(keepingCapacity: true)
            }
            newer[key] = value
        }
    }

    static var capacity: Int { 512 }
    private let entries = Mutex(Generations())

    func value(for key: Key) -> Value? {
        entries.withLock { generations in
            if let known = generations.newer[key] { return known }
            guard let known = generations.older[key] else { return nil }
            generations.insert(known, for: key)
            return known
        }
    }

    /// Values held now (at most ``capacity``).
    var count: Int { entries.withLock { $0.newer.count + $0.older.count } }

    func store(_ value: Value, for key: Key) {
        entries.withLock { $0.insert(value, for: key) }
    }

    /// The value remembered for `key`, else `compute()`'s, remembered; with `remembering` false, always computed
    /// afresh and nothing kept (benchmarks' uncached figure).
    func value(for key: Key, remembering: Bool, _ compute: () -> Value) -> Value {
        guard remembering else { return compute() }
        if let known = value(for: key) { return known }
        let fresh = compute()
        store(fresh, for: key)
        return fresh
    }
}

/// The offers a described provider has made (nil: none could be priced).
typealias OfferMemo = Memo<OfferKey, Offer?>

/// A provider defined by data: a ``ProviderDescription`` from the XML catalog (or built in code) that checks its
/// declarative rules and quotes through the ``CostEngine``.
public struct DescribedProvider: CreditProvider {
    public let details: ProviderDescription
    public var id: ProviderID { details.id }
    /// Offers already made, by what they depend on (see ``OfferMemo``).
    let offers = OfferMemo()
    /// The nominal APR (10 decimals) of a loan's riskiest and best offers, by the loan and the position
    /// (``riskiestAPR(_:on:score:)``, ``bestAPR(_:on:score:)``).
    let bounds = Memo<OfferKey, Decimal?>()
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
        evaluate(profile, request, on: date, keepPassed: true)
    }

    /// ``evaluateNow(_:_:on:)``; with `keepPassed` false, a refused evaluation lists only the checks that failed or
    /// are unknown (what a refusal shows) and builds no passed one; an evaluation that passes every rule is the same
    /// either way. The aggregator asks for that: most of a catalog refuses a given profile.
    public func evaluate(
        _ profile: UserProfile,
        _ request: LoanRequest,
        on date: CalendarDate,
        keepPassed: Bool
    ) -> Evaluation {
        let evaluator = RuleEvaluator(profile: profile, keepPassed: keepPassed)
        var checks = requestChecks(request, on: date, keepPassed: keepPassed)
        checks += evaluator.checks(details.eligibility)
        checks += evaluator.accessChecks(details.access, provider: details)
        if let inquiries = evaluator.inquiryCheck(details.inquiries, on: date) { checks.append(inquiries) }
        guard !checks.contains(where: { $0.outcome == .failed }) else {
            return Evaluation(provider: id, checks: checks, offer: nil)
        }
        // Nothing failed: every check, passed ones included, for the offer's reasons and odds.
        if !keepPassed { return evaluate(profile, request, on: date, keepPassed: true) }
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
        let promoted = details.pricing.contains { $0.promotions.contains { $0.audience == .newCustomers } }
        return offer(
            at: position,
            request,
            on: date,
            score: profile.creditScore,
            newCustomer: promoted ? isNewCustomer(profile) : nil
        )
    }

    /// The offer at a risk position (remembered, see ``OfferMemo``): the score counts only when interest tiers
    /// depend on it, `newCustomer` only for a new-customer promotion (nil: none applies).
    func offer(
        at position: Decimal,
        _ request: LoanRequest,
        on date: CalendarDate,
        score: Int,
        newCustomer: Bool?
    ) -> Offer? {
        let key = key(at: position, request, on: date, score: score, newCustomer: newCustomer)
        return offers.value(for: key, remembering: memoize) {
            makeOffer(position: position, request, on: date, score: key.score, newCustomer: newCustomer)
        }
    }

    /// What an offer at a position depends on (``OfferKey``): the score only when interest tiers depend on it.
    func key(
        at position: Decimal,
        _ request: LoanRequest,
        on date: CalendarDate,
        score: Int,
        newCustomer: Bool?
    ) -> OfferKey {
        OfferKey(
            amount: request.amount,
            termMonths: request.termMonths,
            position: position,
            date: date,
            score: details.pricing.contains { !$0.tiers.isEmpty } ? score : nil,
            newCustomer: newCustomer
        )
    }

    /// The nominal APR (the solver's, 10 decimals) of a loan's riskiest offer: risk position 1, no promotion. It
    /// bounds every profile's offer for the loan from above (a price range rises with the position), as
    /// ``bestAPR(_:on:score:)`` bounds it from below; remembered per loan (``bounds``). Nil when the loan cannot be
    /// priced.
    package func riskiestAPR(_ request: LoanRequest, on date: CalendarDate, score: Int) -> Decimal? {
        boundAPR(at: 1, request, on: date, score: score, newCustomer: nil)
    }

    /// The nominal APR of a loan's best offer: risk position 0, with a new-customer promotion when there is one. It
    /// bounds every profile's offer for the loan from below, whatever the record becomes; remembered like
    /// ``riskiestAPR(_:on:score:)``.
    public func bestAPR(_ request: LoanRequest, on date: CalendarDate, score: Int) -> Decimal? {
        boundAPR(at: 0, request, on: date, score: score, newCustomer: true)
    }

    private func boundAPR(
        at position: Decimal,
        _ request: LoanRequest,
        on date: CalendarDate,
        score: Int,
        newCustomer: Bool?
    ) -> Decimal? {
        let key = key(at: position, request, on: date, score: score, newCustomer: newCustomer)
        return bounds.value(for: key, remembering: memoize) {
            makeOffer(position: position, request, on: date, score: key.score, newCustomer: newCustomer)
                .map { $0.quote.apr.nominal(scale: 10) }
        }
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

    func requestChecks(_ request: LoanRequest, on date: CalendarDate, keepPassed: Bool = true) -> [RuleCheck] {
        var checks = CheckList(keepPassed: keepPassed)
        let state = details.state(on: date)
        checks.add(passes: state == .open) {
            var statusParams: [String: FactValue] = [
                "provider": .name(details.name), "state": .providerState(state), "date": .date(date),
            ]
            if let since = details.status.last(where: { $0.covers(date) })?.from {
                statusParams["since"] = .date(since)
            }
            return RuleCheck(
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
        }
        let purposeOK = details.serves(request.purpose)
        checks.add(passes: purposeOK) {
            let served = FactValue.list(details.purposes.map(FactValue.purpose))
            return RuleCheck(
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
        }
        let amount = request.amount
        if amount > details.maxAmount {
            checks.add(passes: false) {
                RuleCheck(
                    rule: .maxAmount,
                    outcome: .failed,
                    threshold: details.maxAmount.plainString,
                    value: amount.plainString,
                    margin: .ratio(details.maxAmount.minorUnits - amount.minorUnits, details.maxAmount.minorUnits),
                    finding: Fact(.ruleAmountAboveMax, ["amount": .money(amount), "max": .money(details.maxAmount)]),
                    fix: Fact(.fixBorrowAtMost, ["max": .money(details.maxAmount)])
                )
            }
        } else if amount < details.minAmount {
            checks.add(passes: false) {
                RuleCheck(
                    rule: .minAmount,
                    outcome: .failed,
                    threshold: details.minAmount.plainString,
                    value: amount.plainString,
                    margin: .ratio(amount.minorUnits - details.minAmount.minorUnits, details.minAmount.minorUnits),
                    finding: Fact(.ruleAmountBelowMin, ["amount": .money(amount), "min": .money(details.minAmount)]),
                    fix: Fact(.fixBorrowAtLeast, ["min": .money(details.minAmount)])
                )
            }
        } else {
            checks.add(passes: true) {
                let room = Decimal.ratio(details.maxAmount.minorUnits - amount.minorUnits, details.maxAmount.minorUnits)
                return RuleCheck(
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
            }
        }
        return checks.items
    }

    func nextOpening(after date: CalendarDate) -> CalendarDate? {
        details.status.first { $0.from > date && $0.state == .open }?.from
    }

    func debtToIncomeCheck(limit: Decimal, newPayment: Money, _ profile: UserProfile) -> RuleCheck {
        guard let income = profile.monthlyIncome else {
            return RuleCheck.unknown(.maxDebtToIncome, "\(limit)", field: .monthlyIncome)
        }
        // No income is not an unknown income: any payment is then beyond the share the lender allows.
        guard income.minorUnits > 0 else { return Self.noIncomeCheck(.maxDebtToIncome, limit: limit, newPayment) }
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

    /// A debt-service rule failed by a profile that says its income is zero (the new payment alone exceeds any share
    /// of nothing). Shared by the debt-to-income rule and the aggregator's debt-service gate.
    static func noIncomeCheck(_ rule: RuleID, limit: Decimal, _ newPayment: Money) -> RuleCheck {
        RuleCheck(
            rule: rule,
            outcome: .failed,
            threshold: "\(limit)",
            value: "no income",
            margin: -1,
            finding: Fact(.ruleNoIncome, ["payment": .money(newPayment), "limit": .percent(limit)]),
            fix: Fact(.fixNoIncome)
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

/// The checks of one evaluation as they are gathered: every one, or, when passed checks are not kept, only those
/// that failed or are unknown, a passed one then never built (its facts and texts are most of an evaluation's cost).
struct CheckList {
    let keepPassed: Bool
    private(set) var items: [RuleCheck] = []

    /// A check whose outcome is known before it is built.
    mutating func add(passes: Bool, _ make: () -> RuleCheck) {
        if keepPassed || !passes { items.append(make()) }
    }

    /// A check already built or left out (nil).
    mutating func append(_ check: RuleCheck?) {
        if let check { items.append(check) }
    }
}

/// Checks a profile against declarative eligibility rules. Missing signals give `unknown`, never a pass.
public struct RuleEvaluator: Sendable {
    public let profile: UserProfile
    /// Whether passed checks are built and returned (the default); off, only the checks that failed or are unknown
    /// are, and a passed one is never built (``DescribedProvider/evaluate(_:_:on:keepPassed:)``).
    public let keepPassed: Bool

    public init(profile: UserProfile, keepPassed: Bool = true) {
        self.profile = profile
        self.keepPassed = keepPassed
    }

    public func checks(_ rules: EligibilityRules) -> [RuleCheck] {
        var checks = CheckList(keepPassed: keepPassed)
        if let minimum = rules.minCreditScore {
            let score = profile.creditScore
            let passes = score >= minimum
            checks.add(passes: passes) {
                RuleCheck(
                    rule: .minCreditScore,
                    outcome: passes ? .passed : .failed,
                    threshold: "\(minimum)",
                    value: "\(score)",
                    margin: .ratio(Int64(score - minimum), Int64(minimum)),
                    finding: Fact(.ruleCreditScore, ["score": .int(score), "min": .int(minimum)]),
                    fix: passes ? nil : Fact(.fixRaiseScore, ["points": .int(minimum - score), "min": .int(minimum)])
                )
            }
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
                checks.add(passes: passes) {
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
                }
            } else {
                checks.append(.unknown(.minMonthlyIncome, minimum.plainString, field: .monthlyIncome))
            }
        }
        for account in rules.requiredAccounts {
            if let accounts = profile.accounts {
                let has = accounts.contains(account)
                checks.add(passes: has) {
                    RuleCheck(
                        rule: .requiresAccount,
                        outcome: has ? .passed : .failed,
                        threshold: account.rawValue,
                        value: accounts.map(\.rawValue).joined(separator: ","),
                        margin: has ? 1 : -1,
                        finding: Fact(has ? .ruleAccountHeld : .ruleAccountMissing, ["account": .account(account)]),
                        fix: has ? nil : Fact(.fixOpenAccount, ["account": .account(account)])
                    )
                }
            } else {
                checks.append(.unknown(.requiresAccount, account.rawValue, field: .accounts))
            }
        }
        for flag in rules.excludedWhen {
            switch flag {
            case .cashOut:
                if let flags = profile.cashOutFlags12m {
                    checks.add(passes: flags == 0) {
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
                    }
                } else {
                    checks.append(.unknown(.excludedWhenCashOut, "0", field: .cashOutFlags12m))
                }
            case .identityAbnormal:
                if let status = profile.identity {
                    checks.add(passes: !status.isAbnormal) {
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
                    }
                } else {
                    checks.append(.unknown(.excludedWhenIdentityAbnormal, "not abnormal", field: .identity))
                }
            case .currentOverdue:
                break  // checked above with noCurrentOverdue
            }
        }
        return checks.items
    }

    /// Who may apply: existing customers of the named institutions, users the channel invited. An unknown
    /// `customerOf` / `invitedBy` leaves the rule unknown (the offer is then "only for customers" / "only if invited").
    public func accessChecks(_ access: ProviderAccess, provider: ProviderDescription) -> [RuleCheck] {
        var checks = CheckList(keepPassed: keepPassed)
        if !access.customersOf.isEmpty {
            let named = FactValue.list(access.customersOf.map(FactValue.institution))
            let threshold = access.customersOf.map(\.rawValue).joined(separator: "|")
            if let institutions = profile.customerOf {
                let passes = access.customersOf.contains { institutions.contains($0) }
                checks.add(passes: passes) {
                    RuleCheck(
                        rule: .customersOnly,
                        outcome: passes ? .passed : .failed,
                        threshold: threshold,
                        value: institutions.map(\.rawValue).joined(separator: ","),
                        margin: passes ? 1 : -1,
                        finding: Fact(.ruleCustomersOnly, ["institutions": named, "customer": .int(passes ? 1 : 0)]),
                        fix: passes ? nil : Fact(.fixBecomeCustomer, ["institutions": named])
                    )
                }
            } else {
                checks.append(.unknown(.customersOnly, threshold, field: .customerOf))
            }
        }
        if access.invitationOnly {
            if let invited = profile.invitedBy {
                let passes = invited.contains(provider.id)
                checks.add(passes: passes) {
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
                }
            } else {
                checks.append(.unknown(.invitationOnly, provider.id.rawValue, field: .invitedBy))
            }
        }
        return checks.items
    }

    /// The provider's documented tolerance of hard inquiries in the last 3 months, when it has one.
    public func inquiryCheck(_ policy: InquiryPolicy, on date: CalendarDate) -> RuleCheck? {
        guard let limit = policy.maxHardInquiries3m else { return nil }
        guard let inquiries = profile.hardInquiries, let count = inquiries.count(lastMonths: 3, on: date) else {
            return .unknown(.maxHardInquiries3m, "\(limit)", field: .hardInquiries)
        }
        let passes = count <= limit
        guard keepPassed || !passes else { return nil }
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

    func count(_ rule: RuleID, _ limit: Int, _ value: Int?, _ finding: FactCode, _ remedy: FactCode) -> RuleCheck? {
        guard let value else { return .unknown(rule, "\(limit)", field: rule.fields[0]) }
        let passes = value <= limit
        guard keepPassed || !passes else { return nil }
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

    func currentOverdue() -> RuleCheck? {
        guard let amount = profile.repayment?.currentOverdueAmount else {
            return .unknown(.noCurrentOverdue, "0", field: .currentOverdueAmount)
        }
        let passes = amount.minorUnits == 0
        guard keepPassed || !passes else { return nil }
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

    func identity() -> RuleCheck? {
        guard let status = profile.identity else { return .unknown(.identityVerified, "verified", field: .identity) }
        let passes = status == .verified
        guard keepPassed || !passes else { return nil }
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

    func age(_ minimum: Int?, _ maximum: Int?) -> RuleCheck? {
        guard let age = profile.age else {
            return .unknown(.age, "\(minimum.map(String.init) ?? "")-\(maximum.map(String.init) ?? "")", field: .age)
        }
        let tooYoung = minimum.map { age < $0 } ?? false
        let tooOld = maximum.map { age > $0 } ?? false
        let passes = !tooYoung && !tooOld
        guard keepPassed || !passes else { return nil }
        let range = "\(minimum.map(String.init) ?? "")-\(maximum.map(String.init) ?? "")"
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
