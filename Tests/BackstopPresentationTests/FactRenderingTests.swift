import BackstopCore
import BackstopPresentation
import Foundation
import Testing

/// Every fact code, with representative parameters, rendered in both languages: nothing missing, no placeholder, no
/// English in the Chinese text but names, ids and units a borrower also sees in English.
struct FactRenderingTests {
    static let day = CalendarDate(year: 2026, month: 11, day: 25)!
    static let march = YearMonth(year: 2026, month: 3)!
    static let weilidai = FactValue.name(LocalizedName(en: "WeChat Weilidai", zh: "微信微粒贷"))
    static let cap: [String: FactValue] = [
        "provider": weilidai, "apr": .percent(Decimal(string: "24.004")!), "cap": .percent(24),
        "capID": .text("test-cap"),
        "title": .name(LocalizedName(en: "24% all-in cap for internet loans", zh: "互联网贷款综合成本24%上限")),
        "since": .date(CalendarDate(year: 2025, month: 10, day: 1)!), "source": .text("https://example.org/cap"),
    ]

    /// The fees counted in a price over a cap (provider XML v2).
    static let feesOverCap: [String: FactValue] = [
        "fees": .list([.fee(.guarantee), .fee(.insurance)]), "feeTotal": .money(Money(minorUnits: 185_500)),
    ]

    /// A ceiling of 4 × the one-year LPR, with the LPR and the day it was published.
    static let lprCap: [String: FactValue] = [
        "provider": .name(LocalizedName(en: "Generic quick-loan app", zh: "某快速贷款App")),
        "apr": .percent(Decimal(string: "127.69")!), "cap": .percent(12), "capID": .text("courts-4x-lpr-2025-05-20"),
        "title": .name(LocalizedName(en: "Courts' private-lending ceiling", zh: "法院民间借贷利率上限")),
        "since": .date(CalendarDate(year: 2025, month: 5, day: 20)!), "source": .text("https://example.org/lpr"),
        "lpr": .percent(3), "lprDate": .date(CalendarDate(year: 2025, month: 5, day: 20)!),
    ]

    /// Representative parameters for each code: the switch is exhaustive, so a new code must be added here.
    static func samples(_ code: FactCode) -> [[String: FactValue]] {
        let reasons = FactValue.list([.reason(.lateRepayment), .reason(.cashOut)])
        let unknowns = FactValue.list([.field(.monthlyIncome), .field(.identity)])
        let summary: [String: FactValue] = [
            "service": .service(.huabei), "state": .serviceState(.closed), "assessed": .serviceState(.closed),
            "reasons": reasons,
        ]
        let rule: [String: FactValue] = [
            "ruleID": .text("civil-code-adult-18"), "title": .name(LocalizedName(en: "Civil Code", zh: "民法典")),
            "since": .date(day), "source": .text("https://example.org/rule"), "reported": .int(0),
        ]
        func with(_ extra: [String: FactValue]) -> [String: FactValue] { rule.merging(extra) { _, b in b } }
        switch code {
        case .ruleUnderAge, .minorProtected:
            return [with(["provider": weilidai, "age": .int(17), "minAge": .int(18)])]
        case .rulePurposeBanned, .purposeBanned:
            return [
                with(["provider": weilidai, "purpose": .purpose(.homePurchase)]),
                with([
                    "provider": weilidai, "purpose": .purpose(.crypto), "reported": .int(1),
                    "lawful": .name(LocalizedName(en: "Do not borrow to invest.", zh: "不要借钱投资。")),
                ]),
                with(["provider": weilidai, "purpose": .purpose(.homePurchase), "also": .int(1)]),
            ]
        case .ruleBusinessOnly:
            return [
                with(["provider": weilidai, "purpose": .purpose(.medical)]),
                with(["provider": weilidai, "purpose": .purpose(.business), "employment": .text("employed")]),
            ]
        case .rulePerBorrowerLimit:
            let base = with([
                "provider": weilidai, "amount": .money(Money(minorUnits: 30_000_000)),
                "limit": .money(Money(minorUnits: 20_000_000)),
            ])
            return [base, base.merging(["owed": .money(Money(minorUnits: 5_000_000))]) { _, b in b }]
        case .ruleDocumentedLoanAboveCap:
            let base: [String: FactValue] = [
                "provider": weilidai, "month": .month(YearMonth(year: 2025, month: 10)!),
                "amount": .money(Money(minorUnits: 4_200_000)), "term": .int(12),
                "installment": .money(Money(minorUnits: 418_340)), "loanSource": .text("https://example.org/report"),
                "apr": .percent(Decimal(string: "34.28")!), "cap": .percent(24), "capID": .text("internet-lending-24"),
                "title": .name(LocalizedName(en: "the 24% cap", zh: "24%上限")), "since": .date(day),
                "source": .text("https://example.org/cap"),
            ]
            return [base, base.merging(["stated": .percent(Decimal(string: "35.98")!)]) { _, b in b }]
        case .whyOddsEstimatesOnly: return [["provider": weilidai]]
        case .ruleNoIncome: return [["payment": .money(Money(minorUnits: 45_806)), "limit": .percent(50)]]
        case .fixWaitUntilAdult: return [["minAge": .int(18)]]
        case .fixLawfulAlternative:
            return [
                ["purpose": .purpose(.securities)],
                [
                    "purpose": .purpose(.homePurchase),
                    "lawful": .name(LocalizedName(en: "Use a bank mortgage.", zh: "请申请银行按揭。")),
                ],
            ]
        case .fixBusinessLoanForBusiness: return LoanPurpose.allCases.map { ["purpose": .purpose($0)] }
        case .fixWithinBorrowerLimit:
            return [["limit": .money(Money(minorUnits: 20_000_000)), "room": .money(Money(minorUnits: 5_000_000))]]
        case .fixNoIncome, .debtRepaymentAdvice, .noRulebook: return [[:]]
        case .consumerCreditForBusiness: return [["providers": .list([weilidai, weilidai])]]
        case .whyNotIfStudent: return [rule]
        case .planWaitForBetterOdds:
            return [
                ["count": .int(2)], ["count": .int(2), "date": .date(day)],
                ["count": .int(2), "date": .date(day), "atTheLatest": .int(1)],
            ]
        case .planApplyIfCannotWait:
            return [["provider": weilidai, "likelihood": .likelihood(.low), "inquiry": .inquiry(.hard)]]
        case .planNoHardInquiries: return [["count": .int(3)]]
        case .planSkipsCheaper:
            return [
                [
                    "provider": weilidai, "chosen": weilidai, "difference": .money(Money(minorUnits: 539_400)),
                    "likelihood": .likelihood(.medium),
                ]
            ]
        case .evidenceScore:
            return [["score": .int(598)], ["score": .int(598), "drop": .int(62), "below": .int(600)]]
        case .evidenceLateRepayment:
            return [
                [:],
                [
                    "overdueNow": .money(Money(minorUnits: 120_000)), "count12m": .int(2), "count24m": .int(3),
                    "worstDays": .int(45),
                ],
            ]
        case .evidenceAge, .stepAgeLimit:
            return [
                ["age": .int(16), "min": .int(18), "service": .service(.huabei)],
                ["age": .int(62), "min": .int(18), "max": .int(60), "service": .service(.jiebei)],
            ]
        case .evidenceCashOut: return [["count": .int(1)], ["count": .int(3)]]
        case .evidenceIdentity: return IdentityStatus.allCases.map { ["identity": .identity($0)] }
        case .evidenceThinFile:
            return [
                ["score": .int(640), "missing": .list([.field(.repayment), .field(.creditScore90DaysAgo)])],
                [
                    "score": .int(640), "below": .int(650), "age": .int(19),
                    "missing": .list([.field(.repayment), .field(.creditScore90DaysAgo), .field(.accounts)]),
                ],
            ]
        case .summaryReportedNoReason: return [summary, summary.merging(["unknowns": unknowns]) { a, _ in a }]
        case .summaryReportedWithReasons, .summaryReportedOpenAtRisk, .summaryReportedOpen, .summaryLikelyOpen,
            .summaryLikelyNotOpen:
            return [summary, summary.merging(["assessed": .serviceState(.restricted)]) { _, b in b }]
        case .summaryReportedUnexplained:
            return [
                summary.merging(["assessed": .serviceState(.restricted)]) { _, b in b },
                summary.merging(["openServices": .list([.service(.jiebei)]), "unknowns": unknowns]) { _, b in b },
            ]
        case .summaryLikelyOpenWithUnknowns:
            return [
                summary.merging(["unknowns": unknowns]) { a, _ in a },
                summary.merging(["unknowns": .list([.field(.age)])]) { a, _ in a },
            ]
        case .ruleStatusOpen: return [["provider": weilidai, "state": .providerState(.open), "date": .date(day)]]
        case .ruleStatusNotOpen:
            return ProviderState.allCases.map {
                ["provider": weilidai, "state": .providerState($0), "date": .date(day), "since": .date(day)]
            }
        case .rulePurposeServed, .rulePurposeNotServed, .fixUseForPurpose:
            return [["purpose": .purpose(.cash), "purposes": .list([.purpose(.purchase)])]]
        case .ruleAmountWithinLimits, .ruleAmountAboveMax, .ruleAmountBelowMin, .fixBorrowAtMost, .fixBorrowAtLeast:
            return [
                [
                    "amount": .money(Money(minorUnits: 500_000)), "min": .money(Money(minorUnits: 50_000)),
                    "max": .money(Money(minorUnits: 20_000_000)),
                ]
            ]
        case .ruleNoPriceForTerm: return [["provider": weilidai, "term": .int(24)]]
        case .ruleNoPriceOnDate: return [["provider": weilidai, "term": .int(12), "date": .date(day)]]
        case .fixPricesUnknownForDate:
            let earlier = FactValue.date(CalendarDate(year: 2025, month: 1, day: 31)!)
            let later = FactValue.date(CalendarDate(year: 2025, month: 12, day: 15)!)
            return [
                ["date": .date(day)], ["date": .date(day), "from": later], ["date": .date(day), "until": earlier],
                ["date": .date(day), "from": later, "until": earlier],
            ]
        case .fixChooseTerm: return [["terms": .list([.int(3), .int(6), .int(12)])]]
        case .rulePaymentWithinCeiling, .rulePaymentAboveCeiling:
            return [["payment": .money(Money(minorUnits: 45_806)), "ceiling": .money(Money(minorUnits: 60_000))]]
        case .ruleDebtToIncome: return [["share": .percent(Decimal(string: "62.3")!), "limit": .percent(50)]]
        case .ruleCreditScore, .fixRaiseScore:
            return [
                ["score": .int(612), "min": .int(600), "points": .int(0)],
                ["score": .int(580), "min": .int(600), "points": .int(20)],
            ]
        case .ruleOverdueCount12m, .ruleOverdueCount24m, .ruleWorstDaysPastDue, .fixWaitOverdue12m,
            .fixWaitOverdue24m, .fixCleanRecordDays:
            return [["count": .int(2), "limit": .int(1)], ["count": .int(1), "limit": .int(0)]]
        case .ruleOverdueNow, .fixRepayOverdue:
            return [["amount": .money(Money(minorUnits: 120_000))]]
        case .stepRepayOverdueNow:
            return [
                ["amount": .money(Money(minorUnits: 120_000))], ["months": .list([.month(march)])],
                ["amount": .money(Money(minorUnits: 120_000)), "months": .list([.month(march), .month(march)])],
            ]
        case .stepOverdueRecordDates:
            return [
                [
                    "month": .month(march), "days": .int(45), "leaves12m": .date(day), "leaves24m": .date(day),
                    "settled": .date(day), "leavesReport": .date(day),
                ],
                [
                    "month": .month(march), "days": .int(3), "ifSettledOn": .date(day),
                    "leavesReportIfSettled": .date(day),
                ],
            ]
        case .stepOverdueCountsUndated:
            return [
                ["count12m": .int(2), "count24m": .int(3), "by12m": .date(day), "by24m": .date(day)],
                ["count24m": .int(1), "by12m": .date(day), "by24m": .date(day)],
                ["by12m": .date(day), "by24m": .date(day)],
            ]
        case .stepFixIdentity:
            return [
                [:], ["identity": .identity(.unverified)],
                ["identity": .identity(.expiredDocument), "days": .int(60), "by": .date(day)],
            ]
        case .stepResolveIdentityReport: return [["identity": .identity(.mismatch)]]
        case .stepCompliantUse: return [[:], ["until": .date(day)], ["until": .date(day), "count": .int(1)]]
        case .stepAppealCashOutFlag: return [["count": .int(1)], ["count": .int(6)]]
        case .stepCheckCreditReport:
            return [["identity": .identity(.suspectedImpersonation)], ["identity": .identity(.mismatch)]]
        case .stepDisputeRecords:
            return [["identity": .identity(.suspectedImpersonation), "days": .int(20), "by": .date(day)]]
        case .stepRebuildScore: return [[:], ["score": .int(598)]]
        case .stepContactOfficialService:
            return [
                ["service": .service(.huabei)], ["service": .service(.huabei), "state": .serviceState(.restricted)],
                ["service": .service(.huabei), "state": .serviceState(.closed), "reasons": reasons],
            ]
        case .stepKeepLicensedBackup: return [[:], ["count": .int(1)], ["count": .int(5)]]
        case .assumeNothingOverdue: return [[:], ["date": .date(day)]]
        case .assumeNoCashOut: return [[:], ["from": .date(day)]]
        case .reopenFrom:
            return [
                ["subject": .service(.huabei), "date": .date(day), "basis": .text("estimate")],
                ["subject": weilidai, "date": .date(day), "basis": .text("estimate")],
                ["subject": weilidai, "date": .date(day), "basis": .text("published")],
            ]
        case .reopenNotPredictable:
            return [
                ["subject": .service(.jiebei)],
                ["subject": weilidai, "latest": .date(day), "basis": .text("estimate")],
            ]
        case .afterOverdueRepaid, .afterProviderReopens: return [["date": .date(day)]]
        case .afterIdentityReverified: return [["by": .date(day)]]
        case .afterRecordLeavesWindow: return [["month": .month(march), "months": .int(12), "date": .date(day)]]
        case .dependsOnUndatedCounts:
            return [
                ["fields": .list([.field(.cashOutFlags12m)]), "months": .int(12), "by": .date(day)],
                [
                    "fields": .list([.field(.overdueCount24m), .field(.worstDaysPastDue)]), "months": .int(24),
                    "by": .date(day),
                ],
            ]
        case .dependsOnScore: return [["score": .int(598)], ["score": .int(580), "min": .int(600)]]
        case .dependsOnOperatorReview:
            return [
                ["subject": .service(.huabei)], ["subject": weilidai, "identity": .identity(.mismatch)],
                ["subject": .service(.huabei), "reasons": reasons],
            ]
        case .scamCreditRepair, .scamCampusLoanCancellation, .scamUpfrontFees, .scamFakeCustomerService,
            .scamPaidUnblocking, .scamPaidDebtAgents, .scamFakePolice:
            return [["source": .text("https://example.org/warning")]]
        case .ruleIdentityNotVerified, .ruleIdentityFlagged:
            return IdentityStatus.allCases.map { ["identity": .identity($0)] }
        case .ruleAge:
            return [
                ["age": .int(19), "min": .int(22), "max": .int(55)], ["age": .int(30), "min": .int(18)],
                ["age": .int(70), "max": .int(60)],
            ]
        case .ruleIncome, .fixIncomeAtLeast:
            return [["income": .money(Money(minorUnits: 280_000)), "min": .money(Money(minorUnits: 300_000))]]
        case .ruleAccountHeld, .ruleAccountMissing, .fixOpenAccount:
            return ["alipay", "wechat", "jd", "meituan", "douyin", "bank"].map {
                ["account": .account(.init(rawValue: $0))]
            }
        case .ruleCashOutFlags: return [["count": .int(1)], ["count": .int(2)]]
        case .ruleSignalUnknown:
            return RuleID.allCases.flatMap { rule in rule.fields.map { ["field": .field($0), "rule": .rule(rule)] } }
        case .ruleUnlicensed: return [["provider": weilidai]]
        case .ruleAboveLegalCap, .fixNoneAboveCap, .aboveLegalCap:
            // With the fees that push the price over the cap named (provider XML v2), and without; and for a provider
            // refused on its rules or the request, priced at the nearest loan it makes (`amount`, `term`).
            let nearest: [String: FactValue] = ["amount": .money(Money(minorUnits: 1_000_000)), "term": .int(12)]
            return [
                cap, cap.merging(feesOverCap) { a, _ in a },
                cap.merging(feesOverCap) { a, _ in a }.merging(nearest) { a, _ in a },
            ]
        case .aboveFinancialCourtLevel: return [cap]
        case .costIncomplete:
            return [
                ["provider": weilidai, "fees": .list([.fee(.service)])],
                ["provider": weilidai, "fees": .list([.fee(.service), .fee(.insurance)])],
            ]
        case .optionalFeePushed:
            return [
                ["provider": weilidai, "fee": .fee(.membership)],
                ["provider": weilidai, "fee": .fee(.membership), "amount": .money(Money(minorUnits: 35_880))],
            ]
        case .notePromotion, .notePromotionCustomerUnknown:
            return [["promotion": .name(LocalizedName(en: "30 days interest-free", zh: "新客30天免息"))]]
        case .noteFees:
            return FeeKind.allCases.map { kind in
                [
                    "fees": .list([.fee(kind), .fee(.insurance)]), "amount": .money(Money(minorUnits: 185_500)),
                    "optional": .list([.fee(.membership)]), "unknown": .list([.fee(.service)]),
                ]
            } + [["optional": .list([.fee(.membership)])]]
        case .aboveCourtCeiling: return [cap, lprCap]
        case .legalityWithinCap, .legalityAboveCap, .legalityAboveCourtLevel:
            let verdict: [String: FactValue] = [
                "licences": .list([.licence(.bank), .licence(.consumerFinance)]), "date": .date(day),
            ]
            return [cap.merging(verdict) { a, _ in a }, lprCap.merging(verdict) { a, _ in a }]
        case .legalityNoCap:
            return [
                ["apr": .percent(18), "date": .date(day)],
                ["apr": .percent(18), "date": .date(day), "licence": .licence(.cardIssuer)],
            ]
        case .legalityCapsUnknown: return [["apr": .percent(18), "date": .date(day)]]
        case .ruleServiceState:
            return ServiceState.allCases.map { ["service": .service(.jiebei), "state": .serviceState($0)] }
        case .fixReopensOn: return [["date": .date(day)]]
        case .fixKeepPaymentUnder: return [["payment": .money(Money(minorUnits: 150_000))]]
        case .fixReduceDebtsBelow: return [["debts": .money(Money(minorUnits: 400_000))]]
        case .fixWaitUntilAge: return [["age": .int(22)]]
        case .fixAboveMaximumAge: return [["max": .int(55)]]
        case .fixFollowRecoveryPlan: return [["reasons": reasons]]
        case .fixContactOfficialService, .noteServiceRestricted: return [["service": .service(.huabei)]]
        case .highCost:
            return [["provider": weilidai, "apr": .percent(Decimal(string: "21.54")!), "level": .percent(20)]]
        case .debtService:
            return [
                [
                    "provider": weilidai, "payment": .money(Money(minorUnits: 230_000)),
                    "share": .percent(Decimal(string: "62.3")!), "limit": .percent(50),
                ]
            ]
        case .unlicensedRefused:
            return [
                ["provider": weilidai],
                ["provider": weilidai, "apr": .percent(300), "totalCost": .money(Money(minorUnits: 990_000))],
            ]
        case .unknownSignals: return [["fields": unknowns]]
        case .unrecognizedProfileFields:
            return [["fields": .list([.text("hardInquiries3m"), .text("repayment.late")])]]
        case .providerFailed: return [["provider": .provider("live-endpoint"), "error": .text("HTTP 503")]]
        case .ruleStudentBarred, .studentProtected:
            return [
                [
                    "provider": weilidai, "licence": .licence(.onlineMicrolender),
                    "licences": .list([.licence(.onlineMicrolender), .licence(.microLoan)]),
                    "title": .name(LocalizedName(en: "2021 campus lending notice", zh: "2021年校园贷通知")),
                    "since": .date(CalendarDate(year: 2021, month: 3, day: 17)!),
                    "source": .text("https://example.org/n"),
                ]
            ]
        case .serviceAtRisk:
            return [
                ["service": .service(.huabei), "assessed": .serviceState(.closed), "reasons": reasons],
                ["service": .service(.jiebei), "assessed": .serviceState(.restricted), "reasons": reasons],
            ]
        case .duplicateProvider: return [["provider": .provider("icbc-rongejie")]]
        case .assumeNoLatePayments: return [["from": .date(day)]]
        case .assumeScore: return [["score": .int(598)]]
        case .assumeIdentityVerified:
            return [[:], ["was": .identity(.expiredDocument)], ["by": .date(day), "was": .identity(.unverified)]]
        case .notePublishedPrice, .noteEstimatedPrice:
            let prices: [FactValue] = [
                .interest(.none), .interest(.daily(DailyRate(percent: Decimal(string: "0.05")!), dayCount: .actual360)),
                .interest(.daily(DailyRate(percent: Decimal(string: "0.05")!), dayCount: .actual365)),
                .interest(.daily(DailyRate(percent: Decimal(string: "0.05")!), dayCount: .thirty360)),
                .interest(.monthly(MonthlyRate(percent: Decimal(string: "1.5")!))),
                .interest(.annual(AnnualRate(percent: Decimal(string: "7.2")!))),
            ]
            return prices.map {
                [
                    "interest": $0, "interestFreeDays": .int(40), "position": .decimal(Decimal(string: "0.87")!),
                    "installmentFee": .installmentFee(.perPeriod(MonthlyRate(percent: Decimal(string: "0.6")!))),
                ]
            } + [
                [
                    "interest": .interest(.none), "position": .decimal(0),
                    "installmentFee": .installmentFee(.total(TermRate(percent: Decimal(string: "8.8")!))),
                ]
            ]
        case .noteNearestTerm: return [["term": .int(12), "asked": .int(24)]]
        case .whyLicence:
            return LicenceKind.allCases.map { ["licence": .licence($0)] } + [
                [
                    "licence": .licence(.platform), "funders": .list([.licence(.bank), .licence(.consumerFinance)]),
                    "guarantors": .list([.text("Example Guarantee Co.")]),
                ],
                ["licence": .licence(.financingGuarantor), "funders": .list([.licence(.trust)])],
            ]
        case .whyPrice:
            return RepaymentMethod.allCases.map {
                ["apr": .percent(Decimal(string: "18.05")!), "term": .int(12), "method": .method($0)]
            }
        case .whyLikelihood: return Likelihood.allCases.map { ["likelihood": .likelihood($0)] }
        case .whyJustClears: return [["rules": .list(RuleID.allCases.map(FactValue.rule))]]
        case .whyUnknown: return [["fields": .list(ProfileField.allCases.map(FactValue.field))]]
        case .whyEstimate: return [["position": .decimal(Decimal(string: "0.87")!)]]
        case .ruleHardInquiries: return [["count": .int(7), "limit": .int(4)]]
        case .ruleCustomersOnly, .fixBecomeCustomer, .whyOnlyForCustomers:
            let banks = FactValue.list([.institution("icbc"), .institution("ccb"), .institution("cmb")])
            return [["institutions": banks, "customer": .int(0)], ["institutions": banks, "customer": .int(1)]]
        case .ruleInvitationOnly:
            return [["provider": weilidai, "invited": .int(0)], ["provider": weilidai, "invited": .int(1)]]
        case .fixWaitForInvitation, .whyOnlyIfInvited, .planUseOpenLine: return [["provider": weilidai]]
        case .ruleTermDiffers:
            return [["provider": weilidai, "asked": .int(24), "term": .int(20), "terms": .list([.int(10), .int(20)])]]
        case .fixWaitForInquiries: return [["limit": .int(4)], ["limit": .int(4), "date": .date(day)]]
        case .manyRecentInquiries, .planWaitUntil:
            return [["count": .int(7), "budget": .int(2)], ["count": .int(7), "budget": .int(2), "date": .date(day)]]
        case .whyOddsCurrentOverdue: return [["amount": .money(Money(minorUnits: 120_000))]]
        case .whyOddsRecentOverdue:
            return Likelihood.allCases.map { ["count": .int(2), "worst": .int(45), "cap": .likelihood($0)] }
        case .whyOddsCashOut: return [["count": .int(2)]]
        case .whyOddsInquiries: return [["count": .int(7), "cap": .likelihood(.low)]]
        case .whyOddsUnknown: return [["fields": .list([.field(.repayment), .field(.hardInquiries)])]]
        case .whyTermDiffers: return [["asked": .int(24), "term": .int(12)]]
        case .whyInquiry: return InquiryKind.allCases.map { ["inquiry": .inquiry($0)] }
        case .planApplySoft, .planApplyHard:
            return InquiryKind.allCases.map {
                ["provider": weilidai, "likelihood": .likelihood(.medium), "inquiry": .inquiry($0)]
            }
        case .planOneAtATime, .planInquiriesUnknown: return [["budget": .int(2)]]
        case .planLater: return [["providers": .list([weilidai, weilidai]), "budget": .int(2)]]
        case .ruleNothingOverdue, .ruleIdentityVerified, .ruleNoCashOut, .ruleIdentityNotFlagged,
            .fixNoReopeningAnnounced, .fixBorrowLessOrLonger, .fixCompleteVerification, .fixCompliantUse,
            .fixReverifyIdentity, .fixUseLicensedChannel, .fixNoneDocumentedLoan, .fixNotAvailable,
            .fixNoneStudentBarred, .noLegalCaps,
            .stepKeepRepaymentRecord, .stepFollowOfficialNotices, .stepBuildRecord, .stepVerifyIdentityBeforeBorrowing,
            .stepNoLicensedChannelNow, .assumeOperatorsDecide, .dependsOnRecordBuilding, .whyOddsUnemployed,
            .whyOddsGig,
            .planNothingToApply, .fixAskExactTerm, .stepAskForRepaymentArrangement, .stepReportToPolice,
            .stepAskLendersStopCollection:
            return [[:]]
        }
    }

    /// Latin words a Chinese sentence may contain: the product's and platforms' own names, units and ids.
    /// Not "Backstop": a Chinese answer names the product once, in its heading, never in a sentence an agent pastes.
    static let allowedInChinese: Set<String> = ["App", "LPR", "QQ"]

    /// Chinese words an English sentence names as borrowers meet them (the scams' and cash-out's own words).
    static let allowedInEnglish = [
        "套现", "征信修复", "注销校园贷", "解冻", "提额", "个性化分期", "经营贷", "公安机关", "征信异议", "停息挂账", "反催收",
        "临时居民身份证",
    ]

    @Test(arguments: FactCode.allCases)
    func everyCodeRendersInBothLanguages(_ code: FactCode) {
        for params in Self.samples(code) {
            let fact = Fact(code, params)
            for language in Language.allCases {
                let text = Renderer(language).render(fact)
                #expect(!text.isEmpty, "\(code) \(language)")
                #expect(!text.contains("?"), "\(code) \(language): a parameter is missing: \(text)")
                #expect(!text.contains("\\("), "\(code) \(language): \(text)")
                if language == .zh {
                    // Ids and texts quoted as they are (a provider id, a plugin's error) are not words to translate.
                    var prose = text
                    for value in params.values {
                        switch value {
                        case .provider(let id): prose = prose.replacingOccurrences(of: id.rawValue, with: "")
                        case .text(let quoted): prose = prose.replacingOccurrences(of: quoted, with: "")
                        case .list(let items):
                            for case .text(let quoted) in items {
                                prose = prose.replacingOccurrences(of: quoted, with: "")
                            }
                        default: break
                        }
                    }
                    // The Credit Reference Center's address is written as it is.
                    prose = prose.replacingOccurrences(of: "www.pbccrc.org.cn", with: "")
                    let words = prose.split { !($0.isASCII && $0.isLetter) }.map(String.init)
                    let english = words.filter { $0.count > 1 && !Self.allowedInChinese.contains($0) }
                    #expect(english.isEmpty, "\(code): English in Chinese: \(english) in \(text)")
                    #expect(!text.contains("APR"), "\(code): APR is 年化利率 in Chinese: \(text)")
                } else {
                    let chinese = text.unicodeScalars.filter { (0x4E00...0x9FFF).contains($0.value) }
                    // The English text names 套现 (cash-out) and the scams' words as borrowers meet them.
                    var left = String(String.UnicodeScalarView(chinese))
                    for word in Self.allowedInEnglish { left = left.replacingOccurrences(of: word, with: "") }
                    #expect(left.isEmpty, "\(code): Chinese in English: \(text)")
                }
            }
        }
    }

    @Test func amountsDatesAndPercentsFollowTheLanguage() {
        let money = Money(minorUnits: 123_456_789)
        #expect(Renderer(.en).money(money) == "¥1,234,567.89")
        #expect(Renderer(.zh).money(money) == "1,234,567.89元")
        #expect(Renderer(.zh).money(Money(minorUnits: -5)) == "-0.05元")
        #expect(Renderer(.en).percent(Decimal(string: "15.855")!) == "15.86%")
        #expect(Renderer(.zh).percent(Decimal(string: "15.855")!) == "15.86%")
        #expect(Renderer(.zh).date(Self.day) == "2026年11月25日")
        #expect(Renderer(.en).date(Self.day) == "2026-11-25")
        #expect(Renderer(.zh).list(["a", "b", "c"]) == "a、b和c")
        #expect(Renderer(.en).list(["a", "b", "c"]) == "a, b and c")
    }

    @Test func theIssueExamplesReadAsPlainLanguage() {
        let account = Fact(.ruleAccountMissing, ["account": .account("wechat")])
        #expect(Renderer(.zh).render(account) == "需要微信账户")
        #expect(Renderer(.en).render(account) == "needs an account with WeChat")
        let overdue = Fact(.ruleOverdueCount12m, ["count": .int(2), "limit": .int(0)])
        // Never "at most 0" / "不超过0次": a limit of nothing says so.
        #expect(Renderer(.zh).render(overdue) == "近12个月逾期2次（要求近12个月没有逾期）")
        #expect(Renderer(.en).render(overdue) == "2 overdue instalments in 12 months (none allowed)")
        let one = Fact(.ruleOverdueCount24m, ["count": .int(3), "limit": .int(1)])
        #expect(Renderer(.zh).render(one) == "近24个月逾期3次（最多允许1次）")
        #expect(Renderer(.en).render(one) == "3 overdue instalments in 24 months (at most 1 allowed)")
        for code in [FactCode.fixWaitOverdue12m, .fixWaitOverdue24m, .fixCleanRecordDays, .fixWaitForInquiries] {
            let fix = Fact(code, ["count": .int(2), "limit": .int(0), "date": .date(Self.day)])
            for language in Language.allCases {
                let text = Renderer(language).render(fix)
                #expect(!text.contains("at most 0") && !text.contains("不超过0"), "\(code) \(language): \(text)")
            }
        }
        let inquiries = Fact(.ruleHardInquiries, ["count": .int(1), "limit": .int(0)])
        #expect(Renderer(.en).render(inquiries) == "1 hard credit inquiry in the last 3 months; it accepts none")
        // The place in a range in words, with what puts the profile there; no internal "risk position 0.87".
        let estimate = Fact(
            .whyEstimate,
            ["position": .decimal(Decimal(string: "0.87")!), "score": .int(610), "overdue": .int(2)]
        )
        #expect(
            Renderer(.en).render(estimate)
                == "rate estimated near the top of its published range because of a credit score of 610 and "
                + "2 overdue instalments in 12 months"
        )
        #expect(Renderer(.zh).render(estimate) == "利率按其公布区间的靠近顶部估算，依据：信用分610分、近12个月逾期2次")
        // What is not published is named.
        #expect(!Renderer(.zh).inquiry(.unknown).hasPrefix("未公布"))
    }
}

/// Choosing the language: tags, the locale, Accept-Language with q-values.
struct LanguageTests {
    @Test(arguments: [
        ("zh", Language.zh), ("zh-Hans", .zh), ("zh-CN", .zh), ("zh_CN.UTF-8", .zh), ("ZH-hans-cn", .zh),
        ("en", .en), ("en-GB", .en), ("en_US.UTF-8", .en),
    ])
    func tagsAreReadLeniently(_ tag: String, _ language: Language) {
        #expect(Language(tag: tag) == language)
    }

    @Test(arguments: ["fr", "zh-Hant", "zh-TW", "zh_HK.UTF-8", "", "*", "english"])
    func otherTagsAreNotSupported(_ tag: String) {
        #expect(Language(tag: tag) == nil)
    }

    @Test func theLocaleDecidesTheDefault() {
        #expect(Language.fromEnvironment([:]) == .en)
        #expect(Language.fromEnvironment(["LANG": "zh_CN.UTF-8"]) == .zh)
        #expect(Language.fromEnvironment(["LANG": "zh_CN.UTF-8", "LC_ALL": "C"]) == .en)
        #expect(Language.fromEnvironment(["LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"]) == .zh)
        #expect(Language.fromEnvironment(["LANG": "zh_TW.UTF-8"]) == .en)
        #expect(Language.fromEnvironment(["LC_ALL": "", "LANG": "zh_CN"]) == .zh)
    }

    @Test func acceptLanguageHonoursQualities() {
        #expect(Language.negotiate(acceptLanguage: "zh-CN,zh;q=0.9,en;q=0.8") == .zh)
        #expect(Language.negotiate(acceptLanguage: "en;q=0.5, zh;q=0.9") == .zh)
        #expect(Language.negotiate(acceptLanguage: "zh;q=0.5, en") == .en)
        #expect(Language.negotiate(acceptLanguage: "zh;q=0, en;q=0.1") == .en)
        #expect(Language.negotiate(acceptLanguage: "fr, de;q=0.9") == nil)
        #expect(Language.negotiate(acceptLanguage: "fr, *;q=0.1") == .en)
        #expect(Language.negotiate(acceptLanguage: "zh-TW, zh-Hans;q=0.4") == .zh)
        #expect(Language.negotiate(acceptLanguage: "") == nil)
    }
}
