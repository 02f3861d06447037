public import Foundation

/// Settings of the gates and warnings.
public struct AggregatorPolicy: Hashable, Sendable {
    /// An offer above this nominal APR (percent) is flagged `high-cost` (default 20).
    public var highCostAPRPercent: Decimal
    /// A monthly payment that pushes debt service past this share of income (percent) is flagged (default 50).
    public var maxDebtServicePercent: Decimal
    /// Keep at most this many alternatives (nil: all).
    public var top: Int?
    /// Evaluate the providers of one request side by side (default). A caller that already runs many requests at
    /// once (`backstop batch`) turns it off: each request then stays on one core and the requests share the cores.
    /// The answer is the same either way.
    public var concurrentProviders: Bool
    /// Hard credit inquiries the application plan allows in 3 months, those already on the report included
    /// (default 2).
    public var hardInquiryBudget: Int
    /// Refuse offers whose term is not the one asked for, instead of listing them after the exact matches.
    public var exactTerm: Bool

    public init(
        highCostAPRPercent: Decimal = 20,
        maxDebtServicePercent: Decimal = 50,
        top: Int? = nil,
        concurrentProviders: Bool = true,
        hardInquiryBudget: Int = 2,
        exactTerm: Bool = false
    ) {
        self.hardInquiryBudget = hardInquiryBudget
        self.exactTerm = exactTerm
        self.highCostAPRPercent = highCostAPRPercent
        self.maxDebtServicePercent = maxDebtServicePercent
        self.top = top
        self.concurrentProviders = concurrentProviders
    }
}

/// Identifies the catalog snapshot that answered.
public struct CatalogInfo: Hashable, Sendable, Codable {
    public var hash: String
    public var providers: Int

    public init(hash: String, providers: Int) {
        self.hash = hash
        self.providers = providers
    }
}

/// An eligible provider's offer, ranked.
public struct Alternative: Hashable, Sendable {
    public var details: ProviderDescription
    public var offer: Offer
    public var likelihood: Likelihood
    public var checks: [RuleCheck]
    /// Why it is here and what to know, as facts.
    public var why: [Fact]
    /// What capped the likelihood (the odds model's facts; also in ``why``).
    public var oddsFactors: [Fact]
    /// "Only if invited" / "only for customers" when the profile does not say whether the user qualifies.
    public var condition: AccessCondition?

    public init(
        details: ProviderDescription,
        offer: Offer,
        likelihood: Likelihood,
        checks: [RuleCheck],
        why: [Fact],
        oddsFactors: [Fact] = [],
        condition: AccessCondition? = nil
    ) {
        self.details = details
        self.offer = offer
        self.likelihood = likelihood
        self.checks = checks
        self.why = why
        self.oddsFactors = oddsFactors
        self.condition = condition
    }

    /// The offer is priced at another term than the one asked for (the provider does not offer it): it is ranked
    /// after the exact matches and never compared with them on cost.
    public var termDiffers: Bool { offer.quote.terms.termMonths != requestedTerm }

    /// The term asked for (the offer's own when the offer carries no note saying otherwise).
    public var requestedTerm: Int {
        for note in offer.notes where note.code == .noteNearestTerm {
            if case .int(let asked) = note.params["asked"] { return asked }
        }
        return offer.quote.terms.termMonths
    }
}

/// A provider that cannot serve this profile or request, with the rules it failed and what would change that.
public struct Refusal: Hashable, Sendable {
    public var details: ProviderDescription
    public var failed: [RuleCheck]
    /// What would change it, most direct first (each failed rule's fix, or why nothing can).
    public var fixes: [Fact]
    /// Whether a gate (licence, legal cap) refused it rather than its own rules.
    public var gated: Bool

    public init(details: ProviderDescription, failed: [RuleCheck], fixes: [Fact], gated: Bool) {
        self.details = details
        self.failed = failed
        self.fixes = fixes
        self.gated = gated
    }
}

/// A warning about an offer or the answer as a whole: a fact whose code is one of the warning codes
/// (``FactCode/codes(in:)`` with ``FactCategory/warning``).
public struct Warning: Hashable, Sendable {
    public var fact: Fact
    public var provider: ProviderID?

    public init(_ code: FactCode, provider: ProviderID? = nil, _ params: [String: FactValue] = [:]) {
        self.fact = Fact(code, params)
        self.provider = provider
    }

    public var code: FactCode { fact.code }
}

/// A provider that could not answer (it threw). The others are still compared.
public struct ProviderFailure: Hashable, Sendable {
    public var provider: ProviderID
    /// The error's own description (a plugin's words, shown as they are).
    public var message: String

    public init(provider: ProviderID, message: String) {
        self.provider = provider
        self.message = message
    }
}

/// The recovery plan: what to do for each reason found, most urgent first and each with its horizon, when each closed
/// service and refused provider may reopen, and the scams to avoid.
public struct RecoveryPlan: Hashable, Sendable {
    public struct Step: Hashable, Sendable {
        /// The closure reason the step answers; nil for the general advice.
        public var reason: ClosureReason?
        public var action: Fact
        /// When it is done, or when what it waits for happens.
        public var horizon: StepHorizon
        /// The services the step applies to: those whose diagnosis found `reason` (every service not open, for the
        /// general advice; the one named, for a service's own step).
        public var services: [PrimaryService]
        /// What the step's date rests on: a `published` rule (its `source`), Backstop's `estimate`, or `none` (no
        /// date, or only the plan's own date).
        public var dateKind: DateKind
        /// The public rule or notice the step rests on, when there is one.
        public var source: String?

        public init(
            reason: ClosureReason?,
            action: Fact,
            horizon: StepHorizon = .none,
            services: [PrimaryService] = [],
            dateKind: DateKind? = nil,
            source: String? = nil
        ) {
            self.reason = reason
            self.action = action
            self.horizon = horizon
            self.services = services
            self.dateKind = dateKind ?? horizon.defaultDateKind
            self.source = source
        }
    }

    public var steps: [Step]
    /// What the forecasts assume (nothing overdue from the plan's date, no new late payment, the score unchanged…).
    public var assumedChanges: [Fact]
    /// The primary services and providers that reopen by a date on the plan's assumptions (every forecast with an
    /// earliest or a latest date), sorted by id: v1's `whatIf.reopens`.
    public var reopens: [Reopening]
    /// Per closed service, then per refused provider (by id): the earliest date it may reopen, or why none.
    public var forecasts: [ReopeningForecast]
    /// Scam warnings, when a service is not open or a provider refused.
    public var scams: [Fact]
    /// The date the plan starts from.
    public var date: CalendarDate?

    /// Whether there is nothing to show: no step, no forecast, no warning.
    public var isEmpty: Bool { steps.isEmpty && forecasts.isEmpty && scams.isEmpty }

    public init(
        steps: [Step],
        assumedChanges: [Fact],
        reopens: [Reopening],
        forecasts: [ReopeningForecast] = [],
        scams: [Fact] = [],
        date: CalendarDate? = nil
    ) {
        self.steps = steps
        self.assumedChanges = assumedChanges
        self.reopens = reopens
        self.forecasts = forecasts
        self.scams = scams
        self.date = date
    }
}

/// A primary service or a provider the what-if reopens.
public enum Reopening: Hashable, Sendable, Comparable {
    case service(PrimaryService)
    case provider(ProviderID, LocalizedName)

    /// `huabei`, `wechat-weilidai`: the wire format's `reopens` entries.
    public var id: String {
        switch self {
        case .service(let service): service.rawValue
        case .provider(let id, _): id.rawValue
        }
    }

    public static func < (lhs: Reopening, rhs: Reopening) -> Bool { lhs.id < rhs.id }
}

/// Everything the aggregator returns for a profile and a request (DESIGN "What the aggregator returns").
public struct Recommendation: Hashable, Sendable {
    public var profileID: String
    public var request: LoanRequest
    public var date: CalendarDate
    public var diagnosis: [ServiceDiagnosis]
    public var alternatives: [Alternative]
    public var ineligible: [Refusal]
    public var warnings: [Warning]
    public var recovery: RecoveryPlan
    public var catalog: CatalogInfo?
    public var failures: [ProviderFailure]
    /// Profile fields that were unknown and mattered to some rule or diagnosis.
    public var unknowns: [ProfileField]
    /// Which alternatives to apply to, in what order, within the hard-inquiry budget.
    public var plan: ApplicationPlan

    public init(
        profileID: String,
        request: LoanRequest,
        date: CalendarDate,
        diagnosis: [ServiceDiagnosis],
        alternatives: [Alternative],
        ineligible: [Refusal],
        warnings: [Warning],
        recovery: RecoveryPlan,
        catalog: CatalogInfo?,
        failures: [ProviderFailure],
        unknowns: [ProfileField],
        plan: ApplicationPlan = .empty
    ) {
        self.plan = plan
        self.profileID = profileID
        self.request = request
        self.date = date
        self.diagnosis = diagnosis
        self.alternatives = alternatives
        self.ineligible = ineligible
        self.warnings = warnings
        self.recovery = recovery
        self.catalog = catalog
        self.failures = failures
        self.unknowns = unknowns
    }
}
