import Foundation

/// No credit to a borrower under the rulebook's minimum age for the lender (the age of majority for every lender,
/// and any kind's own legal minimum): rules of kind `age-minimum`. An unknown age passes (the lender checks the ID),
/// the diagnosis of the primary services is unchanged.
public struct AgeOfMajorityGate: Gate {
    public init() {}
    public var name: String { "age-of-majority" }

    public func check(_ candidate: GateCandidate, in context: GateContext) -> GateOutcome {
        guard let age = context.profile.age else { return .pass() }
        let binding = context.rulebook.rules(.ageMinimum, binding: candidate.details, on: context.date)
        guard let rule = binding.filter({ age < ($0.minAge ?? 0) }).max(by: { ($0.minAge ?? 0) < ($1.minAge ?? 0) })
        else { return .pass() }
        let minimum = rule.minAge ?? 18
        var params = rule.factParams
        params["provider"] = .name(candidate.details.name)
        params["age"] = .int(age)
        params["minAge"] = .int(minimum)
        let fix = Fact(.fixWaitUntilAdult, ["minAge": .int(minimum)])
        let check = RuleCheck(
            rule: .ageOfMajority,
            outcome: .failed,
            threshold: "\(minimum)",
            value: "\(age)",
            margin: -1,
            finding: Fact(.ruleUnderAge, params),
            fix: fix
        )
        var warning = rule.factParams
        warning["age"] = .int(age)
        warning["minAge"] = .int(minimum)
        return .refuse(candidate.refusal(check, fixes: [fix]), warnings: [Warning(.minorProtected, warning)])
    }
}

/// Credit of the kinds a `purpose-ban` rule binds may not fund the purposes it names (a home purchase, securities,
/// virtual currency): the refusal says why, with the rule's source, and what is lawful instead.
public struct PurposeBanGate: Gate {
    public init() {}
    public var name: String { "purpose-ban" }

    public func check(_ candidate: GateCandidate, in context: GateContext) -> GateOutcome {
        let purpose = context.request.purpose
        let rules = context.rulebook.rules(.purposeBan, binding: candidate.details, on: context.date)
        guard let rule = rules.first(where: { $0.purposes.contains(purpose) }) else { return .pass() }
        var params = rule.factParams
        params["provider"] = .name(candidate.details.name)
        params["purpose"] = .purpose(purpose)
        var fixParams: [String: FactValue] = ["purpose": .purpose(purpose)]
        if let lawful = rule.lawful { fixParams["lawful"] = .name(lawful) }
        let fix = Fact(.fixLawfulAlternative, fixParams)
        let check = RuleCheck(
            rule: .purposeBanned,
            outcome: .failed,
            threshold: "not \(rule.purposes.map(\.rawValue).joined(separator: "|"))",
            value: purpose.rawValue,
            margin: -1,
            finding: Fact(.rulePurposeBanned, params),
            fix: fix
        )
        var warning = rule.factParams
        warning["purpose"] = .purpose(purpose)
        if case .name(let lawful)? = fixParams["lawful"] { warning["lawful"] = .name(lawful) }
        return .refuse(candidate.refusal(check, fixes: [fix]), warnings: [Warning(.purposeBanned, warning)])
    }
}

/// A product a `business-only` rule binds (a business loan, 经营贷) is offered only for `purpose: business` and to
/// a business owner (`employment: self-employed`); an unknown employment is not assumed to be one.
public struct BusinessOnlyGate: Gate {
    public init() {}
    public var name: String { "business-only" }

    public func check(_ candidate: GateCandidate, in context: GateContext) -> GateOutcome {
        let rules = context.rulebook.rules(.businessOnly, binding: candidate.details, on: context.date)
        guard let rule = rules.first else { return .pass() }
        let purpose = context.request.purpose
        let employment = context.profile.employment
        if purpose == .business && employment == .selfEmployed { return .pass() }
        var params = rule.factParams
        params["provider"] = .name(candidate.details.name)
        params["purpose"] = .purpose(purpose)
        if let employment { params["employment"] = .text(employment.rawValue) }
        let fix = Fact(.fixBusinessLoanForBusiness, ["purpose": .purpose(purpose)])
        let check = RuleCheck(
            rule: .businessOnly,
            outcome: .failed,
            threshold: "business, self-employed",
            value: "\(purpose.rawValue), \(employment?.rawValue ?? "unknown")",
            margin: -1,
            finding: Fact(.ruleBusinessOnly, params),
            fix: fix
        )
        return .refuse(candidate.refusal(check, fixes: [fix]))
    }
}

/// The new loan and what the user already owes the lender (`outstandingBalances`) may not exceed a
/// `per-borrower-limit` rule binding the lender (the strictest when several do). Without balances the amount alone
/// is compared, and the unknown is reported when the amount is at least half the limit.
public struct PerBorrowerLimitGate: Gate {
    public init() {}
    public var name: String { "per-borrower-limit" }

    public func check(_ candidate: GateCandidate, in context: GateContext) -> GateOutcome {
        let rules = context.rulebook.rules(.perBorrowerLimit, binding: candidate.details, on: context.date)
        guard let rule = rules.min(by: { ($0.maxAmount ?? .zero()) < ($1.maxAmount ?? .zero()) }),
            let limit = rule.maxAmount
        else { return .pass() }
        let amount = context.request.amount
        let owed = context.profile.outstanding(at: candidate.details)
        let total = amount + (owed ?? .zero())
        guard total > limit else {
            let close = owed == nil && amount.minorUnits * 2 >= limit.minorUnits
            return .pass(unknowns: close ? [.outstandingBalances] : [])
        }
        var params = rule.factParams
        params["provider"] = .name(candidate.details.name)
        params["amount"] = .money(amount)
        params["limit"] = .money(limit)
        if let owed { params["owed"] = .money(owed) }
        let room = limit - (owed ?? .zero())
        let fix = Fact(
            .fixWithinBorrowerLimit,
            ["limit": .money(limit), "room": .money(room.minorUnits > 0 ? room : .zero())]
        )
        let check = RuleCheck(
            rule: .perBorrowerLimit,
            outcome: .failed,
            threshold: "\(limit)",
            value: "\(total)",
            margin: -1,
            finding: Fact(.rulePerBorrowerLimit, params),
            fix: fix
        )
        return .refuse(candidate.refusal(check, fixes: [fix]))
    }
}

/// A profile that does not say whether the user is a student, at a typical student age (18–25): offers from lender
/// kinds barred from lending to students say "not if you are a student", and `student` is an unknown that mattered.
public struct StudentUnknownGate: Gate {
    public init() {}
    public var name: String { "student-unknown" }

    /// The ages at which a profile silent on `student` is asked.
    public static let typicalStudentAges: ClosedRange<Int> = 18...25

    public func check(_ candidate: GateCandidate, in context: GateContext) -> GateOutcome {
        let profile = context.profile
        guard profile.student == nil, profile.enrolled == nil, let age = profile.age,
            Self.typicalStudentAges.contains(age),
            let ban = context.rulebook.bans(for: candidate.details, group: .student, on: context.date).first
        else { return .pass() }
        let why = Fact(
            .whyNotIfStudent,
            [
                "title": .name(LocalizedName(en: ban.title, zh: ban.titleZH ?? ban.title)), "since": .date(ban.from),
                "source": .text(ban.sourceURL),
            ]
        )
        return .pass(why: [why], unknowns: [.student])
    }
}

/// A channel whose documented loan (``DocumentedLoan``: one press, a regulator or a court reported, with what the
/// borrower repaid) cost more than an exclusion cap that bound its lenders when the loan was made, while that cap or
/// a stricter one still binds on the request date, is refused: its published prices do not show what it charges.
/// The APR is Backstop's own, from the documented instalments.
public struct DocumentedLoanGate: Gate {
    public init() {}
    public var name: String { "documented-loan" }

    public func check(_ candidate: GateCandidate, in context: GateContext) -> GateOutcome {
        let details = candidate.details
        for loan in details.documentedLoans.sorted(by: { $0.month > $1.month }) {
            guard let (broken, apr) = loan.brokenCap(for: details, in: context.rulebook, on: context.date) else {
                continue
            }
            var params = broken.factParams(apr: apr)
            params["provider"] = .name(details.name)
            params["month"] = .month(loan.month)
            params["amount"] = .money(loan.amount)
            params["term"] = .int(loan.termMonths)
            params["installment"] = .money(loan.installment)
            params["loanSource"] = .text(details.sources.first { $0.id == loan.source }?.url ?? loan.source)
            if let stated = loan.statedAPRPercent { params["stated"] = .percent(stated) }
            let fix = Fact(.fixNoneDocumentedLoan)
            let check = RuleCheck(
                rule: .documentedLoanAboveCap,
                outcome: .failed,
                threshold: "\(broken.maxAPRPercent)",
                value: "\(apr)",
                margin: ((broken.maxAPRPercent - apr) / broken.maxAPRPercent).roundedHalfUp(scale: 4),
                finding: Fact(.ruleDocumentedLoanAboveCap, params),
                fix: fix
            )
            return .refuse(candidate.refusal(check, fixes: [fix]))
        }
        return .pass()
    }
}

extension Aggregator {
    /// The rulebook's gates, in the order they run (after the licence and student gates, before the provider's own
    /// rules): a list, so adding a gate changes no other.
    public static let rulebookGates: [any Gate] = [
        AgeOfMajorityGate(), PurposeBanGate(), BusinessOnlyGate(), DocumentedLoanGate(), PerBorrowerLimitGate(),
        StudentUnknownGate(),
    ]
}
