public import Foundation

/// How days are counted for a daily rate (日利率).
///
/// - `actual/360` and `actual/365`: interest accrues for the actual days in a period (balance × daily rate × days);
///   a year is 360 or 365 days when the rate is annualised and an equal instalment is sized
///   (periodic rate = daily rate × year length / 12).
/// - `30/360`: every month counts 30 days (US 30/360 day counting between dates), a year 360 days, so a daily rate
///   of 0.05% is exactly 1.5% per monthly period.
public enum DayCount: String, Sendable, Codable, CaseIterable, Hashable {
    case actual360 = "actual/360"
    case actual365 = "actual/365"
    case thirty360 = "30/360"

    /// 360 or 365.
    public var daysInYear: Int { self == .actual365 ? 365 : 360 }

    /// Days from `start` to `end` under this count.
    public func days(from start: CalendarDate, to end: CalendarDate) -> Int {
        switch self {
        case .actual360, .actual365: return start.days(to: end)
        case .thirty360:
            let d1 = min(start.day, 30)
            let d2 = end.day == 31 && d1 == 30 ? 30 : end.day
            return (end.year - start.year) * 360 + (end.month - start.month) * 30 + (d2 - d1)
        }
    }
}

/// The interest a product charges on the outstanding balance.
public enum InterestPricing: Hashable, Sendable {
    /// No interest (e.g. card instalments that charge a fee instead).
    case none
    /// 日利率: daily rate on the outstanding balance for each actual day.
    case daily(DailyRate, dayCount: DayCount)
    /// 月利率: a rate per monthly period on the outstanding balance, whatever the month's length.
    case monthly(MonthlyRate)
    /// 年利率: a nominal annual rate; each monthly period charges one twelfth of it.
    case annual(AnnualRate)

    /// The rate per monthly period used to size equal instalments.
    public var monthlyEquivalent: Decimal {
        switch self {
        case .none: 0
        case .daily(let rate, let dayCount): rate.fraction * Decimal(dayCount.daysInYear) / 12
        case .monthly(let rate): rate.fraction
        case .annual(let rate): rate.fraction / 12
        }
    }

    /// The nominal annual rate this quote corresponds to (daily × 360 or 365, monthly × 12).
    public var nominalAnnual: AnnualRate {
        switch self {
        case .none: AnnualRate(fraction: 0)
        case .daily(let rate, let dayCount): AnnualRate(fraction: rate.fraction * Decimal(dayCount.daysInYear))
        case .monthly(let rate): AnnualRate(fraction: rate.fraction * 12)
        case .annual(let rate): rate
        }
    }
}

/// 分期手续费: an instalment fee on the original principal.
public enum InstallmentFee: Hashable, Sendable {
    /// A rate per period (e.g. 0.6%/month), charged on the original principal each period.
    case perPeriod(MonthlyRate)
    /// A total rate for the term (e.g. 8.8% over 12 instalments), spread evenly over the periods; the last
    /// period absorbs the rounding so the fees sum exactly to the total.
    case total(TermRate)
}

/// A fee paid once at disbursement (服务费, 手续费).
public enum UpfrontFee: Hashable, Sendable {
    /// A percentage of the amount borrowed (1.0 for 1%).
    case percent(Decimal)
    /// A fixed amount.
    case fixed(Money)
}

/// Everything a product charges.
public struct Pricing: Hashable, Sendable {
    public var interest: InterestPricing
    public var installmentFee: InstallmentFee?
    /// Days from disbursement to the first instalment during which no interest accrues (免息期, up to 365).
    public var interestFreeDays: Int
    public var upfrontFee: UpfrontFee?
    /// A membership fee charged with every monthly instalment (会员费).
    public var monthlyMembershipFee: Money?
    /// Every other cost: guarantee, insurance, service fees… (provider XML v2), mandatory or optional, published or
    /// unknown. Charged after the fees above, in this order.
    public var fees: [Fee]
    /// Days from disbursement during which no interest accrues although the due dates stay where they are (a
    /// promotion such as "30 days interest-free for new customers"; 0 = none).
    public var interestWaivedDays: Int

    public init(
        interest: InterestPricing = .none,
        installmentFee: InstallmentFee? = nil,
        interestFreeDays: Int = 0,
        upfrontFee: UpfrontFee? = nil,
        monthlyMembershipFee: Money? = nil,
        fees: [Fee] = [],
        interestWaivedDays: Int = 0
    ) {
        self.interest = interest
        self.installmentFee = installmentFee
        self.interestFreeDays = interestFreeDays
        self.upfrontFee = upfrontFee
        self.monthlyMembershipFee = monthlyMembershipFee
        self.fees = fees
        self.interestWaivedDays = interestWaivedDays
    }

    /// Every fee of the price list as typed fees: the instalment, upfront and membership fees of provider XML v1
    /// (mandatory, published, receiver not stated) first, then ``fees``. The cost engine charges exactly these.
    public var allFees: [Fee] {
        var list: [Fee] = []
        switch installmentFee {
        case .perPeriod(let rate)?:
            list.append(Fee(kind: .installment, basis: .originalPrincipal, per: .month, figure: .percent(rate.percent)))
        case .total(let rate)?:
            list.append(Fee(kind: .installment, basis: .originalPrincipal, per: .term, figure: .percent(rate.percent)))
        case nil: break
        }
        if let fee = monthlyMembershipFee {
            list.append(Fee(kind: .membership, basis: .fixed, per: .month, figure: .amount(fee)))
        }
        switch upfrontFee {
        case .percent(let percent)?:
            list.append(Fee(kind: .upfront, basis: .originalPrincipal, per: .once, figure: .percent(percent)))
        case .fixed(let amount)?:
            list.append(Fee(kind: .upfront, basis: .fixed, per: .once, figure: .amount(amount)))
        case nil: break
        }
        return list + fees
    }

    /// The mandatory fees whose figure is not published: an offer with any is "cost incomplete".
    public var unpricedFees: [UnpricedFee] {
        fees.filter(\.isUnknownMandatory).map { UnpricedFee(kind: $0.kind, receiver: $0.receiver, label: $0.label) }
    }
}

/// How principal is paid back.
public enum RepaymentMethod: String, Sendable, Codable, CaseIterable, Hashable {
    /// 等额本息: the same payment every period (principal + interest); the last absorbs rounding.
    case equalInstallment = "equal-installment"
    /// 等额本金: the same principal every period, interest on the falling balance.
    case equalPrincipal = "equal-principal"
    /// 先息后本: interest every period, all principal with the last.
    case interestFirst = "interest-first"
    /// 到期一次还本付息: a single repayment of principal and interest at maturity.
    case bullet
}
