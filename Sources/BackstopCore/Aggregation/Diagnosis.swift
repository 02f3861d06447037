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
public struct ReasonFinding: Hashable, Sendable, Codable {
    public var code: ClosureReason
    /// "2 overdue in 12 months, worst 45 days".
    public var evidence: String
    /// What this reason alone would do to the service.
    public var severity: ServiceState

    public init(code: ClosureReason, evidence: String, severity: ServiceState) {
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
    public var unknowns: [String]
    /// One paragraph for people.
    public var summary: String

    public init(
        service: PrimaryService,
        state: ServiceState,
        observed: ServiceState?,
        assessed: ServiceState,
        reasons: [ReasonFinding],
        unknowns: [String],
        summary: String
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
}

/// The countermeasure for each closure reason, and the profile change that following it for ``horizonMonths`` months
/// would make.
public enum Countermeasure: Sendable {
    /// The action a person takes for a reason.
    public static func action(for reason: ClosureReason, _ profile: UserProfile) -> String {
        switch reason {
        case .lateRepayment:
            let overdue = profile.repayment?.currentOverdueAmount.flatMap { $0.minorUnits > 0 ? $0 : nil }
            let first = overdue.map { "Repay the \($0.formatted) overdue now. " } ?? ""
            return first
                + "Keep a good repayment record: pay every instalment on time (turn on automatic repayment); "
                + "late records weigh less once they are 12 months old."
        case .creditScoreDecline:
            return "Rebuild the credit score: repay on time, keep credit use low against limits, keep identity, "
                + "contact and income information current, and avoid many credit applications in a short time."
        case .cashOut:
            return "Use credit services compliantly: stop cash-out (套现), fake transactions and gambling-linked "
                + "transfers; use Huabei only for genuine purchases. Twelve months of compliant use clears the flags."
        case .identityAbnormal:
            return "Fix the identity information: renew an expired ID document and re-verify it (real-name "
                + "verification) in the Alipay app; resolve a mismatch or impersonation report through official "
                + "customer service only."
        }
    }

    /// The general advice that applies to every closure.
    public static let general = [
        "Follow the providers' official notices in the Alipay app; nobody outside Alipay can reopen a service, so ignore paid \"unblocking\" offers.",
        "Keep a licensed backup channel ready (see the alternatives); avoid unlicensed \"quick loan\" apps pushed in comment sections.",
    ]

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

    /// A sentence per change ``improved(_:following:)`` makes, for the what-if.
    public static func changes(from old: UserProfile, to new: UserProfile) -> [String] {
        var changes: [String] = []
        if old.repayment?.currentOverdueAmount != new.repayment?.currentOverdueAmount {
            changes.append("nothing overdue now")
        }
        if old.repayment?.overdueCount24m != new.repayment?.overdueCount24m
            || old.repayment?.overdueCount12m != new.repayment?.overdueCount12m
        {
            let was = old.repayment?.overdueCount24m ?? old.repayment?.overdueCount12m
            changes.append("no late payment in the last 24 months (was \(was.map(String.init) ?? "unknown") overdue)")
        }
        if old.creditScore != new.creditScore {
            changes.append("credit score \(new.creditScore) (was \(old.creditScore))")
        }
        if old.cashOutFlags12m != new.cashOutFlags12m { changes.append("no cash-out flags") }
        if old.identity != new.identity {
            changes.append("identity verified (was \(old.identity?.rawValue ?? "unknown"))")
        }
        return changes
    }
}
