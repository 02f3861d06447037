public import Foundation

/// A loan the provider made that press, a regulator or a court documented (provider XML v2 `documentedLoan`): the
/// amount the borrower received and the equal monthly instalments they repaid, from which Backstop computes the
/// all-in APR itself.
///
/// A channel whose published prices leave fees out can look lawful while the loans it makes are not. When a
/// documented loan made while a cap bound the channel's lenders cost more than that cap, and the cap (or a stricter
/// one) still binds on the request date, the channel is refused (``DocumentedLoanGate``).
public struct DocumentedLoan: Hashable, Sendable {
    /// The month the loan was disbursed (reports rarely give the day).
    public var month: YearMonth
    /// What the borrower received.
    public var amount: Money
    public var termMonths: Int
    /// Each of the `termMonths` equal monthly instalments: interest, every fee and premium included.
    public var installment: Money
    /// The APR the report states, in percent, when it states one (shown beside Backstop's; not used to judge).
    public var statedAPRPercent: Decimal?
    /// The id of the source documenting it (one of ``ProviderDescription/sources``).
    public var source: String

    public init(
        month: YearMonth,
        amount: Money,
        termMonths: Int,
        installment: Money,
        statedAPRPercent: Decimal? = nil,
        source: String
    ) {
        self.month = month
        self.amount = amount
        self.termMonths = termMonths
        self.installment = installment
        self.statedAPRPercent = statedAPRPercent
        self.source = source
    }

    /// The nominal all-in APR in percent (12 × the monthly internal rate of return, the convention of the
    /// Chinese rules), to 2 decimals; nil when the instalments do not repay more than was received.
    public var aprPercent: Decimal? {
        guard termMonths > 0, installment.minorUnits * Int64(termMonths) > amount.minorUnits else { return nil }
        var flows = [CashFlow(amount: -amount.decimalValue, periods: 0)]
        for month in 1...termMonths {
            flows.append(CashFlow(amount: installment.decimalValue, periods: Decimal(month)))
        }
        guard let apr = try? APRCalculator(convention: .cn).apr(of: flows) else { return nil }
        return apr.nominal(scale: 2)
    }

    /// The exclusion cap this loan broke when it was made, with the loan's APR (``aprPercent``, solved once), if the
    /// provider is still bound on `date` by that cap or a stricter one the loan also breaks (what refuses the
    /// provider, ``DocumentedLoanGate``); nil otherwise, and for a loan made after `date`.
    public func brokenCap(
        for details: ProviderDescription,
        in rulebook: LegalCapTable,
        on date: CalendarDate
    )
        -> (cap: LegalCap, aprPercent: Decimal)?
    {
        guard let apr = aprPercent else { return nil }
        let made = month.firstDay
        guard made <= date,
            let broken = rulebook.caps(for: details, on: made).first(where: {
                $0.effect == .exclude && $0.isExceeded(byAPRPercent: apr)
            }),
            rulebook.caps(for: details, on: date).contains(where: {
                $0.effect == .exclude && $0.maxAPRPercent <= broken.maxAPRPercent && $0.isExceeded(byAPRPercent: apr)
            })
        else { return nil }
        return (broken, apr)
    }

    /// The total the borrower repays.
    public var totalRepaid: Money { Money(minorUnits: installment.minorUnits * Int64(termMonths)) }
}
