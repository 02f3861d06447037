public import BackstopCore
import Foundation

/// 借呗 Jiebei: Alipay's cash loan, as a built-in Swift adapter.
///
/// Cash only; a daily rate by risk tier (0.02%–0.05% a day, actual/360), 3, 6 or 12 months, equal instalments or
/// interest first. Closure thresholds are stricter than Huabei's. Illustrative: see docs/primary-services.md.
public struct JiebeiProvider: PrimaryServiceProvider {
    public let service = PrimaryService.jiebei
    public let thresholds: ClosureThresholds
    /// The declarative part (rules, pricing), kept so its offer memo lasts as long as the provider.
    let described: DescribedProvider
    public var details: ProviderDescription { described.details }
    public var id: ProviderID { details.id }

    public init(thresholds: ClosureThresholds = JiebeiProvider.defaultThresholds) {
        self.thresholds = thresholds
        self.described = DescribedProvider(JiebeiProvider.description)
    }

    /// Illustrative: closed below 600 or after a fall of 80 points in 90 days; restricted below 650 or after a fall
    /// of 40; closed by any overdue instalment in 12 months or 15 days past due; closed by any cash-out flag.
    public static let defaultThresholds = ClosureThresholds(
        closeBelowScore: 600,
        restrictBelowScore: 650,
        restrictOnDrop: 40,
        closeOnDrop: 80,
        closeOnOverdue12m: 1,
        closeOnDaysPastDue: 15,
        closeOnCashOutFlags: 1,
        minAge: 18,
        maxAge: 60
    )

    public func diagnose(_ profile: UserProfile) -> ServiceDiagnosis {
        thresholds.diagnose(.jiebei, observed: profile.services?.jiebei, profile: profile)
    }

    public func evaluate(
        _ profile: UserProfile,
        _ request: LoanRequest,
        on date: CalendarDate,
        diagnosis: ServiceDiagnosis
    ) async throws -> Evaluation {
        evaluateAsPrimary(described, profile, request, on: date, diagnosis: diagnosis)
    }

    static let description = ProviderDescription(
        id: "jiebei",
        nameEN: "Alipay Jiebei",
        nameZH: "蚂蚁借呗",
        operatorName: "Chongqing Ant Consumer Finance Co., Ltd. (重庆蚂蚁消费金融有限公司), in the Alipay app",
        licence: Licence(kind: .consumerFinance, regulator: "NFRA"),
        channel: "alipay",
        productKind: .cashLoan,
        purposes: [.cash],
        minAmount: Money(minorUnits: 100_000),
        maxAmount: Money(minorUnits: 20_000_000),
        terms: [3, 6, 12],
        pricing: [
            PricingRule(
                interest: .daily(
                    RateRange(min: DailyRate(percent: 2 / Decimal(100)), max: DailyRate(percent: 5 / Decimal(100))),
                    dayCount: .actual360
                )
            )
        ],
        methods: [.equalInstallment, .interestFirst],
        eligibility: EligibilityRules(
            minCreditScore: 600,
            maxOverdueCount12m: 0,
            noCurrentOverdue: true,
            identityVerified: true,
            minAge: 18,
            maxAge: 60,
            requiredAccounts: ["alipay"],
            excludedWhen: [.cashOut, .identityAbnormal]
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
                url: "http://lnmlw.com/Loanconsultation/csfxqxohdx.html",
                title: "Jiebei: about 0.03%–0.05% a day; interest first or equal monthly repayment"
            ),
            SourceReference(
                id: "s2",
                url: "https://www.815801.com/technology/163.html",
                title: "Jiebei's daily rate, usually 0.015%–0.06%, is set by the user's credit evaluation"
            ),
            SourceReference(
                id: "s3",
                url:
                    "https://www.nasdaq.com/articles/ant-group-consumer-finance-unit-in-chongqing-wins-operating-approval-2021-06-03",
                title: "Ant Group consumer finance unit in Chongqing wins operating approval (Reuters), 2021-06-03"
            ),
        ],
        figureSources: ["interest": "s1", "licence": "s3"],
        notes: "Built-in adapter; terms and closure thresholds are illustrative, not Alipay's, and not an offer.",
        origin: "built-in"
    )
}

/// The built-in providers: Huabei and Jiebei.
public enum BuiltInProviders: Sendable {
    /// Fresh instances of the built-in adapters, with their default thresholds.
    public static func all() -> [any CreditProvider] { [HuabeiProvider(), JiebeiProvider()] }
}
