public import Foundation

/// What is borrowed, for how long, at what price and how it is paid back.
public struct LoanTerms: Hashable, Sendable {
    public var amount: Money
    public var termMonths: Int
    public var pricing: Pricing
    public var method: RepaymentMethod
    /// The disbursement date; instalments fall on the same day of later months (clamped to month ends).
    public var startDate: CalendarDate
    /// When set, an equal instalment is rounded half-up to a multiple of this amount (e.g. ¥1) instead of a fen;
    /// the last instalment still absorbs the remainder.
    public var installmentMultiple: Money?

    public init(
        amount: Money,
        termMonths: Int,
        pricing: Pricing,
        method: RepaymentMethod = .equalInstallment,
        startDate: CalendarDate,
        installmentMultiple: Money? = nil
    ) {
        self.amount = amount
        self.termMonths = termMonths
        self.pricing = pricing
        self.method = method
        self.startDate = startDate
        self.installmentMultiple = installmentMultiple
    }
}

/// The full price of a loan: schedule, totals and both APRs.
public struct Quote: Hashable, Sendable {
    public let terms: LoanTerms
    public let schedule: Schedule
    /// The APR of the schedule's cash flows (Chinese convention: monthly unit period, compounding).
    public let apr: AnnualPercentageRate

    public var totalRepayment: Money { schedule.totalRepayment }
    public var totalCost: Money { schedule.totalCost }
    public var totalInterest: Money { schedule.totalInterest }
    public var totalFees: Money { schedule.totalFees }
    /// The first instalment: what the borrower pays each month (for equal principal, the largest one).
    public var monthlyPayment: Money { schedule.rows.first?.payment ?? .zero(terms.amount.currency) }
    /// The largest single instalment (the balloon for interest-first and bullet loans).
    public var largestPayment: Money {
        schedule.rows.map(\.payment).max() ?? .zero(terms.amount.currency)
    }
    /// Nominal APR in percent, rounded half-up to 2 decimals, as disclosed.
    public var nominalAPR: Decimal { apr.nominal(scale: 2) }
    /// Effective APR in percent, rounded half-up to 2 decimals, as disclosed.
    public var effectiveAPR: Decimal { apr.effective(scale: 2) }

    /// The nominal APR of the interest alone, the same loan without any fee, in percent rounded half-up to 2
    /// decimals: the headline rate a channel shows next to the all-in ``nominalAPR``. Nil when it cannot be priced.
    public var interestOnlyAPR: Decimal? {
        var bare = terms
        bare.pricing = Pricing(interest: terms.pricing.interest, interestFreeDays: terms.pricing.interestFreeDays)
        bare.pricing.interestWaivedDays = terms.pricing.interestWaivedDays
        return (try? CostEngine.quote(bare))?.nominalAPR
    }
}

/// Why terms could not be priced: the field and the rule broken.
public struct CostError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The field at fault, e.g. `termMonths`.
    public let field: String
    /// The rule broken, with the value received.
    public let message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}

/// Builds schedules and quotes. Stateless: every function depends only on its arguments.
///
/// Rules (see `docs/cost-methods.md`):
/// - Instalment *k* falls due *k* months after disbursement; with an interest-free period of *d* days the first
///   instalment falls due *d* days after disbursement, the next ones monthly after it, and no interest accrues
///   before the first due date.
/// - Interest for a period is balance × rate: daily rates per actual day, monthly and annual rates per period.
/// - Every amount is rounded half-up to the fen as it is computed; the last row takes whatever principal is left,
///   so the principal column sums exactly to the amount borrowed.
public enum CostEngine: Sendable {
    /// The longest term priced, in months.
    public static let maximumTermMonths = 360

    /// Checks terms and returns the dated schedule.
    /// - Throws: ``CostError`` naming the field when the terms cannot be priced.
    public static func schedule(for terms: LoanTerms) throws(CostError) -> Schedule {
        try validate(terms)
        let currency = terms.amount.currency
        let zero = Money.zero(currency)
        let n = terms.termMonths
        let amount = terms.amount
        let pricing = terms.pricing
        let dueDates = dueDates(for: terms)

        let rowCount = dueDates.count

        // The level payment of principal + interest for equal instalments.
        var level = zero
        if terms.method == .equalInstallment {
            level = levelPayment(terms)
        }
        let equalPrincipalPart = amount.divided(by: n)

        // Principal and interest first: fees never change them.
        var lines: [(due: CalendarDate, principal: Money, interest: Money, opening: Money, balance: Money)] = []
        lines.reserveCapacity(rowCount)
        var balance = amount
        var previous = terms.startDate
        let interestStarts = terms.startDate.adding(days: max(pricing.interestFreeDays, pricing.interestWaivedDays))
        for index in 0..<rowCount {
            let due = dueDates[index]
            let isLast = index == rowCount - 1
            let interest: Money
            if terms.method == .bullet {
                // One period spanning the term; with an interest-free period, interest runs from its end, which is
                // exactly n − 1 months before maturity.
                let free = pricing.interestFreeDays > 0
                interest = accruedInterest(
                    on: balance,
                    from: free ? terms.startDate.adding(days: pricing.interestFreeDays) : previous,
                    to: due,
                    periods: free ? n - 1 : n,
                    pricing,
                    interestStarts
                )
            } else {
                interest = accruedInterest(on: balance, from: previous, to: due, periods: 1, pricing, interestStarts)
            }
            var principal: Money
            switch terms.method {
            case .equalInstallment:
                principal = level - interest
                if principal.minorUnits < 0 { principal = zero }
            case .equalPrincipal: principal = equalPrincipalPart
            case .interestFirst, .bullet: principal = zero
            }
            if isLast || principal > balance { principal = balance }
            let opening = balance
            balance -= principal
            lines.append((due, principal, interest, opening, balance))
            previous = due
        }

        // Fees, fee by fee, on the balances above.
        let plan = feePlan(terms, lines.map { ($0.due, $0.opening) })
        var rows: [ScheduleRow] = []
        rows.reserveCapacity(rowCount)
        for (index, line) in lines.enumerated() {
            let items = plan.rows[index]
            rows.append(
                ScheduleRow(
                    number: index + 1,
                    dueDate: line.due,
                    principal: line.principal,
                    interest: line.interest,
                    fees: items.reduce(zero) { $0 + $1.amount },
                    balance: line.balance,
                    feeItems: items
                )
            )
        }
        return Schedule(
            disbursement: Disbursement(
                date: terms.startDate,
                amount: amount,
                fees: plan.disbursement.reduce(zero) { $0 + $1.amount },
                feeItems: plan.disbursement
            ),
            rows: rows,
            optionalFees: plan.optional,
            unpricedFees: pricing.unpricedFees
        )
    }

    /// What each fee of ``Pricing/allFees`` charges: at disbursement, on each row (`opening` is the principal owed
    /// at the start of the row's period), and, for the optional fees, over the term.
    ///
    /// - `once`: at disbursement, on the original principal (or the amount).
    /// - `month`: every row, on the row's base; a bullet loan's single row pays one charge per month of the term.
    /// - `period`: one charge per row. `year`: one twelfth of the annual percentage per month, like `month`.
    /// - `day`: the percentage per actual day of the row's period.
    /// - `term`: one charge for the term, spread evenly over the rows, the last absorbing the rounding (the rule
    ///   of version 1's total instalment fee).
    static func feePlan(
        _ terms: LoanTerms,
        _ rows: [(due: CalendarDate, opening: Money)]
    ) -> (disbursement: [FeeCharge], rows: [[FeeCharge]], optional: [OptionalFeeCharge]) {
        let currency = terms.amount.currency
        let zero = Money.zero(currency)
        let n = terms.termMonths
        let monthsPerRow = terms.method == .bullet ? n : 1
        var disbursement: [FeeCharge] = []
        var perRow = Array(repeating: [FeeCharge](), count: rows.count)
        var optional: [OptionalFeeCharge] = []
        for fee in terms.pricing.allFees where fee.kind.isRegular && fee.status != .none {
            guard fee.status == .published, fee.figure != nil else {
                if !fee.mandatory {
                    optional.append(
                        OptionalFeeCharge(
                            kind: fee.kind,
                            receiver: fee.receiver,
                            amount: nil,
                            label: fee.label,
                            pushed: fee.pushed
                        )
                    )
                }
                continue
            }
            func base(_ opening: Money) -> Money {
                fee.basis == .outstandingBalance ? opening : terms.amount
            }
            var atStart = zero
            var charges = Array(repeating: zero, count: rows.count)
            switch fee.per {
            case .once:
                atStart = fee.charge(on: terms.amount)
            case .month, .year:
                let twelfth: Decimal = fee.per == .year ? Decimal(1) / 12 : 1
                for (index, row) in rows.enumerated() {
                    let one = fee.charge(on: base(row.opening), times: twelfth)
                    charges[index] = Money(minorUnits: one.minorUnits * Int64(monthsPerRow), currency: currency)
                }
            case .period:
                for (index, row) in rows.enumerated() { charges[index] = fee.charge(on: base(row.opening)) }
            case .day:
                var previous = terms.startDate
                for (index, row) in rows.enumerated() {
                    charges[index] = fee.charge(on: base(row.opening), times: Decimal(previous.days(to: row.due)))
                    previous = row.due
                }
            case .term:
                let total = fee.charge(on: terms.amount)
                let count = rows.count
                var each = total.divided(by: count)
                if each.minorUnits * Int64(count - 1) > total.minorUnits {
                    // Shares rounded up would leave the last one negative (65 shares of ¥8.95 round to ¥0.14, and 64
                    // of those are ¥8.96): round every share down instead; the last then takes at least one share.
                    each = Money(minorUnits: total.minorUnits / Int64(count), currency: currency)
                }
                charges = Array(repeating: each, count: count)
                charges[count - 1] =
                    total - Money(minorUnits: each.minorUnits * Int64(count - 1), currency: currency)
            }
            if fee.mandatory {
                if fee.per == .once {
                    disbursement.append(
                        FeeCharge(kind: fee.kind, receiver: fee.receiver, amount: atStart, label: fee.label)
                    )
                } else {
                    for index in charges.indices {
                        perRow[index].append(
                            FeeCharge(kind: fee.kind, receiver: fee.receiver, amount: charges[index], label: fee.label)
                        )
                    }
                }
            } else {
                optional.append(
                    OptionalFeeCharge(
                        kind: fee.kind,
                        receiver: fee.receiver,
                        amount: charges.reduce(atStart, +),
                        label: fee.label,
                        pushed: fee.pushed
                    )
                )
            }
        }
        return (disbursement, perRow, optional)
    }

    /// Prices terms: the schedule, its totals and its APR.
    /// - Throws: ``CostError`` naming the field when the terms cannot be priced.
    public static func quote(_ terms: LoanTerms) throws(CostError) -> Quote {
        let schedule = try schedule(for: terms)
        let calculator = APRCalculator(convention: .cn, unitPeriodsPerYear: 12)
        do {
            let apr = try calculator.apr(of: schedule.cashFlows)
            return Quote(terms: terms, schedule: schedule, apr: apr)
        } catch {
            throw CostError(field: "pricing", message: "the schedule has no annual percentage rate: \(error)")
        }
    }

    /// Due dates: monthly from disbursement, or monthly from the end of the interest-free period.
    static func dueDates(for terms: LoanTerms) -> [CalendarDate] {
        let n = terms.termMonths
        if terms.pricing.interestFreeDays > 0 {
            let first = terms.startDate.adding(days: terms.pricing.interestFreeDays)
            if terms.method == .bullet { return [first.adding(months: n - 1)] }
            return (0..<n).map { first.adding(months: $0) }
        }
        if terms.method == .bullet { return [terms.startDate.adding(months: n)] }
        return (1...n).map { terms.startDate.adding(months: $0) }
    }

    /// Interest on `balance` from `from` to `to`, none before `interestStarts`; `periods` monthly periods long.
    static func accruedInterest(
        on balance: Money,
        from: CalendarDate,
        to: CalendarDate,
        periods: Int,
        _ pricing: Pricing,
        _ interestStarts: CalendarDate
    ) -> Money {
        let start = max(from, interestStarts)
        guard start < to else { return .zero(balance.currency) }
        switch pricing.interest {
        case .none:
            return .zero(balance.currency)
        case .daily(let rate, let dayCount):
            // Under 30/360 a whole monthly period is 30 days, whatever the calendar says (even 31 Jan → 28 Feb).
            let days = dayCount == .thirty360 && start == from ? 30 * periods : dayCount.days(from: start, to: to)
            return balance.multiplied(by: rate.fraction * Decimal(days))
        case .monthly, .annual:
            var factor = pricing.interest.monthlyEquivalent * Decimal(periods)
            if start > from {
                // Part of the period is interest-free: charge the remaining share of it.
                factor = factor * Decimal(start.days(to: to)) / Decimal(from.days(to: to))
            }
            return balance.multiplied(by: factor)
        }
    }

    /// The equal instalment that repays the amount: amount / Σ discount factors, at the monthly equivalent rate,
    /// rounded half-up to a fen (or to ``LoanTerms/installmentMultiple``). Computed in `Decimal`.
    static func levelPayment(_ terms: LoanTerms) -> Money {
        let n = terms.termMonths
        let i = terms.pricing.interest.monthlyEquivalent
        let freeFirst = terms.pricing.interestFreeDays > 0
        let raw: Decimal
        if i.isZero {
            raw = terms.amount.decimalValue / Decimal(n)
        } else {
            // Σ v^k for k = 1…n (or 0…n−1 when the first period is free), v = 1 / (1 + i), in closed form:
            // amount / Σ = amount · i · pⁿ / (pⁿ − 1), divided by (1 + i) when the first period is free, with
            // pⁿ = (1 + i)ⁿ by repeated squaring (a handful of 38-digit operations instead of 2n).
            let growth = 1 + i
            var power: Decimal = 1
            var base = growth
            var exponent = n
            while exponent > 0 {
                if exponent & 1 == 1 { power *= base }
                exponent >>= 1
                if exponent > 0 { base *= base }
            }
            let numerator = terms.amount.decimalValue * i * power
            raw = numerator / (freeFirst ? growth * (power - 1) : power - 1)
        }
        if let multiple = terms.installmentMultiple, multiple.minorUnits > 0 {
            let step = multiple.decimalValue
            let count = (raw / step).roundedHalfUp(scale: 0)
            return (try? Money(count * step, currency: terms.amount.currency)) ?? terms.amount
        }
        return
            (try? Money(
                raw.roundedHalfUp(scale: terms.amount.currency.minorUnitDigits),
                currency: terms.amount.currency
            ))
            ?? terms.amount
    }

    static func validate(_ terms: LoanTerms) throws(CostError) {
        guard terms.amount.minorUnits > 0 else {
            throw CostError(field: "amount", message: "must be positive, got \(terms.amount.plainString)")
        }
        guard terms.amount.minorUnits <= LoanRequest.maximumAmount else {
            throw CostError(field: "amount", message: "must be at most 1,000,000,000, got \(terms.amount.plainString)")
        }
        guard Bounds.termMonths.contains(terms.termMonths) else {
            throw CostError(
                field: "termMonths",
                message: "must be a whole number of months \(Bounds.text(Bounds.termMonths)), got \(terms.termMonths)"
            )
        }
        guard (0...365).contains(terms.pricing.interestFreeDays) else {
            throw CostError(
                field: "interestFreeDays",
                message: "must be from 0 to 365, got \(terms.pricing.interestFreeDays)"
            )
        }
        if case .percent(let percent) = terms.pricing.upfrontFee, percent < 0 || percent > 100 {
            throw CostError(field: "upfrontFee", message: "must be a percentage from 0 to 100, got \(percent)")
        }
        if case .fixed(let money) = terms.pricing.upfrontFee {
            guard money.minorUnits >= 0, money <= terms.amount else {
                throw CostError(
                    field: "upfrontFee",
                    message: "must be from 0 to the amount borrowed, got \(money.plainString)"
                )
            }
        }
        guard (0...365).contains(terms.pricing.interestWaivedDays) else {
            throw CostError(
                field: "interestWaivedDays",
                message: "must be from 0 to 365, got \(terms.pricing.interestWaivedDays)"
            )
        }
        for fee in terms.pricing.fees {
            switch fee.figure {
            case .percent(let percent)?:
                guard percent >= 0, percent <= 100 else {
                    throw CostError(
                        field: "\(fee.kind.rawValue)Fee",
                        message: "must be a percentage from 0 to 100, got \(percent)"
                    )
                }
            case .amount(let money)?:
                guard money.minorUnits >= 0, money.minorUnits <= 10_000_000_000 else {
                    throw CostError(
                        field: "\(fee.kind.rawValue)Fee",
                        message: "must be from 0 to 100000000, got \(money.plainString)"
                    )
                }
            case nil: break
            }
        }
        if let fee = terms.pricing.monthlyMembershipFee, fee.minorUnits < 0 || fee.minorUnits > 10_000_000_000 {
            throw CostError(
                field: "membershipFee",
                message: "must be from 0 to 100000000 a month, got \(fee.plainString)"
            )
        }
        do {
            _ = try Bounds.check(terms.startDate)
        } catch {
            throw CostError(field: "startDate", message: error.message)
        }
        if let multiple = terms.installmentMultiple, multiple.minorUnits <= 0 {
            throw CostError(field: "installmentMultiple", message: "must be positive, got \(multiple.plainString)")
        }
        let rates: [Decimal] = {
            var list: [Decimal] = []
            switch terms.pricing.interest {
            case .none: break
            case .daily(let rate, _): list.append(rate.fraction)
            case .monthly(let rate): list.append(rate.fraction)
            case .annual(let rate): list.append(rate.fraction)
            }
            switch terms.pricing.installmentFee {
            case .perPeriod(let rate): list.append(rate.fraction)
            case .total(let rate): list.append(rate.fraction)
            case nil: break
            }
            return list
        }()
        if rates.contains(where: { $0 < 0 }) {
            throw CostError(field: "rate", message: "must not be negative")
        }
        // QuotedRate's widest bound. It keeps every amount of a schedule far inside Int64 fen: a larger rate made
        // `principal + interest + fees` overflow and trap.
        if let rate = rates.first(where: { $0 > 10 }) {
            throw CostError(field: "rate", message: "must be at most 1000% per period, got \(rate * 100)%")
        }
    }
}
