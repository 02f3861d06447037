import Foundation

/// The primary services Backstop diagnoses.
public enum PrimaryService: String, WireEnum, Hashable {
    /// 花呗: Alipay's consumer credit line.
    case huabei
    /// 借呗: Alipay's cash loan.
    case jiebei
}

/// Why a service was closed or restricted: the four groups users are told about, and a thin file (a score under a
/// bar with no record to read it against: too little history, not a decline).
public enum ClosureReason: String, WireEnum, Hashable {
    case creditScoreDecline = "credit-score-decline"
    case lateRepayment = "late-repayment"
    case cashOut = "cash-out"
    case identityAbnormal = "identity-abnormal"
    /// Few signals: no repayment record and no score history, and a short history (young, a student, no accounts).
    case thinFile = "thin-file"
    /// The age is outside the ages the service serves (Huabei from 18; Jiebei 18 to 60: docs/primary-services.md).
    case ageLimit = "age-limit"
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
