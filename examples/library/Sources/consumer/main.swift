// Backstop as a versioned dependency: one import, the standard line-up, an answer.
//
//   consumer CATALOG_DIR
import Backstop

let directory = CommandLine.arguments.dropFirst().first ?? "providers"
let aggregator = try Aggregator.standard(catalogDirectory: directory)
let answer = await aggregator.recommend(
    UserProfile(id: "consumer-1", creditScore: 700),
    LoanRequest(amount: try Money(parsing: "5000"), termMonths: 12, purpose: .cash),
    on: CalendarDate(iso: "2026-11-25")!
)
guard let best = answer.alternatives.first else { fatalError("no alternative for a healthy profile") }
print("consumer: best \(best.details.id) at \(best.offer.quote.nominalAPR)% APR of \(answer.alternatives.count)")
