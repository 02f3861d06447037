public import BackstopCore
public import Foundation

/// How much of a recommendation an answer carries. Every choice is computed the same way; only what is written
/// differs, and a client that asks for nothing gets `full`, wire format v1 as it always was.
public enum AnswerDetail: String, WireEnum {
    /// ``RecommendationSummary``: headline figures, refusals' rule codes, warnings' codes, recovery steps.
    case summary
    /// ``RecommendationDocument`` without each alternative's `schedule` and passed `rules` (the rules not passed, the
    /// facts, fees and stress kept).
    case standard
    /// ``RecommendationDocument`` with every schedule row: the default.
    case full
}

/// The headline of a recommendation (`--detail summary`, HTTP `"detail": "summary"`): what a notification to the
/// user needs — the diagnosis, each alternative's headline figures, the refusals' rule codes, the warnings' codes and
/// the recovery steps; no schedules and no rule-by-rule checks.
public struct RecommendationSummary: Codable, Sendable, Hashable {
    public struct Service: Codable, Sendable, Hashable {
        public let service: String
        public let state: String
        public let reasons: [String]
    }

    public struct Option: Codable, Sendable, Hashable {
        public let provider: String
        /// The English name (as in the full document's `name`).
        public let name: String
        public let nameZH: String
        /// The name in the answer's language.
        public let displayName: String
        public let nominalAPR: Decimal
        public let monthlyPayment: Money
        public let totalCost: Money
        public let likelihood: String
        public let isEstimate: Bool
        public let why: String
    }

    public struct Refusal: Codable, Sendable, Hashable {
        public let provider: String
        public let failed: [String]
    }

    public let profile: String
    public let date: CalendarDate
    public let catalog: CatalogInfo?
    public let diagnosis: [Service]
    public let alternatives: [Option]
    public let ineligible: [Refusal]
    public let warnings: [String]
    public let recovery: [String]

    public init(_ r: Recommendation, _ renderer: Renderer) {
        profile = r.profileID
        date = r.date
        catalog = r.catalog
        diagnosis = r.diagnosis.map {
            Service(service: $0.service.rawValue, state: $0.state.rawValue, reasons: $0.reasons.map(\.code.rawValue))
        }
        alternatives = r.alternatives.map {
            Option(
                provider: $0.details.id.rawValue,
                name: $0.details.nameEN,
                nameZH: $0.details.nameZH,
                displayName: renderer.name($0.details.name),
                nominalAPR: $0.offer.quote.nominalAPR,
                monthlyPayment: $0.offer.quote.monthlyPayment,
                totalCost: $0.offer.quote.totalCost,
                likelihood: $0.likelihood.rawValue,
                isEstimate: $0.offer.isEstimate,
                why: renderer.render($0.why)
            )
        }
        ineligible = r.ineligible.map {
            Refusal(provider: $0.details.id.rawValue, failed: $0.failed.map(\.rule.rawValue))
        }
        warnings = r.warnings.map { ($0.provider.map { "\($0): " } ?? "") + $0.code.rawValue }
        recovery = r.recovery.steps.map { renderer.render($0.action) }
    }
}
