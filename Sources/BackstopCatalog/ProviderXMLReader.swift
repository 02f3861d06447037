import BackstopCore
internal import CLibXML2
import Foundation

/// Reads one schema-valid provider document into a ``ProviderDescription``, checking the rules the XSD cannot
/// express (L1–L12 in the schema header). Pointers never leave this type's functions.
struct ProviderXMLReader {
    let file: String
    /// The file name without `.xml`, for rule L9 (nil to skip, e.g. for documents not read from a file).
    let expectedID: String?
    var issues: [CatalogIssue] = []
    /// The format version of the document: 1 or 2, by the root element's namespace.
    var version = 1
    /// The `<tier>` elements read so far, in document order (for the places of rule V6).
    var tierNodes: [xmlNodePtr] = []
    /// The document's bytes, from which a ``SourceLocator`` finds where an element or attribute starts, for the line
    /// and column of a version-2 semantic issue (version 1's issues keep the line only, as they always had). The
    /// locator is made only when an issue is reported: a valid file never pays for it.
    let data: Data?
    var locator: SourceLocator?

    init(file: String, expectedID: String?, data: Data? = nil) {
        self.file = file
        self.expectedID = expectedID
        self.data = data
    }

    mutating func read(_ document: xmlDocPtr) -> ProviderDescription? {
        guard let root = xmlDocGetRootElement(document) else {
            fail(nil, "the document has no root element")
            return nil
        }
        version = Self.namespace(of: root) == ProviderNamespace.v2 ? 2 : 1
        let id = attribute(root, "id") ?? ""
        if let expectedID, id != expectedID {
            fail(root, "provider id \"\(id)\" must equal the file name \"\(expectedID).xml\" (rule L9)")
        }
        var names: [(String, String)] = []
        var firstName: xmlNodePtr?
        var pricingNodes: [xmlNodePtr] = []
        var operatorName = ""
        var licence = Licence(kind: .none)
        var channel = ""
        var productKind = ProductKind.cashLoan
        var purposes: [LoanPurpose] = []
        var minAmount = Money.zero()
        var maxAmount = Money.zero()
        var terms: [Int] = []
        var pricing: [PricingRule] = []
        var methods: [RepaymentMethod] = []
        var eligibility = EligibilityRules()
        var status: [StatusPeriod] = []
        var sources: [SourceReference] = []
        var figureSources: [String: String] = [:]
        var notes = ""
        var access = ProviderAccess.open
        var inquiries = InquiryPolicy.unknown
        var extras = V2Extras()

        for node in elements(root) {
            switch name(node) {
            case "name":
                names.append((attribute(node, "lang") ?? "", text(node)))
                if firstName == nil { firstName = node }
            case "operator": operatorName = text(node)
            case "licence":
                licence = Licence(
                    kind: LicenceKind(rawValue: attribute(node, "kind") ?? "") ?? .none,
                    regulator: attribute(node, "regulator"),
                    number: attribute(node, "number")
                )
                if licence.kind == .none, licence.regulator != nil || licence.number != nil {
                    fail(
                        node,
                        "an unlicensed provider (kind=\"none\") cannot name a regulator or licence number (rule L2)"
                    )
                }
                figureSources["licence"] = attribute(node, "source")
            case "channel": channel = text(node)
            case "product": productKind = ProductKind(rawValue: attribute(node, "kind") ?? "") ?? .cashLoan
            case "purposes": purposes = elements(node).compactMap { LoanPurpose(rawValue: text($0)) }
            case "limits":
                minAmount = money(node, "min")
                maxAmount = money(node, "max")
                if minAmount > maxAmount {
                    fail(node, "limits min \(minAmount.plainString) is above max \(maxAmount.plainString) (rule L3)")
                }
                figureSources["limits"] = attribute(node, "source")
            case "terms":
                terms = elements(node).compactMap { attribute($0, "months").flatMap { Int($0) } }
                figureSources["terms"] = attribute(node, "source")
            case "pricing":
                if let rule = readPricing(node, figureSources: &figureSources) {
                    pricing.append(rule)
                    pricingNodes.append(node)
                }
            case "repayment": methods = elements(node).compactMap { RepaymentMethod(rawValue: text($0)) }
            case "eligibility":
                eligibility = readEligibility(node, figureSources: &figureSources, bases: &extras.thresholdBases)
            case "access":
                access = readAccess(node, figureSources: &figureSources)
                readBasis(node, rules: [.customersOnly, .invitationOnly], into: &extras.thresholdBases)
            case "inquiries":
                inquiries = readInquiries(node, figureSources: &figureSources)
                readBasis(node, rules: [.maxHardInquiries3m], into: &extras.thresholdBases)
            case "status": status = readStatus(node, figureSources: &figureSources)
            case "sources":
                sources = elements(node).map {
                    SourceReference(
                        id: attribute($0, "id") ?? "",
                        url: attribute($0, "url") ?? "",
                        retrieved: attribute($0, "retrieved").flatMap(CalendarDate.init(iso:)),
                        title: text($0)
                    )
                }
            case "notes": notes = text(node)
            case "fundedBy" where version == 2: readFunder(node, into: &extras, figureSources: &figureSources)
            case "guarantor" where version == 2:
                let name = text(node)
                if extras.guarantors.contains(name) {
                    fail(node, "guarantor names \"\(name)\" twice (rule V13)")
                } else {
                    extras.guarantors.append(name)
                    if let source = attribute(node, "source") { figureSources["guarantor(\(name))"] = source }
                }
            case "lateRepayment" where version == 2:
                extras.lateRepayment = readLateRepayment(node, figureSources: &figureSources)
            case "earlyRepayment" where version == 2:
                extras.earlyRepaymentNode = node
                extras.earlyRepayment = readEarlyRepayment(node, figureSources: &figureSources)
            case "disclosure" where version == 2:
                extras.disclosure = readDisclosure(node, figureSources: &figureSources)
            case "documentedLoan" where version == 2:
                if let loan = readDocumentedLoan(node, figureSources: &figureSources) {
                    extras.documentedLoans.append(loan)
                }
            case "representativeExample" where version == 2:
                if let example = readExample(node, figureSources: &figureSources) {
                    extras.examples.append((example, node))
                }
            default: fail(node, "unexpected element <\(name(node))>")
            }
        }
        if names.count != 2 || names[0].0 != "en" || names[1].0 != "zh" {
            fail(firstName ?? root, "names must be given as <name lang=\"en\"> then <name lang=\"zh\"> (rule L1)")
        }
        checkPricingCoverage(root, pricing: Array(zip(pricing, pricingNodes)), terms: terms)
        if version == 2 {
            checkTiers(
                pricing: Array(zip(pricing, pricingNodes)),
                terms: terms,
                minAmount: minAmount,
                maxAmount: maxAmount
            )
            if let node = extras.earlyRepaymentNode, let from = extras.earlyRepayment?.fromMonth,
                let longest = terms.max(), from > longest
            {
                fail(
                    node,
                    attribute: "fromMonth",
                    "fromMonth \(from) is beyond the longest term (\(longest) months) (rule V9)"
                )
            }
        }
        guard issues.isEmpty else { return nil }
        let description = ProviderDescription(
            id: ProviderID(rawValue: id),
            nameEN: names.first?.1 ?? "",
            nameZH: names.last?.1 ?? "",
            operatorName: operatorName,
            licence: licence,
            channel: channel,
            productKind: productKind,
            purposes: purposes,
            minAmount: minAmount,
            maxAmount: maxAmount,
            terms: terms,
            pricing: pricing,
            methods: methods,
            eligibility: eligibility,
            status: status,
            sources: sources,
            figureSources: figureSources,
            notes: notes,
            origin: file,
            access: access,
            inquiries: inquiries,
            fundedBy: extras.fundedBy,
            guarantors: extras.guarantors,
            lateRepayment: extras.lateRepayment,
            earlyRepayment: extras.earlyRepayment,
            disclosure: extras.disclosure,
            representativeExamples: extras.examples.map(\.0),
            documentedLoans: extras.documentedLoans,
            thresholdBases: extras.thresholdBases
        )
        // Rule V11: every representative example can be priced.
        for (example, node) in extras.examples {
            do {
                _ = try description.price(example)
            } catch {
                fail(node, "representative example cannot be priced: \(error.message) (rule V11)")
            }
        }
        guard issues.isEmpty else { return nil }
        return description
    }

    private mutating func readPricing(_ node: xmlNodePtr, figureSources: inout [String: String]) -> PricingRule? {
        let termList = attribute(node, "terms").map {
            $0.split(whereSeparator: { $0.isWhitespace }).compactMap { Int($0) }
        }
        let from = date(node, "from")
        let until = date(node, "until")
        if let from, let until, until < from {
            fail(node, "price list ends (\(until)) before it starts (\(from)) (rule L10)")
        }
        var suffix = termList.map { "[" + $0.map(String.init).joined(separator: " ") + "]" } ?? ""
        if from != nil || until != nil { suffix += "@" + Self.span(from, until) }
        var rule = PricingRule(terms: termList, interest: .none, from: from, until: until)
        for child in elements(node) {
            let source = attribute(child, "source")
            switch name(child) {
            case "interest":
                figureSources["interest" + suffix] = source
                let kind = attribute(child, "kind") ?? "none"
                let low = percent(child, "minPercent")
                let high = percent(child, "maxPercent")
                let dayCount = attribute(child, "dayCount").flatMap(DayCount.init(rawValue:))
                if (kind == "daily") != (dayCount != nil) {
                    fail(child, "dayCount is required for daily interest and only for it (rule L4)")
                }
                let tierNodes = version == 2 ? elements(child).filter { name($0) == "tier" } : []
                if !tierNodes.isEmpty {
                    if kind == "none" || low != nil || high != nil {
                        fail(
                            child,
                            "an interest gives either minPercent and maxPercent or <tier> elements, and neither with "
                                + "kind=\"none\" (rule L4)"
                        )
                    }
                    rule.tiers = tierNodes.compactMap { readTier($0, figureSources: &figureSources, suffix: suffix) }
                } else if (kind == "none") == (low != nil || high != nil) || (low == nil) != (high == nil) {
                    fail(child, "minPercent and maxPercent are required unless kind=\"none\", and only then (rule L4)")
                }
                if let low, let high, low > high {
                    fail(child, "interest minPercent \(low) is above maxPercent \(high) (rule L4)")
                }
                // With tiers, the interest's own range spans them (for `providers list`); each loan takes its tier's.
                let l = low ?? rule.tiers.map(\.minPercent).min() ?? 0
                let h = high ?? rule.tiers.map(\.maxPercent).max() ?? 0
                switch kind {
                case "daily":
                    rule.interest = .daily(
                        RateRange(min: Rate(percent: l), max: Rate(percent: h)),
                        dayCount: dayCount ?? .actual360
                    )
                case "monthly": rule.interest = .monthly(RateRange(min: Rate(percent: l), max: Rate(percent: h)))
                case "annual": rule.interest = .annual(RateRange(min: Rate(percent: l), max: Rate(percent: h)))
                default: rule.interest = .none
                }
            case "installmentFee":
                figureSources["installmentFee" + suffix] = source
                let low = percent(child, "minPercent") ?? 0
                let high = percent(child, "maxPercent") ?? 0
                if low > high { fail(child, "instalment fee minPercent \(low) is above maxPercent \(high) (rule L5)") }
                rule.installmentFee =
                    attribute(child, "basis") == "total"
                    ? .total(RateRange(min: Rate(percent: low), max: Rate(percent: high)))
                    : .perPeriod(RateRange(min: Rate(percent: low), max: Rate(percent: high)))
            case "interestFreeDays":
                figureSources["interestFreeDays" + suffix] = source
                rule.interestFreeDays = attribute(child, "max").flatMap { Int($0) } ?? 0
            case "upfrontFee":
                figureSources["upfrontFee" + suffix] = source
                if let value = percent(child, "percent") {
                    rule.upfrontFee = .percent(value)
                } else {
                    rule.upfrontFee = .fixed(money(child, "amount"))
                }
            case "membershipFee":
                figureSources["membershipFee" + suffix] = source
                rule.monthlyMembershipFee = money(child, "monthly")
            case "tier" where version == 2: break
            case "fee" where version == 2:
                guard let fee = readFee(child, place: .pricing) else { break }
                placeFee(fee, in: &rule, suffix: suffix, figureSources: &figureSources)
            case "promotion" where version == 2:
                if let promotion = readPromotion(child, pricing: rule, figureSources: &figureSources, suffix: suffix) {
                    rule.promotions.append(promotion)
                }
            default: fail(child, "unexpected element <\(name(child))> in <pricing>")
            }
        }
        return rule
    }

    private mutating func readEligibility(
        _ node: xmlNodePtr,
        figureSources: inout [String: String],
        bases: inout [RuleID: ThresholdBasis]
    ) -> EligibilityRules {
        var rules = EligibilityRules()
        for child in elements(node) {
            var key = name(child)
            if key == "maxOverdueCount" { key += (attribute(child, "months") ?? "12") + "m" }
            // The rule whose threshold this element states (each `excludedWhen` flag is its own rule; the
            // current-overdue flag is the rule noCurrentOverdue).
            let rule: RuleID? =
                key == "excludedWhen"
                ? attribute(child, "flag").flatMap(ExclusionFlag.init(rawValue:))?.rule : RuleID(rawValue: key)
            if let rule, let figure = rule.thresholdKey {
                if let source = attribute(child, "source") { figureSources[figure] = source }
                readBasis(child, rules: [rule], into: &bases)
            } else if let source = attribute(child, "source") {
                figureSources["eligibility." + key] = source
            }
            switch key {
            case "minCreditScore": rules.minCreditScore = integer(child, "value")
            case "maxOverdueCount12m", "maxOverdueCount24m":
                if attribute(child, "months") == "24" {
                    rules.maxOverdueCount24m = integer(child, "value")
                } else {
                    rules.maxOverdueCount12m = integer(child, "value")
                }
            case "maxDaysPastDue": rules.maxDaysPastDue = integer(child, "value")
            case "noCurrentOverdue": rules.noCurrentOverdue = true
            case "identityVerified": rules.identityVerified = true
            case "age":
                rules.minAge = integer(child, "min")
                rules.maxAge = integer(child, "max")
                if let low = rules.minAge, let high = rules.maxAge, low > high {
                    fail(child, "age min \(low) is above max \(high) (rule L7)")
                }
            case "minMonthlyIncome": rules.minMonthlyIncome = money(child, "value")
            case "maxDebtToIncome": rules.maxDebtToIncomePercent = percent(child, "percent")
            case "requiresAccount": rules.requiredAccounts.append(PlatformAccount(rawValue: text(child)))
            case "excludedWhen":
                if let flag = attribute(child, "flag").flatMap(ExclusionFlag.init(rawValue:)) {
                    rules.excludedWhen.append(flag)
                }
            default: fail(child, "unexpected element <\(key)> in <eligibility>")
            }
        }
        return rules
    }

    /// The `basis` a threshold's element states, checked against its `source` (rule L13: a `published` or
    /// `reported` threshold cites where it is published or reported).
    private mutating func readBasis(_ node: xmlNodePtr, rules: [RuleID], into bases: inout [RuleID: ThresholdBasis]) {
        guard let text = attribute(node, "basis") else { return }
        guard let basis = ThresholdBasis(rawValue: text) else {
            fail(
                node,
                attribute: "basis",
                "basis \"\(JSONInput.printable(text))\" is not one of \(ThresholdBasis.allCases.map(\.rawValue).joined(separator: ", "))"
            )
            return
        }
        if basis.isEvidence && attribute(node, "source") == nil {
            fail(
                node,
                attribute: "basis",
                "basis=\"\(basis.rawValue)\" needs a source=\"sN\" naming where the rule is \(basis.rawValue); "
                    + "without one, write basis=\"estimate\" (rule L13)"
            )
        }
        for rule in rules { bases[rule] = basis }
    }

    private mutating func readAccess(_ node: xmlNodePtr, figureSources: inout [String: String]) -> ProviderAccess {
        if let source = attribute(node, "source") { figureSources["access"] = source }
        var access = ProviderAccess(invitationOnly: attribute(node, "invitationOnly") == "true")
        let ids = attribute(node, "customersOf").map { $0.split(whereSeparator: { $0.isWhitespace }).map(String.init) }
        for id in ids ?? [] {
            guard InstitutionID.isValid(id) else {
                fail(
                    node,
                    "customersOf names \"\(id)\", not an institution id (lower-case letters, digits, single hyphens)"
                )
                continue
            }
            let institution = InstitutionID(rawValue: id)
            if access.customersOf.contains(institution) {
                fail(node, "customersOf names \"\(id)\" twice (rule L11)")
            } else {
                access.customersOf.append(institution)
            }
        }
        return access
    }

    private mutating func readInquiries(_ node: xmlNodePtr, figureSources: inout [String: String]) -> InquiryPolicy {
        let source = attribute(node, "source")
        if let source { figureSources["inquiries"] = source }
        func kind(_ name: StaticString) -> InquiryKind {
            attribute(node, name).flatMap(InquiryKind.init(rawValue:)) ?? .unknown
        }
        let policy = InquiryPolicy(
            application: kind("application"),
            limitCheck: kind("limitCheck"),
            maxHardInquiries3m: integer(node, "maxHard3m"),
            source: source
        )
        if source == nil {
            for (name, value) in [("application", policy.application), ("limitCheck", policy.limitCheck)]
            where value == .soft {
                fail(node, "\(name)=\"soft\" needs a source: Backstop never assumes an inquiry is soft (rule L12)")
            }
            if policy.maxHardInquiries3m != nil {
                fail(node, "maxHard3m needs a source: it must be the provider's documented tolerance (rule L12)")
            }
        }
        return policy
    }

    private mutating func readStatus(_ node: xmlNodePtr, figureSources: inout [String: String]) -> [StatusPeriod] {
        var periods: [StatusPeriod] = []
        for child in elements(node) {
            if let source = attribute(child, "source"), let from = attribute(child, "from") {
                figureSources["status." + from] = source
            }
            guard let from = attribute(child, "from").flatMap(CalendarDate.init(iso:)),
                let state = attribute(child, "state").flatMap(ProviderState.init(rawValue:))
            else {
                fail(child, "a status period needs a state and a real date in from=\"YYYY-MM-DD\"")
                continue
            }
            let until = attribute(child, "until").flatMap(CalendarDate.init(iso:))
            if let until, until < from {
                fail(child, "status period ends (\(until)) before it starts (\(from)) (rule L8)")
            }
            if let previous = periods.last {
                if from <= previous.from {
                    fail(child, "status periods must be ordered by from: \(from) follows \(previous.from) (rule L8)")
                } else if let end = previous.until, from <= end {
                    fail(
                        child,
                        "status period from \(from) overlaps the previous one, which runs until \(end) (rule L8)"
                    )
                }
            }
            periods.append(StatusPeriod(state: state, from: from, until: until))
        }
        return periods
    }

    private mutating func checkPricingCoverage(_ root: xmlNodePtr, pricing: [(PricingRule, xmlNodePtr)], terms: [Int]) {
        var listed: Set<Int> = []
        var undatedDefaults = 0
        for (index, (rule, node)) in pricing.enumerated() {
            let dated = rule.from != nil || rule.until != nil
            if let list = rule.terms {
                for month in list {
                    if !terms.contains(month) {
                        fail(node, "pricing names a \(month)-month term that <terms> does not offer (rule L6)")
                    }
                    listed.insert(month)
                }
            } else if !dated {
                undatedDefaults += 1
            }
            // Two lists pricing the same month must not both be in force on a date (rule L6 when neither is dated,
            // L10 otherwise).
            for (other, _) in pricing[..<index] where Self.overlap(rule, other) {
                let undated = !dated && other.from == nil && other.until == nil
                switch (rule.terms, other.terms) {
                case (let mine?, let theirs?):
                    for month in mine where theirs.contains(month) {
                        if undated {
                            fail(node, "the \(month)-month term is priced twice (rule L6)")
                        } else {
                            fail(
                                node,
                                "the \(month)-month term has two price lists in force on overlapping dates: "
                                    + "\(Self.prose(other.from, other.until)) and \(Self.prose(rule.from, rule.until)) (rule L10)"
                            )
                        }
                    }
                case (nil, nil) where !undated:
                    fail(
                        node,
                        "two price lists without terms=\"…\" are in force on overlapping dates: "
                            + "\(Self.prose(other.from, other.until)) and \(Self.prose(rule.from, rule.until)) (rule L10)"
                    )
                default: break
                }
            }
        }
        if undatedDefaults > 1 {
            fail(root, "at most one <pricing> may omit terms=\"…\"; found \(undatedDefaults) (rule L6)")
        }
        if !pricing.contains(where: { $0.0.terms == nil }) {
            for month in terms where !listed.contains(month) {
                fail(root, "the \(month)-month term has no <pricing> (rule L6)")
            }
        }
    }

    /// Whether two price lists are in force on a common date (a missing bound is open-ended).
    private static func overlap(_ a: PricingRule, _ b: PricingRule) -> Bool {
        let startsBeforeBEnds = a.from.flatMap { start in b.until.map { start <= $0 } } ?? true
        let bStartsBeforeAEnds = b.from.flatMap { start in a.until.map { start <= $0 } } ?? true
        return startsBeforeBEnds && bStartsBeforeAEnds
    }

    /// `2025-10-01 to 2026-03-31`, `from 2025-10-01`, `until 2025-09-30` or `on every date`, for messages.
    static func prose(_ from: CalendarDate?, _ until: CalendarDate?) -> String {
        switch (from, until) {
        case (let from?, let until?): "\(from) to \(until)"
        case (let from?, nil): "from \(from)"
        case (nil, let until?): "until \(until)"
        case (nil, nil): "on every date"
        }
    }

    /// `2025-10-01–2026-03-31`, `2025-10-01–` or `–2025-09-30`: the compact form of figure keys and diff fields.
    static func span(_ from: CalendarDate?, _ until: CalendarDate?) -> String {
        "\(from.map { "\($0)" } ?? "")–\(until.map { "\($0)" } ?? "")"
    }

    // MARK: - Tree access (schema-valid documents; no pointer escapes)

    mutating func fail(_ node: xmlNodePtr?, attribute: String? = nil, _ message: String) {
        var line = node.map { Int(xmlGetLineNo($0)) }.flatMap { $0 > 0 ? $0 : nil }
        var column: Int?
        // Version 2 names the column too: where the element's start tag, or the attribute at fault, begins.
        if version == 2, locator == nil, let data { locator = SourceLocator(data) }
        if version == 2, let node, let reported = line, let locator,
            let place = locator.place(element: qualifiedName(node), line: reported, attribute: attribute)
        {
            line = place.line
            column = place.column
        }
        issues.append(CatalogIssue(file: file, line: line, column: column, rule: .semantic, message: message))
    }

    /// `prefix:name` or `name`, as written in the start tag.
    func qualifiedName(_ node: xmlNodePtr) -> String {
        let local = name(node)
        guard let ns = node.pointee.ns, let prefix = ns.pointee.prefix else { return local }
        return String(cString: prefix) + ":" + local
    }

    /// The namespace URI of an element, or nil.
    static func namespace(of node: xmlNodePtr) -> String? {
        node.pointee.ns.flatMap { $0.pointee.href }.map { String(cString: $0) }
    }

    func elements(_ node: xmlNodePtr) -> [xmlNodePtr] {
        var result: [xmlNodePtr] = []
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE { result.append(current) }
            child = current.pointee.next
        }
        return result
    }

    func name(_ node: xmlNodePtr) -> String {
        guard let raw = node.pointee.name else { return "" }
        return String(decoding: UnsafeBufferPointer(start: raw, count: strlen(raw)), as: UTF8.self)
    }

    /// An attribute's value read straight from the tree (no copy to free), trimmed of XML whitespace, or nil.
    /// `attributeName` is a `StaticString`, compared byte for byte with no allocation.
    func attribute(_ node: xmlNodePtr, _ attributeName: StaticString) -> String? {
        var property = node.pointee.properties
        while let current = property {
            if let propertyName = current.pointee.name, xmlStrEqual(propertyName, attributeName.utf8Start) != 0 {
                guard let text = current.pointee.children, text.pointee.next == nil, let content = text.pointee.content
                else {
                    // Several children (entity references are refused earlier): concatenate them.
                    var value = ""
                    var child = current.pointee.children
                    while let next = child {
                        if let content = next.pointee.content { value += Self.trimmed(content) }
                        child = next.pointee.next
                    }
                    return value
                }
                return Self.trimmed(content)
            }
            property = current.pointee.next
        }
        return nil
    }

    static func isXMLSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// The C string with leading and trailing XML whitespace removed, decoded as UTF-8.
    static func trimmed(_ content: UnsafePointer<xmlChar>) -> String {
        let count = strlen(content)
        var start = 0
        var end = count
        while start < end && isXMLSpace(content[start]) { start += 1 }
        while end > start && isXMLSpace(content[end - 1]) { end -= 1 }
        return String(decoding: UnsafeBufferPointer(start: content + start, count: end - start), as: UTF8.self)
    }

    /// The element's text with XML whitespace collapsed (text and CDATA children only), as the schema's `collapse`.
    func text(_ node: xmlNodePtr) -> String {
        var bytes: [UInt8] = []
        var pendingSpace = false
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_TEXT_NODE || current.pointee.type == XML_CDATA_SECTION_NODE,
                let content = current.pointee.content
            {
                var index = 0
                while content[index] != 0 {
                    let byte = content[index]
                    if Self.isXMLSpace(byte) {
                        pendingSpace = !bytes.isEmpty
                    } else {
                        if pendingSpace {
                            bytes.append(0x20)
                            pendingSpace = false
                        }
                        bytes.append(byte)
                    }
                    index += 1
                }
            }
            child = current.pointee.next
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    mutating func integer(_ node: xmlNodePtr, _ attributeName: StaticString) -> Int? {
        guard let text = attribute(node, attributeName) else { return nil }
        guard let value = Int(text) else {
            fail(node, "\(attributeName)=\"\(text)\" must be a whole number")
            return nil
        }
        return value
    }

    mutating func percent(_ node: xmlNodePtr, _ attributeName: StaticString) -> Decimal? {
        guard let text = attribute(node, attributeName) else { return nil }
        guard let value = Decimal.parseStrict(text), value >= 0 else {
            fail(node, "\(attributeName)=\"\(text)\" must be a decimal percentage")
            return nil
        }
        return value
    }

    mutating func date(_ node: xmlNodePtr, _ attributeName: StaticString) -> CalendarDate? {
        guard let text = attribute(node, attributeName) else { return nil }
        guard let value = CalendarDate(iso: text) else {
            fail(node, "\(attributeName)=\"\(text)\" must be a real date YYYY-MM-DD")
            return nil
        }
        return value
    }

    mutating func money(_ node: xmlNodePtr, _ attributeName: StaticString) -> Money {
        let text = attribute(node, attributeName) ?? ""
        do {
            return try Money(parsing: text)
        } catch {
            fail(node, "\(attributeName)=\"\(text)\": \(error)")
            return .zero()
        }
    }
}
