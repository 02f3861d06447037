public import BackstopCore
import Foundation

/// The closure thresholds of a primary service: illustrative, documented in docs/primary-services.md with sources.
public struct ClosureThresholds: Hashable, Sendable {
    /// Below this score the service closes.
    public var closeBelowScore: Int
    /// Below this score the service is restricted (a lower limit).
    public var restrictBelowScore: Int
    /// A fall of this many points in 90 days restricts the service…
    public var restrictOnDrop: Int
    /// …and of this many closes it.
    public var closeOnDrop: Int
    /// Overdue instalments in 12 months that close the service (one fewer restricts it).
    public var closeOnOverdue12m: Int
    /// Days past due, at worst, that close the service.
    public var closeOnDaysPastDue: Int
    /// Cash-out flags in 12 months that close the service (fewer restrict it).
    public var closeOnCashOutFlags: Int

    public init(
        closeBelowScore: Int,
        restrictBelowScore: Int,
        restrictOnDrop: Int,
        closeOnDrop: Int,
        closeOnOverdue12m: Int,
        closeOnDaysPastDue: Int,
        closeOnCashOutFlags: Int
    ) {
        self.closeBelowScore = closeBelowScore
        self.restrictBelowScore = restrictBelowScore
        self.restrictOnDrop = restrictOnDrop
        self.closeOnDrop = closeOnDrop
        self.closeOnOverdue12m = closeOnOverdue12m
        self.closeOnDaysPastDue = closeOnDaysPastDue
        self.closeOnCashOutFlags = closeOnCashOutFlags
    }

    /// The four groups of closure reasons, each with its evidence, and the signals that were missing.
    public func findings(for profile: UserProfile) -> (reasons: [ReasonFinding], unknowns: [String]) {
        var reasons: [ReasonFinding] = []
        var unknowns: [String] = []

        // 1. Credit score: its level and its recent trend.
        let score = profile.creditScore
        let drop = profile.creditScore90DaysAgo.map { $0 - score }
        var scoreSeverity: ServiceState = .open
        if score < closeBelowScore {
            scoreSeverity = .closed
        } else if score < restrictBelowScore {
            scoreSeverity = .restricted
        }
        if let drop {
            if drop >= closeOnDrop {
                scoreSeverity = .closed
            } else if drop >= restrictOnDrop, scoreSeverity == .open {
                scoreSeverity = .restricted
            }
        } else {
            unknowns.append("creditScore90DaysAgo")
        }
        if scoreSeverity != .open {
            var evidence = "score \(score)"
            if let drop, drop > 0 { evidence += ", down \(drop) in 90 days" }
            if score < restrictBelowScore {
                evidence += ", below \(score < closeBelowScore ? closeBelowScore : restrictBelowScore)"
            }
            reasons.append(ReasonFinding(code: .creditScoreDecline, evidence: evidence, severity: scoreSeverity))
        }

        // 2. Late repayment: now and in the recent past.
        if let record = profile.repayment {
            let overdueNow = record.currentOverdueAmount.map { $0.minorUnits > 0 } ?? false
            let count = record.overdueCount12m ?? 0
            let worst = record.worstDaysPastDue ?? 0
            var severity: ServiceState = .open
            if overdueNow || count >= closeOnOverdue12m || worst >= closeOnDaysPastDue {
                severity = .closed
            } else if count >= max(1, closeOnOverdue12m - 1) || (record.overdueCount24m ?? 0) > count {
                severity = .restricted
            }
            if severity != .open {
                var parts: [String] = []
                if overdueNow, let amount = record.currentOverdueAmount {
                    parts.append("\(amount.formatted) overdue now")
                }
                if count > 0 || record.overdueCount12m != nil { parts.append("\(count) overdue in 12 months") }
                if let older = record.overdueCount24m, older > count { parts.append("\(older) in 24 months") }
                if worst > 0 { parts.append("worst \(worst) days") }
                reasons.append(
                    ReasonFinding(code: .lateRepayment, evidence: parts.joined(separator: ", "), severity: severity)
                )
            }
            if record.overdueCount12m == nil { unknowns.append("repayment.overdueCount12m") }
            if record.currentOverdueAmount == nil { unknowns.append("repayment.currentOverdueAmount") }
        } else {
            unknowns.append("repayment")
        }

        // 3. Cash-out or illegal operations.
        if let flags = profile.cashOutFlags12m {
            if flags > 0 {
                reasons.append(
                    ReasonFinding(
                        code: .cashOut,
                        evidence: "\(flags) cash-out or illegal-operation flag\(flags == 1 ? "" : "s") in 12 months",
                        severity: flags >= closeOnCashOutFlags ? .closed : .restricted
                    )
                )
            }
        } else {
            unknowns.append("cashOutFlags12m")
        }

        // 4. Abnormal identity information.
        if let identity = profile.identity {
            switch identity {
            case .verified: break
            case .unverified:
                reasons.append(
                    ReasonFinding(code: .identityAbnormal, evidence: "identity not verified", severity: .restricted)
                )
            case .expiredDocument:
                reasons.append(
                    ReasonFinding(code: .identityAbnormal, evidence: "identity document expired", severity: .restricted)
                )
            case .mismatch:
                reasons.append(
                    ReasonFinding(
                        code: .identityAbnormal,
                        evidence: "identity information does not match",
                        severity: .closed
                    )
                )
            case .suspectedImpersonation:
                reasons.append(
                    ReasonFinding(code: .identityAbnormal, evidence: "suspected impersonation", severity: .closed)
                )
            }
        } else {
            unknowns.append("identity")
        }
        return (reasons, unknowns)
    }

    /// Diagnoses a service: the assessed state is the worst of the reasons; where the profile reports a state, that
    /// state is kept and the reasons explain it (a reported closure with no reason found says so).
    public func diagnose(
        _ service: PrimaryService,
        name: String,
        observed: ServiceState?,
        profile: UserProfile
    ) -> ServiceDiagnosis {
        let (reasons, unknowns) = findings(for: profile)
        let assessed: ServiceState =
            reasons.contains { $0.severity == .closed } ? .closed : reasons.isEmpty ? .open : .restricted
        let known = observed.flatMap { $0 == .unknown ? nil : $0 }
        let state = known ?? assessed
        let because = reasons.map { "\($0.code.rawValue) (\($0.evidence))" }.joined(separator: "; ")
        let summary: String
        switch (known, assessed) {
        case (.some(let reported), _) where reported != .open && reasons.isEmpty:
            summary =
                "\(name) is reported \(reported.rawValue), but the profile shows none of the four published reasons"
                + (unknowns.isEmpty
                    ? "; the cause is outside these signals (e.g. the platform's own risk control)."
                    : "; unknown signals that could explain it: \(unknowns.joined(separator: ", ")).")
        case (.some(let reported), _) where reported != .open:
            summary = "\(name) is reported \(reported.rawValue); the likely reasons: \(because)."
        case (.some, let assessed) where assessed != .open:
            summary =
                "\(name) is reported open, but the profile shows risks that can lead to \(assessed == .closed ? "closure" : "a restriction"): \(because)."
        case (.some, _):
            summary = "\(name) is open and the profile shows none of the four published closure reasons."
        case (nil, .open) where !unknowns.isEmpty:
            summary =
                "\(name) is likely open as far as the profile shows: none of the four published closure reasons, but "
                + "\(unknowns.joined(separator: ", ")) \(unknowns.count == 1 ? "is" : "are") unknown."
        case (nil, .open):
            summary = "\(name) is likely open: the profile shows none of the four published closure reasons."
        case (nil, let assessed):
            summary = "\(name) is likely \(assessed.rawValue): \(because)."
        }
        return ServiceDiagnosis(
            service: service,
            state: state,
            observed: observed,
            assessed: assessed,
            reasons: reasons,
            unknowns: unknowns,
            summary: summary
        )
    }
}

extension PrimaryServiceProvider {
    /// Adds the service-state rule to a described provider's evaluation: a closed service offers nothing.
    func evaluateAsPrimary(
        _ described: DescribedProvider,
        _ profile: UserProfile,
        _ request: LoanRequest,
        on date: CalendarDate
    ) -> Evaluation {
        let diagnosis = diagnose(profile)
        var evaluation = described.evaluateNow(profile, request, on: date)
        let open = diagnosis.state != .closed
        let check = RuleCheck(
            rule: "serviceState",
            outcome: open ? .passed : .failed,
            threshold: "open or restricted",
            value: diagnosis.state.rawValue,
            margin: diagnosis.state == .open ? 1 : open ? 0 : -1,
            explanation: diagnosis.summary,
            fix: open
                ? nil : "follow the recovery plan: " + diagnosis.reasons.map(\.code.rawValue).joined(separator: ", ")
        )
        evaluation.checks.insert(check, at: 0)
        if !open { evaluation.offer = nil }
        if var offer = evaluation.offer, diagnosis.state == .restricted {
            offer.note += "; the service is restricted, so the limit may be lower than asked"
            evaluation.offer = offer
        }
        return evaluation
    }
}
