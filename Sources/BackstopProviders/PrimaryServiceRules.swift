public import BackstopCore
public import Foundation

/// The closure thresholds of a primary service: illustrative, documented in docs/primary-services.md with sources.
public struct ClosureThresholds: Hashable, Sendable {
    /// Below this score the service closes.
    public var closeBelowScore: Int
    /// Below this score the service is restricted (a lower limit).
    public var restrictBelowScore: Int
    /// A fall of this many points in 90 days restricts the service…
    public var restrictOnDrop: Int
    /// …and of this many closes it.
    public var closeOnDrop: Int
    /// Overdue instalments in 12 months that close the service (one fewer restricts it).
    public var closeOnOverdue12m: Int
    /// Days past due, at worst, that close the service.
    public var closeOnDaysPastDue: Int
    /// Cash-out flags in 12 months that close the service (fewer restrict it).
    public var closeOnCashOutFlags: Int
    /// The youngest age served (nil: no limit).
    public var minAge: Int?
    /// The oldest age served (nil: no limit).
    public var maxAge: Int?

    public init(
        closeBelowScore: Int,
        restrictBelowScore: Int,
        restrictOnDrop: Int,
        closeOnDrop: Int,
        closeOnOverdue12m: Int,
        closeOnDaysPastDue: Int,
        closeOnCashOutFlags: Int,
        minAge: Int? = nil,
        maxAge: Int? = nil
    ) {
        self.minAge = minAge
        self.maxAge = maxAge
        self.closeBelowScore = closeBelowScore
        self.restrictBelowScore = restrictBelowScore
        self.restrictOnDrop = restrictOnDrop
        self.closeOnDrop = closeOnDrop
        self.closeOnOverdue12m = closeOnOverdue12m
        self.closeOnDaysPastDue = closeOnDaysPastDue
        self.closeOnCashOutFlags = closeOnCashOutFlags
    }

    /// The four groups of closure reasons, each with its evidence, and the signals that were missing.
    public func findings(for profile: UserProfile) -> (reasons: [ReasonFinding], unknowns: [ProfileField]) {
        var reasons: [ReasonFinding] = []
        var unknowns: [ProfileField] = []

        // 1. Credit score: its level and its recent trend.
        let score = profile.creditScore
        let drop = profile.creditScore90DaysAgo.map { $0 - score }
        var scoreSeverity: ServiceState = .open
        if score < closeBelowScore {
            scoreSeverity = .closed
        } else if score < restrictBelowScore {
            scoreSeverity = .restricted
        }
        if let drop {
            if drop >= closeOnDrop {
                scoreSeverity = .closed
            } else if drop >= restrictOnDrop, scoreSeverity == .open {
                scoreSeverity = .restricted
            }
        } else {
            unknowns.append(.creditScore90DaysAgo)
        }
        if scoreSeverity != .open {
            var params: [String: FactValue] = ["score": .int(score)]
            if let drop, drop > 0 { params["drop"] = .int(drop) }
            if score < restrictBelowScore {
                params["below"] = .int(score < closeBelowScore ? closeBelowScore : restrictBelowScore)
            }
            if let missing = Self.thinFile(profile) {
                // A low score with nothing to read it against is a short history, not a decline.
                params["missing"] = .list(missing.map(FactValue.field))
                if let age = profile.age { params["age"] = .int(age) }
                reasons.append(
                    ReasonFinding(
                        code: .thinFile,
                        evidence: Fact(.evidenceThinFile, params),
                        severity: scoreSeverity
                    )
                )
            } else {
                reasons.append(
                    ReasonFinding(
                        code: .creditScoreDecline,
                        evidence: Fact(.evidenceScore, params),
                        severity: scoreSeverity
                    )
                )
            }
        }

        // 2. Late repayment: now and in the recent past.
        if let record = profile.repayment {
            let overdueNow = record.currentOverdueAmount.map { $0.minorUnits > 0 } ?? false
            let count = record.overdueCount12m ?? 0
            let worst = record.worstDaysPastDue ?? 0
            var severity: ServiceState = .open
            if overdueNow || count >= closeOnOverdue12m || worst >= closeOnDaysPastDue {
                severity = .closed
            } else if count >= max(1, closeOnOverdue12m - 1) || (record.overdueCount24m ?? 0) > count {
                severity = .restricted
            }
            if severity != .open {
                var params: [String: FactValue] = [:]
                if overdueNow, let amount = record.currentOverdueAmount { params["overdueNow"] = .money(amount) }
                if count > 0 || record.overdueCount12m != nil { params["count12m"] = .int(count) }
                if let older = record.overdueCount24m, older > count { params["count24m"] = .int(older) }
                if worst > 0 { params["worstDays"] = .int(worst) }
                reasons.append(
                    ReasonFinding(
                        code: .lateRepayment,
                        evidence: Fact(.evidenceLateRepayment, params),
                        severity: severity
                    )
                )
            }
            if record.overdueCount12m == nil { unknowns.append(.overdueCount12m) }
            if record.currentOverdueAmount == nil { unknowns.append(.currentOverdueAmount) }
        } else {
            unknowns.append(.repayment)
        }

        // 3. Cash-out or illegal operations.
        if let flags = profile.cashOutFlags12m {
            if flags > 0 {
                reasons.append(
                    ReasonFinding(
                        code: .cashOut,
                        evidence: Fact(.evidenceCashOut, ["count": .int(flags)]),
                        severity: flags >= closeOnCashOutFlags ? .closed : .restricted
                    )
                )
            }
        } else {
            unknowns.append(.cashOutFlags12m)
        }

        // 4. Abnormal identity information.
        if let identity = profile.identity, identity != .verified {
            let severity: ServiceState =
                identity == .mismatch || identity == .suspectedImpersonation ? .closed : .restricted
            reasons.append(
                ReasonFinding(
                    code: .identityAbnormal,
                    evidence: Fact(.evidenceIdentity, ["identity": .identity(identity)]),
                    severity: severity
                )
            )
        } else if profile.identity == nil {
            unknowns.append(.identity)
        }

        // 5. The ages the service serves.
        if let age = profile.age, minAge.map({ age < $0 }) == true || maxAge.map({ age > $0 }) == true {
            var params: [String: FactValue] = ["age": .int(age)]
            if let minAge { params["min"] = .int(minAge) }
            if let maxAge { params["max"] = .int(maxAge) }
            reasons.append(ReasonFinding(code: .ageLimit, evidence: Fact(.evidenceAge, params), severity: .closed))
        }
        return (reasons, unknowns)
    }

    /// Below this age a profile with no record counts as a short history (Backstop's choice, documented in
    /// docs/primary-services.md).
    public static let thinFileAge = 25

    /// The signals a thin file lacks, or nil when the profile is not one: no repayment record (neither `repayment`
    /// nor `overdueEvents`), no score history (`creditScore90DaysAgo`), and a short history besides (younger than
    /// ``thinFileAge``, a student, or no accounts listed).
    public static func thinFile(_ profile: UserProfile) -> [ProfileField]? {
        guard profile.repayment == nil, profile.overdueEvents == nil, profile.creditScore90DaysAgo == nil else {
            return nil
        }
        let noAccounts = profile.accounts?.isEmpty ?? true
        let young = profile.age.map { $0 < thinFileAge } ?? false
        guard noAccounts || young || profile.student == true else { return nil }
        var missing: [ProfileField] = [.repayment, .creditScore90DaysAgo]
        if noAccounts { missing.append(.accounts) }
        return missing
    }

    /// Diagnoses a service: the assessed state is the worst of the reasons; where the profile reports a state, that
    /// state is kept and the reasons explain it (a reported closure with no reason found says so).
    public func diagnose(_ service: PrimaryService, observed: ServiceState?, profile: UserProfile) -> ServiceDiagnosis {
        let (reasons, unknowns) = findings(for: profile)
        let assessed: ServiceState =
            reasons.contains { $0.severity == .closed } ? .closed : reasons.isEmpty ? .open : .restricted
        let known = observed.flatMap { $0 == .unknown ? nil : $0 }
        let state = known ?? assessed
        var params: [String: FactValue] = [
            "service": .service(service),
            "state": .serviceState(state),
            "assessed": .serviceState(assessed),
            "reasons": .list(reasons.map { .reason($0.code) }),
        ]
        if !unknowns.isEmpty { params["unknowns"] = .list(unknowns.map(FactValue.field)) }
        let code: FactCode
        switch (known, assessed) {
        case (.some(let reported), _) where reported != .open && reasons.isEmpty: code = .summaryReportedNoReason
        case (.some(let reported), _) where reported != .open: code = .summaryReportedWithReasons
        case (.some, let assessed) where assessed != .open: code = .summaryReportedOpenAtRisk
        case (.some, _): code = .summaryReportedOpen
        case (nil, .open) where !unknowns.isEmpty: code = .summaryLikelyOpenWithUnknowns
        case (nil, .open): code = .summaryLikelyOpen
        case (nil, _): code = .summaryLikelyNotOpen
        }
        return ServiceDiagnosis(
            service: service,
            state: state,
            observed: observed,
            assessed: assessed,
            reasons: reasons,
            unknowns: unknowns,
            summary: Fact(code, params)
        )
    }
}

extension PrimaryServiceProvider {
    /// Evaluates without a diagnosis at hand: diagnoses first (the aggregator passes its own instead).
    public func evaluate(
        _ profile: UserProfile,
        _ request: LoanRequest,
        on date: CalendarDate
    ) async throws -> Evaluation {
        try await evaluate(profile, request, on: date, diagnosis: diagnose(profile))
    }

    /// Adds the service-state rule to a described provider's evaluation: a closed service offers nothing.
    func evaluateAsPrimary(
        _ described: DescribedProvider,
        _ profile: UserProfile,
        _ request: LoanRequest,
        on date: CalendarDate,
        diagnosis: ServiceDiagnosis
    ) -> Evaluation {
        var evaluation = described.evaluateNow(profile, request, on: date)
        let open = diagnosis.state != .closed
        let reasons = diagnosis.reasons.map { FactValue.reason($0.code) }
        let check = RuleCheck(
            rule: .serviceState,
            outcome: open ? .passed : .failed,
            threshold: "open or restricted",
            value: diagnosis.state.rawValue,
            margin: diagnosis.state == .open ? 1 : open ? 0 : -1,
            finding: Fact(.ruleServiceState, ["service": .service(service), "state": .serviceState(diagnosis.state)]),
            fix: open
                ? nil
                : reasons.isEmpty
                    ? Fact(.fixContactOfficialService, ["service": .service(service)])
                    : Fact(.fixFollowRecoveryPlan, ["reasons": .list(reasons)])
        )
        evaluation.checks.insert(check, at: 0)
        if !open { evaluation.offer = nil }
        if var offer = evaluation.offer, diagnosis.state == .restricted {
            offer.notes.append(Fact(.noteServiceRestricted, ["service": .service(service)]))
            evaluation.offer = offer
        }
        return evaluation
    }
}

/// The adapters price any loan as their described provider does (the legal-cap gate's nearest-loan probe).
extension HuabeiProvider: PricesNearestLoan {
    public func nearestTerm(to months: Int) -> Int { described.nearestTerm(to: months) }
    public func bestAPR(_ request: LoanRequest, on date: CalendarDate, score: Int) -> Decimal? {
        described.bestAPR(request, on: date, score: score)
    }
    public func makeOffer(_ profile: UserProfile, _ request: LoanRequest, on date: CalendarDate) -> Offer? {
        described.makeOffer(profile, request, on: date)
    }
}

extension JiebeiProvider: PricesNearestLoan {
    public func nearestTerm(to months: Int) -> Int { described.nearestTerm(to: months) }
    public func bestAPR(_ request: LoanRequest, on date: CalendarDate, score: Int) -> Decimal? {
        described.bestAPR(request, on: date, score: score)
    }
    public func makeOffer(_ profile: UserProfile, _ request: LoanRequest, on date: CalendarDate) -> Offer? {
        described.makeOffer(profile, request, on: date)
    }
}
