import Foundation

/// What a gate sees of one provider: its description, its evaluation of the profile and the request, and, when the
/// provider can price another loan (``PricesNearestLoan``), that capability.
public struct GateCandidate: Sendable {
    public var details: ProviderDescription
    public var evaluation: Evaluation
    /// The provider's pricing of loans other than the one asked for; nil when it has none (a Swift plugin that only
    /// answers `evaluate`).
    public var pricing: (any PricesNearestLoan)?

    public init(details: ProviderDescription, evaluation: Evaluation, pricing: (any PricesNearestLoan)? = nil) {
        self.details = details
        self.evaluation = evaluation
        self.pricing = pricing
    }
}

/// What every gate of one recommendation shares: the profile (resolved on the date), the request, the date, the
/// rulebook (legal caps, bans and rules) and the aggregator's policy.
public struct GateContext: Sendable {
    public var profile: UserProfile
    public var request: LoanRequest
    public var date: CalendarDate
    public var rulebook: LegalCapTable
    public var policy: AggregatorPolicy

    public init(
        profile: UserProfile,
        request: LoanRequest,
        date: CalendarDate,
        rulebook: LegalCapTable,
        policy: AggregatorPolicy
    ) {
        self.profile = profile
        self.request = request
        self.date = date
        self.rulebook = rulebook
        self.policy = policy
    }
}

/// A gate's verdict on a candidate.
public enum GateOutcome: Sendable, Equatable {
    /// The candidate goes on to the next gate; `why` adds to the alternative's explanation if it is offered,
    /// `unknowns` are profile fields whose absence mattered, and `warnings` go to the answer (an offer above a
    /// court's level, a high cost).
    case pass(why: [Fact] = [], unknowns: [ProfileField] = [], warnings: [Warning] = [])
    /// The candidate is refused; `warnings` go to the answer (once each: the same warning from several refusals is
    /// written once), and `unknowns` are profile fields whose absence mattered to the refusal.
    case refuse(Refusal, warnings: [Warning] = [], unknowns: [ProfileField] = [])
}

/// One rule of who may borrow what, for what, from whom, checked on every provider before its offer is ranked.
///
/// Every gate runs in the order of ``Aggregator/gates``, a list: each is tested on its own, and adding one changes no
/// other. A gate reads only the candidate and the context; it neither casts to a concrete
/// provider type nor re-evaluates the provider.
///
/// # Implementation requirements
/// A gate is a value (`struct`), `Sendable`, with no state of its own. ``check(_:in:)`` is pure: the same
/// candidate and context give the same outcome. A refusal is `gated: true` and names the rule it applies (its
/// `RuleCheck.rule`), with the rule's source in its finding's parameters when the rule is data.
public protocol Gate: Sendable {
    /// A short stable name (`age-of-majority`), for diagnostics and tests.
    var name: String { get }
    /// The verdict on one candidate.
    func check(_ candidate: GateCandidate, in context: GateContext) -> GateOutcome
}

extension GateCandidate {
    /// A gated refusal for one failed rulebook check, with the provider's own failed rules after it.
    func refusal(_ check: RuleCheck, fixes: [Fact]) -> Refusal {
        Refusal(details: details, failed: [check] + evaluation.failed, fixes: fixes, gated: true)
    }
}
