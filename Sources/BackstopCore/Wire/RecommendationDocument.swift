public import Foundation

/// A rule's threshold or value on the wire: a JSON number when it is one (`0`, `612`), else a string (`verified`).
public struct FlexibleValue: Codable, Sendable, Hashable {
    public let text: String

    public init(_ text: String) { self.text = text }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let number = Decimal.parseStrict(text) {
            try container.encode(number)
        } else {
            try container.encode(text)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Decimal.self) {
            text = "\(number)"
        } else {
            text = try container.decode(String.self)
        }
    }
}

/// The JSON form of a ``Recommendation`` (wire format v1): what `backstop alternatives --format json` prints and
/// `POST /v1/alternatives` returns. Field names are a contract: add, never rename or drop.
public struct RecommendationDocument: Codable, Sendable, Hashable {
    public struct Reason: Codable, Sendable, Hashable {
        public let code: ClosureReason
        public let evidence: String
        public let severity: ServiceState
    }

    public struct Diagnosis: Codable, Sendable, Hashable {
        public let service: PrimaryService
        public let state: ServiceState
        public let reasons: [Reason]
        public let observed: ServiceState?
        public let assessed: ServiceState
        public let summary: String
        public let unknowns: [String]

        public init(_ d: ServiceDiagnosis) {
            service = d.service
            state = d.state
            reasons = d.reasons.map { Reason(code: $0.code, evidence: $0.evidence, severity: $0.severity) }
            observed = d.observed
            assessed = d.assessed
            summary = d.summary
            unknowns = d.unknowns
        }
    }

    public struct Rule: Codable, Sendable, Hashable {
        public let rule: String
        public let outcome: RuleOutcome
        public let threshold: FlexibleValue
        public let value: FlexibleValue?
        public let margin: Decimal?
        public let explanation: String
        public let fix: String?

        public init(_ c: RuleCheck) {
            rule = c.rule
            outcome = c.outcome
            threshold = FlexibleValue(c.threshold)
            value = c.value.map(FlexibleValue.init)
            margin = c.margin.map { $0.roundedHalfUp(scale: 4) }
            explanation = c.explanation
            fix = c.fix
        }
    }

    public struct AlternativeDocument: Codable, Sendable, Hashable {
        public let provider: String
        public let name: String
        public let nameZH: String
        public let licensed: Bool
        public let licence: LicenceKind
        public let nominalAPR: Decimal
        public let effectiveAPR: Decimal
        public let monthlyPayment: Money
        public let totalRepayment: Money
        public let totalCost: Money
        public let likelihood: Likelihood
        public let why: String
        public let termMonths: Int
        public let method: RepaymentMethod
        public let estimate: Bool
        public let riskPosition: Decimal
        public let note: String
        public let upfrontFees: Money
        public let rules: [Rule]
        public let schedule: [ScheduleRow]

        public init(_ a: Alternative) {
            let quote = a.offer.quote
            provider = a.details.id.rawValue
            name = a.details.nameEN
            nameZH = a.details.nameZH
            licensed = a.details.licence.isLicensed
            licence = a.details.licence.kind
            nominalAPR = quote.nominalAPR
            effectiveAPR = quote.effectiveAPR
            monthlyPayment = quote.monthlyPayment
            totalRepayment = quote.totalRepayment
            totalCost = quote.totalCost
            likelihood = a.likelihood
            why = a.why
            termMonths = quote.terms.termMonths
            method = quote.terms.method
            estimate = a.offer.isEstimate
            riskPosition = a.offer.riskPosition
            note = a.offer.note
            upfrontFees = quote.schedule.disbursement.fees
            rules = a.checks.map(Rule.init)
            schedule = quote.schedule.rows
        }
    }

    public struct Failed: Codable, Sendable, Hashable {
        public let rule: String
        public let threshold: FlexibleValue
        public let value: FlexibleValue?
        public let explanation: String
        public let fix: String?
    }

    public struct IneligibleDocument: Codable, Sendable, Hashable {
        public let provider: String
        public let name: String
        public let licensed: Bool
        public let gated: Bool
        public let failed: [Failed]
        public let fix: String

        public init(_ r: Refusal) {
            provider = r.details.id.rawValue
            name = r.details.nameEN
            licensed = r.details.licence.isLicensed
            gated = r.gated
            failed = r.failed.map {
                Failed(
                    rule: $0.rule,
                    threshold: FlexibleValue($0.threshold),
                    value: $0.value.map(FlexibleValue.init),
                    explanation: $0.explanation,
                    fix: $0.fix
                )
            }
            fix = r.fix
        }
    }

    public struct WhatIf: Codable, Sendable, Hashable {
        public let reopens: [String]
        public let assumes: [String]
    }

    public struct Recovery: Codable, Sendable, Hashable {
        public let steps: [RecoveryPlan.Step]
        public let whatIf: WhatIf
    }

    public struct RequestEcho: Codable, Sendable, Hashable {
        public let amount: Money
        public let termMonths: Int
        public let purpose: LoanPurpose
        public let maxMonthlyPayment: Money?
        public let rankBy: RankingPreference
    }

    public let profile: String
    public let date: CalendarDate
    public let request: RequestEcho
    public let diagnosis: [Diagnosis]
    public let alternatives: [AlternativeDocument]
    public let ineligible: [IneligibleDocument]
    public let warnings: [Warning]
    public let recovery: Recovery
    public let catalog: CatalogInfo?
    public let unknowns: [String]

    public init(_ r: Recommendation) {
        profile = r.profileID
        date = r.date
        request = RequestEcho(
            amount: r.request.amount,
            termMonths: r.request.termMonths,
            purpose: r.request.purpose,
            maxMonthlyPayment: r.request.maxMonthlyPayment,
            rankBy: r.request.rankBy
        )
        diagnosis = r.diagnosis.map(Diagnosis.init)
        alternatives = r.alternatives.map(AlternativeDocument.init)
        ineligible = r.ineligible.map(IneligibleDocument.init)
        warnings = r.warnings
        recovery = Recovery(
            steps: r.recovery.steps,
            whatIf: WhatIf(reopens: r.recovery.reopens, assumes: r.recovery.assumedChanges)
        )
        catalog = r.catalog
        unknowns = r.unknowns
    }
}

/// The JSON form of `backstop diagnose` and `POST /v1/diagnose`.
public struct DiagnosisDocument: Codable, Sendable, Hashable {
    public let profile: String
    public let diagnosis: [RecommendationDocument.Diagnosis]
    public let recovery: [RecoveryPlan.Step]

    public init(profile: UserProfile, diagnosis: [ServiceDiagnosis]) {
        self.profile = profile.id
        self.diagnosis = diagnosis.map(RecommendationDocument.Diagnosis.init)
        var reasons: [ClosureReason] = []
        for item in diagnosis {
            for finding in item.reasons where !reasons.contains(finding.code) { reasons.append(finding.code) }
        }
        recovery = reasons.sorted { $0.rawValue < $1.rawValue }.map {
            RecoveryPlan.Step(reason: $0.rawValue, action: Countermeasure.action(for: $0, profile))
        }
    }
}
