// Embedding Backstop: a recommendation in a few lines.
//
//   swift run --package-path examples/library recommend [CATALOG_DIR]
import Backstop
import Foundation

let catalogDirectory = CommandLine.arguments.dropFirst().first ?? "providers"
let profile = UserProfile(
    id: "u-1001",
    age: 29,
    creditScore: 688,
    creditScore90DaysAgo: 695,
    repayment: RepaymentRecord(
        overdueCount12m: 2,
        overdueCount24m: 3,
        worstDaysPastDue: 45,
        currentOverdueAmount: .zero()
    ),
    cashOutFlags12m: 0,
    identity: .verified,
    monthlyIncome: try Money(parsing: "8000"),
    monthlyDebtPayments: try Money(parsing: "1500"),
    accounts: ["alipay", "wechat", "jd"],
    services: ServiceStates(huabei: .closed, jiebei: .closed)
)
let request = LoanRequest(amount: try Money(parsing: "5000"), termMonths: 12, purpose: .cash)

do {
    let aggregator = try Aggregator.standard(catalogDirectory: catalogDirectory)
    let answer = await aggregator.recommend(profile, request, on: CalendarDate(iso: "2026-11-25")!)

    // The core answers with typed facts; a Renderer puts them into Simplified Chinese or English.
    let words = Renderer(.en)
    for service in answer.diagnosis {
        print("\(service.service): \(service.state) — \(words.render(service.reasons.map(\.evidence)))")
        print("  \(Renderer(.zh).render(service.summary))")
    }
    if let best = answer.alternatives.first {
        let quote = best.offer.quote
        print(
            "Best: \(best.details.nameEN), \(quote.nominalAPR)% APR, \(quote.monthlyPayment) a month, \(quote.totalCost) in total"
        )
    }
    print("Refused: \(answer.ineligible.map(\.details.id.rawValue).joined(separator: ", "))")
    print("Reopens after the plan: \(answer.recovery.reopens.map(\.id).joined(separator: ", "))")
} catch {
    // A broken catalog is refused with every issue listed (file:line:column, rule).
    print(error)
    exit(65)
}
