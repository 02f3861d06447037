// Fuzzes the APR solver (`APRCalculator.apr(of:)`) on arbitrary cash flows and the cost engine (`CostEngine.quote`)
// on arbitrary loan terms. The input is binary; the first byte chooses the mode.
//
// Flows (first byte < 0x80): bits 0-1 the convention (cn, eu, us-regz), bit 2 dates instead of periods, bit 3 times
// in sixteenths of a period, bits 4-6 the unit periods per year; then 6-byte records: Int32 amount in fen (little
// endian) and a UInt16 time: periods modulo 1200, or an Int16 day offset from 2020-01-31 modulo 4000 with dates
// (a high byte of 0xFF, or 0x7F for days, multiplies the low byte instead, to reach beyond 100,000 periods).
// Terms (first byte >= 0x80): bit 6 allows values outside the documented ranges; then fields read in order (amount,
// term, method, interest, instalment fee, interest-free days, upfront fee, membership fee, start date, multiple).
//
// Invariants (a broken one traps, so libFuzzer saves the input):
// - a rate, when one is returned, is finite and above -100%, and is a root: the NPV there is 0 to 1e-6 of the sum of
//   the discounted magnitudes, or changes sign within 1e-7 (relative) of it (times recomputed here independently);
// - for conventional flows (every advance before every repayment) a rate is always found when one exists in the
//   solver's documented range: exactly 0 when the amounts sum to zero, positive when they sum above zero and the NPV
//   at 10^6 is negative, in (-50%, 0) when they sum below zero and the NPV at -50% is positive;
// - a quote's principal column sums exactly to the amount, balances fall to zero by each row's principal, no column
//   is negative, due dates increase, and its APR is finite, above -100%, and not negative (total cost >= 0);
// - terms inside the documented ranges always get a schedule, and an APR too unless an upfront fee or interest-free
//   days make the first period so costly that the rate is beyond the solver's range.
import BackstopCore
import CLibFuzzer
import Foundation

@main
enum FuzzAPRSolver {
    static func main() {
        exit(backstop_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv, fuzz))
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = ByteReader(UnsafeBufferPointer(start: data, count: size))
    let header = input.u8()
    if header & 0x80 == 0 {
        fuzzFlows(header, &input)
    } else {
        fuzzTerms(header, &input)
    }
    return 0
}

/// Reads little-endian integers from the input; zeros once it runs out.
struct ByteReader {
    var rest: Slice<UnsafeBufferPointer<UInt8>>
    init(_ buffer: UnsafeBufferPointer<UInt8>) { rest = buffer[...] }
    var count: Int { rest.count }
    mutating func u8() -> UInt8 {
        guard let byte = rest.first else { return 0 }
        rest = rest.dropFirst()
        return byte
    }
    mutating func u16() -> UInt16 { UInt16(u8()) | UInt16(u8()) << 8 }
    mutating func u32() -> UInt32 { UInt32(u16()) | UInt32(u16()) << 16 }
    mutating func u64() -> UInt64 { UInt64(u32()) | UInt64(u32()) << 32 }
}

// MARK: - Cash flows

let origin = CalendarDate(year: 2020, month: 1, day: 31)!
let periodsPerYearChoices: [Decimal] = [12, 1, 52, 365, 4, 26, Decimal(365) / Decimal(255), 24]
/// Day length of a unit period for the per-year counts that date counting turns into days (the others count months).
let dayLengths: [Decimal: Double] = [24: 15, 26: 14, 52: 7, 365: 1]

func fuzzFlows(_ header: UInt8, _ input: inout ByteReader) {
    let convention: APRConvention = [.cn, .eu, .usRegZ, .cn][Int(header & 3)]
    let dated = header & 4 != 0
    let sixteenths = header & 8 != 0
    let perYear = periodsPerYearChoices[Int(header >> 4) & 7]
    var flows: [CashFlow] = []
    var amounts: [Double] = []
    var fens: [Int64] = []
    var days: [Int] = []
    var periods: [Double] = []
    var exactSum = Decimal(0)
    while input.count >= 6 && flows.count < 256 {
        let fen = Int32(bitPattern: input.u32())
        let time = input.u16()
        let amount = Decimal(sign: fen < 0 ? .minus : .plus, exponent: -2, significand: Decimal(fen.magnitude))
        exactSum += amount
        amounts.append(Double(fen) / 100)
        fens.append(Int64(fen))
        // Times stay short (a solver evaluation costs one step per whole period) unless the high byte is 0xFF (0x7F
        // for days), which reaches past the solver's 100,000-period polynomial path.
        if dated {
            let offset = time >> 8 == 0x7F ? Int(time & 0xFF) * 128 : Int(Int16(bitPattern: time)) % 4000
            days.append(offset)
            flows.append(CashFlow(amount: amount, date: origin.adding(days: offset)))
        } else {
            let units = time >> 8 == 0xFF ? Int(time & 0xFF) * 400 : Int(time % 1200)
            let t = sixteenths ? Decimal(units) / 16 : Decimal(units)
            periods.append(sixteenths ? Double(units) / 16 : Double(units))
            flows.append(CashFlow(amount: amount, periods: t))
        }
    }
    let calculator = APRCalculator(convention: convention, unitPeriodsPerYear: perYear)
    let result: AnnualPercentageRate?
    do {
        result = try calculator.apr(of: flows)
    } catch {
        guard !error.message.isEmpty else { fail("an APR error without a message", flows) }
        result = nil
    }
    // Times in unit periods, computed here: given periods, or days over a day-length unit period. Month-counted units
    // have their own calendar rules and are only checked for a finite rate.
    var times: [Double]?
    if !dated {
        times = periods
    } else if let length = dayLengths[perYear], let first = zip(amounts, days).filter({ $0.0 < 0 }).map(\.1).min() {
        let k = NSDecimalNumber(decimal: perYear).doubleValue
        times = days.map { $0 <= first ? -Double(first - $0) * k / 365 : Double($0 - first) / length }
    }
    let simple = convention == .usRegZ
    if let rate = result?.periodicRate {
        guard rate.isFinite, rate > -1 else { fail("the solver answered \(rate)", flows) }
    }
    guard let times else { return }
    // Flows at the same time are one flow (netted in fen, exactly): two that cancel are no flow, and must not pass
    // for a root where everything else has underflowed.
    let net = netByTime(fens, times)
    if let rate = result?.periodicRate { checkRoot(rate, net.amounts, net.times, simple: simple, flows) }
    checkConventional(result?.periodicRate, exactSum, net.amounts, net.times, simple: simple, flows)
}

/// Amounts in yuan at distinct times, those at equal times added up in fen, those adding up to zero left out.
func netByTime(_ fens: [Int64], _ times: [Double]) -> (amounts: [Double], times: [Double]) {
    var byTime: [Double: Int64] = [:]
    for (fen, time) in zip(fens, times) { byTime[time, default: 0] += fen }
    let kept = byTime.filter { $0.value != 0 }.sorted { $0.key < $1.key }
    return (kept.map { Double($0.value) / 100 }, kept.map(\.key))
}

/// NPV at periodic rate i and the sum of the discounted magnitudes, as the conventions define them, both multiplied by
/// (1 + i)^k for a whole k that keeps every nonzero flow's discount factor at most 1 (k the earliest whole time of a
/// nonzero flow for i >= 0, the latest for i < 0). The scaling changes neither the sign nor the roots, and keeps the
/// terms that decide them out of Double's subnormal range: far-off times would otherwise discount to a few bits of
/// precision, or overflow. Zero flows add nothing wherever they are, so they do not choose k.
func npv(_ amounts: [Double], _ times: [Double], _ i: Double, simple: Bool) -> (value: Double, magnitude: Double) {
    var value = 0.0
    var magnitude = 0.0
    let nonzero = zip(amounts, times).filter { $0.0 != 0 }.map(\.1)
    let reference = ((i >= 0 ? nonzero.min() : nonzero.max()) ?? 0).rounded(.down)
    for (a, time) in zip(amounts, times) where a != 0 {
        let t = time - reference  // floor(t) = floor(time) - reference: the simple-interest split is unchanged
        let factor: Double
        if simple {
            let whole = t.rounded(.down)
            factor = pow(1 + i, -whole) / (1 + (t - whole) * i)
        } else {
            factor = pow(1 + i, -t)
        }
        value += a * factor
        magnitude += abs(a * factor)
    }
    return (value, magnitude)
}

func checkRoot(_ rate: Double, _ amounts: [Double], _ times: [Double], simple: Bool, _ flows: [CashFlow]) {
    let (value, magnitude) = npv(amounts, times, rate, simple: simple)
    // Beyond Double here (or no flows left after netting): nothing to judge.
    guard value.isFinite, magnitude.isFinite, magnitude > 0 else { return }
    if abs(value) <= 1e-6 * magnitude { return }
    let step = 1e-7 * max(abs(rate), 1e-6)
    let below = npv(amounts, times, max(rate - step, (rate - 1) / 2), simple: simple).value
    let above = npv(amounts, times, rate + step, simple: simple).value
    guard below.isFinite, above.isFinite else { return }
    if (below <= 0) != (above <= 0) || below == 0 || above == 0 { return }
    fail("rate \(rate) is not a root: NPV \(value) of magnitude \(magnitude), \(below) below, \(above) above", flows)
}

func checkConventional(
    _ rate: Double?,
    _ exactSum: Decimal,
    _ amounts: [Double],
    _ times: [Double],
    simple: Bool,
    _ flows: [CashFlow]
) {
    let advances = zip(amounts, times).filter { $0.0 < 0 }.map(\.1)
    let repayments = zip(amounts, times).filter { $0.0 > 0 }.map(\.1)
    guard let lastAdvance = advances.max(), let firstRepayment = repayments.min(), lastAdvance < firstRepayment else {
        return
    }
    if exactSum.isZero {
        guard rate == 0 else { fail("flows summing to zero have rate \(String(describing: rate)), not 0", flows) }
    } else if exactSum > 0 {
        let far = npv(amounts, times, 1e6, simple: simple).value
        guard far.isFinite, far < 0 else { return }
        guard let rate, rate > 0 else {
            fail("conventional flows with a root in (0, 10^6) got rate \(String(describing: rate))", flows)
        }
    } else {
        let near = npv(amounts, times, -0.5, simple: simple).value
        guard near.isFinite, near > 0 else { return }
        guard let rate, rate > -0.5, rate < 0 else {
            fail("conventional flows with a root in (-0.5, 0) got rate \(String(describing: rate))", flows)
        }
    }
}

// MARK: - Loan terms

/// A percentage with four decimals from 0 to 1000 (the widest rate CostEngine prices); raw, any sign and 10^-33 to
/// 10^34.
func percent(_ input: inout ByteReader, raw: Bool) -> Decimal {
    guard raw else { return Decimal(input.u32() % 10_000_001) / 10_000 }
    let significand = Int32(bitPattern: input.u32())
    let exponent = Int(Int8(bitPattern: input.u8())) % 30 - 4
    return Decimal(
        sign: significand < 0 ? .minus : .plus,
        exponent: exponent,
        significand: Decimal(significand.magnitude)
    )
}

func fuzzTerms(_ header: UInt8, _ input: inout ByteReader) {
    let raw = header & 0x40 != 0
    let amountFen = raw ? Int64(bitPattern: input.u64()) % 200_000_000_000 : 1 + Int64(input.u64() % 100_000_000_000)
    let amount = Money(minorUnits: amountFen)
    let termMonths = raw ? Int(Int16(bitPattern: input.u16())) : 1 + Int(input.u16() % 360)
    let method = RepaymentMethod.allCases[Int(input.u8()) % RepaymentMethod.allCases.count]
    var pricing = Pricing()
    let interestKind = input.u8() % 4
    let interestRate = percent(&input, raw: raw)
    let dayCount = DayCount.allCases[Int(input.u8()) % DayCount.allCases.count]
    switch interestKind {
    case 1: pricing.interest = .daily(DailyRate(percent: interestRate), dayCount: dayCount)
    case 2: pricing.interest = .monthly(MonthlyRate(percent: interestRate))
    case 3: pricing.interest = .annual(AnnualRate(percent: interestRate))
    default: pricing.interest = .none
    }
    let feeKind = input.u8() % 3
    let feeRate = percent(&input, raw: raw)
    switch feeKind {
    case 1: pricing.installmentFee = .perPeriod(MonthlyRate(percent: feeRate))
    case 2: pricing.installmentFee = .total(TermRate(percent: feeRate))
    default: pricing.installmentFee = nil
    }
    pricing.interestFreeDays = raw ? Int(Int16(bitPattern: input.u16())) : Int(input.u16() % 366)
    switch input.u8() % 3 {
    case 1: pricing.upfrontFee = .percent(raw ? percent(&input, raw: true) : Decimal(input.u32() % 1_000_001) / 10_000)
    case 2:
        let fen = raw ? Int64(Int32(bitPattern: input.u32())) : Int64(input.u64() % UInt64(amountFen + 1))
        pricing.upfrontFee = .fixed(Money(minorUnits: fen))
    default: pricing.upfrontFee = nil
    }
    if input.u8() & 1 == 1 {
        let fen = raw ? Int64(bitPattern: input.u64()) : Int64(input.u64() % 10_000_000_001)
        pricing.monthlyMembershipFee = Money(minorUnits: fen)
    }
    let year = raw ? 1 + Int(input.u16() % 9999) : 1900 + Int(input.u16() % 7101)
    let month = 1 + Int(input.u8() % 12)
    let day = 1 + Int(input.u8() % 31)
    let start =
        CalendarDate(year: year, month: month, day: day) ?? CalendarDate(year: year, month: month, day: 28)!
    var multiple: Money?
    if input.u8() % 4 == 0 {
        multiple = Money(minorUnits: raw ? Int64(Int16(bitPattern: input.u16())) : 1 + Int64(input.u16()))
    }
    let terms = LoanTerms(
        amount: amount,
        termMonths: termMonths,
        pricing: pricing,
        method: method,
        startDate: start,
        installmentMultiple: multiple
    )
    let quote: Quote
    do {
        quote = try CostEngine.quote(terms)
    } catch {
        if raw { return }
        // In range, only the APR may be missing, and only with money or time taken at the start: a large upfront fee
        // on a first period of a few days can cost more than the solver's 10^11% a period. The schedule still holds.
        guard error.field == "pricing", pricing.upfrontFee != nil || pricing.interestFreeDays > 0 else {
            fail("terms in range were refused: \(error)", terms)
        }
        do {
            checkSchedule(try CostEngine.schedule(for: terms), terms)
        } catch {
            fail("terms in range have no schedule: \(error)", terms)
        }
        return
    }
    checkSchedule(quote.schedule, terms)
    let rate = quote.apr.periodicRate
    guard rate.isFinite, rate > -1 else { fail("APR periodic rate \(rate)", terms) }
    guard quote.totalCost.minorUnits >= 0, rate >= -1e-9 else {
        fail("total cost \(quote.totalCost.minorUnits) fen with periodic rate \(rate)", terms)
    }
}

func checkSchedule(_ schedule: Schedule, _ terms: LoanTerms) {
    let rows = schedule.rows
    guard rows.count == (terms.method == .bullet ? 1 : terms.termMonths) else {
        fail("\(rows.count) rows for a \(terms.termMonths)-month \(terms.method) loan", terms)
    }
    guard schedule.totalPrincipal == terms.amount else {
        fail("principal sums to \(schedule.totalPrincipal.minorUnits) fen, not \(terms.amount.minorUnits)", terms)
    }
    let disbursement = schedule.disbursement
    guard disbursement.amount == terms.amount, disbursement.fees.minorUnits >= 0, disbursement.fees <= terms.amount
    else { fail("disbursement \(disbursement)", terms) }
    var balance = terms.amount
    var previous = terms.startDate
    for (index, row) in rows.enumerated() {
        guard row.number == index + 1, row.dueDate > previous else {
            fail("row \(index + 1) is numbered \(row.number) and due \(row.dueDate) after \(previous)", terms)
        }
        guard row.principal.minorUnits >= 0, row.interest.minorUnits >= 0, row.fees.minorUnits >= 0 else {
            fail("row \(row.number) has a negative column: \(row)", terms)
        }
        guard row.balance == balance - row.principal, row.balance.minorUnits >= 0 else {
            fail("row \(row.number) balance \(row.balance.minorUnits) after \(balance.minorUnits) - principal", terms)
        }
        guard row.payment == row.principal + row.interest + row.fees else {
            fail("row \(row.number) payment is not principal + interest + fees", terms)
        }
        balance = row.balance
        previous = row.dueDate
    }
    guard balance.minorUnits == 0 else { fail("the last balance is \(balance.minorUnits) fen", terms) }
}

func fail(_ message: String, _ context: Any) -> Never {
    fatalError("FuzzAPRSolver invariant broken: \(message)\n  input: \(context)")
}
