import Backstop
import BackstopTesting
import Foundation
import Testing

/// The dated recovery plan through the public API: steps most urgent first, each with its own horizon; overdue
/// records by their dates; a what-if that dates each reopening (or says why it cannot) and never moves the score;
/// thin files; scam warnings.
struct RecoveryPlanTests {
    let day = CalendarDate(year: 2026, month: 11, day: 25)!
    let cash = LoanRequest(amount: Money(minorUnits: 500_000), termMonths: 12, purpose: .cash)

    static func date(_ text: String) -> CalendarDate { CalendarDate(iso: text)! }
    static func month(_ year: Int, _ month: Int) -> YearMonth { YearMonth(year: year, month: month)! }

    func aggregator() throws -> Aggregator {
        Aggregator.standard(catalog: try CatalogLoader().load(directory: AggregatorTests.providers))
    }

    /// Three dated late instalments, one of them unpaid: the example `overdue-events.json`.
    static let dated = UserProfile(
        id: "dated",
        age: 31,
        creditScore: 676,
        creditScore90DaysAgo: 684,
        repayment: RepaymentRecord(currentOverdueAmount: Money(minorUnits: 85_000)),
        cashOutFlags12m: 0,
        identity: .verified,
        monthlyIncome: Money(minorUnits: 900_000),
        monthlyDebtPayments: Money(minorUnits: 120_000),
        accounts: ["alipay", "wechat", "jd"],
        overdueEvents: [
            OverdueEvent(month: month(2025, 2), daysPastDue: 40, settled: date("2025-03-22")),
            OverdueEvent(month: month(2026, 6), daysPastDue: 12, settled: date("2026-06-25")),
            OverdueEvent(month: month(2026, 10), daysPastDue: 26),
        ]
    )

    func forecast(_ plan: RecoveryPlan, _ id: String) -> ReopeningForecast? {
        plan.forecasts.first { $0.subject.id == id }
    }

    @Test func repayingWhatIsOverdueComesFirstAndEachStepHasItsHorizon() throws {
        let aggregator = try aggregator()
        let profile = UserProfile(
            id: "multi",
            age: 33,
            creditScore: 560,
            creditScore90DaysAgo: 650,
            repayment: RepaymentRecord(
                overdueCount12m: 3,
                overdueCount24m: 5,
                worstDaysPastDue: 75,
                currentOverdueAmount: Money(minorUnits: 120_000)
            ),
            cashOutFlags12m: 1,
            identity: .expiredDocument,
            services: ServiceStates(huabei: .closed, jiebei: .closed)
        )
        let plan = aggregator.recovery(profile, diagnosis: aggregator.diagnose(profile), on: day)
        let codes = plan.steps.map(\.action.code)
        #expect(
            codes == [
                .stepRepayOverdueNow, .stepFixIdentity, .stepCompliantUse, .stepKeepRepaymentRecord,
                .stepOverdueCountsUndated, .stepRebuildScore, .stepFollowOfficialNotices,
                .stepVerifyIdentityBeforeBorrowing,
            ]
        )
        #expect(plan.steps[0].horizon == .now(day))
        #expect(plan.steps[0].action["amount"] == .money(Money(minorUnits: 120_000)))
        // An expired document is re-verified in days, not months.
        #expect(plan.steps[1].horizon == .days(1...7, from: day))
        #expect(plan.steps[2].horizon == .ongoing(from: day, until: Self.date("2027-11-25")))
        // The counts have no dates: the latest dates they leave the windows by.
        #expect(plan.steps[4].action["by12m"] == .date(Self.date("2027-11-01")))
        #expect(plan.steps[4].action["by24m"] == .date(Self.date("2028-11-01")))
        // The score: an assumption, no date.
        #expect(plan.steps[5].horizon == .undated)
        #expect(plan.steps.allSatisfy { $0.action.code != .stepKeepLicensedBackup })
    }

    @Test func anIdentityFixReopensInDays() throws {
        let aggregator = try aggregator()
        var profile = ProviderConformanceSuite.profiles[0]
        profile.identity = .expiredDocument
        profile.services = ServiceStates(huabei: .closed, jiebei: .closed)
        let plan = aggregator.recovery(profile, diagnosis: aggregator.diagnose(profile), on: day)
        let step = try #require(plan.steps.first { $0.reason == .identityAbnormal })
        #expect(step.action.code == .stepFixIdentity)
        #expect(step.horizon == .days(1...7, from: day))
        let huabei = try #require(forecast(plan, "huabei"))
        #expect(huabei.earliest == day.adding(days: 7))
        #expect(huabei.because == [Fact(.afterIdentityReverified, ["by": .date(day.adding(days: 7))])])
        #expect(plan.reopens.map(\.id) == ["huabei", "jiebei"])
        // A mismatch is not fixed by the user: the operator's review decides, and nothing is dated.
        profile.identity = .mismatch
        let review = aggregator.recovery(profile, diagnosis: aggregator.diagnose(profile), on: day)
        #expect(review.steps.first { $0.reason == .identityAbnormal }?.horizon == .undated)
        #expect(review.steps.first { $0.reason == .identityAbnormal }?.action.code == .stepResolveIdentityReport)
        #expect(forecast(review, "huabei")?.earliest == nil)
        #expect(forecast(review, "huabei")?.because.first?.code == .dependsOnOperatorReview)
        #expect(review.reopens.isEmpty)
    }

    @Test func datedLateInstalmentsGetTheirWindowAndReportDates() async throws {
        let aggregator = try aggregator()
        let answer = await aggregator.recommend(Self.dated, cash, on: day)
        let plan = answer.recovery
        #expect(plan.steps.first?.action.code == .stepRepayOverdueNow)
        #expect(plan.steps.first?.action["months"] == .list([.month(Self.month(2026, 10))]))
        let records = plan.steps.compactMap { step -> OverdueRecordDates? in
            if case .record(let dates) = step.horizon { return dates }
            return nil
        }
        #expect(records.map(\.month) == [Self.month(2025, 2), Self.month(2026, 6), Self.month(2026, 10)])
        #expect(records[1].leaves12MonthWindow == Self.date("2027-06-01"))
        #expect(records[1].leaves24MonthWindow == Self.date("2028-06-01"))
        // Five years after settlement (Regulation on the Administration of the Credit Reporting Industry, art. 16).
        #expect(records[0].leavesCreditReport == Self.date("2030-03-22"))
        #expect(records[1].leavesCreditReport == Self.date("2031-06-25"))
        // Unpaid: 5 years after it is settled, dated as if settled today.
        #expect(records[2].leavesCreditReport == nil)
        #expect(records[2].leavesCreditReportIfSettledOnPlanDate == Self.date("2031-11-25"))
        // The 2025-02 instalment (40 days late, settled 2025-03-22: marked in February and March) is already outside
        // the 12-month window: the step says so by leaving the date out; it leaves 24 months from its last month.
        let first = try #require(plan.steps.first { $0.action.code == .stepOverdueRecordDates })
        #expect(first.action["leaves12m"] == nil)
        #expect(first.action["leaves24m"] == .date(Self.date("2027-03-01")))

        // Huabei (assessed closed: 2 overdue in 12 months) stops being closed when the 2026-06 instalment leaves the
        // 12-month window; Jiebei closes on 15 days past due, so it waits for the 26-day one to leave 24 months.
        let huabei = try #require(forecast(plan, "huabei"))
        #expect(huabei.earliest == Self.date("2027-06-01"))
        #expect(
            huabei.because == [
                Fact(
                    .afterRecordLeavesWindow,
                    ["month": .month(Self.month(2026, 6)), "months": .int(12), "date": .date(Self.date("2027-06-01"))]
                )
            ]
        )
        // Unpaid, the 2026-10 instalment is marked every month until it is settled (today, in the plan): it leaves
        // the 24-month window 24 months after November 2026.
        #expect(forecast(plan, "jiebei")?.earliest == Self.date("2028-11-01"))
        // WeChat Weilidai allows 1 overdue in 12 months and 30 days past due: 2027-06-01 too.
        #expect(forecast(plan, "wechat-weilidai")?.earliest == Self.date("2027-06-01"))
        // A lender refusing only what is overdue today reopens once it is repaid.
        let jd = try #require(forecast(plan, "jd-jintiao"))
        #expect(jd.earliest == day)
        #expect(jd.because == [Fact(.afterOverdueRepaid, ["date": .date(day)])])
        #expect(plan.reopens.map(\.id).contains("wechat-weilidai"))
        // Every forecast is about a provider refused now, never one recommended now.
        let recommended = Set(answer.alternatives.map(\.details.id.rawValue))
        #expect(plan.forecasts.allSatisfy { !recommended.contains($0.subject.id) })
        #expect(plan.assumedChanges.map(\.code).contains(.assumeNothingOverdue))
    }

    @Test func countsWithoutDatesAreNotPredictableButHaveALatestDate() throws {
        let aggregator = try aggregator()
        let profile = AggregatorTests.lateRepayer
        let plan = aggregator.recovery(profile, diagnosis: aggregator.diagnose(profile), on: day)
        let huabei = try #require(forecast(plan, "huabei"))
        #expect(huabei.earliest == nil)
        #expect(huabei.latest == Self.date("2028-11-01"))
        #expect(huabei.because.allSatisfy { $0.code == .dependsOnUndatedCounts })
        #expect(huabei.headline.code == .reopenNotPredictable)
        // v1's reopens keep what reopens by a date, earliest or latest.
        #expect(plan.reopens.map(\.id) == ["huabei", "jiebei"])
    }

    @Test func theWhatIfNeverRaisesTheScore() async throws {
        let aggregator = try aggregator()
        let profile = UserProfile(
            id: "score",
            age: 41,
            creditScore: 598,
            creditScore90DaysAgo: 660,
            repayment: RepaymentRecord(
                overdueCount12m: 0,
                overdueCount24m: 0,
                worstDaysPastDue: 0,
                currentOverdueAmount: .zero()
            ),
            cashOutFlags12m: 0,
            identity: .verified,
            monthlyIncome: Money(minorUnits: 900_000),
            monthlyDebtPayments: Money(minorUnits: 180_000),
            accounts: ["alipay", "wechat", "jd", "bank"],
            services: ServiceStates(huabei: .restricted, jiebei: .closed)
        )
        let answer = await aggregator.recommend(profile, cash, on: day)
        let plan = answer.recovery
        #expect(plan.assumedChanges.contains(Fact(.assumeScore, ["score": .int(598)])))
        #expect(!plan.assumedChanges.contains { $0.code == .assumeScore && $0["score"] != .int(598) })
        let jiebei = try #require(forecast(plan, "jiebei"))
        #expect(jiebei.earliest == nil && jiebei.latest == nil)
        #expect(jiebei.because == [Fact(.dependsOnScore, ["score": .int(598)])])
        #expect(forecast(plan, "wechat-weilidai")?.because.first?.code == .dependsOnScore)
        #expect(plan.reopens.isEmpty)
        #expect(Countermeasure.improved(profile, following: [.creditScoreDecline]).creditScore == 598)
        #expect(plan.steps.first { $0.reason == .creditScoreDecline }?.horizon == .undated)
    }

    @Test func aThinFileIsToldToBuildARecordNotToRebuildAScore() throws {
        let aggregator = try aggregator()
        let profile = UserProfile(id: "thin", age: 19, creditScore: 640)
        let diagnosis = aggregator.diagnose(profile)
        let jiebei = try #require(diagnosis.first { $0.service == .jiebei })
        #expect(jiebei.reasons.map(\.code) == [.thinFile])
        #expect(jiebei.reasons.first?.evidence.code == .evidenceThinFile)
        let plan = aggregator.recovery(profile, diagnosis: diagnosis, on: day)
        let codes = plan.steps.map(\.action.code)
        #expect(codes.contains(.stepBuildRecord))
        #expect(!codes.contains(.stepRebuildScore))
        #expect(Renderer(.en).render(Fact(.stepBuildRecord)).contains("do not apply to many lenders"))
        // The same score with a recorded fall is a decline, not a thin file.
        var declining = profile
        declining.creditScore90DaysAgo = 700
        #expect(
            aggregator.diagnose(declining).first { $0.service == .jiebei }?.reasons.map(\.code) == [.creditScoreDecline]
        )
    }

    @Test func aClosureWithNoReasonPointsToTheOfficialServiceNotToAnEmptyPlan() async throws {
        let aggregator = try aggregator()
        var profile = ProviderConformanceSuite.profiles[0]
        profile.services = ServiceStates(huabei: .closed, jiebei: .open)
        let answer = await aggregator.recommend(
            profile,
            LoanRequest(amount: Money(minorUnits: 300_000), termMonths: 6, purpose: .purchase),
            on: day
        )
        let plan = answer.recovery
        #expect(
            plan.steps.first?.action
                == Fact(.stepContactOfficialService, ["service": .service(.huabei), "state": .serviceState(.closed)])
        )
        #expect(forecast(plan, "huabei")?.because == [Fact(.dependsOnOperatorReview, ["subject": .service(.huabei)])])
        let huabei = try #require(answer.ineligible.first { $0.details.id == "huabei" })
        #expect(huabei.fixes.first == Fact(.fixContactOfficialService, ["service": .service(.huabei)]))
        for language in Language.allCases {
            let lines = Renderer(language).recoveryLines(plan) + [Renderer(language).sentence(huabei.fixes)]
            #expect(!lines.contains { $0.hasSuffix(": ") || $0.hasSuffix("：") || $0.hasSuffix("：。") }, "\(lines)")
        }
    }

    @Test func identityCasesAreNotSentToAlternativesThatDoNotExist() async throws {
        let aggregator = try aggregator()
        var profile = ProviderConformanceSuite.profiles[0]
        profile.identity = .mismatch
        profile.services = ServiceStates(huabei: .closed, jiebei: .closed)
        let answer = await aggregator.recommend(profile, cash, on: day)
        #expect(answer.alternatives.isEmpty)
        let codes = answer.recovery.steps.map(\.action.code)
        #expect(codes.contains(.stepVerifyIdentityBeforeBorrowing))
        #expect(!codes.contains(.stepKeepLicensedBackup))
        // With alternatives, the backup step counts them.
        let healthyClosed = {
            var p = ProviderConformanceSuite.profiles[0]
            p.services = ServiceStates(huabei: .closed)
            return p
        }()
        let withAlternatives = await aggregator.recommend(healthyClosed, cash, on: day)
        let backup = try #require(withAlternatives.recovery.steps.first { $0.action.code == .stepKeepLicensedBackup })
        #expect(backup.action["count"] == .int(withAlternatives.alternatives.count))
    }

    @Test func scamWarningsComeWithEveryClosureAndTheirSources() async throws {
        let aggregator = try aggregator()
        let closed = await aggregator.recommend(AggregatorTests.lateRepayer, cash, on: day)
        #expect(closed.recovery.scams.map(\.code) == ScamWarning.allCases.map(\.code))
        for scam in closed.recovery.scams {
            guard case .text(let url)? = scam["source"] else {
                Issue.record("\(scam.code) has no source")
                continue
            }
            #expect(url.hasPrefix("http"), "\(scam.code)")
        }
        #expect(Renderer(.zh).render(closed.recovery.scams[0]).contains("征信修复"))
        #expect(Renderer(.zh).render(closed.recovery.scams[1]).contains("注销校园贷"))
        // A healthy profile refused by no lender on its record gets no warnings it does not need.
        let healthy = await aggregator.recommend(ProviderConformanceSuite.profiles[0], cash, on: day)
        #expect(healthy.recovery.scams.isEmpty)
        #expect(healthy.recovery.isEmpty)
    }
}
