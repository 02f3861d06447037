import Foundation

/// Who may apply, when the profile does not say whether the user qualifies: the offer stands "only if invited" or
/// "only for customers" of the institutions named.
public enum AccessCondition: Hashable, Sendable {
    case onlyIfInvited
    case onlyForCustomers([InstitutionID])

    /// `only-if-invited`, `only-for-customers`: the wire format's `condition`.
    public var code: String {
        switch self {
        case .onlyIfInvited: "only-if-invited"
        case .onlyForCustomers: "only-for-customers"
        }
    }
}

/// Backstop's likelihood model (docs/advice.md "Honest odds"): conservative, and explained offer by offer.
///
/// The band starts from how far the profile clears the provider's own rules (``Likelihood/from(_:)``: every rule by
/// 20% → high, 5% → medium, else low; each unknown rule one step lower). Caps then lower it, never raise it, each
/// stated as a fact:
///
/// | signal | cap |
/// |---|---|
/// | anything overdue now | low |
/// | overdue instalments in 12 months: 1 | medium |
/// | 2 or more, or 30+ days past due in 24 months | low |
/// | cash-out flags in 12 months | medium |
/// | hard inquiries in 3 months: 3–5 | medium |
/// | 6 or more | low |
/// | repayment record, hard inquiries or income unknown | medium |
/// | unemployed | low |
/// | gig work (income varies) | medium |
/// | invitation-only / customers-only, profile silent | low, with the condition |
/// | no criterion the lender publishes (or a reporter documents) is cleared: every one is Backstop's estimate | medium |
///
/// The thresholds are Backstop's documented assumptions, not any lender's published rule: lenders do not publish
/// their models. A lender's own documented red line (its eligibility rules, inquiry tolerance, access) is a rule:
/// failing it refuses the offer rather than lowering its odds.
public enum OddsModel: Sendable {
    /// The band for an eligible offer, the facts that capped it, and the access condition when the profile is silent.
    public static func assess(
        _ evaluation: Evaluation,
        _ details: ProviderDescription,
        _ profile: UserProfile,
        on date: CalendarDate
    ) -> (likelihood: Likelihood, factors: [Fact], condition: AccessCondition?) {
        var band = evaluation.likelihood ?? .low
        var factors: [Fact] = []
        func cap(_ level: Likelihood, _ fact: Fact) {
            factors.append(fact)
            if level < band { band = level }
        }
        let record = profile.repayment
        if let owed = record?.currentOverdueAmount, owed.minorUnits > 0 {
            cap(.low, Fact(.whyOddsCurrentOverdue, ["amount": .money(owed)]))
        }
        let overdue = record?.overdueCount12m ?? 0
        let worst = record?.worstDaysPastDue ?? 0
        if overdue >= 2 || worst > 30 {
            cap(
                .low,
                Fact(.whyOddsRecentOverdue, ["count": .int(overdue), "worst": .int(worst), "cap": .likelihood(.low)])
            )
        } else if overdue == 1 {
            cap(
                .medium,
                Fact(
                    .whyOddsRecentOverdue,
                    ["count": .int(overdue), "worst": .int(worst), "cap": .likelihood(.medium)]
                )
            )
        }
        if let flags = profile.cashOutFlags12m, flags > 0 {
            cap(.medium, Fact(.whyOddsCashOut, ["count": .int(flags)]))
        }
        if let inquiries = profile.hardInquiries?.count(lastMonths: 3, on: date), inquiries >= 3 {
            let level: Likelihood = inquiries >= 6 ? .low : .medium
            cap(level, Fact(.whyOddsInquiries, ["count": .int(inquiries), "cap": .likelihood(level)]))
        }
        var unknown: [ProfileField] = []
        if record?.overdueCount12m == nil { unknown.append(.repayment) }
        if profile.hardInquiries?.count(lastMonths: 3, on: date) == nil { unknown.append(.hardInquiries) }
        if profile.monthlyIncome == nil { unknown.append(.monthlyIncome) }
        if !unknown.isEmpty { cap(.medium, Fact(.whyOddsUnknown, ["fields": .list(unknown.map(FactValue.field))])) }
        switch profile.employment {
        case .unemployed: cap(.low, Fact(.whyOddsUnemployed))
        case .gig: cap(.medium, Fact(.whyOddsGig))
        default: break
        }
        // Backstop's estimates of a lender's criteria never raise the odds: without one criterion the lender
        // publishes (or a reporter documents) that the profile clears, the chance is at most medium.
        // A primary service the user reports open is evidence of its own: it needs no new approval.
        let evidenced = evaluation.checks.contains {
            $0.outcome == .passed
                && ($0.rule == .serviceState || details.thresholdBasis(of: $0.rule)?.isEvidence == true)
        }
        if !evidenced { cap(.medium, Fact(.whyOddsEstimatesOnly, ["provider": .name(details.name)])) }
        var condition: AccessCondition?
        if details.access.invitationOnly && profile.invitedBy == nil {
            condition = .onlyIfInvited
            cap(.low, Fact(.whyOnlyIfInvited, ["provider": .name(details.name)]))
        }
        if !details.access.customersOf.isEmpty && profile.customerOf == nil {
            condition = condition ?? .onlyForCustomers(details.access.customersOf)
            cap(
                .low,
                Fact(
                    .whyOnlyForCustomers,
                    ["institutions": .list(details.access.customersOf.map(FactValue.institution))]
                )
            )
        }
        return (band, factors, condition)
    }
}

/// The order in which to apply, one application at a time, within a budget of hard inquiries
/// (docs/advice.md "The application plan").
public struct ApplicationPlan: Hashable, Sendable {
    public struct Step: Hashable, Sendable {
        public var provider: ProviderID
        public var name: LocalizedName
        /// What applying adds to the credit report (unknown counts as hard).
        public var inquiry: InquiryKind
        public var likelihood: Likelihood
        public var fact: Fact

        public init(provider: ProviderID, name: LocalizedName, inquiry: InquiryKind, likelihood: Likelihood, fact: Fact)
        {
            self.provider = provider
            self.name = name
            self.inquiry = inquiry
            self.likelihood = likelihood
            self.fact = fact
        }
    }

    /// Hard inquiries allowed in ``windowMonths`` months, those already on the report included.
    public var budget: Int
    public var windowMonths: Int
    /// Hard inquiries in the last 3 months, when the profile says.
    public var hardInquiries3m: Int?
    /// Apply in this order, one at a time: the next only after the previous answered no.
    public var steps: [Step]
    /// Alternatives left for later: applying now would exceed the budget.
    public var later: [ProviderID]
    /// When the budget has no room now: the first day it has room for one hard inquiry.
    public var waitUntil: CalendarDate?
    /// The plan in words (one at a time, wait until, unknown inquiries).
    public var notes: [Fact]
    /// When every candidate's odds are low: the earliest date a forecast gives one a better chance (nil when none
    /// can be dated). The steps stay, marked as the option for someone who cannot wait.
    public var waitForBetterOdds: CalendarDate?
    /// Whether the plan leads with waiting (every candidate's odds are low).
    public var leadsWithWaiting: Bool

    public init(
        budget: Int,
        windowMonths: Int = 3,
        hardInquiries3m: Int?,
        steps: [Step],
        later: [ProviderID],
        waitUntil: CalendarDate?,
        notes: [Fact]
    ) {
        self.budget = budget
        self.windowMonths = windowMonths
        self.hardInquiries3m = hardInquiries3m
        self.steps = steps
        self.later = later
        self.waitUntil = waitUntil
        self.notes = notes
        self.waitForBetterOdds = nil
        self.leadsWithWaiting = false
    }

    /// Leads with waiting when every application the plan makes is a hard inquiry with low odds: applying now most
    /// likely adds rejected inquiries that lenders read for up to 2 years. `betterOn` is the earliest date the
    /// recovery forecasts give a candidate a better chance; the steps stay, as the option for someone who cannot wait.
    /// ``leadWithWaiting(betterOn:atTheLatest:)`` on a recovery plan's forecasts: until the first date after `date`
    /// a forecast gives a better chance (a refused provider or a closed service reopening, a record leaving a
    /// window), or without a dated forecast the latest date an undated record is sure to have left its window.
    mutating func leadWithWaiting(_ recovery: RecoveryPlan, after date: CalendarDate) {
        let earliest = recovery.forecasts.compactMap(\.earliest).filter { $0 > date }.min()
        let latest = recovery.forecasts.compactMap(\.latest).filter { $0 > date }.min()
        leadWithWaiting(betterOn: earliest ?? latest, atTheLatest: earliest == nil && latest != nil)
    }

    mutating func leadWithWaiting(betterOn: CalendarDate?, atTheLatest: Bool = false) {
        let applications = steps.filter { $0.fact.code == .planApplyHard || $0.fact.code == .planApplySoft }
        guard !applications.isEmpty, applications.count == steps.count,
            applications.allSatisfy({ $0.likelihood == .low && $0.fact.code == .planApplyHard })
        else { return }
        leadsWithWaiting = true
        waitForBetterOdds = betterOn
        var params: [String: FactValue] = ["count": .int(applications.count)]
        if let betterOn { params["date"] = .date(betterOn) }
        if atTheLatest { params["atTheLatest"] = .int(1) }
        notes.insert(Fact(.planWaitForBetterOdds, params), at: 0)
        for index in steps.indices {
            var fact = steps[index].fact
            fact.code = .planApplyIfCannotWait
            steps[index].fact = fact
        }
    }

    /// No plan (no alternatives).
    public static let empty = ApplicationPlan(
        budget: 0,
        hardInquiries3m: nil,
        steps: [],
        later: [],
        waitUntil: nil,
        notes: []
    )

    /// Plans the applications for ranked alternatives.
    ///
    /// Credit lines the user already has open (an open Huabei or Jiebei, `openLines`) come first: using them is no
    /// new application. Soft-inquiry channels come next (they cost nothing on the report), in rank order; then hard-inquiry channels
    /// by likelihood (best first) and rank, as many as the budget has room for after the inquiries already on the
    /// report in the last 3 months. An unknown inquiry kind counts as hard; unknown recent inquiries are assumed to
    /// be none and said so. With no room, the plan says the first day there is.
    public static func make(
        for alternatives: [Alternative],
        _ profile: UserProfile,
        on date: CalendarDate,
        budget: Int,
        openLines: Set<ProviderID> = []
    ) -> ApplicationPlan {
        let recent = profile.hardInquiries?.count(lastMonths: 3, on: date)
        var notes: [Fact] = []
        guard !alternatives.isEmpty else {
            return ApplicationPlan(
                budget: budget,
                hardInquiries3m: recent,
                steps: [],
                later: [],
                waitUntil: nil,
                notes: [Fact(.planNothingToApply)]
            )
        }
        let ranked = alternatives.enumerated().map { ($0.offset, $0.element) }
        let open = ranked.filter { openLines.contains($0.1.details.id) }
        let applications = ranked.filter { !openLines.contains($0.1.details.id) }
        let soft = applications.filter { $0.1.details.inquiries.application == .soft }
        // The decision rule (docs/advice.md "The application plan"): the likeliest first; among equally likely
        // offers, complete-cost and unconditional ones before cost-incomplete or conditional ones, the requested
        // term before another, then the cheapest in total; the rank breaks what is left.
        func key(_ item: (Int, Alternative)) -> (Int, Int, Int, Int64, Int) {
            let a = item.1
            let apart = a.offer.isCostIncomplete || a.condition != nil ? 1 : 0
            return (a.likelihood.rank, apart, a.termDiffers ? 1 : 0, a.offer.quote.totalCost.minorUnits, item.0)
        }
        let hard = applications.filter { $0.1.details.inquiries.application != .soft }.sorted { key($0) < key($1) }
        let room = max(0, budget - (recent ?? 0))
        func step(_ a: Alternative) -> Step {
            let kind = a.details.inquiries.application
            return Step(
                provider: a.details.id,
                name: a.details.name,
                inquiry: kind,
                likelihood: a.likelihood,
                fact: Fact(
                    kind == .soft ? .planApplySoft : .planApplyHard,
                    [
                        "provider": .name(a.details.name), "likelihood": .likelihood(a.likelihood),
                        "inquiry": .inquiry(kind),
                    ]
                )
            )
        }
        var steps = open.map { item in
            Step(
                provider: item.1.details.id,
                name: item.1.details.name,
                inquiry: .soft,
                likelihood: item.1.likelihood,
                fact: Fact(.planUseOpenLine, ["provider": .name(item.1.details.name)])
            )
        }
        steps += soft.map { step($0.1) }
        steps += hard.prefix(room).map { step($0.1) }
        let later = hard.dropFirst(room).map(\.1.details.id)
        var waitUntil: CalendarDate?
        if recent == nil && budget > 0 { notes.append(Fact(.planInquiriesUnknown, ["budget": .int(budget)])) }
        if budget == 0 {
            // No hard inquiries at all: nothing to wait for, only channels that add none.
            if !later.isEmpty { notes.append(Fact(.planNoHardInquiries, ["count": .int(later.count)])) }
        } else if !later.isEmpty, room == 0, let recent {
            waitUntil = profile.hardInquiries?.dayWithAtMost(budget - 1, on: date)
            var params: [String: FactValue] = ["count": .int(recent), "budget": .int(budget)]
            if let waitUntil { params["date"] = .date(waitUntil) }
            notes.append(Fact(.planWaitUntil, params))
        }
        if !steps.isEmpty { notes.insert(Fact(.planOneAtATime, ["budget": .int(budget)]), at: 0) }
        // A cheaper plausible offer left for later: what the order costs.
        let planned = hard.prefix(room).map(\.1)
        if let dearest = planned.filter({ !$0.offer.isCostIncomplete && !$0.termDiffers }).max(by: {
            $0.offer.quote.totalCost < $1.offer.quote.totalCost
        }) {
            for (_, skipped) in hard.dropFirst(room)
            where skipped.likelihood != .low && !skipped.offer.isCostIncomplete && skipped.condition == nil
                && !skipped.termDiffers && skipped.offer.quote.totalCost < dearest.offer.quote.totalCost
            {
                notes.append(
                    Fact(
                        .planSkipsCheaper,
                        [
                            "provider": .name(skipped.details.name), "chosen": .name(dearest.details.name),
                            "difference": .money(dearest.offer.quote.totalCost - skipped.offer.quote.totalCost),
                            "likelihood": .likelihood(skipped.likelihood),
                        ]
                    )
                )
            }
        }
        if !later.isEmpty && budget > 0 {
            notes.append(
                Fact(
                    .planLater,
                    ["providers": .list(hard.dropFirst(room).map { .name($0.1.details.name) }), "budget": .int(budget)]
                )
            )
        }
        return ApplicationPlan(
            budget: budget,
            hardInquiries3m: recent,
            steps: steps,
            later: later,
            waitUntil: waitUntil,
            notes: notes
        )
    }
}
