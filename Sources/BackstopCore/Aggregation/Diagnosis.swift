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
    /// Whether the reasons found explain the state the profile reports. False when, by Backstop's illustrative rules,
    /// they would only restrict a service reported closed, or when another service the same rules treat as at least
    /// as strict for those reasons is reported open: then no reopening date is given, only the operator's review can
    /// say why (``crossChecked(_:)``). True for an assessed state and for an open one.
    public var explained: Bool

    public init(
        service: PrimaryService,
        state: ServiceState,
        observed: ServiceState?,
        assessed: ServiceState,
        reasons: [ReasonFinding],
        unknowns: [ProfileField],
        summary: Fact,
        explained: Bool = true
    ) {
        self.service = service
        self.state = state
        self.observed = observed
        self.assessed = assessed
        self.reasons = reasons
        self.unknowns = unknowns
        self.summary = summary
        self.explained = explained
    }

    /// Whether the profile reports the service closed or restricted (not open, not unknown, not merely assessed).
    public var reportedNotOpen: Bool { observed == .closed || observed == .restricted }

    /// The diagnoses with each reported closure or restriction checked against the reasons found: a reason explains
    /// it only if, by the rules, it alone would bring the service to that state, and no service reported open would
    /// be brought as far by the same reason (Huabei closed for a late payment that the stricter Jiebei, still open,
    /// shrugged off). A state no reason explains gets `summary-reported-unexplained` and `explained` false.
    public static func crossChecked(_ diagnoses: [ServiceDiagnosis]) -> [ServiceDiagnosis] {
        diagnoses.map { item in
            guard item.reportedNotOpen, !item.reasons.isEmpty, let observed = item.observed else { return item }
            var open: [(service: PrimaryService, finding: ReasonFinding)] = []
            for other in diagnoses where other.service != item.service && other.observed == .open {
                for finding in other.reasons { open.append((other.service, finding)) }
            }
            var strongest: ServiceState = .open
            var contradicting: [PrimaryService] = []
            for finding in item.reasons {
                let shrugged = open.filter {
                    $0.finding.code == finding.code && $0.finding.severity.rank >= finding.severity.rank
                }
                if shrugged.isEmpty {
                    if finding.severity.rank > strongest.rank { strongest = finding.severity }
                } else {
                    for pair in shrugged where !contradicting.contains(pair.service) {
                        contradicting.append(pair.service)
                    }
                }
            }
            guard strongest.rank < observed.rank else { return item }
            var result = item
            result.explained = false
            var params: [String: FactValue] = [
                "service": .service(item.service),
                "state": .serviceState(observed),
                "assessed": .serviceState(item.assessed),
                "reasons": .list(item.reasons.map { .reason($0.code) }),
            ]
            if !contradicting.isEmpty { params["openServices"] = .list(contradicting.map(FactValue.service)) }
            if !item.unknowns.isEmpty { params["unknowns"] = .list(item.unknowns.map(FactValue.field)) }
            result.summary = Fact(.summaryReportedUnexplained, params)
            return result
        }
    }
}

extension ServiceState {
    /// Open 0, restricted 1, closed 2 (unknown counts as open: it claims nothing).
    var rank: Int {
        switch self {
        case .open, .unknown: 0
        case .restricted: 1
        case .closed: 2
        }
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
