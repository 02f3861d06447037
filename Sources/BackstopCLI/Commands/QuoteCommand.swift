import ArgumentParser
import BackstopCore
import BackstopPresentation
import Foundation

/// A command-line argument naming a case of a string-backed enum of the core (`equal-installment`, `actual/360`).
struct Choice<Value: RawRepresentable & CaseIterable & Sendable>: ExpressibleByArgument, Sendable
where Value.RawValue == String {
    let value: Value

    init(_ value: Value) { self.value = value }

    init?(argument: String) {
        guard let value = Value(rawValue: argument) else { return nil }
        self.value = value
    }

    var defaultValueDescription: String { value.rawValue }

    static var allValueStrings: [String] { Value.allCases.map(\.rawValue) }
}

/// `backstop quote`: the schedule and true cost of one set of terms.
struct QuoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quote",
        abstract: "Price a loan: dated schedule, total cost, nominal and effective APR.",
        discussion: """
            Examples:
              backstop quote --amount 10000 --term 12 --rate 0.05%/day --method equal-installment
              backstop quote --amount 1200 --term 12 --installment-fee 0.66%/month --method equal-principal
              backstop quote --amount 6000 --term 12 --installment-fee 8.8%/term --method equal-principal
            """
    )

    @Option(parsing: .unconditional, help: "Amount borrowed in yuan, e.g. 10000 or 1234.56.")
    var amount: String

    @Option(help: "Term in months (1-360).")
    var term: Int

    @Option(help: "Interest on the outstanding balance: 0.05%/day, 0.6%/month or 14.6%/year.")
    var rate: String?

    @Option(name: .customLong("day-count"), help: "How a daily rate annualises.")
    var dayCount = Choice(DayCount.actual360)

    @Option(help: "Repayment method.")
    var method = Choice(RepaymentMethod.equalInstallment)

    @Option(
        name: .customLong("installment-fee"),
        help: "Instalment fee on the original principal: per period (0.6%/month) or for the term (8.8%/term)."
    )
    var installmentFee: String?

    @Option(name: .customLong("interest-free-days"), help: "Days before the first instalment with no interest.")
    var interestFreeDays: Int = 0

    @Option(name: .customLong("upfront-fee"), help: "Fee at disbursement: a percentage (1%) or an amount (50).")
    var upfrontFee: String?

    @Option(name: .customLong("membership-fee"), help: "Membership fee charged with every monthly instalment, in yuan.")
    var membershipFee: String?

    @Option(
        name: .customLong("guarantee-fee"),
        help: "Guarantee fee: FIGURE/PERIOD[:BASIS], e.g. 1.2%/month, 1.5%/month:original-principal, 2%/once."
    )
    var guaranteeFee: String?

    @Option(
        name: .customLong("insurance-fee"),
        help: "Insurance premium, same syntax, e.g. 0.3%/month:outstanding-balance."
    )
    var insuranceFee: String?

    @Option(name: .customLong("service-fee"), help: "Service fee, same syntax, e.g. 0.5%/month or 200/once.")
    var serviceFee: String?

    @Option(
        name: .customLong("penalty-rate"),
        help: "Penalty interest on a late instalment's principal: +50% (the contract rate plus 50%) or 0.075%/day."
    )
    var penaltyRate: String?

    @Option(name: .customLong("late-fee"), help: "Fee charged once per late instalment, in yuan.")
    var lateFee: String?

    @Option(
        name: .customLong("early-repayment-fee"),
        help: "Fee for repaying everything early: a percentage of the prepaid principal (1%) or an amount."
    )
    var earlyRepaymentFee: String?

    @Option(
        name: .customLong("refunds-fees"),
        help: "Whether later periods' fees are waived on early repayment (default false)."
    )
    var refundsFees = Choice(TriState.false)

    @Option(
        name: .customLong("refunds-interest"),
        help: "Whether interest stops on early repayment (default true)."
    )
    var refundsInterest = Choice(TriState.true)

    @Option(name: .customLong("installment-multiple"), help: "Round an equal instalment to a multiple of this amount.")
    var installmentMultiple: String?

    @Option(help: "Disbursement date (YYYY-MM-DD); default today (UTC).")
    var start: String?

    @Option(help: "Output format.")
    var format: OutputFormat = .table

    @OptionGroup var legality: LegalityOptions

    @OptionGroup var lang: LanguageOption

    func validate() throws {
        _ = try makeQuote()
        _ = try stressTerms()
    }

    func run() throws {
        let quote = try makeQuote()
        // The rate is judged on the disbursement date, with the exact rate the solver found.
        let licence = legality.licence?.value
        let verdict = legality.caps().verdict(
            aprPercent: quote.apr.nominal(scale: 10),
            licence: licence,
            on: quote.terms.startDate
        )
        let (late, early) = try stressTerms()
        let stress = CostEngine.stress(of: quote, late: late, early: early)
        switch format {
        case .json:
            print(
                try encodeJSON(
                    QuoteDocument(quote, language: lang.value, legality: verdict, stress: (stress, late != nil))
                )
            )
        case .table:
            let r = lang.renderer
            var text = render(quote, r)
            let stressText = r.stressLines(stress, lateKnown: late != nil).map { "  - " + $0 }
            text += "\n\n" + r.t("Stress costs:", "压力测试成本：") + "\n" + stressText.joined(separator: "\n")
            if late == nil {
                text += r.t(
                    "\n  (give --penalty-rate and --late-fee for the late scenario)",
                    "\n  （给出 --penalty-rate 和 --late-fee 即可计算逾期情形）"
                )
            }
            print(text + "\n\n" + r.legality(verdict, on: quote.terms.startDate, licence: licence))
        }
    }

    /// The late and early-repayment terms the flags give (late: nil when neither --penalty-rate nor --late-fee).
    func stressTerms() throws -> (LateRepaymentTerms?, EarlyRepaymentTerms) {
        var late: LateRepaymentTerms?
        do {
            if penaltyRate != nil || lateFee != nil {
                late = LateRepaymentTerms(
                    penalty: try penaltyRate.map {
                        PenaltyInterest(rate: try FeeSpec.penalty($0), basis: .overduePrincipal, status: .published)
                    } ?? PenaltyInterest(rate: nil, status: .none),
                    fees: try lateFee.map { [try FeeSpec.lateFee($0)] } ?? []
                )
            }
        } catch {
            throw ValidationError("--\(penaltyRate != nil ? "penalty-rate" : "late-fee"): \(error)")
        }
        var early = EarlyRepaymentTerms(
            allowed: .true,
            refundsInterest: refundsInterest.value,
            refundsFees: refundsFees.value
        )
        if let earlyRepaymentFee {
            do { early.fees = [try FeeSpec.earlyRepaymentFee(earlyRepaymentFee)] } catch {
                throw ValidationError("--early-repayment-fee: \(error)")
            }
        }
        return (late, early)
    }

    /// Reads the flags and prices them; every problem is a `ValidationError` naming the flag.
    func makeQuote() throws -> Quote {
        do {
            return try CostEngine.quote(try makeTerms())
        } catch let error as CostError {
            throw ValidationError("--\(flag(for: error.field)): \(error.message)")
        }
    }

    func flag(for field: String) -> String {
        switch field {
        case "termMonths": "term"
        case "interestFreeDays": "interest-free-days"
        case "upfrontFee": "upfront-fee"
        case "membershipFee": "membership-fee"
        case "installmentMultiple": "installment-multiple"
        default: field
        }
    }

    func makeTerms() throws -> LoanTerms {
        let money: Money
        do { money = try Money(parsing: amount) } catch { throw ValidationError("--amount: \(error)") }
        var interest = InterestPricing.none
        if let rate {
            do {
                switch try QuotedRate(parsing: rate) {
                case .perDay(let daily): interest = .daily(daily, dayCount: dayCount.value)
                case .perMonth(let monthly): interest = .monthly(monthly)
                case .perYear(let annual): interest = .annual(annual)
                case .perTerm:
                    throw ValidationError(
                        "--rate: interest must be per day, month or year; a total for the term is an --installment-fee"
                    )
                }
            } catch let error as RateParseError {
                throw ValidationError("--rate: \(error)")
            }
        }
        var fee: InstallmentFee?
        if let installmentFee {
            do {
                switch try QuotedRate(parsing: installmentFee) {
                case .perMonth(let monthly): fee = .perPeriod(monthly)
                case .perTerm(let total): fee = .total(total)
                case .perDay, .perYear:
                    throw ValidationError(
                        "--installment-fee: must be per period (0.6%/month) or for the term (8.8%/term), got \(installmentFee)"
                    )
                }
            } catch let error as RateParseError {
                throw ValidationError("--installment-fee: \(error)")
            }
        }
        var upfront: UpfrontFee?
        if let upfrontFee {
            let text = upfrontFee.trimmingCharacters(in: .whitespaces)
            if text.hasSuffix("%") {
                guard let percent = Decimal.parseStrict(String(text.dropLast())), percent >= 0 else {
                    throw ValidationError("--upfront-fee: expected a percentage such as 1% or an amount, got \(text)")
                }
                upfront = .percent(percent)
            } else {
                do { upfront = .fixed(try Money(parsing: text)) } catch {
                    throw ValidationError("--upfront-fee: \(error)")
                }
            }
        }
        var membership: Money?
        if let membershipFee {
            do { membership = try Money(parsing: membershipFee) } catch {
                throw ValidationError("--membership-fee: \(error)")
            }
        }
        var multiple: Money?
        if let installmentMultiple {
            do { multiple = try Money(parsing: installmentMultiple) } catch {
                throw ValidationError("--installment-multiple: \(error)")
            }
        }
        var fees: [Fee] = []
        for (flag, kind, text) in [
            ("guarantee-fee", FeeKind.guarantee, guaranteeFee), ("insurance-fee", .insurance, insuranceFee),
            ("service-fee", .service, serviceFee),
        ] {
            guard let text else { continue }
            do { fees.append(try FeeSpec.fee(kind, text)) } catch { throw ValidationError("--\(flag): \(error)") }
        }
        let startDate: CalendarDate
        if let start {
            let date: CalendarDate
            do { date = try Bounds.date(start) } catch { throw ValidationError("--start: \(quoted(error.message))") }
            startDate = date
        } else {
            startDate = CalendarDate.todayUTC()
        }
        return LoanTerms(
            amount: money,
            termMonths: term,
            pricing: Pricing(
                interest: interest,
                installmentFee: fee,
                interestFreeDays: interestFreeDays,
                upfrontFee: upfront,
                monthlyMembershipFee: membership,
                fees: fees
            ),
            method: method.value,
            startDate: startDate,
            installmentMultiple: multiple
        )
    }

    func render(_ quote: Quote, _ r: Renderer) -> String {
        let terms = quote.terms
        let schedule = quote.schedule
        // With typed fees, a column per kind of fee before the total of the row's fees.
        var kinds: [FeeKind] = []
        if !terms.pricing.fees.isEmpty {
            for item in schedule.feeTotals where !kinds.contains(item.kind) { kinds.append(item.kind) }
        }
        func byKind(_ items: [FeeCharge]) -> [String] {
            kinds.map { kind in items.filter { $0.kind == kind }.reduce(Money.zero()) { $0 + $1.amount }.plainString }
        }
        var table = TextTable(
            headers: ["#", r.t("due date", "还款日"), r.t("principal", "本金"), r.t("interest", "利息")]
                + kinds.map(r.fee) + [r.t("fees", "费用"), r.t("payment", "还款额"), r.t("balance", "剩余本金")]
        )
        table.leftAligned = [1]
        if schedule.disbursement.fees.minorUnits > 0 {
            let d = schedule.disbursement
            table.rows.append(
                ["0", d.date.description, "", ""] + byKind(d.feeItems) + [
                    d.fees.plainString, d.fees.plainString, d.amount.plainString,
                ]
            )
        }
        for row in schedule.rows {
            table.rows.append(
                ["\(row.number)", row.dueDate.description, row.principal.plainString, row.interest.plainString]
                    + byKind(row.feeItems) + [row.fees.plainString, row.payment.plainString, row.balance.plainString]
            )
        }
        table.rows.append(
            ["", r.t("total", "合计"), schedule.totalPrincipal.plainString, schedule.totalInterest.plainString]
                + byKind(schedule.disbursement.feeItems + schedule.rows.flatMap(\.feeItems)) + [
                    schedule.totalFees.plainString, schedule.totalRepayment.plainString, "",
                ]
        )
        let periodic = Decimal.fromSolver(quote.apr.periodicRate * 100, scale: 4)
        let ruleWidth = r.language == .zh ? 14 : 23
        func line(_ en: String, _ zh: String, _ value: String, _ note: String = "") -> String {
            let label = r.t(en, zh)
            return label + String(repeating: " ", count: max(1, ruleWidth - label.displayWidth)) + value + note
        }
        return [
            r.t(
                "Quote: \(r.money(terms.amount)) over \(terms.termMonths) months, \(r.method(terms.method)), disbursed "
                    + r.date(terms.startDate),
                "报价：借款\(r.money(terms.amount))，\(terms.termMonths)个月，\(r.method(terms.method))，"
                    + "\(r.date(terms.startDate))放款"
            ),
            r.t("Pricing: ", "价格：") + r.pricing(terms.pricing),
            "",
            table.render(),
            "",
            line("Monthly payment", "月供", r.money(quote.monthlyPayment)),
            line("Total repayment", "还款总额", r.money(quote.totalRepayment)),
            line("Total cost of credit", "借款总成本", r.money(quote.totalCost)),
            line(
                "Nominal APR",
                "名义年化利率",
                r.percent(quote.nominalAPR),
                r.t("   (monthly IRR \(periodic)% × 12)", "   （月内部收益率\(periodic)% × 12）")
            ),
            line(
                "Effective APR",
                "实际年化利率",
                r.percent(quote.effectiveAPR),
                r.t("   ((1 + monthly IRR)^12 − 1)", "   （(1 + 月内部收益率)^12 − 1）")
            ),
        ].joined(separator: "\n") + allIn(quote, r)
    }

    /// With typed fees: the all-in APR (the nominal APR, every mandatory fee included), the rate without them, and
    /// each fee's total.
    func allIn(_ quote: Quote, _ r: Renderer) -> String {
        guard !quote.terms.pricing.fees.isEmpty else { return "" }
        let totals = quote.schedule.feeTotals.map { "\($0.label ?? r.fee($0.kind)) \(r.money($0.amount))" }
        let bare = quote.interestOnlyAPR.map { r.percent($0) } ?? "?"
        return "\n"
            + r.t(
                "All-in APR             \(r.percent(quote.nominalAPR))   (nominal, every mandatory fee included; "
                    + "\(bare) for the interest alone)",
                "综合年化利率（含费用） \(r.percent(quote.nominalAPR))   （名义年化，含全部必付费用；仅计利息为\(bare)）"
            )
            + "\n" + r.t("Fees over the term     ", "期内费用合计           ") + r.list(totals)
    }
}
