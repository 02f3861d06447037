public import Foundation

/// A lending channel Backstop can compare: a built-in Swift adapter, a provider described in the XML catalog, or a
/// caller's own plugin.
///
/// # Implementation requirements
/// - Be `Sendable` and free of global state: a provider is called concurrently by the aggregator.
/// - ``evaluate(_:_:on:)`` must be deterministic for the same profile, request and date, and must not fail for
///   an unusual profile: report a failed or unknown rule instead. Throw only when the provider itself cannot answer
///   (e.g. a live endpoint is down); the aggregator then lists it as a provider failure and carries on.
/// - Report every rule checked, failed or not, with its threshold and the user's value, so a user sees why.
/// - Quote through ``CostEngine`` so the schedule, totals and APRs follow the same rules as every other offer.
/// - Run `ProviderConformanceSuite` (in the `BackstopTesting` product) against your provider in your tests.
///
/// ```swift
/// struct StaffLoanProvider: CreditProvider {
///     let details: ProviderDescription
///     var id: ProviderID { details.id }
///     func evaluate(_ profile: UserProfile, _ request: LoanRequest, on date: CalendarDate) async throws -> Evaluation {
///         DescribedProvider(details).evaluateNow(profile, request, on: date)
///     }
/// }
/// ```
public protocol CreditProvider: Sendable {
    /// The provider's id, used in diagnostics, rankings and the wire format.
    var id: ProviderID { get }
    /// What the provider is: names, licence, limits, terms, pricing, rules, status, sources.
    var details: ProviderDescription { get }
    /// Checks the profile against the provider's rules and, when it passes, quotes an offer for the request.
    func evaluate(_ profile: UserProfile, _ request: LoanRequest, on date: CalendarDate) async throws -> Evaluation
}

/// The outcome of one rule for one profile.
public enum RuleOutcome: String, WireEnum, Hashable {
    case passed
    case failed
    /// The profile does not carry the signal the rule needs.
    case unknown
}

/// One rule checked: what it demands, what the user has, by how much it clears, and what would change it.
public struct RuleCheck: Hashable, Sendable {
    /// The rule (its name as in the provider XML: `minCreditScore`, `maxOverdueCount12m`, `status`, …).
    public var rule: RuleID
    public var outcome: RuleOutcome
    /// The threshold, as a number when it is one (`600`), else a word (`verified`).
    public var threshold: String
    /// The user's value, nil when unknown.
    public var value: String?
    /// How far the value clears the threshold, as a fraction of it (0.1 = clears by 10%); negative when it fails.
    public var margin: Decimal?
    /// What the rule found, as a fact the presentation layer renders.
    public var finding: Fact
    /// What would make a failed rule pass, nil when it passed.
    public var fix: Fact?

    public init(
        rule: RuleID,
        outcome: RuleOutcome,
        threshold: String,
        value: String?,
        margin: Decimal?,
        finding: Fact,
        fix: Fact? = nil
    ) {
        self.rule = rule
        self.outcome = outcome
        self.threshold = threshold
        self.value = value
        self.margin = margin
        self.finding = finding
        self.fix = fix
    }
}

extension RuleCheck {
    /// A rule that cannot be checked because the profile lacks the signal it needs: never a pass.
    public static func unknown(_ rule: RuleID, _ threshold: String, field: ProfileField) -> RuleCheck {
        RuleCheck(
            rule: rule,
            outcome: .unknown,
            threshold: threshold,
            value: nil,
            margin: nil,
            finding: Fact(.ruleSignalUnknown, ["field": .field(field), "rule": .rule(rule)])
        )
    }
}

/// How likely an application is to be approved, from how far the profile clears each rule.
public enum Likelihood: String, WireEnum, Hashable, Comparable {
    case high
    case medium
    case low

    var rank: Int {
        switch self {
        case .high: 0
        case .medium: 1
        case .low: 2
        }
    }

    public static func < (lhs: Likelihood, rhs: Likelihood) -> Bool { lhs.rank > rhs.rank }

    /// high: every rule passes by at least 20% and none is unknown; medium: by at least 5%; low otherwise.
    /// Each unknown rule lowers the band one step (at most to low).
    public static func from(_ checks: [RuleCheck]) -> Likelihood? {
        guard !checks.contains(where: { $0.outcome == .failed }) else { return nil }
        let margins = checks.filter { $0.outcome == .passed }.compactMap(\.margin)
        let smallest = margins.min() ?? 1
        var band: Likelihood =
            smallest >= Decimal(string: "0.2")! ? .high : smallest >= Decimal(string: "0.05")! ? .medium : .low
        let unknowns = checks.filter { $0.outcome == .unknown }.count
        for _ in 0..<unknowns { band = band == .high ? .medium : .low }
        return band
    }
}

/// An offer: a priced loan from a provider for a request, with how the price was chosen.
public struct Offer: Hashable, Sendable {
    public var provider: ProviderID
    public var quote: Quote
    /// 0 for the best profile, 1 for the riskiest: where in its published range the rate was picked.
    public var riskPosition: Decimal
    /// True when the rate is Backstop's estimate within a published range rather than the provider's own quote.
    public var isEstimate: Bool
    /// How the price was chosen: facts the presentation layer renders.
    public var notes: [Fact]
    /// What one instalment 30 days late and repaying everything after month 3 would cost (nil: not computed, e.g. a
    /// plugin's offer).
    public var stress: StressCosts?

    public init(
        provider: ProviderID,
        quote: Quote,
        riskPosition: Decimal,
        isEstimate: Bool,
        notes: [Fact],
        stress: StressCosts? = nil
    ) {
        self.provider = provider
        self.quote = quote
        self.riskPosition = riskPosition
        self.isEstimate = isEstimate
        self.notes = notes
        self.stress = stress
    }

    /// A mandatory cost is not published: the totals and the APR leave it out. Such an offer is ranked after every
    /// complete one and never called cheapest.
    public var isCostIncomplete: Bool { quote.schedule.isCostIncomplete }
}

/// A provider's answer for a profile and a request.
public struct Evaluation: Hashable, Sendable {
    public var provider: ProviderID
    /// Every rule checked, in order.
    public var checks: [RuleCheck]
    /// The offer, when every rule passed (or is unknown) and the provider can serve the request.
    public var offer: Offer?

    public init(provider: ProviderID, checks: [RuleCheck], offer: Offer?) {
        self.provider = provider
        self.checks = checks
        self.offer = offer
    }

    public var isEligible: Bool { offer != nil && !checks.contains { $0.outcome == .failed } }
    public var failed: [RuleCheck] { checks.filter { $0.outcome == .failed } }
    public var unknowns: [RuleCheck] { checks.filter { $0.outcome == .unknown } }
    public var likelihood: Likelihood? { isEligible ? Likelihood.from(checks) : nil }
}
