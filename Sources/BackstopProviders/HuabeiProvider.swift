public import BackstopCore
import Foundation

/// 花呗 Huabei: Alipay's consumer credit line, as a built-in Swift adapter.
///
/// Purchases only. Paid in full by the due date it costs nothing (up to 40 interest-free days); otherwise the bill is
/// split into 3, 6, 9 or 12 instalments with a total fee on the original amount (2.5%, 4.5%, 6.5%, 8.8%), repaid as
/// equal principal + equal fee. Closure thresholds and prices are illustrative: see docs/primary-services.md.
public struct HuabeiProvider: PrimaryServiceProvider {
    public let service = PrimaryService.huabei
    public let thresholds: ClosureThresholds
    /// The declarative part (rules, pricing), kept so its offer memo lasts as long as the provider.
    let described: DescribedProvider
    public var details: ProviderDescription { described.details }
    public var id: ProviderID { details.id }

    /// - Parameter thresholds: the closure rules (defaults: ``defaultThresholds``).
    public init(thresholds: ClosureThresholds = HuabeiProvider.defaultThresholds) {
        self.thresholds = thresholds
        self.described = DescribedProvider(HuabeiProvider.description)
    }

    /// Illustrative: closed below 550 or after a fall of 100 points in 90 days; restricted below 600 or after a fall
    /// of 50; closed by 2 overdue instalments in 12 months or 30 days past due, restricted by 1; closed by any
    /// cash-out flag.
    public static let defaultThresholds = ClosureThresholds(
        closeBelowScore: 550,
        restrictBelowScore: 600,
        restrictOnDrop: 50,
        closeOnDrop: 100,
        closeOnOverdue12m: 2,
        closeOnDaysPastDue: 30,
        closeOnCashOutFlags: 1,
        minAge: 18
    )

    public func diagnose(_ profile: UserProfile) -> ServiceDiagnosis {
        thresholds.diagnose(.huabei, observed: profile.services?.huabei, profile: profile)
    }

    public func evaluate(
        _ profile: UserProfile,
        _ request: LoanRequest,
        on date: CalendarDate,
        diagnosis: ServiceDiagnosis
    ) async throws -> Evaluation {
        evaluateAsPrimary(described, profile, request, on: date, diagnosis: diagnosis)
    }

    static let description: ProviderDescription = {
        let fee = { (percent: String) -> InstallmentFeeQuote in
            let rate = TermRate(percent: Decimal(string: percent) ?? 0)
            return .total(RateRange(min: rate, max: rate))
        }
        return ProviderDescription(
            id: "huabei",
            nameEN: "Alipay Huabei",
            nameZH: "蚂蚁花呗",
            operatorName: "Chongqing Ant Consumer Finance Co., Ltd. (重庆蚂蚁消费金融有限公司), in the Alipay app",
            licence: Licence(kind: .consumerFinance, regulator: "NFRA"),
            channel: "alipay",
            productKind: .creditLine,
            purposes: [.purchase],
            minAmount: Money(minorUnits: 100),
            maxAmount: Money(minorUnits: 5_000_000),
            terms: [1, 3, 6, 9, 12],
            pricing: [
                PricingRule(terms: [1], interest: .none, interestFreeDays: 40, method: .bullet),
                PricingRule(terms: [3], interest: .none, installmentFee: fee("2.5"), method: .equalPrincipal),
                PricingRule(terms: [6], interest: .none, installmentFee: fee("4.5"), method: .equalPrincipal),
                PricingRule(terms: [9], interest: .none, installmentFee: fee("6.5"), method: .equalPrincipal),
                PricingRule(terms: [12], interest: .none, installmentFee: fee("8.8"), method: .equalPrincipal),
            ],
            methods: [.equalPrincipal, .bullet],
            eligibility: EligibilityRules(
                noCurrentOverdue: true,
                identityVerified: true,
                minAge: 18,
                requiredAccounts: ["alipay"],
                excludedWhen: [.cashOut]
            ),
            status: [
                StatusPeriod(
                    state: .open,
                    from: CalendarDate(year: 2015, month: 4, day: 1) ?? CalendarDate(daysSinceEpoch: 0)
                )
            ],
            sources: [
                SourceReference(
                    id: "s1",
                    url: "https://wodefinance.com/Creditcardoverdue/ouyuzyaesn.html",
                    title: "Huabei instalments: 2.5% for 3, 4.5% for 6, 6.5% for 9 and 8.8% for 12 instalments"
                ),
                SourceReference(
                    id: "s2",
                    url: "http://www.miracleart.cn/faq/1796832902.html",
                    title: "Huabei's interest-free period is about 40 days; 3, 6 and 12 instalments"
                ),
                SourceReference(
                    id: "s3",
                    url: "https://en.doing.city/2406/30fd7efcb7ead6ff.html",
                    title: "Huabei charges nothing when repaid in full by the due date; fees apply to instalments"
                ),
                SourceReference(
                    id: "s4",
                    url:
                        "https://www.nasdaq.com/articles/ant-group-consumer-finance-unit-in-chongqing-wins-operating-approval-2021-06-03",
                    title: "Ant Group consumer finance unit in Chongqing wins operating approval (Reuters), 2021-06-03"
                ),
            ],
            figureSources: ["installmentFee": "s1", "interestFreeDays": "s2", "licence": "s4"],
            notes: "Built-in adapter; terms and closure thresholds are illustrative, not Alipay's, and not an offer.",
            origin: "built-in"
        )
    }()
}
