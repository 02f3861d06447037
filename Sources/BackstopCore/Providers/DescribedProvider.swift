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

    public init(_ details: ProviderDescription) { self.details = details }

    public func evaluate(
        _ profile: UserProfile,
        _ request: LoanRequest,
        on date: CalendarDate
    ) async throws -> Evaluation {
        evaluateNow(profile, request, on: date)
    }

    /// The synchronous evaluation (rules, then the quote): no I/O, never throws.
    public func evaluateNow(_ profile: UserProfile, _ request: LoanRequest, on date: CalendarDate) -> Evaluation {
        var checks = RuleEvaluator(profile: profile).checks(details.eligibility)
        checks.insert(contentsOf: requestChecks(request, on: date), at: 0)
        guard !checks.contains(where: { $0.outcome == .failed }) else {
            return Evaluation(provider: id, checks: checks, offer: nil)
        }
        guard let offer = makeOffer(profile, request, on: date) else {
            checks.append(
                RuleCheck(
                    rule: "pricing",
                    outcome: .failed,
                    threshold: "a price for \(request.termMonths) months",
                    value: nil,
                    margin: nil,
                    explanation: "\(details.nameEN) publishes no price it can quote for this request",
                    fix: "choose one of its terms: \(details.terms.map(String.init).joined(separator: ", ")) months"
                )
            )
            return Evaluation(provider: id, checks: checks, offer: nil)
        }
        // The largest instalment, so a balloon cannot slip under a ceiling or a debt-to-income limit.
        let payment = offer.quote.largestPayment
        if let ceiling = request.maxMonthlyPayment {
            let passes = payment <= ceiling
            checks.append(
                RuleCheck(
                    rule: "maxMonthlyPayment",
                    outcome: passes ? .passed : .failed,
                    threshold: ceiling.plainString,
                    value: payment.plainString,
                    margin: .ratio(ceiling.minorUnits - payment.minorUnits, ceiling.minorUnits),
                    explanation:
                        "the monthly payment \(payment.formatted) is \(passes ? "within" : "above") your ceiling of \(ceiling.formatted)",
                    fix: passes ? nil : "borrow less or choose a longer term"
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
        let key = OfferMemo.Key(amount: request.amount, termMonths: request.termMonths, position: position, date: date)
        if let known = offers.offer(for: key) { return known }
        let offer = makeOffer(position: position, request, on: date)
        offers.store(offer, for: key)
        return offer
    }

    /// The offer at a risk position: everything of it depends only on the amount, the term asked for, the position
    /// and the date, which is what ``OfferMemo`` keys it by.
    func makeOffer(position: Decimal, _ request: LoanRequest, on date: CalendarDate) -> Offer? {
        let term = nearestTerm(to: request.termMonths)
        guard let rule = details.pricingRule(forTerm: term), let method = rule.method ?? details.methods.first else {
            return nil
        }
        let terms = LoanTerms(
            amount: request.amount,
            termMonths: term,
            pricing: rule.pricing(atRisk: position),
            method: method,
            startDate: date
        )
        guard let quote = try? CostEngine.quote(terms) else { return nil }
        // A single published price is the provider's own; a range is priced by Backstop's estimate of the position.
        let ranged = rule.pricing(atRisk: 0) != rule.pricing(atRisk: 1)
        guard ranged else {
            var note =
                rule.interest == .none
                ? "published price: no interest" : "published price: \(rule.interest.text) interest"
            if rule.interestFreeDays > 0 { note += ", \(rule.interestFreeDays) interest-free days" }
            if let fee = rule.installmentFee { note += ", \(fee.text)" }
            if term != request.termMonths {
                note += "; \(term) months is its nearest term to the \(request.termMonths) asked for"
            }
            return Offer(provider: id, quote: quote, riskPosition: position, isEstimate: false, note: note)
        }
        var note = "estimate: \(rule.interest.text) interest"
        if let fee = rule.installmentFee { note += ", \(fee.text)" }
        note += "; priced at risk position \(position) of its published range (0 best, 1 riskiest)"
        if term != request.termMonths {
            note += "; \(term) months is its nearest term to the \(request.termMonths) asked for"
        }
        return Offer(provider: id, quote: quote, riskPosition: position, isEstimate: true, note: note)
    }

    /// The offered term nearest to `months` (the shorter on a tie).
    public func nearestTerm(to months: Int) -> Int {
        details.terms.min { (abs($0 - months), $0) < (abs($1 - months), $1) } ?? months
    }

    func requestChecks(_ request: LoanRequest, on date: CalendarDate) -> [RuleCheck] {
        var checks: [RuleCheck] = []
        let state = details.state(on: date)
        let period = details.status.last { $0.covers(date) }
        let since = period.map { " since \($0.from)" } ?? ""
        checks.append(
            RuleCheck(
                rule: "status",
                outcome: state == .open ? .passed : .failed,
                threshold: ProviderState.open.rawValue,
                value: state.rawValue,
                margin: state == .open ? 1 : -1,
                explanation: state == .open
                    ? "\(details.nameEN) is open to new users on \(date)"
                    : "\(details.nameEN) is \(state.rawValue.replacingOccurrences(of: "-", with: " "))\(since) (on \(date))",
                fix: state == .open
                    ? nil : nextOpening(after: date).map { "it reopens on \($0)" } ?? "no reopening is announced"
            )
        )
        let purposeOK = details.purposes.contains(request.purpose)
        checks.append(
            RuleCheck(
                rule: "purpose",
                outcome: purposeOK ? .passed : .failed,
                threshold: details.purposes.map(\.rawValue).joined(separator: "|"),
                value: request.purpose.rawValue,
                margin: purposeOK ? 1 : -1,
                explanation: purposeOK
                    ? "it lends for \(request.purpose.rawValue)"
                    : "it does not lend for \(request.purpose.rawValue) (only \(details.purposes.map(\.rawValue).joined(separator: ", ")))",
                fix: purposeOK ? nil : "use it only for \(details.purposes.map(\.rawValue).joined(separator: " or "))"
            )
        )
        let amount = request.amount
        if amount > details.maxAmount {
            checks.append(
                RuleCheck(
                    rule: "maxAmount",
                    outcome: .failed,
                    threshold: details.maxAmount.plainString,
                    value: amount.plainString,
                    margin: .ratio(details.maxAmount.minorUnits - amount.minorUnits, details.maxAmount.minorUnits),
                    explanation: "it lends at most \(details.maxAmount.formatted)",
                    fix: "borrow at most \(details.maxAmount.formatted)"
                )
            )
        } else if amount < details.minAmount {
            checks.append(
                RuleCheck(
                    rule: "minAmount",
                    outcome: .failed,
                    threshold: details.minAmount.plainString,
                    value: amount.plainString,
                    margin: .ratio(amount.minorUnits - details.minAmount.minorUnits, details.minAmount.minorUnits),
                    explanation: "it lends at least \(details.minAmount.formatted)",
                    fix: "borrow at least \(details.minAmount.formatted)"
                )
            )
        } else {
            let room = Decimal.ratio(details.maxAmount.minorUnits - amount.minorUnits, details.maxAmount.minorUnits)
            checks.append(
                RuleCheck(
                    rule: "amountLimits",
                    outcome: .passed,
                    threshold: "\(details.minAmount.plainString)-\(details.maxAmount.plainString)",
                    value: amount.plainString,
                    margin: room,
                    explanation:
                        "\(amount.formatted) is within its limits of \(details.minAmount.formatted) to \(details.maxAmount.formatted)"
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
            return RuleCheck.unknown(
                "maxDebtToIncome",
                "\(limit)",
                "monthly income is unknown, so the debt-to-income limit of \(limit)% cannot be checked"
            )
        }
        guard let debts = profile.monthlyDebtPayments else {
            return RuleCheck.unknown(
                "maxDebtToIncome",
                "\(limit)",
                "existing monthly debt payments are unknown, so the \(limit)% debt-to-income limit cannot be checked"
            )
        }
        let ratio = Decimal.ratio((debts + newPayment).minorUnits * 100, income.minorUnits, scale: 1)
        let passes = ratio <= limit
        let affordable = income.multiplied(by: limit / 100) - debts
        return RuleCheck(
            rule: "maxDebtToIncome",
            outcome: passes ? .passed : .failed,
            threshold: "\(limit)",
            value: "\(ratio)",
            margin: (limit - ratio) / limit,
            explanation: "debt payments with this loan would take \(ratio)% of income (limit \(limit)%)",
            fix: passes
                ? nil
                : affordable.minorUnits > 0
                    ? "keep the monthly payment under \(affordable.formatted): borrow less or choose a longer term"
                    : "reduce existing debt payments below \(income.multiplied(by: limit / 100).formatted) a month first"
        )
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
                    rule: "minCreditScore",
                    outcome: passes ? .passed : .failed,
                    threshold: "\(minimum)",
                    value: "\(score)",
                    margin: .ratio(Int64(score - minimum), Int64(minimum)),
                    explanation: "credit score \(score) \(passes ? "meets" : "is below") the minimum of \(minimum)",
                    fix: passes ? nil : "raise the credit score by \(minimum - score) points to \(minimum)"
                )
            )
        }
        if let limit = rules.maxOverdueCount12m {
            checks.append(
                count(
                    "maxOverdueCount12m",
                    limit,
                    profile.repayment?.overdueCount12m,
                    "overdue instalments in 12 months",
                    "months of on-time repayment until fewer are counted"
                )
            )
        }
        if let limit = rules.maxOverdueCount24m {
            checks.append(
                count(
                    "maxOverdueCount24m",
                    limit,
                    profile.repayment?.overdueCount24m,
                    "overdue instalments in 24 months",
                    "on-time repayment until the older ones age out of the 24-month window"
                )
            )
        }
        if let limit = rules.maxDaysPastDue {
            checks.append(
                count(
                    "maxDaysPastDue",
                    limit,
                    profile.repayment?.worstDaysPastDue,
                    "days past due at worst",
                    "a record with no late payment that long"
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
                        rule: "minMonthlyIncome",
                        outcome: passes ? .passed : .failed,
                        threshold: minimum.plainString,
                        value: income.plainString,
                        margin: minimum.minorUnits > 0
                            ? .ratio(income.minorUnits - minimum.minorUnits, minimum.minorUnits) : 1,
                        explanation:
                            "monthly income \(income.formatted) \(passes ? "meets" : "is below") the minimum of \(minimum.formatted)",
                        fix: passes ? nil : "a monthly income of at least \(minimum.formatted)"
                    )
                )
            } else {
                checks.append(
                    unknown(
                        "minMonthlyIncome",
                        minimum.plainString,
                        "monthly income is unknown (minimum \(minimum.formatted))"
                    )
                )
            }
        }
        for account in rules.requiredAccounts {
            if let accounts = profile.accounts {
                let has = accounts.contains(account)
                checks.append(
                    RuleCheck(
                        rule: "requiresAccount",
                        outcome: has ? .passed : .failed,
                        threshold: account.rawValue,
                        value: accounts.map(\.rawValue).joined(separator: ","),
                        margin: has ? 1 : -1,
                        explanation: has ? "has an account with \(account)" : "needs an account with \(account)",
                        fix: has ? nil : "open and verify an account with \(account)"
                    )
                )
            } else {
                checks.append(
                    unknown(
                        "requiresAccount",
                        account.rawValue,
                        "whether there is an account with \(account) is unknown"
                    )
                )
            }
        }
        for flag in rules.excludedWhen {
            switch flag {
            case .cashOut:
                if let flags = profile.cashOutFlags12m {
                    checks.append(
                        RuleCheck(
                            rule: "excludedWhen:cash-out",
                            outcome: flags == 0 ? .passed : .failed,
                            threshold: "0",
                            value: "\(flags)",
                            margin: flags == 0 ? 1 : -1,
                            explanation: flags == 0
                                ? "no cash-out flags in 12 months"
                                : "\(flags) cash-out or illegal-operation flag(s) in 12 months",
                            fix: flags == 0
                                ? nil : "12 months of compliant use with no cash-out (套现) or gambling-linked flows"
                        )
                    )
                } else {
                    checks.append(unknown("excludedWhen:cash-out", "0", "cash-out flags are unknown"))
                }
            case .identityAbnormal:
                if let status = profile.identity {
                    checks.append(
                        RuleCheck(
                            rule: "excludedWhen:identity-abnormal",
                            outcome: status.isAbnormal ? .failed : .passed,
                            threshold: "not abnormal",
                            value: status.rawValue,
                            margin: status.isAbnormal ? -1 : 1,
                            explanation: status.isAbnormal
                                ? "identity is \(status.rawValue)" : "identity is not flagged",
                            fix: status.isAbnormal
                                ? "update and re-verify the identity document with the provider" : nil
                        )
                    )
                } else {
                    checks.append(
                        unknown("excludedWhen:identity-abnormal", "not abnormal", "the identity status is unknown")
                    )
                }
            case .currentOverdue:
                break  // checked above with noCurrentOverdue
            }
        }
        return checks
    }

    func count(_ rule: String, _ limit: Int, _ value: Int?, _ what: String, _ remedy: String) -> RuleCheck {
        guard let value else { return unknown(rule, "\(limit)", "\(what) are unknown (at most \(limit) allowed)") }
        let passes = value <= limit
        return RuleCheck(
            rule: rule,
            outcome: passes ? .passed : .failed,
            threshold: "\(limit)",
            value: "\(value)",
            // A clean record clears any limit fully; sitting exactly at the limit clears it by nothing.
            margin: value == 0 ? 1 : .ratio(Int64(limit - value), Int64(limit + 1)),
            explanation: "\(value) \(what) (at most \(limit) allowed)",
            fix: passes ? nil : "\(remedy) (allowed: \(limit) \(what), has \(value))"
        )
    }

    func currentOverdue() -> RuleCheck {
        guard let amount = profile.repayment?.currentOverdueAmount else {
            return unknown("noCurrentOverdue", "0", "whether anything is overdue now is unknown")
        }
        let passes = amount.minorUnits == 0
        return RuleCheck(
            rule: "noCurrentOverdue",
            outcome: passes ? .passed : .failed,
            threshold: "0",
            value: amount.plainString,
            margin: passes ? 1 : -1,
            explanation: passes ? "nothing is overdue now" : "\(amount.formatted) is overdue now",
            fix: passes ? nil : "repay the \(amount.formatted) overdue now"
        )
    }

    func identity() -> RuleCheck {
        guard let status = profile.identity else {
            return unknown("identityVerified", "verified", "the identity status is unknown")
        }
        let passes = status == .verified
        return RuleCheck(
            rule: "identityVerified",
            outcome: passes ? .passed : .failed,
            threshold: "verified",
            value: status.rawValue,
            margin: passes ? 1 : -1,
            explanation: passes ? "identity is verified" : "identity is \(status.rawValue), not verified",
            fix: passes ? nil : "complete real-name verification with a valid identity document"
        )
    }

    func age(_ minimum: Int?, _ maximum: Int?) -> RuleCheck {
        let range = "\(minimum.map(String.init) ?? "")-\(maximum.map(String.init) ?? "")"
        guard let age = profile.age else { return unknown("age", range, "age is unknown (allowed \(range))") }
        let tooYoung = minimum.map { age < $0 } ?? false
        let tooOld = maximum.map { age > $0 } ?? false
        let passes = !tooYoung && !tooOld
        let distances = [minimum.map { age - $0 }, maximum.map { $0 - age }].compactMap { $0 }
        return RuleCheck(
            rule: "age",
            outcome: passes ? .passed : .failed,
            threshold: range,
            value: "\(age)",
            margin: .ratio(Int64(distances.min() ?? 10), 10),
            explanation: passes ? "age \(age) is within \(range)" : "age \(age) is outside \(range)",
            fix: passes
                ? nil
                : tooYoung ? "wait until age \(minimum ?? 18)" : "this provider does not lend above age \(maximum ?? 0)"
        )
    }

    func unknown(_ rule: String, _ threshold: String, _ explanation: String) -> RuleCheck {
        RuleCheck.unknown(rule, threshold, explanation)
    }
}
