import Foundation

/// The primary services Backstop diagnoses.
public enum PrimaryService: String, WireEnum, Hashable {
    /// 花呗: Alipay's consumer credit line.
    case huabei
    /// 借呗: Alipay's cash loan.
    case jiebei
}

/// Why a service was closed or restricted: the four groups users are told about.
public enum ClosureReason: String, WireEnum, Hashable {
    case creditScoreDecline = "credit-score-decline"
    case lateRepayment = "late-repayment"
    case cashOut = "cash-out"
    case identityAbnormal = "identity-abnormal"
}

/// One reason found, with the evidence from the profile.
public struct ReasonFinding: Hashable, Sendable {
    public var code: ClosureReason
    /// What in the profile shows it ("2 overdue in 12 months, worst 45 days"), as a fact.
    public var evidence: Fact
    /// What this reason alone would do to the service.
    public var severity: ServiceState

    public init(code: ClosureReason, evidence: Fact, severity: ServiceState) {
        self.code = code
        self.evidence = evidence
        self.severity = severity
    }
}

/// The state of a primary service for a profile, and why.
public struct ServiceDiagnosis: Hashable, Sendable {
    public var service: PrimaryService
    /// The state reported: the observed one when the profile gives it, else the assessed one.
    public var state: ServiceState
    /// What the profile says, when it says it.
    public var observed: ServiceState?
    /// What the rules give for this profile.
    public var assessed: ServiceState
    public var reasons: [ReasonFinding]
    /// Signals the diagnosis needed but the profile does not carry.
    public var unknowns: [ProfileField]
    /// The diagnosis in one fact, for people.
    public var summary: Fact

    public init(
        service: PrimaryService,
        state: ServiceState,
        observed: ServiceState?,
        assessed: ServiceState,
        reasons: [ReasonFinding],
        unknowns: [ProfileField],
        summary: Fact
    ) {
        self.service = service
        self.state = state
        self.observed = observed
        self.assessed = assessed
        self.reasons = reasons
        self.unknowns = unknowns
        self.summary = summary
    }
}

/// A provider that is also one of the primary services, and can say why it is closed.
public protocol PrimaryServiceProvider: CreditProvider {
    var service: PrimaryService { get }
    /// The service's state for a profile and the reasons, with evidence.
    func diagnose(_ profile: UserProfile) -> ServiceDiagnosis
    /// The evaluation given a diagnosis already made for the same profile (the aggregator diagnoses each service once
    /// per profile and passes it in).
    func evaluate(
        _ profile: UserProfile,
        _ request: LoanRequest,
        on date: CalendarDate,
        diagnosis: ServiceDiagnosis
    ) async throws -> Evaluation
}

/// The countermeasures for the closure reasons found, and the profile change that following them for
/// ``horizonMonths`` months would make (the what-if).
public enum Countermeasure: Sendable {
    /// The steps for the reasons found, most urgent first: money overdue now, then identity, cash-out, repayment
    /// record and score; then the general advice when a service is not open. The one planner behind `diagnose`,
    /// `alternatives` and the HTTP answers.
    public static func steps(for diagnosis: [ServiceDiagnosis], _ profile: UserProfile) -> [RecoveryPlan.Step] {
        var reasons: Set<ClosureReason> = []
        for item in diagnosis { reasons.formUnion(item.reasons.map(\.code)) }
        var steps: [RecoveryPlan.Step] = []
        if reasons.contains(.lateRepayment),
            let overdue = profile.repayment?.currentOverdueAmount, overdue.minorUnits > 0
        {
            steps.append(
                RecoveryPlan.Step(
                    reason: .lateRepayment,
                    action: Fact(.stepRepayOverdueNow, ["amount": .money(overdue)])
                )
            )
        }
        let ordered: [(ClosureReason, FactCode)] = [
            (.identityAbnormal, .stepFixIdentity),
            (.cashOut, .stepCompliantUse),
            (.lateRepayment, .stepKeepRepaymentRecord),
            (.creditScoreDecline, .stepRebuildScore),
        ]
        for (reason, code) in ordered where reasons.contains(reason) {
            steps.append(RecoveryPlan.Step(reason: reason, action: Fact(code)))
        }
        if diagnosis.contains(where: { $0.state != .open }) {
            steps.append(RecoveryPlan.Step(reason: nil, action: Fact(.stepFollowOfficialNotices)))
            steps.append(RecoveryPlan.Step(reason: nil, action: Fact(.stepKeepLicensedBackup)))
        }
        return steps
    }

    /// How long the what-if assumes the countermeasures are followed: long enough for late instalments to age out
    /// of the 24-month window a repayment record covers.
    public static let horizonMonths = 24

    /// The profile after following the countermeasures for `reasons` for ``horizonMonths`` months (the what-if).
    ///
    /// - late-repayment: nothing overdue now, no overdue instalment in 12 or 24 months, no days past due (the record
    ///   window is 24 months, so older late payments have aged out).
    /// - credit-score-decline: the score returns to its level 90 days ago, and at least 650, and stops falling.
    /// - cash-out: no flags in the last 12 months.
    /// - identity-abnormal: verified.
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
            case .creditScoreDecline:
                // Back to its level 90 days ago, and at least 650 (a sound score for the built-in thresholds).
                let earlier = max(result.creditScore, result.creditScore90DaysAgo ?? result.creditScore, 650)
                result.creditScore = min(950, earlier)
                result.creditScore90DaysAgo = result.creditScore
            case .cashOut:
                result.cashOutFlags12m = 0
            case .identityAbnormal:
                result.identity = .verified
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

    /// A fact per change ``improved(_:following:)`` makes, for the what-if.
    public static func changes(from old: UserProfile, to new: UserProfile) -> [Fact] {
        var changes: [Fact] = []
        if old.repayment?.currentOverdueAmount != new.repayment?.currentOverdueAmount {
            changes.append(Fact(.assumeNothingOverdue))
        }
        if old.repayment?.overdueCount24m != new.repayment?.overdueCount24m
            || old.repayment?.overdueCount12m != new.repayment?.overdueCount12m
        {
            var params: [String: FactValue] = ["months": .int(horizonMonths)]
            if let was = old.repayment?.overdueCount24m ?? old.repayment?.overdueCount12m { params["was"] = .int(was) }
            changes.append(Fact(.assumeNoLatePayments, params))
        }
        if old.creditScore != new.creditScore {
            changes.append(Fact(.assumeScore, ["score": .int(new.creditScore), "was": .int(old.creditScore)]))
        }
        if old.cashOutFlags12m != new.cashOutFlags12m { changes.append(Fact(.assumeNoCashOut)) }
        if old.identity != new.identity {
            var params: [String: FactValue] = [:]
            if let was = old.identity { params["was"] = .identity(was) }
            changes.append(Fact(.assumeIdentityVerified, params))
        }
        return changes
    }
}
