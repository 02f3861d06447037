import Foundation

/// One instalment of a schedule.
public struct ScheduleRow: Hashable, Sendable, Codable {
    /// 1 for the first instalment.
    public let number: Int
    public let dueDate: CalendarDate
    public let principal: Money
    public let interest: Money
    /// Instalment and membership fees due with this instalment.
    public let fees: Money
    /// principal + interest + fees.
    public let payment: Money
    /// The principal still owed after this instalment.
    public let balance: Money

    public init(
        number: Int,
        dueDate: CalendarDate,
        principal: Money,
        interest: Money,
        fees: Money,
        balance: Money
    ) {
        self.number = number
        self.dueDate = dueDate
        self.principal = principal
        self.interest = interest
        self.fees = fees
        self.payment = principal + interest + fees
        self.balance = balance
    }

    enum CodingKeys: String, CodingKey {
        case number, dueDate, principal, interest, fees, payment, balance
    }
}

/// What the borrower receives and pays at disbursement.
public struct Disbursement: Hashable, Sendable, Codable {
    public let date: CalendarDate
    /// The amount borrowed.
    public let amount: Money
    /// Fees taken at disbursement (upfront or service fees).
    public let fees: Money
}

/// A dated repayment schedule. Its principal column sums exactly to the amount borrowed.
public struct Schedule: Hashable, Sendable {
    public let disbursement: Disbursement
    public let rows: [ScheduleRow]

    public init(disbursement: Disbursement, rows: [ScheduleRow]) {
        self.disbursement = disbursement
        self.rows = rows
    }

    public var totalPrincipal: Money { rows.reduce(.zero(disbursement.amount.currency)) { $0 + $1.principal } }
    public var totalInterest: Money { rows.reduce(.zero(disbursement.amount.currency)) { $0 + $1.interest } }
    /// Instalment, membership and upfront fees.
    public var totalFees: Money {
        rows.reduce(disbursement.fees) { $0 + $1.fees }
    }
    /// Everything the borrower pays, fees at disbursement included.
    public var totalRepayment: Money {
        rows.reduce(disbursement.fees) { $0 + $1.payment }
    }
    /// Total repayment minus the amount borrowed: the total cost of credit.
    public var totalCost: Money { totalRepayment - disbursement.amount }

    /// The cash flows seen from the lender: the advance (net of fees at disbursement) and every payment.
    public var cashFlows: [CashFlow] {
        var flows = [
            CashFlow(amount: -disbursement.amount.decimalValue, date: disbursement.date)
        ]
        if disbursement.fees.minorUnits != 0 {
            flows.append(CashFlow(amount: disbursement.fees.decimalValue, date: disbursement.date))
        }
        for row in rows { flows.append(CashFlow(amount: row.payment.decimalValue, date: row.dueDate)) }
        return flows
    }
}
