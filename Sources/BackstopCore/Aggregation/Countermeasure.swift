import Foundation

/// The countermeasures for the closure reasons found, each with its own horizon, most urgent first.
public enum Countermeasure: Sendable {
    /// How long re-verifying an expired or unverified identity document in the Alipay app takes, in days: Backstop's
    /// assumption (a document renewed and uploaded is usually checked within days), not a published figure.
    public static let identityFixDays = 1...7

    /// How long a negative record stays on the PBoC credit report after the debt is settled: 5 years (Regulation on
    /// the Administration of the Credit Reporting Industry, 2013, art. 16).
    public static let creditReportMonths = 60

    /// The steps for the reasons found, most urgent first:
    ///
    /// 1. money overdue now (today);
    /// 2. identity: re-verify an expired or unverified document (1 to 7 days), or have a mismatch or impersonation
    ///    report resolved by official customer service (no date: the operator's review);
    /// 3. cash-out: stop now; the flags leave the 12-month count a year on;
    /// 4. the repayment record: pay on time from now on, and for each dated late instalment the dates it leaves the
    ///    12- and 24-month windows lenders read and the credit report (5 years after it was settled); counts without
    ///    dates get the latest dates instead;
    /// 5. a thin file: build a record; a declining score: the habits that rebuild it (no date: an assumption);
    /// 6. a service closed for no reason found: its official customer service;
    /// 7. when a service is not open: the official notices, and a licensed backup only when there is one
    ///    (`alternatives`: how many licensed alternatives serve the request now; nil when no request was made).
    ///
    /// The one planner behind `diagnose`, `alternatives` and the HTTP answers. `profile` should be resolved on `date`
    /// (``UserProfile/resolved(on:)``).
    public static func steps(
        for diagnosis: [ServiceDiagnosis],
        _ profile: UserProfile,
        on date: CalendarDate,
        alternatives: Int? = nil
    ) -> [RecoveryPlan.Step] {
        var reasons: Set<ClosureReason> = []
        for item in diagnosis { reasons.formUnion(item.reasons.map(\.code)) }
        var steps: [RecoveryPlan.Step] = []

        // 1. Money overdue now.
        let owed = profile.repayment?.currentOverdueAmount.flatMap { $0.minorUnits > 0 ? $0 : nil }
        let unpaid = (profile.overdueEvents ?? []).filter { $0.settled == nil }.map(\.month).sorted()
        if owed != nil || !unpaid.isEmpty {
            var params: [String: FactValue] = [:]
            if let owed { params["amount"] = .money(owed) }
            if !unpaid.isEmpty { params["months"] = .list(unpaid.map(FactValue.month)) }
            steps.append(
                RecoveryPlan.Step(
                    reason: .lateRepayment,
                    action: Fact(.stepRepayOverdueNow, params),
                    horizon: .now(date)
                )
            )
        }

        // 2. Identity.
        if reasons.contains(.identityAbnormal), let identity = profile.identity, identity != .verified {
            if selfFixable(identity) {
                steps.append(
                    RecoveryPlan.Step(
                        reason: .identityAbnormal,
                        action: Fact(.stepFixIdentity, ["identity": .identity(identity)]),
                        horizon: .days(identityFixDays, from: date)
                    )
                )
            } else {
                steps.append(
                    RecoveryPlan.Step(
                        reason: .identityAbnormal,
                        action: Fact(.stepResolveIdentityReport, ["identity": .identity(identity)]),
                        horizon: .undated
                    )
                )
            }
        }

        // 2b. An age the service does not serve: nothing to do but wait (under its minimum) or use another channel.
        for item in diagnosis {
            for finding in item.reasons where finding.code == .ageLimit {
                steps.append(
                    RecoveryPlan.Step(
                        reason: .ageLimit,
                        action: Fact(
                            .stepAgeLimit,
                            finding.evidence.params.merging(["service": .service(item.service)]) { a, _ in a }
                        ),
                        horizon: .undated
                    )
                )
            }
        }

        // 3. Cash-out.
        if reasons.contains(.cashOut) {
            let clear = date.adding(months: 12)
            steps.append(
                RecoveryPlan.Step(
                    reason: .cashOut,
                    action: Fact(.stepCompliantUse, ["until": .date(clear)]),
                    horizon: .ongoing(from: date, until: clear)
                )
            )
        }

        // 4. The repayment record.
        let events = (profile.overdueEvents ?? []).sorted { ($0.month, $0.daysPastDue) < ($1.month, $1.daysPastDue) }
        let onReport = events.filter { event in event.leavesCreditReport.map { $0 > date } ?? true }
        if reasons.contains(.lateRepayment) || !onReport.isEmpty {
            steps.append(
                RecoveryPlan.Step(
                    reason: .lateRepayment,
                    action: Fact(.stepKeepRepaymentRecord),
                    horizon: .ongoing(from: date, until: nil)
                )
            )
        }
        for event in onReport {
            let dates = OverdueRecordDates(event, planDate: date)
            steps.append(
                RecoveryPlan.Step(reason: .lateRepayment, action: dates.fact(on: date), horizon: .record(dates))
            )
        }
        if profile.overdueEvents == nil, let record = profile.repayment {
            let count12 = record.overdueCount12m ?? 0
            let count24 = max(record.overdueCount24m ?? 0, count12)
            if count24 > 0 || (record.worstDaysPastDue ?? 0) > 0 {
                let month = YearMonth(date).firstDay
                var params: [String: FactValue] = [
                    "by12m": .date(month.adding(months: 12)), "by24m": .date(month.adding(months: 24)),
                ]
                if count12 > 0 { params["count12m"] = .int(count12) }
                if count24 > 0 { params["count24m"] = .int(count24) }
                steps.append(
                    RecoveryPlan.Step(
                        reason: .lateRepayment,
                        action: Fact(.stepOverdueCountsUndated, params),
                        horizon: .ongoing(from: date, until: month.adding(months: 24))
                    )
                )
            }
        }

        // 5. A thin file, a declining score.
        if reasons.contains(.thinFile) {
            steps.append(
                RecoveryPlan.Step(
                    reason: .thinFile,
                    action: Fact(.stepBuildRecord),
                    horizon: .ongoing(from: date, until: nil)
                )
            )
        }
        if reasons.contains(.creditScoreDecline) {
            steps.append(
                RecoveryPlan.Step(
                    reason: .creditScoreDecline,
                    action: Fact(.stepRebuildScore, ["score": .int(profile.creditScore)]),
                    horizon: .undated
                )
            )
        }

        // 6. Closed or restricted with no reason found: only the operator knows why.
        for item in diagnosis where item.state != .open && item.state != .unknown && item.reasons.isEmpty {
            steps.append(
                RecoveryPlan.Step(
                    reason: nil,
                    action: Fact(
                        .stepContactOfficialService,
                        ["service": .service(item.service), "state": .serviceState(item.state)]
                    ),
                    horizon: .undated
                )
            )
        }

        // 7. The general advice.
        if diagnosis.contains(where: { $0.state != .open && $0.state != .unknown }) {
            steps.append(RecoveryPlan.Step(reason: nil, action: Fact(.stepFollowOfficialNotices)))
            let identityBlocks = reasons.contains(.identityAbnormal) && profile.identity != .verified
            switch alternatives {
            case 0?:
                steps.append(
                    RecoveryPlan.Step(
                        reason: nil,
                        action: Fact(identityBlocks ? .stepVerifyIdentityBeforeBorrowing : .stepNoLicensedChannelNow)
                    )
                )
            case let count?:
                steps.append(
                    RecoveryPlan.Step(reason: nil, action: Fact(.stepKeepLicensedBackup, ["count": .int(count)]))
                )
            case nil:
                steps.append(
                    RecoveryPlan.Step(
                        reason: nil,
                        action: Fact(identityBlocks ? .stepVerifyIdentityBeforeBorrowing : .stepKeepLicensedBackup)
                    )
                )
            }
        }
        return steps
    }

    /// The steps without a date: the plan as of today (UTC).
    @available(*, deprecated, message: "pass the date the plan starts from: steps(for:_:on:alternatives:)")
    public static func steps(for diagnosis: [ServiceDiagnosis], _ profile: UserProfile) -> [RecoveryPlan.Step] {
        steps(for: diagnosis, profile, on: .todayUTC())
    }

    /// Whether the user can fix an identity status alone (renew and re-verify a document) rather than wait for the
    /// operator's review of a mismatch or an impersonation report.
    public static func selfFixable(_ identity: IdentityStatus) -> Bool {
        identity == .expiredDocument || identity == .unverified
    }

    /// v1's what-if horizon (`whatIf.horizonMonths`): the longest window the forecasts look through, the 24 months of
    /// a repayment record. Each reopening now has its own date (``ReopeningForecast``).
    public static let horizonMonths = 24

    /// The profile once every record the plan can age out has aged out (the end of the what-if): nothing overdue, no
    /// late instalment in 12 or 24 months, no cash-out flags, a self-fixable identity verified. The credit score is
    /// **not** moved: Backstop does not forecast it (docs/primary-services.md).
    public static func improved(_ profile: UserProfile, following reasons: [ClosureReason]) -> UserProfile {
        var result = profile
        for reason in Set(reasons) {
            switch reason {
            case .lateRepayment:
                var record = result.repayment ?? RepaymentRecord()
                record.currentOverdueAmount = .zero()
                record.overdueCount12m = 0
                record.overdueCount24m = 0
                record.worstDaysPastDue = 0
                result.repayment = record
            case .cashOut:
                result.cashOutFlags12m = 0
            case .identityAbnormal:
                if let identity = result.identity, selfFixable(identity) { result.identity = .verified }
            case .creditScoreDecline, .thinFile, .ageLimit:
                break
            }
        }
        return result
    }

    /// The profile fields that differ between two profiles (what the what-if changed).
    public static func changedFields(from old: UserProfile, to new: UserProfile) -> Set<ProfileField> {
        var fields: Set<ProfileField> = []
        if old.creditScore != new.creditScore { fields.insert(.creditScore) }
        if old.creditScore90DaysAgo != new.creditScore90DaysAgo { fields.insert(.creditScore90DaysAgo) }
        if old.repayment?.overdueCount12m != new.repayment?.overdueCount12m { fields.insert(.overdueCount12m) }
        if old.repayment?.overdueCount24m != new.repayment?.overdueCount24m { fields.insert(.overdueCount24m) }
        if old.repayment?.worstDaysPastDue != new.repayment?.worstDaysPastDue { fields.insert(.worstDaysPastDue) }
        if old.repayment?.currentOverdueAmount != new.repayment?.currentOverdueAmount {
            fields.insert(.currentOverdueAmount)
        }
        if old.cashOutFlags12m != new.cashOutFlags12m { fields.insert(.cashOutFlags12m) }
        if old.identity != new.identity { fields.insert(.identity) }
        return fields
    }
}
