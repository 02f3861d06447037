import Foundation

/// One instalment of a schedule.
public struct ScheduleRow: Hashable, Sendable, Codable {
    /// 1 for the first instalment.
    public let number: Int
    public let dueDate: CalendarDate
    public let principal: Money
    public let interest: Money
    /// Every mandatory fee due with this instalment (instalment, membership, guarantee, insurance, service…).
    public let fees: Money
    /// ``fees`` fee by fee, with each one's kind and receiver; they sum to ``fees`` exactly.
    public let feeItems: [FeeCharge]
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
        balance: Money,
        feeItems: [FeeCharge] = []
    ) {
        self.number = number
        self.dueDate = dueDate
        self.principal = principal
        self.interest = interest
        self.fees = fees
        self.feeItems = feeItems
        self.payment = principal + interest + fees
        self.balance = balance
    }

    enum CodingKeys: String, CodingKey {
        case number, dueDate, principal, interest, fees, feeItems, payment, balance
    }

    /// `feeItems` is written only when the row has fees (wire format v1: an added field).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(number, forKey: .number)
        try c.encode(dueDate, forKey: .dueDate)
        try c.encode(principal, forKey: .principal)
        try c.encode(interest, forKey: .interest)
        try c.encode(fees, forKey: .fees)
        if !feeItems.isEmpty { try c.encode(feeItems, forKey: .feeItems) }
        try c.encode(payment, forKey: .payment)
        try c.encode(balance, forKey: .balance)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        number = try c.decode(Int.self, forKey: .number)
        dueDate = try c.decode(CalendarDate.self, forKey: .dueDate)
        principal = try c.decode(Money.self, forKey: .principal)
        interest = try c.decode(Money.self, forKey: .interest)
        fees = try c.decode(Money.self, forKey: .fees)
        feeItems = try c.decodeIfPresent([FeeCharge].self, forKey: .feeItems) ?? []
        payment = try c.decode(Money.self, forKey: .payment)
        balance = try c.decode(Money.self, forKey: .balance)
    }
}

/// What the borrower receives and pays at disbursement.
public struct Disbursement: Hashable, Sendable, Codable {
    public let date: CalendarDate
    /// The amount borrowed.
    public let amount: Money
    /// Fees taken at disbursement (upfront or service fees).
    public let fees: Money
    /// ``fees`` fee by fee; they sum to ``fees`` exactly.
    public let feeItems: [FeeCharge]

    public init(date: CalendarDate, amount: Money, fees: Money, feeItems: [FeeCharge] = []) {
        self.date = date
        self.amount = amount
        self.fees = fees
        self.feeItems = feeItems
    }

    enum CodingKeys: String, CodingKey {
        case date, amount, fees, feeItems
    }

    /// `feeItems` is written only when there are fees at disbursement (an added field).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(date, forKey: .date)
        try c.encode(amount, forKey: .amount)
        try c.encode(fees, forKey: .fees)
        if !feeItems.isEmpty { try c.encode(feeItems, forKey: .feeItems) }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        date = try c.decode(CalendarDate.self, forKey: .date)
        amount = try c.decode(Money.self, forKey: .amount)
        fees = try c.decode(Money.self, forKey: .fees)
        feeItems = try c.decodeIfPresent([FeeCharge].self, forKey: .feeItems) ?? []
    }
}

/// A dated repayment schedule. Its principal column sums exactly to the amount borrowed.
public struct Schedule: Hashable, Sendable {
    public let disbursement: Disbursement
    public let rows: [ScheduleRow]
    /// Optional fees over the whole term: shown, not counted in any total or the APR.
    public let optionalFees: [OptionalFeeCharge]
    /// Mandatory fees whose figure is not published: the totals and the APR leave them out, so the cost is
    /// incomplete.
    public let unpricedFees: [UnpricedFee]

    public init(
        disbursement: Disbursement,
        rows: [ScheduleRow],
        optionalFees: [OptionalFeeCharge] = [],
        unpricedFees: [UnpricedFee] = []
    ) {
        self.disbursement = disbursement
        self.rows = rows
        self.optionalFees = optionalFees
        self.unpricedFees = unpricedFees
    }

    /// Whether a mandatory cost is missing from the totals.
    public var isCostIncomplete: Bool { !unpricedFees.isEmpty }

    /// The mandatory fees over the term (disbursement and rows), by kind and receiver in order of first appearance.
    public var feeTotals: [FeeCharge] {
        var totals: [FeeCharge] = []
        for item in disbursement.feeItems + rows.flatMap(\.feeItems) {
            if let index = totals.firstIndex(where: {
                $0.kind == item.kind && $0.receiver == item.receiver && $0.label == item.label
            }) {
                totals[index].amount += item.amount
            } else {
                totals.append(item)
            }
        }
        return totals
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
