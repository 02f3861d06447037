public import BackstopCore
public import Foundation

/// A lint finding about a catalog: a rule of good practice, a legal limit, or a date.
public struct LintFinding: Hashable, Sendable, Codable, CustomStringConvertible {
    public enum Severity: String, Hashable, Sendable, Codable, Comparable {
        case error
        case warning
        case info

        var rank: Int { self == .error ? 0 : self == .warning ? 1 : 2 }
        public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
    }

    public let severity: Severity
    /// A stable code scripts can filter on: `above-legal-cap`, `unlicensed`, `status-ended`, …
    public let code: String
    public let provider: String?
    public let file: String
    public let message: String

    public var description: String {
        "\(severity.rawValue): \(file): \(provider.map { "\($0): " } ?? "")\(message) [\(code)]"
    }
}

/// Checks a catalog for what a maintainer must fix or know before publishing it.
///
/// Rules: every file loads (schema and L1–L12, reported as `invalid`); no duplicate ids; offers at the top of each
/// published range stay under the legal caps for the licence kind on the lint date; a licence and a source for every
/// priced figure; status dates that still cover the lint date and announce changes; every offered term (with every
/// repayment method) can be priced for the smallest and largest amount, by every price list that may price it, and a
/// price list is in force on the lint date; the credit-inquiry policy is declared; bank customers are named by
/// institution.
public struct CatalogLinter: Sendable {
    /// The date rules are judged on (caps in force, status periods).
    public var date: CalendarDate

    public init(date: CalendarDate) { self.date = date }

    /// Lints a directory: per-file problems, then catalog-wide rules over the providers that loaded.
    public func lint(
        directory: String,
        schemaPath: String? = nil,
        loader: CatalogLoader = CatalogLoader()
    ) -> [LintFinding] {
        var findings: [LintFinding] = []
        let schema: ProviderSchema
        do {
            schema = try ProviderSchema(contentsOf: schemaPath ?? CatalogLoader.defaultSchemaPath(for: directory))
        } catch {
            return error.issues.map {
                LintFinding(severity: .error, code: "invalid", provider: nil, file: $0.file, message: $0.description)
            }
        }
        let files: [String]
        do {
            files = try loader.xmlFiles(in: directory)
        } catch {
            return error.issues.map {
                LintFinding(severity: .error, code: "invalid", provider: nil, file: $0.file, message: $0.description)
            }
        }
        let checks = loader.check(files: files, schema: schema)
        for check in checks {
            for issue in check.issues {
                findings.append(
                    LintFinding(
                        severity: .error,
                        code: "invalid",
                        provider: nil,
                        file: check.file,
                        message: issue.description
                    )
                )
            }
        }
        let (caps, _, capsIssues) = loader.loadCaps(directory: directory)
        for issue in capsIssues {
            findings.append(
                LintFinding(
                    severity: .error,
                    code: "invalid",
                    provider: nil,
                    file: issue.file,
                    message: issue.description
                )
            )
        }
        if caps.caps.isEmpty {
            findings.append(
                LintFinding(
                    severity: .warning,
                    code: "no-legal-caps",
                    provider: nil,
                    file: CatalogLoader.capsPath(for: directory),
                    message: "no legal caps are defined, so no offer can be checked against them"
                )
            )
        }
        if caps.rules.isEmpty && !caps.caps.isEmpty {
            findings.append(
                LintFinding(
                    severity: .warning,
                    code: "no-rulebook",
                    provider: nil,
                    file: CatalogLoader.capsPath(for: directory),
                    message: "the caps file has no rules: ages, loan purposes and per-borrower limits are not checked"
                )
            )
        }
        var firstFile: [ProviderID: String] = [:]
        for check in checks {
            guard let provider = check.provider else { continue }
            if let other = firstFile[provider.id] {
                findings.append(
                    LintFinding(
                        severity: .error,
                        code: "duplicate-id",
                        provider: provider.id.rawValue,
                        file: check.file,
                        message: "id already used by \(other)"
                    )
                )
                continue
            }
            firstFile[provider.id] = check.file
            findings += lint(provider, file: check.file, caps: caps)
        }
        return findings.sorted {
            ($0.severity, $0.file, $0.code, $0.message) < ($1.severity, $1.file, $1.code, $1.message)
        }
    }

    /// The rules for one provider that loaded.
    public func lint(_ provider: ProviderDescription, file: String, caps: LegalCapTable) -> [LintFinding] {
        var findings: [LintFinding] = []
        func add(_ severity: LintFinding.Severity, _ code: String, _ message: String) {
            findings.append(
                LintFinding(
                    severity: severity,
                    code: code,
                    provider: provider.id.rawValue,
                    file: file,
                    message: message
                )
            )
        }
        if !provider.licence.isLicensed {
            add(
                .warning,
                "unlicensed",
                "no lending licence: Backstop never recommends it (kept so the licence gate can refuse it)"
            )
        } else if provider.licence.regulator == nil {
            add(.info, "licence-regulator", "the licence names no regulator")
        }
        // A platform is never described as a lender: whoever names funders that lend does not lend itself.
        if provider.licence.kind.lends && !provider.fundedBy.isEmpty {
            add(
                .error,
                "platform-as-lender",
                "licence kind=\"\(provider.licence.kind.rawValue)\" but fundedBy names \(provider.fundedBy.count) funder(s): "
                    + "a channel whose loans others fund is a loan-facilitation platform; write licence kind=\"platform\" "
                    + "(or \"financing-guarantor\") and keep the funders in fundedBy, whose kinds the caps bind"
            )
        }
        if !provider.licence.kind.lends && provider.licence.kind != .none && provider.fundedBy.isEmpty {
            add(
                .warning,
                "platform-without-funders",
                "a \(provider.licence.kind.rawValue) names no fundedBy: it is judged against the caps of every kind that funds "
                    + "platforms (banks, consumer finance companies, online micro-lenders)"
            )
        }
        for figure in ["licence", "limits", "terms"] where provider.figureSources[figure] == nil {
            add(.warning, "missing-source", "\(figure) has no source")
        }
        if provider.sources.isEmpty { add(.error, "missing-source", "no sources at all") }
        let referenced = Set(provider.figureSources.values)
        for source in provider.sources where !referenced.contains(source.id) {
            add(
                .info,
                "unreferenced-source",
                "source \(source.id) is not cited by any figure (only, perhaps, in the notes)"
            )
        }
        // Status dates.
        let state = provider.state(on: date)
        if provider.status.allSatisfy({ $0.from > date }) {
            add(.warning, "status-not-started", "no status period has started by \(date): the provider is unavailable")
        } else if provider.status.last(where: { $0.from <= date }).map({ !$0.covers(date) }) == true {
            add(
                .error,
                "status-ended",
                "the last status period ended before \(date) and no later one follows: state it"
            )
        } else if state != .open {
            add(.info, "status-not-open", "\(state.rawValue) on \(date)")
        }
        for period in provider.status where period.from > date {
            add(.info, "status-change", "becomes \(period.state.rawValue) on \(period.from)")
        }
        if provider.inquiries.application == .unknown && provider.inquiries.limitCheck == .unknown {
            add(
                .info,
                "no-inquiry-policy",
                "no published credit-inquiry policy (<inquiries>): applying and checking a limit count as hard inquiries"
            )
        }
        // Thresholds that are Backstop's estimates: the answer words them as estimates, and they never raise odds.
        let estimates = provider.estimatedThresholds
        if !estimates.isEmpty {
            let all = estimates.count == provider.thresholdRules.count
            add(
                .info,
                "estimated-thresholds",
                "\(all ? "every threshold is" : "\(estimates.count) of \(provider.thresholdRules.count) thresholds are") "
                    + "Backstop's estimate (no source, or basis=\"estimate\"): "
                    + estimates.map(\.rawValue).joined(separator: ", ")
                    + (all ? "; its odds are at most medium" : "")
            )
        }
        // A documented loan above a cap that binds the provider now refuses it (DocumentedLoanGate).
        for loan in provider.documentedLoans {
            guard let apr = loan.aprPercent else { continue }
            let stated = loan.statedAPRPercent.map { "; the report says \($0)%" } ?? ""
            let over = loan.brokenCap(for: provider, in: caps, on: date)?.cap
            add(
                .info,
                over == nil ? "documented-loan" : "documented-loan-above-cap",
                "documented loan of \(loan.amount.formatted), \(loan.termMonths) x \(loan.installment.formatted) in "
                    + "\(loan.month): all-in APR \(apr)% by IRR\(stated)"
                    + (over.map { "; above \($0.id) (\($0.maxAPRPercent)%): the provider is refused" } ?? "")
            )
        }
        if provider.eligibility.requiredAccounts.contains("bank") {
            add(
                .info,
                "requires-account-bank",
                "requiresAccount bank does not say which bank: name it with <access customersOf=\"…\"/>"
            )
        }
        // Every term and method can be priced by every list that may price it, a list is in force on the date, and
        // the top of that list's range stays under the caps.
        let amounts = [provider.minAmount, provider.maxAmount]
        var notStarted: [(term: Int, first: CalendarDate)] = []
        var ended: [Int] = []
        for term in provider.terms {
            let naming = provider.pricing.filter { $0.terms?.contains(term) == true }
            let candidates = naming.isEmpty ? provider.pricing.filter { $0.terms == nil } : naming
            guard !candidates.isEmpty else {
                add(.error, "term-not-servable", "the \(term)-month term has no pricing")
                continue
            }
            for rule in candidates {
                for method in provider.methods {
                    for amount in amounts {
                        let terms = LoanTerms(
                            amount: amount,
                            termMonths: term,
                            pricing: rule.pricing(atRisk: 1),
                            method: method,
                            startDate: date
                        )
                        do {
                            _ = try CostEngine.quote(terms)
                        } catch {
                            add(
                                .error,
                                "term-not-servable",
                                "\(term) month\(term == 1 ? "" : "s"), \(method.rawValue), \(amount.formatted): \(error)"
                            )
                        }
                    }
                }
            }
            guard let rule = provider.pricingRule(forTerm: term, on: date) else {
                if let first = candidates.compactMap(\.from).filter({ $0 > date }).min() {
                    notStarted.append((term, first))
                } else {
                    ended.append(term)
                }
                continue
            }
            let sample = max(provider.minAmount, min(provider.maxAmount, Money(minorUnits: 1_000_000)))
            guard let method = rule.method ?? provider.methods.first,
                let quote = try? CostEngine.quote(
                    LoanTerms(
                        amount: sample,
                        termMonths: term,
                        pricing: rule.pricing(atRisk: 1),
                        method: method,
                        startDate: date
                    )
                )
            else { continue }
            // The solver's rate, compared as the aggregator compares it (LegalCap.isAbove, to 0.001 pp): 24.004% is
            // above a 24% cap, a price at 24% whose instalments are rounded to the fen (24.00006%) is not.
            let apr = quote.apr.nominal(scale: 10)
            for cap in caps.caps(for: provider, on: date) where cap.isExceeded(byAPRPercent: apr) {
                let flag = provider.licence.isLicensed ? "above-financial-court-level" : "above-court-ceiling"
                let shown = quote.nominalAPR > cap.maxAPRPercent ? Self.percentText(quote.nominalAPR) : "\(apr)%"
                let what =
                    "\(term) month\(term == 1 ? "" : "s") at the top of its range costs \(shown) APR on \(sample.formatted), above "
                    + "\(cap.title) (\(cap.maxAPRPercent)% since \(cap.from); \(cap.sourceURL))"
                guard cap.effect == .exclude else {
                    add(.info, flag, what)
                    continue
                }
                // A price above a cap that bars it is a fact about the market (the channel charges it), not an error
                // in the description: a warning naming what pushes it over. Backstop refuses the channel.
                add(.warning, "above-legal-cap", what + ": " + Self.overCapCause(quote, cap) + "; Backstop refuses it")
            }
        }
        if let first = notStarted.map(\.first).min() {
            add(
                .info,
                "prices-not-started",
                "no price list is in force on \(date) for \(notStarted.map { "\($0.term)" }.joined(separator: ", ")) months "
                    + "(the next one starts on \(first)): prices on that date are unknown and no offer is made"
            )
        }
        findings += examples(provider, file: file)
        let unknown = Set(provider.pricing.flatMap(\.fees).filter { $0.mandatory && $0.status == .unknown }.map(\.kind))
        if !unknown.isEmpty {
            add(
                .info,
                "cost-incomplete",
                "mandatory fees not published (\(unknown.map(\.rawValue).sorted().joined(separator: ", "))): every offer is "
                    + "cost incomplete, ranked after complete offers and never called cheapest"
            )
        }
        if !ended.isEmpty {
            add(
                .warning,
                "prices-ended",
                "no price list is in force on \(date) for \(ended.map(String.init).joined(separator: ", ")) months "
                    + "and none follows: state the current prices"
            )
        }
        return findings
    }

    /// `36.00%`: a percent with exactly two decimals, rounded half-up.
    static func percentText(_ value: Decimal) -> String {
        let text = value.roundedHalfUp(scale: 2).description
        let parts = text.split(separator: ".", maxSplits: 1)
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        return String(parts[0]) + "." + fraction + String(repeating: "0", count: max(0, 2 - fraction.count)) + "%"
    }

    /// What pushes a price over a cap: its mandatory fees (named, with their total) when the interest alone stays
    /// within it, else the interest itself (and the fees added to it).
    static func overCapCause(_ quote: Quote, _ cap: LegalCap) -> String {
        let counted = quote.schedule.feeTotals.filter { $0.amount.minorUnits > 0 }
        var kinds: [FeeKind] = []
        for item in counted where !kinds.contains(item.kind) { kinds.append(item.kind) }
        var bare = quote.terms
        bare.pricing.installmentFee = nil
        bare.pricing.upfrontFee = nil
        bare.pricing.monthlyMembershipFee = nil
        bare.pricing.fees = []
        let interest = (try? CostEngine.quote(bare)).map { $0.apr.nominal(scale: 10) }
        let shownInterest = interest.map(percentText) ?? "unknown"
        guard !kinds.isEmpty else { return "the interest alone costs \(shownInterest)" }
        let names = kinds.map {
            $0 == .insurance ? "insurance premium" : "\($0.rawValue.replacingOccurrences(of: "-", with: " ")) fee"
        }
        let list =
            names.count == 1 ? names[0] : names.dropLast().joined(separator: ", ") + " and " + names[names.count - 1]
        let fees = "the mandatory \(list) (\(quote.totalFees.formatted) in all)"
        if let interest, !cap.isExceeded(byAPRPercent: interest) {
            return "\(fees) push\(kinds.count == 1 ? "es" : "") it over, the interest alone costing \(shownInterest)"
        }
        return "the interest alone costs \(shownInterest), and \(fees) add\(kinds.count == 1 ? "s" : "") to it"
    }

    /// The largest differences a provider's own example may show against Backstop's pricing of it: ¥0.01 and 0.01
    /// percentage points.
    public static let exampleMoneyTolerance = Money(minorUnits: 1)
    public static let examplePercentTolerance = Decimal(sign: .plus, exponent: -2, significand: 1)

    /// Reprices each representative example with the cost engine and reports every stated figure that differs by
    /// more than ``exampleMoneyTolerance`` or ``examplePercentTolerance`` (`example-mismatch`): an example that leaves a fee out is caught.
    public func examples(_ provider: ProviderDescription, file: String) -> [LintFinding] {
        var findings: [LintFinding] = []
        for example in provider.representativeExamples {
            let what =
                "representative example \(example.amount.formatted) over \(example.termMonths) months on \(example.date)"
            let quote: Quote
            do {
                quote = try provider.price(example)
            } catch {
                findings.append(
                    LintFinding(
                        severity: .error,
                        code: "example-unpriceable",
                        provider: provider.id.rawValue,
                        file: file,
                        message: "\(what) cannot be priced: \(error.message)"
                    )
                )
                continue
            }
            var differences: [String] = []
            func compare(_ name: String, _ stated: Money, _ priced: Money) {
                if abs(stated.minorUnits - priced.minorUnits) > Self.exampleMoneyTolerance.minorUnits {
                    differences.append(
                        "\(name) stated \(stated.formatted), Backstop \(priced.formatted) (\((priced - stated).formatted))"
                    )
                }
            }
            compare("total repayable", example.totalRepayable, quote.totalRepayment)
            if let first = example.firstInstallment { compare("first instalment", first, quote.monthlyPayment) }
            let apr = quote.apr.nominal(scale: 10)
            if abs(apr - example.aprPercent) > Self.examplePercentTolerance {
                differences.append(
                    "APR stated \(example.aprPercent)%, Backstop \(apr.roundedHalfUp(scale: 4))% "
                        + "(\((apr - example.aprPercent).roundedHalfUp(scale: 4)) pp)"
                )
            }
            if !differences.isEmpty {
                let fees = quote.schedule.feeTotals.filter { $0.amount.minorUnits > 0 }
                let counted =
                    fees.isEmpty
                    ? ""
                    : "; Backstop counts "
                        + fees.map { "\($0.kind.rawValue) \($0.amount.formatted)" }.joined(separator: ", ")
                findings.append(
                    LintFinding(
                        severity: .warning,
                        code: "example-mismatch",
                        provider: provider.id.rawValue,
                        file: file,
                        message: "\(what): " + differences.joined(separator: "; ") + counted
                            + " (a difference over ¥0.01 or 0.01 pp: a fee the example leaves out, or a wrong figure)"
                    )
                )
            } else {
                findings.append(
                    LintFinding(
                        severity: .info,
                        code: "example-agrees",
                        provider: provider.id.rawValue,
                        file: file,
                        message:
                            "\(what): Backstop's pricing agrees (\(quote.totalRepayment.formatted), \(quote.nominalAPR)%)"
                    )
                )
            }
        }
        return findings
    }
}
