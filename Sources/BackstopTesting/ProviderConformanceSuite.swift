public import BackstopCore
import Foundation

/// A conformance suite every ``CreditProvider`` should pass: run it in your plugin's tests.
///
/// ```swift
/// @Test func myProviderConforms() async {
///     let failures = await ProviderConformanceSuite(provider: MyProvider()).run()
///     #expect(failures.isEmpty, "\(failures)")
/// }
/// ```
/// It evaluates a set of canonical profiles (healthy, risky, thin-file) and requests and checks the protocol's
/// implementation requirements: determinism (also under concurrency), a consistent id, offers only when no rule
/// failed, a fix for every failed rule, unknown signals never reported as passed, and offers whose schedules are
/// exact (principal sums to the amount) with a finite, non-negative APR; and, for a provider with the pricing
/// capability (``PricesNearestLoan``), a nearest term it offers, the same quote from `makeOffer` as from `evaluate`,
/// and a best price no higher than any offer.
public struct ProviderConformanceSuite: Sendable {
    /// One requirement broken, with the profile and request that showed it.
    public struct Failure: Hashable, Sendable, CustomStringConvertible {
        public let requirement: String
        public let detail: String
        public var description: String { "\(requirement): \(detail)" }
    }

    public let provider: any CreditProvider
    public let date: CalendarDate

    public init(provider: any CreditProvider, date: CalendarDate = CalendarDate(year: 2026, month: 11, day: 25)!) {
        self.provider = provider
        self.date = date
    }

    /// Canonical profiles: the fields a rule may need are present, absent, good and bad across them.
    public static let profiles: [UserProfile] = [
        UserProfile(
            id: "conformance-healthy",
            age: 35,
            creditScore: 780,
            creditScore90DaysAgo: 775,
            repayment: RepaymentRecord(
                overdueCount12m: 0,
                overdueCount24m: 0,
                worstDaysPastDue: 0,
                currentOverdueAmount: .zero()
            ),
            cashOutFlags12m: 0,
            identity: .verified,
            monthlyIncome: Money(minorUnits: 2_000_000),
            monthlyDebtPayments: Money(minorUnits: 100_000),
            accounts: PlatformAccount.known,
            services: ServiceStates(huabei: .open, jiebei: .open)
        ),
        UserProfile(
            id: "conformance-risky",
            age: 23,
            creditScore: 540,
            creditScore90DaysAgo: 640,
            repayment: RepaymentRecord(
                overdueCount12m: 4,
                overdueCount24m: 6,
                worstDaysPastDue: 90,
                currentOverdueAmount: Money(minorUnits: 250_000)
            ),
            cashOutFlags12m: 2,
            identity: .suspectedImpersonation,
            monthlyIncome: Money(minorUnits: 300_000),
            monthlyDebtPayments: Money(minorUnits: 250_000),
            accounts: ["alipay"],
            services: ServiceStates(huabei: .closed, jiebei: .closed)
        ),
        UserProfile(id: "conformance-thin", creditScore: 650),
    ]

    /// Canonical requests.
    public static let requests: [LoanRequest] = [
        LoanRequest(amount: Money(minorUnits: 500_000), termMonths: 12, purpose: .cash),
        LoanRequest(amount: Money(minorUnits: 300_000), termMonths: 6, purpose: .purchase, rankBy: .cost),
        LoanRequest(
            amount: Money(minorUnits: 20_000_000),
            termMonths: 36,
            purpose: .cash,
            maxMonthlyPayment: Money(minorUnits: 100_000)
        ),
    ]

    /// Runs every check; an empty result means the provider conforms.
    public func run() async -> [Failure] {
        var failures: [Failure] = []
        func fail(_ requirement: String, _ detail: String) {
            failures.append(Failure(requirement: requirement, detail: detail))
        }
        if provider.id != provider.details.id {
            fail("id", "id \(provider.id) differs from details.id \(provider.details.id)")
        }
        if !ProviderID.isValid(provider.id.rawValue) { fail("id", "\"\(provider.id)\" is not a valid provider id") }
        for profile in Self.profiles {
            for request in Self.requests {
                let label = "\(profile.id) / \(request.amount.plainString) over \(request.termMonths) months"
                let first: Evaluation
                do {
                    first = try await provider.evaluate(profile, request, on: date)
                } catch {
                    fail("no-throw", "\(label): threw \(error) for an ordinary profile")
                    continue
                }
                let again = try? await provider.evaluate(profile, request, on: date)
                if again != first { fail("deterministic", "\(label): two evaluations differ") }
                let concurrent = await withTaskGroup(of: Evaluation?.self) { group in
                    for _ in 0..<4 { group.addTask { try? await provider.evaluate(profile, request, on: date) } }
                    var results: [Evaluation?] = []
                    for await result in group { results.append(result) }
                    return results
                }
                if concurrent.contains(where: { $0 != first }) {
                    fail("deterministic", "\(label): concurrent evaluations differ")
                }
                if first.provider != provider.id { fail("id", "\(label): evaluation names \(first.provider)") }
                if first.offer != nil && !first.failed.isEmpty {
                    fail("no-offer-when-failed", "\(label): an offer despite failed rules \(first.failed.map(\.rule))")
                }
                for check in first.failed where check.fix == nil {
                    fail("fix", "\(label): failed rule \(check.rule) has no fix")
                }
                for check in first.checks where check.outcome == .passed && check.value == nil {
                    fail("unknown-is-not-good", "\(label): rule \(check.rule) passed without a value")
                }
                if let offer = first.offer {
                    let quote = offer.quote
                    if offer.provider != provider.id { fail("offer", "\(label): offer names \(offer.provider)") }
                    if quote.schedule.totalPrincipal != quote.terms.amount {
                        fail(
                            "exact-schedule",
                            "\(label): principal sums to \(quote.schedule.totalPrincipal), not \(quote.terms.amount)"
                        )
                    }
                    if !quote.apr.nominalPercent.isFinite || quote.apr.nominalPercent < 0 {
                        fail("apr", "\(label): nominal APR \(quote.apr.nominalPercent)")
                    }
                }
                if let pricing = provider as? any PricesNearestLoan {
                    checkPricing(pricing, profile, request, first, label, fail)
                }
            }
        }
        return failures
    }

    /// The pricing capability (``PricesNearestLoan``), when the provider has it: the nearest term is one it offers,
    /// its offer for the request it accepts is the one `evaluate` quoted, and no price of the range is below its
    /// best price.
    func checkPricing(
        _ pricing: any PricesNearestLoan,
        _ profile: UserProfile,
        _ request: LoanRequest,
        _ evaluation: Evaluation,
        _ label: String,
        _ fail: (String, String) -> Void
    ) {
        let terms = provider.details.terms
        let nearest = pricing.nearestTerm(to: request.termMonths)
        if !terms.isEmpty && !terms.contains(nearest) {
            fail("nearest-term", "\(label): nearest term \(nearest) is not one of \(terms)")
        }
        guard let offer = evaluation.offer else { return }
        let priced = pricing.makeOffer(profile, request, on: date)
        if priced?.quote != offer.quote {
            fail("pricing", "\(label): makeOffer's quote differs from evaluate's")
        }
        if let best = pricing.bestAPR(request, on: date, score: profile.creditScore),
            best > offer.quote.apr.nominal(scale: 10) + Decimal(string: "0.001")!
        {
            fail("best-price", "\(label): best APR \(best) is above the offer's \(offer.quote.nominalAPR)")
        }
    }
}
