public import BackstopCore
import Foundation

/// The differences between two catalogs: providers added, removed and changed, field by field.
public struct CatalogDiff: Hashable, Sendable, Codable {
    /// One changed field: `interest max 0.05%/day → 0.045%/day`.
    public struct FieldChange: Hashable, Sendable, Codable, CustomStringConvertible {
        public let field: String
        public let old: String?
        public let new: String?
        public var description: String { "\(field): \(old ?? "(none)") → \(new ?? "(none)")" }
    }

    public struct ProviderChange: Hashable, Sendable, Codable {
        public let provider: String
        public let changes: [FieldChange]
    }

    public let added: [String]
    public let removed: [String]
    public let changed: [ProviderChange]

    public var isEmpty: Bool { added.isEmpty && removed.isEmpty && changed.isEmpty }

    /// Compares two sets of providers by id.
    public init(old: [ProviderDescription], new: [ProviderDescription]) {
        let before = Dictionary(old.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let after = Dictionary(new.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        added = after.keys.filter { before[$0] == nil }.map(\.rawValue).sorted()
        removed = before.keys.filter { after[$0] == nil }.map(\.rawValue).sorted()
        changed = after.keys.sorted().compactMap { id -> ProviderChange? in
            guard let previous = before[id], let current = after[id] else { return nil }
            let a = Dictionary(Self.fields(of: previous), uniquingKeysWith: { first, _ in first })
            let b = Dictionary(Self.fields(of: current), uniquingKeysWith: { first, _ in first })
            let keys = Set(a.keys).union(b.keys).sorted()
            let changes = keys.compactMap { key in
                a[key] == b[key] ? nil : FieldChange(field: key, old: a[key], new: b[key])
            }
            return changes.isEmpty ? nil : ProviderChange(provider: id.rawValue, changes: changes)
        }
    }

    /// `guarantee 1.2% of original-principal per month, mandatory, to guarantor`.
    static func describe(_ fee: FeeRule) -> String {
        let figure: String
        switch fee.figure {
        case .percent(let low, let high)?:
            figure = (low == high ? "\(low)%" : "\(low)–\(high)%") + " of \(fee.basis.rawValue)"
        case .amount(let money)?: figure = money.formatted
        case nil: figure = fee.status.rawValue
        }
        return "\(fee.kind.rawValue) \(figure) per \(fee.per.rawValue), "
            + (fee.mandatory ? "mandatory" : "optional") + (fee.receiver.map { ", to \($0.rawValue)" } ?? "")
    }

    /// A provider as flat `field → value` pairs, with rates written with their period.
    static func fields(of p: ProviderDescription) -> [(String, String)] {
        var fields: [(String, String)] = [
            ("name.en", p.nameEN), ("name.zh", p.nameZH), ("operator", p.operatorName),
            (
                "licence",
                p.licence.kind.rawValue + (p.licence.regulator.map { " (\($0))" } ?? "")
                    + (p.licence.number.map { " \($0)" } ?? "")
            ),
            ("channel", p.channel), ("product", p.productKind.rawValue),
            ("purposes", p.purposes.map(\.rawValue).joined(separator: ", ")),
            ("limits.min", p.minAmount.formatted), ("limits.max", p.maxAmount.formatted),
            ("terms", p.terms.map(String.init).joined(separator: ", ") + " months"),
            ("repayment", p.methods.map(\.rawValue).joined(separator: ", ")),
            (
                "status",
                p.status.map { "\($0.state.rawValue) from \($0.from)" + ($0.until.map { " until \($0)" } ?? "") }
                    .joined(separator: "; ")
            ),
            ("sources", p.sources.map(\.url).joined(separator: " ")),
        ]
        for rule in p.pricing {
            var scope = rule.terms.map { "pricing[\($0.map(String.init).joined(separator: " ")) months]" } ?? "pricing"
            if rule.from != nil || rule.until != nil { scope += "@" + ProviderXMLReader.span(rule.from, rule.until) }
            switch rule.interest {
            case .none: fields.append(("\(scope).interest", "none"))
            case .daily(let range, let dayCount):
                fields += [
                    ("\(scope).daily rate min", range.min.description),
                    ("\(scope).daily rate max", range.max.description),
                    ("\(scope).day count", dayCount.rawValue),
                ]
            case .monthly(let range):
                fields += [
                    ("\(scope).monthly rate min", range.min.description),
                    ("\(scope).monthly rate max", range.max.description),
                ]
            case .annual(let range):
                fields += [
                    ("\(scope).annual rate min", range.min.description),
                    ("\(scope).annual rate max", range.max.description),
                ]
            }
            switch rule.installmentFee {
            case .perPeriod(let range):
                fields += [
                    ("\(scope).instalment fee min", range.min.description),
                    ("\(scope).instalment fee max", range.max.description),
                ]
            case .total(let range):
                fields += [
                    ("\(scope).instalment fee min", range.min.description),
                    ("\(scope).instalment fee max", range.max.description),
                ]
            case nil: break
            }
            if rule.interestFreeDays > 0 { fields.append(("\(scope).interest-free days", "\(rule.interestFreeDays)")) }
            switch rule.upfrontFee {
            case .percent(let value): fields.append(("\(scope).upfront fee", "\(value)%"))
            case .fixed(let money): fields.append(("\(scope).upfront fee", money.formatted))
            case nil: break
            }
            if let fee = rule.monthlyMembershipFee {
                fields.append(("\(scope).membership fee", fee.formatted + "/month"))
            }
            // Version 2: typed fees, tiers and promotions, one field each.
            for (index, fee) in rule.fees.enumerated() {
                fields.append(("\(scope).fee[\(index + 1)]", Self.describe(fee)))
            }
            for (index, tier) in rule.tiers.enumerated() {
                let band = [
                    tier.terms.map { $0.map(String.init).joined(separator: " ") + " months" },
                    (tier.minAmount != nil || tier.maxAmount != nil)
                        ? "\(tier.minAmount?.formatted ?? "")–\(tier.maxAmount?.formatted ?? "")" : nil,
                    (tier.minScore != nil || tier.maxScore != nil)
                        ? "score \(tier.minScore ?? 350)–\(tier.maxScore ?? 950)" : nil,
                ].compactMap { $0 }.joined(separator: ", ")
                fields.append(
                    (
                        "\(scope).tier[\(index + 1)]",
                        "\(band.isEmpty ? "all" : band): \(tier.minPercent)–\(tier.maxPercent)%"
                    )
                )
            }
            for (index, promotion) in rule.promotions.enumerated() {
                let benefit: String
                switch promotion.benefit {
                case .interestFreeDays(let days): benefit = "\(days) interest-free days"
                case .interestDiscount(let percent): benefit = "\(percent)% off interest"
                }
                fields.append(
                    (
                        "\(scope).promotion[\(index + 1)]",
                        "\(benefit) for \(promotion.audience.rawValue) "
                            + ProviderXMLReader.span(promotion.from, promotion.until)
                    )
                )
            }
        }
        if !p.fundedBy.isEmpty {
            fields.append(("fundedBy", p.fundedBy.map { "\($0.name) (\($0.kind.rawValue))" }.joined(separator: "; ")))
        }
        if let late = p.lateRepayment {
            var text = "grace \(late.graceDays) days"
            switch late.penalty?.rate {
            case .markup(let percent)?: text += ", penalty contract rate +\(percent)%"
            case .absolute(let rate)?: text += ", penalty \(rate.wireText)"
            case nil: text += ", penalty \(late.penalty?.status.rawValue ?? "unknown")"
            }
            text += late.fees.map { "; " + Self.describe($0) }.joined()
            fields.append(("lateRepayment", text))
        }
        if let early = p.earlyRepayment {
            fields.append(
                (
                    "earlyRepayment",
                    "allowed \(early.allowed.rawValue)\(early.fromMonth.map { " from month \($0)" } ?? ""), refunds "
                        + "interest \(early.refundsInterest.rawValue), fees \(early.refundsFees.rawValue)"
                        + early.fees.map { "; " + Self.describe($0) }.joined()
                )
            )
        }
        if let disclosure = p.disclosure {
            fields.append(("disclosure.lastUpdated", "\(disclosure.lastUpdated)"))
            fields.append(("disclosure.reportsToCreditReference", disclosure.reportsToCreditReference.rawValue))
        }
        for (index, example) in p.representativeExamples.enumerated() {
            fields.append(
                (
                    "representativeExample[\(index + 1)]",
                    "\(example.amount.formatted) over \(example.termMonths) months on \(example.date): "
                        + "\(example.totalRepayable.formatted), \(example.aprPercent)%"
                )
            )
        }
        let e = p.eligibility
        if let v = e.minCreditScore { fields.append(("eligibility.minCreditScore", "\(v)")) }
        if let v = e.maxOverdueCount12m { fields.append(("eligibility.maxOverdueCount12m", "\(v)")) }
        if let v = e.maxOverdueCount24m { fields.append(("eligibility.maxOverdueCount24m", "\(v)")) }
        if let v = e.maxDaysPastDue { fields.append(("eligibility.maxDaysPastDue", "\(v)")) }
        if e.noCurrentOverdue { fields.append(("eligibility.noCurrentOverdue", "yes")) }
        if e.identityVerified { fields.append(("eligibility.identityVerified", "yes")) }
        if let v = e.minAge { fields.append(("eligibility.minAge", "\(v)")) }
        if let v = e.maxAge { fields.append(("eligibility.maxAge", "\(v)")) }
        if let v = e.minMonthlyIncome { fields.append(("eligibility.minMonthlyIncome", v.formatted)) }
        if let v = e.maxDebtToIncomePercent { fields.append(("eligibility.maxDebtToIncome", "\(v)%")) }
        if !e.requiredAccounts.isEmpty {
            fields.append(("eligibility.requiresAccount", e.requiredAccounts.map(\.rawValue).joined(separator: ", ")))
        }
        if !e.excludedWhen.isEmpty {
            fields.append(("eligibility.excludedWhen", e.excludedWhen.map(\.rawValue).joined(separator: ", ")))
        }
        if p.access.invitationOnly { fields.append(("access.invitationOnly", "yes")) }
        if !p.access.customersOf.isEmpty {
            fields.append(("access.customersOf", p.access.customersOf.map(\.rawValue).joined(separator: ", ")))
        }
        if p.inquiries != .unknown {
            fields += [
                ("inquiries.application", p.inquiries.application.rawValue),
                ("inquiries.limitCheck", p.inquiries.limitCheck.rawValue),
            ]
            if let v = p.inquiries.maxHardInquiries3m { fields.append(("inquiries.maxHard3m", "\(v)")) }
        }
        return fields
    }
}
