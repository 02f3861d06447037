public import Foundation

/// What penalty interest (罚息) accrues on.
public enum PenaltyBasis: String, WireEnum, Hashable {
    /// The principal of the late instalment.
    case overduePrincipal = "overdue-principal"
    /// Principal, interest and fees of the late instalment.
    case overdueAmount = "overdue-amount"
}

/// A penalty rate: absolute, or the contract rate increased by a percentage.
public enum PenaltyRate: Hashable, Sendable {
    /// A rate of its own (daily, monthly or annual).
    case absolute(InterestPricing)
    /// The contract interest rate increased by this percentage (50: 1.5 times the contract rate).
    case markup(Decimal)
}

/// Penalty interest on a late instalment, per day of delay.
public struct PenaltyInterest: Hashable, Sendable {
    /// The rate; nil when the status is `unknown` or `none`.
    public var rate: PenaltyRate?
    public var basis: PenaltyBasis
    public var status: FigureStatus
    public var source: String?

    public init(
        rate: PenaltyRate?,
        basis: PenaltyBasis = .overduePrincipal,
        status: FigureStatus,
        source: String? = nil
    ) {
        self.rate = rate
        self.basis = basis
        self.status = status
        self.source = source
    }
}

/// What a late instalment costs (provider XML v2 `lateRepayment`).
public struct LateRepaymentTerms: Hashable, Sendable {
    /// Paying within these days after a due date counts as on time.
    public var graceDays: Int
    /// Penalty interest; nil: not published (unknown).
    public var penalty: PenaltyInterest?
    /// Late fees (kind `late` or `other`).
    public var fees: [FeeRule]
    public var source: String?

    public init(graceDays: Int = 0, penalty: PenaltyInterest? = nil, fees: [FeeRule] = [], source: String? = nil) {
        self.graceDays = graceDays
        self.penalty = penalty
        self.fees = fees
        self.source = source
    }
}

/// Repaying everything before the end of the term (provider XML v2 `earlyRepayment`).
public struct EarlyRepaymentTerms: Hashable, Sendable {
    public var allowed: TriState
    /// The first month after disbursement in which it is allowed (nil: from the start).
    public var fromMonth: Int?
    /// Interest stops on the repayment day (true) or later periods' interest is still charged (false / unknown).
    public var refundsInterest: TriState
    /// Later periods' fees are not charged (true) or still are (false / unknown).
    public var refundsFees: TriState
    /// Early-repayment fees (kind `early-repayment` or `other`).
    public var fees: [FeeRule]
    public var source: String?

    public init(
        allowed: TriState,
        fromMonth: Int? = nil,
        refundsInterest: TriState = .unknown,
        refundsFees: TriState = .unknown,
        fees: [FeeRule] = [],
        source: String? = nil
    ) {
        self.allowed = allowed
        self.fromMonth = fromMonth
        self.refundsInterest = refundsInterest
        self.refundsFees = refundsFees
        self.fees = fees
        self.source = source
    }
}

/// The cost of one instalment paid late.
public struct LateStress: Hashable, Sendable {
    /// The instalment assumed late (the one whose delay costs most).
    public var installment: Int
    public var daysLate: Int
    /// Penalty interest for the delay (zero within the grace days).
    public var penaltyInterest: Money
    /// Late fees for the delay.
    public var fees: Money
    /// penaltyInterest + fees: what the delay adds to the schedule's cost.
    public var extraCost: Money
    /// The schedule's total cost of credit plus ``extraCost``.
    public var totalCost: Money
    /// False when the provider's late terms (or a part of them) are not published: the figures count only what is.
    public var complete: Bool
}

/// The cost of repaying everything early.
public struct EarlyStress: Hashable, Sendable {
    /// Everything is repaid on the due date of this instalment, after paying it.
    public var afterMonth: Int
    /// Whether early repayment is allowed then (unknown: not published).
    public var allowed: TriState
    /// The total cost of credit when repaid early (nil when not allowed then).
    public var totalCost: Money?
    /// totalCost minus the schedule's total cost: negative when repaying early saves money.
    public var versusSchedule: Money?
    /// Later periods' fees still charged.
    public var feesNotRefunded: Money
    /// Later periods' interest still charged.
    public var interestNotRefunded: Money
    /// Early-repayment fees.
    public var fees: Money
    /// False when a figure or a refund rule is not published (Backstop then assumes nothing is refunded).
    public var complete: Bool
}

/// Stress costs of an offer: one instalment 30 days late, and everything repaid after month 3.
public struct StressCosts: Hashable, Sendable {
    public var late: LateStress
    /// Nil when the term is 3 months or shorter.
    public var early: EarlyStress?
    /// The largest total cost of credit of the schedule and the two scenarios.
    public var worstCaseCost: Money
    /// Whether every figure of both scenarios is published.
    public var complete: Bool

    /// Days of delay in the late scenario.
    public static let daysLate = 30
    /// The early scenario repays everything after this many instalments.
    public static let earlyAfterMonth = 3
}

extension CostEngine {
    /// The stress costs of a quote under a provider's late and early-repayment terms (nil terms: not published),
    /// with percentage ranges picked at `position` (docs/cost-methods.md "Stress costs").
    ///
    /// - Late: each instalment in turn is paid ``StressCosts/daysLate`` days late; the costliest is reported. Within
    ///   the grace days nothing is charged; past them, penalty interest accrues from the due date on the basis for
    ///   every day of delay (daily rate × days; monthly rate × days / 30; annual rate × days / 360; a markup scales
    ///   the contract rate the same way), and late fees are charged (`once`, per `day` of delay, or per started
    ///   `month`).
    /// - Early: the first ``StressCosts/earlyAfterMonth`` instalments are paid as scheduled, then the remaining
    ///   principal, plus the later periods' interest unless interest is refunded, plus their fees unless fees are
    ///   refunded, plus the early-repayment fees. An unknown rule counts as "not refunded".
    public static func stress(
        of quote: Quote,
        late: LateRepaymentTerms?,
        early: EarlyRepaymentTerms?,
        atRisk position: Decimal = 1
    ) -> StressCosts {
        let lateStress = lateCost(quote, late, position)
        let earlyStress = earlyCost(quote, early, position)
        var worst = max(quote.totalCost, lateStress.totalCost)
        if let cost = earlyStress?.totalCost { worst = max(worst, cost) }
        return StressCosts(
            late: lateStress,
            early: earlyStress,
            worstCaseCost: worst,
            complete: lateStress.complete && (earlyStress?.complete ?? true)
        )
    }

    static func lateCost(_ quote: Quote, _ terms: LateRepaymentTerms?, _ position: Decimal) -> LateStress {
        let zero = Money.zero(quote.terms.amount.currency)
        let days = StressCosts.daysLate
        var worst: (Int, Money, Money)?
        var complete = terms != nil
        if let terms {
            if terms.penalty == nil || terms.penalty?.status == .unknown { complete = false }
            let fees = terms.fees.map { $0.fee(atRisk: position) }
            if fees.contains(where: \.isUnknownMandatory) { complete = false }
            for row in quote.schedule.rows {
                var penalty = zero
                var charged = zero
                if days > terms.graceDays {
                    if let rule = terms.penalty, rule.status == .published, let rate = rule.rate {
                        let base = rule.basis == .overduePrincipal ? row.principal : row.payment
                        penalty = base.multiplied(by: penaltyFactor(rate, contract: quote.terms.pricing.interest, days))
                    }
                    for fee in fees where fee.mandatory && fee.isCharged {
                        let base: Money
                        switch fee.basis {
                        case .overduePrincipal: base = row.principal
                        case .outstandingBalance: base = row.balance + row.principal
                        case .overdueAmount, .originalPrincipal, .prepaidPrincipal, .fixed: base = row.payment
                        }
                        switch fee.per {
                        case .day: charged += fee.charge(on: base, times: Decimal(days))
                        case .month: charged += fee.charge(on: base, times: Decimal((days + 29) / 30))
                        case .once, .period, .year, .term: charged += fee.charge(on: base)
                        }
                    }
                }
                if let (_, p, f) = worst, penalty + charged <= p + f { continue }
                worst = (row.number, penalty, charged)
            }
        }
        let (installment, penalty, fees) = worst ?? (1, zero, zero)
        return LateStress(
            installment: installment,
            daysLate: days,
            penaltyInterest: penalty,
            fees: fees,
            extraCost: penalty + fees,
            totalCost: quote.totalCost + penalty + fees,
            complete: complete
        )
    }

    /// The fraction of the basis that `days` of penalty interest cost.
    static func penaltyFactor(_ rate: PenaltyRate, contract: InterestPricing, _ days: Int) -> Decimal {
        func perDays(_ interest: InterestPricing) -> Decimal {
            switch interest {
            case .none: 0
            case .daily(let rate, _): rate.fraction * Decimal(days)
            case .monthly(let rate): rate.fraction * Decimal(days) / 30
            case .annual(let rate): rate.fraction * Decimal(days) / 360
            }
        }
        switch rate {
        case .absolute(let interest): return perDays(interest)
        case .markup(let percent): return perDays(contract) * (1 + percent / 100)
        }
    }

    static func earlyCost(_ quote: Quote, _ terms: EarlyRepaymentTerms?, _ position: Decimal) -> EarlyStress? {
        let after = StressCosts.earlyAfterMonth
        let rows = quote.schedule.rows
        guard rows.count > after else { return nil }
        let zero = Money.zero(quote.terms.amount.currency)
        let allowed = terms?.allowed ?? .unknown
        var complete = terms != nil && allowed != .unknown
        if allowed == .false || (terms?.fromMonth ?? 1) > after + 1 {
            return EarlyStress(
                afterMonth: after,
                allowed: .false,
                totalCost: nil,
                versusSchedule: nil,
                feesNotRefunded: zero,
                interestNotRefunded: zero,
                fees: zero,
                complete: complete
            )
        }
        if terms?.refundsInterest == .unknown || terms?.refundsFees == .unknown { complete = false }
        let paid = rows[..<after].reduce(quote.schedule.disbursement.fees) { $0 + $1.payment }
        let later = rows[after...]
        let prepaid = rows[after - 1].balance
        let interestKept = terms?.refundsInterest.isTrue == true ? zero : later.reduce(zero) { $0 + $1.interest }
        let feesKept = terms?.refundsFees.isTrue == true ? zero : later.reduce(zero) { $0 + $1.fees }
        var charged = zero
        for fee in (terms?.fees ?? []).map({ $0.fee(atRisk: position) }) {
            if fee.isUnknownMandatory { complete = false }
            guard fee.mandatory, fee.isCharged else { continue }
            switch fee.basis {
            case .originalPrincipal: charged += fee.charge(on: quote.terms.amount)
            case .prepaidPrincipal, .outstandingBalance, .overduePrincipal, .overdueAmount, .fixed:
                charged += fee.charge(on: prepaid)
            }
        }
        let total = paid + prepaid + interestKept + feesKept + charged - quote.terms.amount
        return EarlyStress(
            afterMonth: after,
            allowed: allowed,
            totalCost: total,
            versusSchedule: total - quote.totalCost,
            feesNotRefunded: feesKept,
            interestNotRefunded: interestKept,
            fees: charged,
            complete: complete
        )
    }
}
