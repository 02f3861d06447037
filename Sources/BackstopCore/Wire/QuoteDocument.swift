public import Foundation

/// The JSON input of `backstop apr` and `POST /v1/apr`: a convention, the unit periods per year and the flows.
///
/// `{"convention": "us-regz", "unitPeriodsPerYear": 12, "flows": [{"amount": -5000, "t": 0}, {"amount": 230, "t": 1}]}`
/// Each flow has `amount` (yuan, lender's view: advances negative) and either `t` (unit periods, a number or an exact
/// fraction such as `"19/30"`) or `date` (`"YYYY-MM-DD"`). `unitPeriodsPerYear` is a number or a fraction (`"365/255"`).
public struct APRRequestDocument: Decodable, Sendable, Hashable {
    public let convention: APRConvention
    public let unitPeriodsPerYear: Decimal
    public let flows: [CashFlow]

    public init(convention: APRConvention, unitPeriodsPerYear: Decimal, flows: [CashFlow]) {
        self.convention = convention
        self.unitPeriodsPerYear = unitPeriodsPerYear
        self.flows = flows
    }

    enum CodingKeys: String, CodingKey { case convention, unitPeriodsPerYear, flows }
    enum FlowKeys: String, CodingKey { case amount, t, date }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        convention = try container.decodeIfPresent(APRConvention.self, forKey: .convention) ?? .cn
        if container.contains(.unitPeriodsPerYear) {
            let value = try Self.decodeRational(container, .unitPeriodsPerYear)
            guard value > 0, value <= 366 else {
                throw DecodingError.dataCorruptedError(
                    forKey: .unitPeriodsPerYear,
                    in: container,
                    debugDescription: "must be a positive number of periods per year up to 366, got \(value)"
                )
            }
            unitPeriodsPerYear = value
        } else {
            unitPeriodsPerYear = 12
        }
        var list = try container.nestedUnkeyedContainer(forKey: .flows)
        var flows: [CashFlow] = []
        while !list.isAtEnd {
            let flow = try list.nestedContainer(keyedBy: FlowKeys.self)
            let amount = try flow.decode(Decimal.self, forKey: .amount)
            guard amount.isFinite, abs(amount) <= 1_000_000_000_000 else {
                throw DecodingError.dataCorruptedError(
                    forKey: .amount,
                    in: flow,
                    debugDescription: "must be a finite amount of at most 10^12, got \(amount)"
                )
            }
            switch (flow.contains(.t), flow.contains(.date)) {
            case (true, false):
                let t = try Self.decodeRational(flow, .t)
                guard abs(t) <= 100_000 else {
                    throw DecodingError.dataCorruptedError(
                        forKey: .t,
                        in: flow,
                        debugDescription: "must be at most 100000 unit periods, got \(t)"
                    )
                }
                flows.append(CashFlow(amount: amount, periods: t))
            case (false, true):
                flows.append(CashFlow(amount: amount, date: try flow.decode(CalendarDate.self, forKey: .date)))
            default:
                throw DecodingError.dataCorruptedError(
                    forKey: .t,
                    in: flow,
                    debugDescription: "each flow needs exactly one of \"t\" (unit periods) or \"date\" (YYYY-MM-DD)"
                )
            }
        }
        guard !flows.isEmpty else {
            throw DecodingError.dataCorruptedError(
                forKey: .flows,
                in: container,
                debugDescription: "must list at least one advance and one repayment"
            )
        }
        self.flows = flows
    }

    static func decodeRational<Key: CodingKey>(_ container: KeyedDecodingContainer<Key>, _ key: Key) throws -> Decimal {
        if let number = try? container.decode(Decimal.self, forKey: key) { return number }
        let text: String
        do {
            text = try container.decode(String.self, forKey: key)
        } catch {
            throw DecodingError.dataCorruptedError(
                forKey: key,
                in: container,
                debugDescription: "must be a number or a fraction such as \"19/30\""
            )
        }
        guard let value = Decimal.parseRational(text) else {
            throw DecodingError.dataCorruptedError(
                forKey: key,
                in: container,
                debugDescription: "must be a number or a fraction such as \"19/30\", got \"\(text)\""
            )
        }
        return value
    }
}

/// The JSON answer of `backstop apr --format json` and `POST /v1/apr`.
public struct APRResultDocument: Codable, Sendable, Hashable {
    public let convention: APRConvention
    public let unitPeriodsPerYear: Decimal
    /// Percent, unrounded (10 decimals): 15.8643 means 15.8643%.
    public let nominalAPR: Decimal
    /// Percent, unrounded (10 decimals).
    public let effectiveAPR: Decimal
    /// The IRR per unit period as a fraction.
    public let periodicRate: Decimal

    public init(convention: APRConvention, unitPeriodsPerYear: Decimal, apr: AnnualPercentageRate) {
        self.convention = convention
        self.unitPeriodsPerYear = unitPeriodsPerYear.roundedHalfUp(scale: 10)
        nominalAPR = Decimal.fromSolver(apr.nominalPercent, scale: 10)
        effectiveAPR = Decimal.fromSolver(apr.effectivePercent, scale: 10)
        periodicRate = Decimal.fromSolver(apr.periodicRate, scale: 12)
    }
}
