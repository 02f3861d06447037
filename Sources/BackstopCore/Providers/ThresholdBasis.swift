/// Where a lender's eligibility threshold comes from, so an answer never presents Backstop's guess as the lender's
/// rule.
///
/// In provider XML each eligibility rule, `access` and `inquiries` may say so with `basis="published" | "reported" |
/// "estimate"`; without it, a rule that cites a source is `published` and one that cites none is Backstop's
/// `estimate`. A `published` or `reported` rule must cite its source.
public enum ThresholdBasis: String, WireEnum, Hashable {
    /// The lender (or its regulator) publishes the rule: the cited source is the lender's own page or contract.
    case published
    /// Press or a third party reports the rule: the cited source is theirs, not the lender's.
    case reported
    /// Backstop's estimate: the lender does not publish the rule. It never raises an offer's odds.
    case estimate

    /// Whether the rule rests on something the lender or a reporter said (not on Backstop's estimate).
    public var isEvidence: Bool { self != .estimate }
}

extension RuleID {
    /// The key of a lender's own eligibility rule in ``ProviderDescription/figureSources`` (`eligibility.age`,
    /// `access`, `inquiries`); nil for a rule that is not a lender's threshold (status, limits, pricing, the
    /// user's own ceiling, the platform accounts a channel lives in, and Backstop's legal and rulebook gates).
    public var thresholdKey: String? {
        // Literals, not built from `rawValue`: the odds model asks for every check of every offer.
        switch self {
        case .minCreditScore: "eligibility.minCreditScore"
        case .maxOverdueCount12m: "eligibility.maxOverdueCount12m"
        case .maxOverdueCount24m: "eligibility.maxOverdueCount24m"
        case .maxDaysPastDue: "eligibility.maxDaysPastDue"
        case .noCurrentOverdue: "eligibility.noCurrentOverdue"
        case .identityVerified: "eligibility.identityVerified"
        case .age: "eligibility.age"
        case .minMonthlyIncome: "eligibility.minMonthlyIncome"
        case .maxDebtToIncome: "eligibility.maxDebtToIncome"
        case .excludedWhenCashOut: "eligibility.excludedWhen:cash-out"
        case .excludedWhenIdentityAbnormal: "eligibility.excludedWhen:identity-abnormal"
        case .customersOnly, .invitationOnly: "access"
        case .maxHardInquiries3m: "inquiries"
        case .status, .purpose, .amountLimits, .minAmount, .maxAmount, .pricing, .maxMonthlyPayment,
            .requiresAccount, .licensed, .legalCap, .serviceState, .protectedGroup, .exactTerm, .debtService,
            .ageOfMajority, .purposeBanned, .businessOnly, .perBorrowerLimit, .documentedLoanAboveCap:
            nil
        }
    }
}

extension ExclusionFlag {
    /// The rule checking the flag (the current-overdue flag is checked as `noCurrentOverdue`).
    public var rule: RuleID {
        switch self {
        case .cashOut: .excludedWhenCashOut
        case .identityAbnormal: .excludedWhenIdentityAbnormal
        case .currentOverdue: .noCurrentOverdue
        }
    }
}

extension ProviderDescription {
    /// Where the provider's threshold for `rule` comes from: the basis its file states, else `published` when it
    /// cites a source and Backstop's `estimate` when it cites none; nil when `rule` is not a lender's threshold
    /// (``RuleID/thresholdKey``).
    public func thresholdBasis(of rule: RuleID) -> ThresholdBasis? {
        guard let key = rule.thresholdKey else { return nil }
        if let stated = thresholdBases[rule] { return stated }
        return figureSources[key] != nil ? .published : .estimate
    }

    /// The lender's thresholds this description states, each once, in the order the rules are checked: the
    /// eligibility rules, then access and the inquiry tolerance.
    public var thresholdRules: [RuleID] {
        let e = eligibility
        var rules: [RuleID] = []
        if e.minCreditScore != nil { rules.append(.minCreditScore) }
        if e.maxOverdueCount12m != nil { rules.append(.maxOverdueCount12m) }
        if e.maxOverdueCount24m != nil { rules.append(.maxOverdueCount24m) }
        if e.maxDaysPastDue != nil { rules.append(.maxDaysPastDue) }
        if e.noCurrentOverdue || e.excludedWhen.contains(.currentOverdue) { rules.append(.noCurrentOverdue) }
        if e.identityVerified { rules.append(.identityVerified) }
        if e.minAge != nil || e.maxAge != nil { rules.append(.age) }
        if e.minMonthlyIncome != nil { rules.append(.minMonthlyIncome) }
        if e.maxDebtToIncomePercent != nil { rules.append(.maxDebtToIncome) }
        for flag in [ExclusionFlag.cashOut, .identityAbnormal] where e.excludedWhen.contains(flag) {
            rules.append(flag.rule)
        }
        if !access.customersOf.isEmpty { rules.append(.customersOnly) }
        if access.invitationOnly { rules.append(.invitationOnly) }
        if inquiries.maxHardInquiries3m != nil { rules.append(.maxHardInquiries3m) }
        return rules
    }

    /// The thresholds that are Backstop's estimates (what `providers lint` lists).
    public var estimatedThresholds: [RuleID] { thresholdRules.filter { thresholdBasis(of: $0) == .estimate } }

    /// Whether any of the lender's thresholds rests on evidence (published or reported). A channel whose every
    /// threshold is an estimate, or that states none, is at most "medium" (``OddsModel``).
    public var hasEvidencedThreshold: Bool {
        thresholdRules.contains { thresholdBasis(of: $0)?.isEvidence == true }
    }
}
