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
                .stepRepayOverdueNow, .stepAskForRepaymentArrangement, .stepFixIdentity, .stepAppealCashOutFlag,
                .stepCompliantUse, .stepKeepRepaymentRecord, .stepOverdueCountsUndated, .stepRebuildScore,
                .stepFollowOfficialNotices, .stepVerifyIdentityBeforeBorrowing,
            ]
        )
        #expect(plan.steps[0].horizon == .now(day))
        #expect(plan.steps[0].action["amount"] == .money(Money(minorUnits: 120_000)))
        // Unable to repay in full: the creditor's own arrangement, with the card rule it rests on.
        #expect(plan.steps[1].source == AdviceSource.creditCardInstalments)
        // An expired document: a new card within the 60 days the law allows, a published date with its source.
        #expect(plan.steps[2].horizon == .days(1...60, from: day))
        #expect(plan.steps[2].dateKind == .published)
        #expect(plan.steps[2].source == AdviceSource.identityCardLaw)
        // Cash-out: the appeal first, then compliant use, whose end date is an estimate.
        #expect(plan.steps[4].horizon == .ongoing(from: day, until: Self.date("2027-11-25")))
        #expect(plan.steps[4].dateKind == .estimate)
        #expect(plan.steps[4].action["count"] == .int(1))
        // The counts have no dates: the latest dates they leave the windows by, as estimates.
        #expect(plan.steps[6].action["by12m"] == .date(Self.date("2027-11-01")))
        #expect(plan.steps[6].action["by24m"] == .date(Self.date("2028-11-01")))
        #expect(plan.steps[6].dateKind == .estimate)
        // The score: no date.
        #expect(plan.steps[7].horizon == .undated)
        #expect(plan.steps[7].dateKind == DateKind.none)
        #expect(plan.steps.allSatisfy { $0.action.code != .stepKeepLicensedBackup })
        // Every step names the services it is for.
        #expect(plan.steps.allSatisfy { !$0.services.isEmpty })
    }

    @Test func anExpiredDocumentIsRenewedWithinThePublishedSixtyDays() throws {
        let aggregator = try aggregator()
        var profile = ProviderConformanceSuite.profiles[0]
        profile.identity = .expiredDocument
        profile.services = nil
        let plan = aggregator.recovery(profile, diagnosis: aggregator.diagnose(profile), on: day)
        let step = try #require(plan.steps.first { $0.reason == .identityAbnormal })
        #expect(step.action.code == .stepFixIdentity)
        #expect(step.horizon == .days(1...60, from: day))
        #expect(step.action["by"] == .date(day.adding(days: 60)))
        #expect(Renderer(.zh).render(step.action).contains("临时居民身份证"))
        #expect(!Renderer(.en).render(step.action).contains("1 to 7"))
        // Reported closed, but an expired document only restricts by the illustrative rules: not explained, no date.
        profile.services = ServiceStates(huabei: .closed, jiebei: .closed)
        let diagnosis = aggregator.diagnose(profile)
        #expect(diagnosis.allSatisfy { !$0.explained && $0.summary.code == .summaryReportedUnexplained })
        let closed = aggregator.recovery(profile, diagnosis: diagnosis, on: day)
        let huabei = try #require(forecast(closed, "huabei"))
        #expect(huabei.earliest == nil)
        #expect(huabei.because.map(\.code) == [.dependsOnOperatorReview])
        #expect(closed.steps.filter { $0.action.code == .stepContactOfficialService }.count == 2)
        #expect(closed.reopens.isEmpty)
        // Restricted as reported: explained, and the forecast does not apply (only closures are forecast).
        profile.services = ServiceStates(huabei: .restricted, jiebei: .restricted)
        #expect(aggregator.diagnose(profile).allSatisfy { $0.explained })
        // A mismatch is not fixed by the user: the operator's review decides, and nothing is dated.
        profile.services = ServiceStates(huabei: .closed, jiebei: .closed)
        profile.identity = .mismatch
        let review = aggregator.recovery(profile, diagnosis: aggregator.diagnose(profile), on: day)
        #expect(review.steps.first { $0.reason == .identityAbnormal }?.horizon == .undated)
        #expect(review.steps.first { $0.reason == .identityAbnormal }?.action.code == .stepResolveIdentityReport)
        #expect(review.steps.contains { $0.action.code == .stepCheckCreditReport })
        #expect(!review.steps.contains { $0.action.code == .stepReportToPolice })
        #expect(forecast(review, "huabei")?.earliest == nil)
        #expect(forecast(review, "huabei")?.because.first?.code == .dependsOnOperatorReview)
        #expect(review.reopens.isEmpty)
    }

    @Test func anImpersonationGetsProtectiveStepsFirst() throws {
        let aggregator = try aggregator()
        var profile = ProviderConformanceSuite.profiles[0]
        profile.identity = .suspectedImpersonation
        profile.services = ServiceStates(huabei: .closed, jiebei: .closed)
        let plan = aggregator.recovery(profile, diagnosis: aggregator.diagnose(profile), on: day)
        let codes = plan.steps.map(\.action.code)
        #expect(
            Array(codes.prefix(5)) == [
                .stepReportToPolice, .stepCheckCreditReport, .stepDisputeRecords, .stepAskLendersStopCollection,
                .stepResolveIdentityReport,
            ]
        )
        let dispute = plan.steps[2]
        #expect(dispute.horizon == .days(1...20, from: day))
        #expect(dispute.dateKind == .published)
        #expect(dispute.source == AdviceSource.creditDispute)
        #expect(Renderer(.zh).render(dispute.action).contains("征信异议"))
        #expect(Renderer(.zh).render(plan.steps[0].action).contains("公安机关"))
        #expect(plan.steps[1].source == AdviceSource.creditReferenceCenter)
        // Fake police calls are the scam that preys on identity cases.
        #expect(plan.scams.map(\.code).contains(.scamFakePolice))
        #expect(plan.steps.allSatisfy { $0.services == [.huabei, .jiebei] })
    }

    @Test func huabeiClosedWhileTheStricterJiebeiIsOpenIsNotExplained() throws {
        let aggregator = try aggregator()
        var profile = ProviderConformanceSuite.profiles[0]
        profile.repayment = RepaymentRecord(
            overdueCount12m: 1,
            overdueCount24m: 1,
            worstDaysPastDue: 5,
            currentOverdueAmount: .zero()
        )
        profile.services = ServiceStates(huabei: .closed, jiebei: .open)
        let diagnosis = aggregator.diagnose(profile)
        let huabei = try #require(diagnosis.first { $0.service == .huabei })
        #expect(!huabei.explained)
        #expect(huabei.summary["openServices"] == .list([.service(.jiebei)]))
        let plan = aggregator.recovery(profile, diagnosis: diagnosis, on: day)
        #expect(forecast(plan, "huabei")?.earliest == nil)
        #expect(plan.reopens.isEmpty)
        let ask = try #require(plan.steps.first { $0.action.code == .stepContactOfficialService })
        #expect(ask.services == [.huabei])
        // With Jiebei closed too, the same record explains Jiebei's closure, and Huabei's restriction only.
        profile.services = ServiceStates(huabei: .restricted, jiebei: .closed)
        #expect(aggregator.diagnose(profile).allSatisfy { $0.explained })
    }

    @Test func cashOutIsWordedByTheCountWithAnAppeal() throws {
        let aggregator = try aggregator()
        var profile = ProviderConformanceSuite.profiles[0]
        profile.cashOutFlags12m = 1
        profile.services = ServiceStates(huabei: .restricted)
        let plan = aggregator.recovery(profile, diagnosis: aggregator.diagnose(profile), on: day)
        let codes = plan.steps.map(\.action.code)
        let appeal = try #require(codes.firstIndex(of: .stepAppealCashOutFlag))
        let use = try #require(codes.firstIndex(of: .stepCompliantUse))
        #expect(appeal < use)
        let one = Renderer(.en).render(plan.steps[use].action)
        #expect(one.hasPrefix("If the flag is right"))
        #expect(!one.contains("clears the flags"))
        profile.cashOutFlags12m = 6
        let six = aggregator.recovery(profile, diagnosis: aggregator.diagnose(profile), on: day)
        let many = try #require(six.steps.first { $0.action.code == .stepCompliantUse })
        #expect(Renderer(.en).render(many.action).hasPrefix("For the flags that are right"))
        #expect(Renderer(.zh).render(many.action).hasPrefix("对于没有错的标记"))
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

    @Test func scamWarningsFitThePersonAndCiteHTTPSSources() async throws {
        let aggregator = try aggregator()
        // A 29-year-old with late records and no money overdue: no campus-loan call, no debt agents, no fake police.
        let closed = await aggregator.recommend(AggregatorTests.lateRepayer, cash, on: day)
        #expect(
            closed.recovery.scams.map(\.code) == [
                .scamPaidUnblocking, .scamCreditRepair, .scamUpfrontFees, .scamFakeCustomerService,
            ]
        )
        for scam in ScamWarning.allCases {
            #expect(scam.sourceURL.hasPrefix("https://"), "\(scam)")
        }
        #expect(Renderer(.zh).render(closed.recovery.scams[1]).contains("征信修复"))
        // A student owing money now: debt agents, credit repair, the campus-loan call.
        var student = AggregatorTests.lateRepayer
        student.age = 20
        student.student = true
        student.repayment?.currentOverdueAmount = Money(minorUnits: 50_000)
        let owing = ScamWarning.fitting(student, aggregator.diagnose(student), notOpen: true, refused: false)
        #expect(
            owing == [
                .paidUnblocking, .paidDebtAgents, .creditRepair, .campusLoanCancellation, .upfrontFees,
                .fakeCustomerService,
            ]
        )
        // A 52-year-old with a mismatch: fake police, never the campus-loan call.
        var older = ProviderConformanceSuite.profiles[0]
        older.age = 52
        older.identity = .mismatch
        older.services = ServiceStates(huabei: .closed)
        let identity = ScamWarning.fitting(older, aggregator.diagnose(older), notOpen: true, refused: false)
        #expect(identity == [.paidUnblocking, .fakePolice, .upfrontFees, .fakeCustomerService])
        // Refused by a lender with every service open: no unblocking warning, the ones for anyone seeking credit.
        #expect(
            ScamWarning.fitting(older, [], notOpen: false, refused: true).contains(.paidUnblocking) == false
        )
        // A healthy profile refused by no lender on its record gets no warnings it does not need.
        let healthy = await aggregator.recommend(ProviderConformanceSuite.profiles[0], cash, on: day)
        #expect(healthy.recovery.scams.isEmpty)
        #expect(healthy.recovery.isEmpty)
    }
}
