import BackstopCore
internal import CLibXML2
import Foundation

/// The namespaces of the provider formats.
enum ProviderNamespace {
    static let v1 = "urn:backstop:provider:1"
    static let v2 = "urn:backstop:provider:2"
}

/// What a version-2 document adds to a ``ProviderDescription``, while it is read.
struct V2Extras {
    var documentedLoans: [DocumentedLoan] = []
    var thresholdBases: [RuleID: ThresholdBasis] = [:]
    var fundedBy: [Funder] = []
    var guarantors: [String] = []
    var lateRepayment: LateRepaymentTerms?
    var earlyRepayment: EarlyRepaymentTerms?
    var earlyRepaymentNode: xmlNodePtr?
    var disclosure: Disclosure?
    var examples: [(RepresentativeExample, xmlNodePtr)] = []
}

/// Where a fee is written: its kind must belong there (rule V3).
enum FeePlace {
    case pricing
    case lateRepayment
    case earlyRepayment
}

/// Finds the line and column (in characters) where an element's start tag, or one of its attributes, begins, from
/// the line libxml2 gives the element (the line where its start tag ends). Works on UTF-8 text; nil when the text
/// cannot be searched.
struct SourceLocator {
    let lines: [[Unicode.Scalar]]

    init(_ data: Data) {
        let text = String(decoding: data, as: UTF8.self)
        lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.unicodeScalars) }
    }

    func place(element: String, line: Int, attribute: String?) -> SourcePlace? {
        guard line >= 1, line <= lines.count else { return nil }
        let marker = Array(("<" + element).unicodeScalars)
        // The start tag begins on the element's line or up to 64 lines before it (attributes on several lines).
        for candidate in stride(from: line, through: max(1, line - 64), by: -1) {
            let scalars = lines[candidate - 1]
            guard let column = Self.find(marker, in: scalars, last: candidate != line) else { continue }
            let start = SourcePlace(line: candidate, column: column + 1)
            guard let attribute else { return start }
            return attributePlace(attribute, after: candidate, column) ?? start
        }
        return nil
    }

    /// The place of ` name=` after the tag's start, before its end (`>`), on the same line or the next ones.
    private func attributePlace(_ name: String, after line: Int, _ column: Int) -> SourcePlace? {
        let marker = Array((name + "=").unicodeScalars)
        var current = line
        var index = column + 1
        while current <= lines.count {
            let scalars = lines[current - 1]
            while index < scalars.count {
                if scalars[index] == ">" { return nil }
                let afterBlank = index == 0 || scalars[index - 1].properties.isWhitespace
                if afterBlank, index + marker.count <= scalars.count,
                    Array(scalars[index..<(index + marker.count)]) == marker
                {
                    return SourcePlace(line: current, column: index + 1)
                }
                index += 1
            }
            current += 1
            index = 0
        }
        return nil
    }

    /// The first (or last) index where `marker` starts in `scalars` followed by a blank, `/`, `>` or the line's end.
    private static func find(_ marker: [Unicode.Scalar], in scalars: [Unicode.Scalar], last: Bool) -> Int? {
        guard scalars.count >= marker.count else { return nil }
        var found: Int?
        for index in 0...(scalars.count - marker.count)
        where Array(scalars[index..<(index + marker.count)]) == marker {
            let next = index + marker.count < scalars.count ? scalars[index + marker.count] : " "
            guard next.properties.isWhitespace || next == "/" || next == ">" else { continue }
            if !last { return index }
            found = index
        }
        return found
    }
}

extension ProviderXMLReader {
    // MARK: Fees

    mutating func readFee(_ node: xmlNodePtr, place: FeePlace) -> FeeRule? {
        guard let kind = attribute(node, "kind").flatMap(FeeKind.init(rawValue:)),
            let basis = attribute(node, "basis").flatMap(FeeBasis.init(rawValue:)),
            let per = attribute(node, "per").flatMap(FeeFrequency.init(rawValue:)),
            let status = attribute(node, "status").flatMap(FigureStatus.init(rawValue:))
        else {
            fail(node, "a fee needs kind, basis, per and status")
            return nil
        }
        let single = percent(node, "percent")
        let low = percent(node, "minPercent")
        let high = percent(node, "maxPercent")
        let hasAmount = attribute(node, "amount") != nil
        let amount = hasAmount ? money(node, "amount") : nil
        let minCharge = attribute(node, "min") != nil ? money(node, "min") : nil
        let maxCharge = attribute(node, "max") != nil ? money(node, "max") : nil
        let source = attribute(node, "source")
        let mandatory = attribute(node, "mandatory") == "true"
        let what = "\(kind.rawValue) fee"
        // V1: one figure when published, none otherwise.
        var figure: FeeFigureQuote?
        let given = [single != nil, low != nil || high != nil, hasAmount].filter { $0 }.count
        if status == .published {
            if single != nil && hasAmount {
                fail(
                    node,
                    attribute: "amount",
                    "the \(what) gives both percent and amount: give exactly one figure (rule V1)"
                )
            } else if given > 1 {
                fail(node, "the \(what) gives more than one of percent, minPercent/maxPercent and amount (rule V1)")
            } else if given == 0 {
                fail(
                    node,
                    "the published \(what) needs a figure: percent, minPercent and maxPercent, or amount (rule V1)"
                )
            } else if (low == nil) != (high == nil) {
                fail(node, "the \(what) range needs both minPercent and maxPercent (rule V1)")
            }
            if let low, let high, low > high {
                fail(node, attribute: "minPercent", "\(what) minPercent \(low) is above maxPercent \(high) (rule V1)")
            }
            if let single {
                figure = .percent(min: single, max: single)
            } else if let low, let high {
                figure = .percent(min: low, max: high)
            } else if let amount {
                figure = .amount(amount)
            }
        } else if given > 0 || minCharge != nil || maxCharge != nil {
            fail(
                node,
                attribute: "status",
                "the \(what) with status=\"\(status.rawValue)\" gives no figure (no percent, amount, min or max) (rule V1)"
            )
        }
        // V2: basis fixed iff an amount.
        if status == .published && given == 1 && (basis == .fixed) != hasAmount {
            fail(
                node,
                attribute: "basis",
                "basis=\"fixed\" needs amount=\"…\", and amount=\"…\" needs basis=\"fixed\" (rule V2)"
            )
        }
        // V3: kind, basis, frequency and place agree.
        if let problem = Self.mismatch(kind: kind, basis: basis, per: per, place: place) {
            fail(node, attribute: problem.attribute, problem.message + " (rule V3)")
        }
        // V4: min and max.
        if minCharge != nil || maxCharge != nil, hasAmount {
            fail(node, attribute: "min", "min and max bound a percentage fee, not an amount (rule V4)")
        }
        if let minCharge, let maxCharge, minCharge > maxCharge {
            fail(
                node,
                attribute: "min",
                "\(what) min \(minCharge.plainString) is above max \(maxCharge.plainString) (rule V4)"
            )
        }
        // V5: a source for published and none.
        if status != .unknown && source == nil {
            fail(
                node,
                attribute: "status",
                status == .none
                    ? "status=\"none\" needs a source: Backstop never assumes a fee is absent (rule V5)"
                    : "the published \(what) needs a source (rule V5)"
            )
        }
        return FeeRule(
            kind: kind,
            basis: basis,
            per: per,
            figure: figure,
            minCharge: minCharge,
            maxCharge: maxCharge,
            receiver: attribute(node, "receiver").flatMap(FeeReceiver.init(rawValue:)),
            mandatory: mandatory,
            pushed: attribute(node, "pushed") == "true",
            status: status,
            label: attribute(node, "label"),
            source: source
        )
    }

    /// Why a fee's kind, basis, frequency and place do not agree (rule V3), or nil.
    static func mismatch(
        kind: FeeKind,
        basis: FeeBasis,
        per: FeeFrequency,
        place: FeePlace
    ) -> (attribute: String, message: String)? {
        let basisName = "the \(basis.rawValue.replacingOccurrences(of: "-", with: " "))"
        switch (kind, place) {
        case (.late, .pricing), (.late, .earlyRepayment):
            return ("kind", "a late fee belongs in <lateRepayment>")
        case (.earlyRepayment, .pricing), (.earlyRepayment, .lateRepayment):
            return ("kind", "an early-repayment fee belongs in <earlyRepayment>")
        case (.guarantee, .lateRepayment), (.insurance, .lateRepayment), (.service, .lateRepayment),
            (.membership, .lateRepayment), (.upfront, .lateRepayment), (.installment, .lateRepayment),
            (.guarantee, .earlyRepayment), (.insurance, .earlyRepayment), (.service, .earlyRepayment),
            (.membership, .earlyRepayment), (.upfront, .earlyRepayment), (.installment, .earlyRepayment):
            return ("kind", "a \(kind.rawValue) fee belongs in <pricing>")
        default: break
        }
        switch place {
        case .lateRepayment:
            if basis == .prepaidPrincipal || basis == .originalPrincipal {
                return ("basis", "a late fee cannot be charged on \(basisName)")
            }
            if ![.once, .day, .month].contains(per) {
                return ("per", "a late fee is charged once, per day or per month of delay, not per=\"\(per.rawValue)\"")
            }
        case .earlyRepayment:
            if basis == .overduePrincipal || basis == .overdueAmount {
                return ("basis", "an early-repayment fee cannot be charged on \(basisName)")
            }
            if per != .once { return ("per", "an early-repayment fee is charged once (per=\"once\")") }
        case .pricing:
            if [.overduePrincipal, .overdueAmount, .prepaidPrincipal].contains(basis) {
                return ("basis", "a \(kind.rawValue) fee cannot be charged on \(basisName)")
            }
            if kind == .upfront && per != .once { return ("per", "an upfront fee is charged once (per=\"once\")") }
            if kind == .installment {
                if basis == .fixed {
                    return ("basis", "an instalment fee is a percentage of the original principal or the balance")
                }
                if ![.month, .period, .term].contains(per) {
                    return ("per", "an instalment fee is charged per month, per period or for the term")
                }
            }
            if per == .term && basis == .outstandingBalance {
                return ("per", "a fee for the whole term (per=\"term\") cannot be charged on the outstanding balance")
            }
            if per == .day && basis == .fixed { return ("per", "a fixed amount per day is not supported") }
        }
        return nil
    }

    /// Puts a pricing fee where version 1 kept it when it is one of version 1's three fees exactly (so that a
    /// migrated file loads as the same provider), else in ``PricingRule/fees``.
    mutating func placeFee(
        _ fee: FeeRule,
        in rule: inout PricingRule,
        suffix: String,
        figureSources: inout [String: String]
    ) {
        let plain =
            fee.mandatory && fee.status == .published && fee.minCharge == nil && fee.maxCharge == nil
            && fee.receiver == nil && fee.label == nil && !fee.pushed
        switch (fee.kind, fee.basis, fee.per, fee.figure) {
        case (.installment, .originalPrincipal, .month, .percent(let low, let high)?)
        where plain && rule.installmentFee == nil:
            rule.installmentFee = .perPeriod(RateRange(min: Rate(percent: low), max: Rate(percent: high)))
            figureSources["installmentFee" + suffix] = fee.source
        case (.installment, .originalPrincipal, .term, .percent(let low, let high)?)
        where plain && rule.installmentFee == nil:
            rule.installmentFee = .total(RateRange(min: Rate(percent: low), max: Rate(percent: high)))
            figureSources["installmentFee" + suffix] = fee.source
        case (.upfront, .originalPrincipal, .once, .percent(let low, let high)?)
        where plain && low == high && rule.upfrontFee == nil:
            rule.upfrontFee = .percent(low)
            figureSources["upfrontFee" + suffix] = fee.source
        case (.upfront, .fixed, .once, .amount(let money)?) where plain && rule.upfrontFee == nil:
            rule.upfrontFee = .fixed(money)
            figureSources["upfrontFee" + suffix] = fee.source
        case (.membership, .fixed, .month, .amount(let money)?) where plain && rule.monthlyMembershipFee == nil:
            rule.monthlyMembershipFee = money
            figureSources["membershipFee" + suffix] = fee.source
        default:
            let key = "fee.\(fee.kind.rawValue)\(fee.label.map { "(\($0))" } ?? "")\(suffix)"
            if let source = fee.source { figureSources[key] = source }
            rule.fees.append(fee)
        }
    }

    // MARK: Tiers and promotions

    mutating func readTier(
        _ node: xmlNodePtr,
        figureSources: inout [String: String],
        suffix: String
    ) -> InterestTier? {
        let termList = attribute(node, "terms").map {
            $0.split(whereSeparator: { $0.isWhitespace }).compactMap { Int($0) }
        }
        let minAmount = attribute(node, "minAmount") != nil ? money(node, "minAmount") : nil
        let maxAmount = attribute(node, "maxAmount") != nil ? money(node, "maxAmount") : nil
        let minScore = integer(node, "minScore")
        let maxScore = integer(node, "maxScore")
        let low = percent(node, "minPercent") ?? 0
        let high = percent(node, "maxPercent") ?? 0
        if low > high {
            fail(node, attribute: "minPercent", "tier minPercent \(low) is above maxPercent \(high) (rule L4)")
        }
        if let minAmount, let maxAmount, minAmount > maxAmount {
            fail(
                node,
                attribute: "minAmount",
                "tier minAmount \(minAmount.plainString) is above maxAmount \(maxAmount.plainString) (rule V6)"
            )
        }
        if let minScore, let maxScore, minScore > maxScore {
            fail(node, attribute: "minScore", "tier minScore \(minScore) is above maxScore \(maxScore) (rule V6)")
        }
        let tier = InterestTier(
            terms: termList,
            minAmount: minAmount,
            maxAmount: maxAmount,
            minScore: minScore,
            maxScore: maxScore,
            grade: attribute(node, "grade"),
            minPercent: low,
            maxPercent: high,
            source: attribute(node, "source")
        )
        if let source = tier.source {
            figureSources[
                "tier(\(tier.grade ?? "\(minAmount?.plainString ?? "")-\(maxAmount?.plainString ?? "")"))\(suffix)"
            ] =
                source
        }
        tierNodes.append(node)
        return tier
    }

    /// Rule V6: for every term a price list prices, its tiers cover every amount of the limits and every score
    /// from 350 to 950 exactly once; a tier names only terms of its price list.
    mutating func checkTiers(
        pricing: [(PricingRule, xmlNodePtr)],
        terms: [Int],
        minAmount: Money,
        maxAmount: Money
    ) {
        let named = Set(pricing.flatMap { $0.0.terms ?? [] })
        var tierIndex = 0
        for (rule, node) in pricing {
            let nodes = Array(tierNodes[tierIndex..<min(tierNodes.count, tierIndex + rule.tiers.count)])
            tierIndex += rule.tiers.count
            guard !rule.tiers.isEmpty else { continue }
            let priced = rule.terms ?? terms.filter { !named.contains($0) }
            for (tier, tierNode) in zip(rule.tiers, nodes) {
                for month in tier.terms ?? [] where !priced.contains(month) {
                    fail(
                        tierNode,
                        attribute: "terms",
                        "a tier names the \(month)-month term, which its <pricing> does not price (rule V6)"
                    )
                }
            }
            let interestNode = elements(node).first { name($0) == "interest" } ?? node
            for month in priced {
                let tiers = rule.tiers.filter { $0.terms?.contains(month) ?? true }
                if let problem = Self.coverageProblem(tiers, month: month, minAmount: minAmount, maxAmount: maxAmount) {
                    fail(interestNode, problem + " (rule V6)")
                    break
                }
            }
        }
    }

    /// The first gap or overlap of a set of tiers over the amounts of the limits and the scores 350–950.
    static func coverageProblem(_ tiers: [InterestTier], month: Int, minAmount: Money, maxAmount: Money) -> String? {
        let low = minAmount.minorUnits
        let high = maxAmount.minorUnits + 1
        var amountCuts: Set<Int64> = [low, high]
        var scoreCuts: Set<Int> = [350, 951]
        for tier in tiers {
            if let value = tier.minAmount?.minorUnits, value > low, value < high { amountCuts.insert(value) }
            if let value = tier.maxAmount.map({ $0.minorUnits + 1 }), value > low, value < high {
                amountCuts.insert(value)
            }
            if let value = tier.minScore, value > 350, value < 951 { scoreCuts.insert(value) }
            if let value = tier.maxScore.map({ $0 + 1 }), value > 350, value < 951 { scoreCuts.insert(value) }
        }
        let amounts = amountCuts.sorted()
        let scores = scoreCuts.sorted()
        func yuan(_ fen: Int64) -> String { Money(minorUnits: fen).plainString }
        for (a, nextA) in zip(amounts, amounts.dropFirst()) {
            for (s, nextS) in zip(scores, scores.dropFirst()) {
                let amount = Money(minorUnits: a)
                let covering = tiers.filter { $0.covers(term: month, amount: amount) && $0.covers(score: s) }
                let band =
                    "a \(month)-month loan of \(yuan(a))–\(yuan(nextA - 1)) yuan at credit scores \(s)–\(nextS - 1)"
                if covering.isEmpty { return "no tier prices \(band)" }
                if covering.count > 1 { return "\(covering.count) tiers price \(band): tiers may not overlap" }
            }
        }
        return nil
    }

    mutating func readPromotion(
        _ node: xmlNodePtr,
        pricing rule: PricingRule,
        figureSources: inout [String: String],
        suffix: String
    ) -> Promotion? {
        let names = elements(node).filter { name($0) == "name" }.map { (attribute($0, "lang") ?? "", text($0)) }
        if names.count != 2 || names[0].0 != "en" || names[1].0 != "zh" {
            fail(node, "promotion names must be given as <name lang=\"en\"> then <name lang=\"zh\"> (rule L1)")
        }
        let kind = attribute(node, "kind") ?? ""
        let days = integer(node, "days")
        let discount = percent(node, "percent")
        let from = date(node, "from")
        let until = date(node, "until")
        var benefit: PromotionBenefit?
        switch kind {
        case "interest-free-days":
            if discount != nil || days == nil {
                fail(node, attribute: "kind", "an interest-free-days promotion gives days and no percent (rule V7)")
            }
            benefit = days.map(PromotionBenefit.interestFreeDays)
        default:
            if days != nil || discount == nil {
                fail(node, attribute: "kind", "an interest-discount promotion gives percent and no days (rule V7)")
            }
            benefit = discount.map(PromotionBenefit.interestDiscount)
        }
        if let from, let until, until < from {
            fail(node, attribute: "until", "promotion ends (\(until)) before it starts (\(from)) (rule V7)")
        }
        if let from, let start = rule.from, from < start {
            fail(
                node,
                attribute: "from",
                "promotion starts on \(from), before its price list starts (\(start)) (rule V7)"
            )
        }
        if let from, let end = rule.until, from > end {
            fail(node, attribute: "from", "promotion starts on \(from), after its price list ends (\(end)) (rule V7)")
        }
        if let until, let end = rule.until, until > end {
            fail(
                node,
                attribute: "until",
                "promotion runs until \(until), after its price list ends (\(end)) (rule V7)"
            )
        }
        if let until, let start = rule.from, until < start {
            fail(
                node,
                attribute: "until",
                "promotion ends on \(until), before its price list starts (\(start)) (rule V7)"
            )
        }
        let source = attribute(node, "source")
        if let source { figureSources["promotion(\(names.first?.1 ?? kind))\(suffix)"] = source }
        guard let benefit else { return nil }
        return Promotion(
            name: LocalizedName(en: names.first?.1 ?? "", zh: names.last?.1 ?? ""),
            benefit: benefit,
            audience: attribute(node, "audience").flatMap(PromotionAudience.init(rawValue:)) ?? .newCustomers,
            from: from,
            until: until,
            source: source
        )
    }

    // MARK: Provider-level elements

    mutating func readFunder(_ node: xmlNodePtr, into extras: inout V2Extras, figureSources: inout [String: String]) {
        let funder = Funder(
            name: text(node),
            kind: attribute(node, "kind").flatMap(FunderKind.init(rawValue:)) ?? .unknown,
            source: attribute(node, "source")
        )
        if extras.fundedBy.contains(where: { $0.name == funder.name }) {
            fail(node, "fundedBy names \"\(funder.name)\" twice (rule V13)")
            return
        }
        if let source = funder.source { figureSources["fundedBy(\(funder.name))"] = source }
        extras.fundedBy.append(funder)
    }

    mutating func readLateRepayment(_ node: xmlNodePtr, figureSources: inout [String: String]) -> LateRepaymentTerms {
        var terms = LateRepaymentTerms(graceDays: integer(node, "graceDays") ?? 0, source: attribute(node, "source"))
        if let source = terms.source { figureSources["lateRepayment"] = source }
        for child in elements(node) {
            switch name(child) {
            case "penaltyInterest":
                terms.penalty = readPenalty(child)
                if let source = terms.penalty?.source { figureSources["lateRepayment.penaltyInterest"] = source }
            case "fee":
                guard let fee = readFee(child, place: .lateRepayment) else { continue }
                if let source = fee.source { figureSources["lateRepayment.fee.\(fee.kind.rawValue)"] = source }
                terms.fees.append(fee)
            default: fail(child, "unexpected element <\(name(child))> in <lateRepayment>")
            }
        }
        return terms
    }

    mutating func readPenalty(_ node: xmlNodePtr) -> PenaltyInterest {
        let status = attribute(node, "status").flatMap(FigureStatus.init(rawValue:)) ?? .unknown
        let kind = attribute(node, "kind")
        let dayCount = attribute(node, "dayCount").flatMap(DayCount.init(rawValue:))
        let value = percent(node, "percent")
        let markup = percent(node, "markupPercent")
        let source = attribute(node, "source")
        var rate: PenaltyRate?
        if status == .published {
            if value != nil && markup != nil {
                fail(
                    node,
                    attribute: "markupPercent",
                    "penalty interest gives both percent and markupPercent (rule V8)"
                )
            } else if let markup {
                if kind != nil || dayCount != nil {
                    fail(
                        node,
                        attribute: "kind",
                        "a markupPercent penalty takes the contract rate's kind: no kind or dayCount (rule V8)"
                    )
                }
                rate = .markup(markup)
            } else if let value, let kind {
                if (kind == "daily") != (dayCount != nil) {
                    fail(
                        node,
                        attribute: "dayCount",
                        "dayCount is required for a daily penalty rate and only for it (rule V8)"
                    )
                }
                switch kind {
                case "daily": rate = .absolute(.daily(Rate(percent: value), dayCount: dayCount ?? .actual360))
                case "monthly": rate = .absolute(.monthly(Rate(percent: value)))
                default: rate = .absolute(.annual(Rate(percent: value)))
                }
            } else {
                fail(node, "published penalty interest needs kind and percent, or markupPercent (rule V8)")
            }
        } else if value != nil || markup != nil || kind != nil || dayCount != nil {
            fail(
                node,
                attribute: "status",
                "penalty interest with status=\"\(status.rawValue)\" gives no rate (rule V8)"
            )
        }
        if status != .unknown && source == nil {
            fail(
                node,
                attribute: "status",
                "penalty interest with status=\"\(status.rawValue)\" needs a source (rule V8)"
            )
        }
        return PenaltyInterest(
            rate: rate,
            basis: attribute(node, "basis").flatMap(PenaltyBasis.init(rawValue:)) ?? .overduePrincipal,
            status: status,
            source: source
        )
    }

    mutating func readEarlyRepayment(_ node: xmlNodePtr, figureSources: inout [String: String]) -> EarlyRepaymentTerms {
        func tri(_ name: StaticString) -> TriState? { attribute(node, name).flatMap(TriState.init(rawValue:)) }
        let allowed = tri("allowed") ?? .unknown
        var terms = EarlyRepaymentTerms(
            allowed: allowed,
            fromMonth: integer(node, "fromMonth"),
            refundsInterest: tri("refundsInterest") ?? .unknown,
            refundsFees: tri("refundsFees") ?? .unknown,
            source: attribute(node, "source")
        )
        if let source = terms.source { figureSources["earlyRepayment"] = source }
        for child in elements(node) where name(child) == "fee" {
            guard let fee = readFee(child, place: .earlyRepayment) else { continue }
            if let source = fee.source { figureSources["earlyRepayment.fee.\(fee.kind.rawValue)"] = source }
            terms.fees.append(fee)
        }
        if allowed == .false
            && (terms.fromMonth != nil || tri("refundsInterest") != nil || tri("refundsFees") != nil
                || !terms.fees.isEmpty)
        {
            fail(node, attribute: "allowed", "allowed=\"false\" gives neither fromMonth, refunds nor fees (rule V9)")
        }
        return terms
    }

    mutating func readDisclosure(_ node: xmlNodePtr, figureSources: inout [String: String]) -> Disclosure? {
        guard let updated = date(node, "lastUpdated") else {
            fail(node, "disclosure needs lastUpdated=\"YYYY-MM-DD\"")
            return nil
        }
        let source = attribute(node, "source")
        if let source { figureSources["disclosure"] = source }
        let reports = attribute(node, "reportsToCreditReference").flatMap(YesNoUnknown.init(rawValue:)) ?? .unknown
        if reports == .no && source == nil {
            fail(
                node,
                attribute: "reportsToCreditReference",
                "reportsToCreditReference=\"no\" needs a source: Backstop never assumes a loan is not reported (rule V10)"
            )
        }
        return Disclosure(
            lastUpdated: updated,
            applicationChannel: attribute(node, "applicationChannel"),
            applicationURL: attribute(node, "applicationUrl"),
            reportsToCreditReference: reports,
            sharesDataWith: attribute(node, "sharesDataWith").map {
                $0.split(whereSeparator: { $0.isWhitespace }).compactMap { DataRecipient(rawValue: String($0)) }
            },
            source: source
        )
    }

    /// A `documentedLoan`: the month, amount, term and equal instalment a report documents (rule V14: the
    /// instalments repay more than the amount, so the loan has a cost).
    mutating func readDocumentedLoan(_ node: xmlNodePtr, figureSources: inout [String: String]) -> DocumentedLoan? {
        guard let monthText = attribute(node, "month"), let month = YearMonth(iso: monthText),
            let term = integer(node, "termMonths"), let source = attribute(node, "source")
        else { return nil }
        let loan = DocumentedLoan(
            month: month,
            amount: money(node, "amount"),
            termMonths: term,
            installment: money(node, "installment"),
            statedAPRPercent: percent(node, "statedAPRPercent"),
            source: source
        )
        guard loan.aprPercent != nil else {
            fail(
                node,
                attribute: "installment",
                "\(term) instalments of \(loan.installment.plainString) repay \(loan.totalRepaid.plainString), not more "
                    + "than the \(loan.amount.plainString) received: a documented loan has a cost (rule V14)"
            )
            return nil
        }
        figureSources["documentedLoan(\(loan.amount.plainString)/\(term)@\(month))"] = source
        return loan
    }

    mutating func readExample(_ node: xmlNodePtr, figureSources: inout [String: String]) -> RepresentativeExample? {
        guard let day = date(node, "date"), let term = integer(node, "termMonths") else { return nil }
        let example = RepresentativeExample(
            date: day,
            amount: money(node, "amount"),
            termMonths: term,
            method: attribute(node, "method").flatMap(RepaymentMethod.init(rawValue:)),
            interestPercent: percent(node, "interestPercent"),
            creditScore: integer(node, "creditScore"),
            riskPosition: attribute(node, "riskPosition").flatMap(Decimal.parseStrict),
            totalRepayable: money(node, "totalRepayable"),
            aprPercent: percent(node, "aprPercent") ?? 0,
            firstInstallment: attribute(node, "firstInstallment") != nil ? money(node, "firstInstallment") : nil,
            source: attribute(node, "source")
        )
        if let source = example.source {
            figureSources["representativeExample(\(example.amount.plainString)/\(term)@\(day))"] = source
        }
        return example
    }
}

/// Rule V12: every element of a version-2 document is in the version-2 namespace. Run before schema validation,
/// so the element at fault is named with its line and column (a schema error knows only the line).
func mixedNamespaceIssue(_ document: xmlDocPtr, data: Data, file: String) -> CatalogIssue? {
    guard let root = xmlDocGetRootElement(document), isVersion2(root) else { return nil }
    // A walk over first-child / next-sibling / parent links: no allocation per element (it runs on every file).
    var node: xmlNodePtr? = root
    while let current = node {
        if current.pointee.type == XML_ELEMENT_NODE && !isVersion2(current) {
            var reader = ProviderXMLReader(file: file, expectedID: nil, data: data)
            reader.version = 2
            let namespace = ProviderXMLReader.namespace(of: current)
            reader.fail(
                current,
                "element <\(reader.name(current))> is in "
                    + (namespace.map { "namespace \($0)" } ?? "no namespace")
                    + ", not \(ProviderNamespace.v2): a file uses one format version (rule V12)"
            )
            return reader.issues.first
        }
        if current.pointee.type == XML_ELEMENT_NODE, let child = current.pointee.children {
            node = child
            continue
        }
        var climb: xmlNodePtr? = current
        node = nil
        while let up = climb, up != root {
            if let next = up.pointee.next {
                node = next
                break
            }
            climb = up.pointee.parent
        }
    }
    return nil
}

/// Whether an element is in the version-2 namespace, compared byte for byte (no string is made).
private func isVersion2(_ node: xmlNodePtr) -> Bool {
    guard let href = node.pointee.ns?.pointee.href else { return false }
    let expected: StaticString = "urn:backstop:provider:2"
    return xmlStrEqual(href, expected.utf8Start) != 0
}
