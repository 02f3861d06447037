// A custom provider plugin: a Swift type conforming to CreditProvider, registered alongside the catalog.
//
//   swift run --package-path examples/library custom-provider [CATALOG_DIR]
import Backstop
import Foundation

/// An employer's payroll loan: 7.2% a year, equal instalments, for staff with a verified identity and a salary of at
/// least ¥4,000, nothing overdue now. It checks its own rules with `RuleEvaluator` and prices with `CostEngine`, so its
/// offers follow the same money and APR rules as every other provider.
struct PayrollLoanProvider: CreditProvider {
    let details = ProviderDescription(
        id: "acme-payroll-loan",
        nameEN: "ACME payroll loan",
        nameZH: "ACME 员工贷",
        operatorName: "ACME Credit Union (example)",
        licence: Licence(kind: .bank, regulator: "NFRA"),
        channel: "other",
        productKind: .cashLoan,
        purposes: [.cash, .purchase],
        minAmount: Money(minorUnits: 100_000),
        maxAmount: Money(minorUnits: 5_000_000),
        terms: [6, 12, 24],
        pricing: [
            PricingRule(interest: .annual(RateRange(min: AnnualRate(percent: 7.2), max: AnnualRate(percent: 7.2))))
        ],
        methods: [.equalInstallment],
        eligibility: EligibilityRules(
            noCurrentOverdue: true,
            identityVerified: true,
            minMonthlyIncome: Money(minorUnits: 400_000)
        ),
        status: [StatusPeriod(state: .open, from: CalendarDate(year: 2020, month: 1, day: 1)!)],
        notes: "An example plugin; not a real product."
    )

    var id: ProviderID { details.id }

    func evaluate(_ profile: UserProfile, _ request: LoanRequest, on date: CalendarDate) async throws -> Evaluation {
        // The declarative rules and the quote come for free from DescribedProvider; a real plugin could call its
        // own pricing service here instead (the protocol is async for that reason).
        DescribedProvider(details).evaluateNow(profile, request, on: date)
    }
}

let catalogDirectory = CommandLine.arguments.dropFirst().first ?? "providers"
let profile = UserProfile(
    id: "staff-42",
    age: 31,
    creditScore: 690,
    repayment: RepaymentRecord(
        overdueCount12m: 0,
        overdueCount24m: 0,
        worstDaysPastDue: 0,
        currentOverdueAmount: .zero()
    ),
    cashOutFlags12m: 0,
    identity: .verified,
    monthlyIncome: try Money(parsing: "9000"),
    monthlyDebtPayments: try Money(parsing: "500"),
    accounts: ["alipay", "wechat"]
)
let request = LoanRequest(amount: try Money(parsing: "20000"), termMonths: 12, purpose: .cash)

do {
    let catalog = try CatalogLoader().load(directory: catalogDirectory)
    let aggregator = Aggregator.standard(catalog: catalog, plugins: [PayrollLoanProvider()])
    let answer = await aggregator.recommend(profile, request, on: CalendarDate(iso: "2026-11-25")!)
    for (rank, alternative) in answer.alternatives.prefix(3).enumerated() {
        let quote = alternative.offer.quote
        print(
            "\(rank + 1). \(alternative.details.id): \(quote.nominalAPR)% APR, \(quote.monthlyPayment)/month — \(Renderer(.en).render(alternative.why))"
        )
    }
} catch {
    print(error)
    exit(65)
}
