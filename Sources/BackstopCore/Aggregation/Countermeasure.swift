import Foundation

/// The countermeasures for the closure reasons found, each with its own horizon, most urgent first.
public enum Countermeasure: Sendable {
    /// v1: the days re-verifying an identity document was assumed to take. Alipay publishes no such time, so the plan
    /// no longer states it: a renewed card is issued within ``AdviceSource/identityCardDays`` (a published rule) and
    /// Alipay's own check has no published time.
    @available(
        *,
        deprecated,
        message: "Alipay publishes no time for identity checks; see AdviceSource.identityCardDays"
    )
    public static let identityFixDays = 1...7

    /// How long a negative record stays on the PBoC credit report after the debt is settled: 5 years (Regulation on
    /// the Administration of the Credit Reporting Industry, 2013, art. 16).
    public static let creditReportMonths = 60

    /// The steps for the reasons found, protective ones first:
    ///
    /// 1. money overdue now: repay it today, and, if it cannot be repaid in full, ask the creditor for a repayment
    ///    arrangement through its official channels (never a paid agent);
    /// 2. identity: for an impersonation, report it to the police, get the credit report, dispute what is not yours
    ///    (answered within 20 days), ask the lenders concerned to stop collection, and have Alipay's review resolve
    ///    it; for a mismatch, the review and the credit report; for an expired document, renew it (a new card within
    ///    60 days, a temporary one meanwhile) and update it in Alipay; for an unverified one, verify it now;
    /// 3. cash-out: appeal a wrong flag with evidence; otherwise compliant use, worded by the count, without a
    ///    promise of when the operator lifts its restriction;
    /// 4. the repayment record: pay on time from now on, and for each dated late instalment the day it leaves the
    ///    credit report (published: 5 years after it was settled) and the days lenders' 12- and 24-month windows stop
    ///    seeing it (Backstop's estimate); counts without dates get the latest dates instead;
    /// 5. a thin file: build a record; a declining score: the habits that rebuild it (no date);
    /// 6. a service closed for no reason found, or none that explains it: its official customer service;
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
        let notOpen = diagnosis.filter { $0.state != .open && $0.state != .unknown }.map(\.service)
        // The services whose diagnosis found a reason; every service diagnosed when none did (money overdue that
        // the rules do not weigh is still the person's to repay).
        func services(_ reason: ClosureReason) -> [PrimaryService] {
            let found = diagnosis.filter { $0.reasons.contains { $0.code == reason } }.map(\.service)
            return found.isEmpty ? diagnosis.map(\.service) : found
        }
        var steps: [RecoveryPlan.Step] = []

        // 1. Money overdue now, and what to do if it cannot be repaid in full.
        let owed = profile.repayment?.currentOverdueAmount.flatMap { $0.minorUnits > 0 ? $0 : nil }
        let unpaid = (profile.overdueEvents ?? []).filter { $0.settled == nil }.map(\.month).sorted()
        if owed != nil || !unpaid.isEmpty {
            var params: [String: FactValue] = [:]
            if let owed { params["amount"] = .money(owed) }
            if !unpaid.isEmpty { params["months"] = .list(unpaid.map(FactValue.month)) }
            let late = services(.lateRepayment)
            steps.append(
                RecoveryPlan.Step(
                    reason: .lateRepayment,
                    action: Fact(.stepRepayOverdueNow, params),
                    horizon: .now(date),
                    services: late
                )
            )
            steps.append(
                RecoveryPlan.Step(
                    reason: .lateRepayment,
                    action: Fact(.stepAskForRepaymentArrangement),
                    services: late,
                    source: AdviceSource.creditCardInstalments
                )
            )
        }

        // 2. Identity: protect first, then fix.
        if reasons.contains(.identityAbnormal), let identity = profile.identity, identity != .verified {
            let flagged = services(.identityAbnormal)
            let params: [String: FactValue] = ["identity": .identity(identity)]
            switch identity {
            case .suspectedImpersonation:
                steps.append(
                    RecoveryPlan.Step(
                        reason: .identityAbnormal,
                        action: Fact(.stepReportToPolice),
                        horizon: .now(date),
                        services: flagged
                    )
                )
                steps.append(checkReport(params, flagged, on: date))
                steps.append(
                    withinPublishedDays(
                        .stepDisputeRecords,
                        AdviceSource.disputeDays,
                        source: AdviceSource.creditDispute,
                        params,
                        flagged,
                        on: date
                    )
                )
                steps.append(
                    RecoveryPlan.Step(
                        reason: .identityAbnormal,
                        action: Fact(.stepAskLendersStopCollection),
                        services: flagged
                    )
                )
                steps.append(resolve(params, flagged))
            case .mismatch:
                steps.append(resolve(params, flagged))
                steps.append(checkReport(params, flagged, on: date))
            case .expiredDocument:
                steps.append(
                    withinPublishedDays(
                        .stepFixIdentity,
                        AdviceSource.identityCardDays,
                        source: AdviceSource.identityCardLaw,
                        params,
                        flagged,
                        on: date
                    )
                )
            case .unverified, .verified:
                steps.append(
                    RecoveryPlan.Step(
                        reason: .identityAbnormal,
                        action: Fact(.stepFixIdentity, params),
                        horizon: .now(date),
                        services: flagged
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
                        horizon: .undated,
                        services: [item.service]
                    )
                )
            }
        }

        // 3. Cash-out: appeal a wrong flag; otherwise compliant use. No promise of when the operator lifts it.
        if reasons.contains(.cashOut) {
            let flagged = services(.cashOut)
            let count = profile.cashOutFlags12m ?? 0
            steps.append(
                RecoveryPlan.Step(
                    reason: .cashOut,
                    action: Fact(.stepAppealCashOutFlag, ["count": .int(count)]),
                    services: flagged
                )
            )
            let clear = date.adding(months: 12)
            steps.append(
                RecoveryPlan.Step(
                    reason: .cashOut,
                    action: Fact(.stepCompliantUse, ["until": .date(clear), "count": .int(count)]),
                    horizon: .ongoing(from: date, until: clear),
                    services: flagged,
                    dateKind: .estimate
                )
            )
        }

        // 4. The repayment record.
        let events = (profile.overdueEvents ?? []).sorted { ($0.month, $0.daysPastDue) < ($1.month, $1.daysPastDue) }
        let onReport = events.filter { event in event.leavesCreditReport.map { $0 > date } ?? true }
        let late = services(.lateRepayment)
        if reasons.contains(.lateRepayment) || !onReport.isEmpty {
            steps.append(
                RecoveryPlan.Step(
                    reason: .lateRepayment,
                    action: Fact(.stepKeepRepaymentRecord),
                    horizon: .ongoing(from: date, until: nil),
                    services: late
                )
            )
        }
        for event in onReport {
            let dates = OverdueRecordDates(event, planDate: date)
            steps.append(
                RecoveryPlan.Step(
                    reason: .lateRepayment,
                    action: dates.fact(on: date),
                    horizon: .record(dates),
                    services: late,
                    dateKind: .published,
                    source: AdviceSource.creditReportRetention
                )
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
                        horizon: .ongoing(from: date, until: month.adding(months: 24)),
                        services: late,
                        dateKind: .estimate
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
                    horizon: .ongoing(from: date, until: nil),
                    services: services(.thinFile)
                )
            )
        }
        if reasons.contains(.creditScoreDecline) {
            steps.append(
                RecoveryPlan.Step(
                    reason: .creditScoreDecline,
                    action: Fact(.stepRebuildScore, ["score": .int(profile.creditScore)]),
                    horizon: .undated,
                    services: services(.creditScoreDecline)
                )
            )
        }

        // 6. Closed or restricted with no reason found, or none that explains it: only the operator knows why.
        for item in diagnosis where notOpen.contains(item.service) && (item.reasons.isEmpty || !item.explained) {
            var params: [String: FactValue] = ["service": .service(item.service), "state": .serviceState(item.state)]
            if !item.reasons.isEmpty { params["reasons"] = .list(item.reasons.map { .reason($0.code) }) }
            steps.append(
                RecoveryPlan.Step(
                    reason: nil,
                    action: Fact(.stepContactOfficialService, params),
                    horizon: .undated,
                    services: [item.service]
                )
            )
        }

        // 7. The general advice.
        if !notOpen.isEmpty {
            steps.append(
                RecoveryPlan.Step(reason: nil, action: Fact(.stepFollowOfficialNotices), services: notOpen)
            )
            let identityBlocks = reasons.contains(.identityAbnormal) && profile.identity != .verified
            let code: FactCode
            var params: [String: FactValue] = [:]
            switch alternatives {
            case 0?: code = identityBlocks ? .stepVerifyIdentityBeforeBorrowing : .stepNoLicensedChannelNow
            case let count?:
                code = .stepKeepLicensedBackup
                params["count"] = .int(count)
            case nil: code = identityBlocks ? .stepVerifyIdentityBeforeBorrowing : .stepKeepLicensedBackup
            }
            steps.append(RecoveryPlan.Step(reason: nil, action: Fact(code, params), services: notOpen))
        }
        return steps
    }

    /// Get the credit report free from the Credit Reference Center and look for what is not yours.
    static func checkReport(
        _ params: [String: FactValue],
        _ services: [PrimaryService],
        on date: CalendarDate
    ) -> RecoveryPlan.Step {
        RecoveryPlan.Step(
            reason: .identityAbnormal,
            action: Fact(.stepCheckCreditReport, params),
            horizon: .now(date),
            services: services,
            source: AdviceSource.creditReferenceCenter
        )
    }

    /// An identity step done within a period a published rule gives (a dispute answered within 20 days, art. 25; a
    /// new ID card within 60, art. 12): the days and their end if started today, with the rule's source.
    static func withinPublishedDays(
        _ code: FactCode,
        _ days: Int,
        source: String,
        _ params: [String: FactValue],
        _ services: [PrimaryService],
        on date: CalendarDate
    ) -> RecoveryPlan.Step {
        RecoveryPlan.Step(
            reason: .identityAbnormal,
            action: Fact(
                code,
                params.merging(["days": .int(days), "by": .date(date.adding(days: days))]) { a, _ in a }
            ),
            horizon: .days(1...days, from: date),
            services: services,
            dateKind: .published,
            source: source
        )
    }

    /// Have Alipay's official customer service resolve it: its review decides, with no published time.
    static func resolve(_ params: [String: FactValue], _ services: [PrimaryService]) -> RecoveryPlan.Step {
        RecoveryPlan.Step(
            reason: .identityAbnormal,
            action: Fact(.stepResolveIdentityReport, params),
            horizon: .undated,
            services: services
        )
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
