public import Foundation

/// What happens to an offer above a cap.
public enum CapEffect: String, WireEnum, Hashable {
    /// The offer is not recommended (excluded, naming the cap).
    case exclude
    /// The offer stays but carries a warning (e.g. the courts' 4 × LPR ceiling).
    case flag
}

/// A legal or regulatory ceiling on the all-in annualised cost of credit, as data with dates and a source.
///
/// The cap is compared with the offer's nominal APR (IRR of every payment and fee × 12), the annualised-rate form of
/// PBoC Announcement [2021] No. 3.
public struct LegalCap: Hashable, Sendable, Codable {
    public var id: String
    /// A short human description: "24% all-in cap for internet loans".
    public var title: String
    /// The title in Simplified Chinese (falls back to ``title``).
    public var titleZH: String?
    /// The licence kinds it binds; empty means every kind.
    public var appliesTo: [LicenceKind]
    public var maxAPRPercent: Decimal
    /// For a ceiling of 4 × the one-year loan prime rate (the courts' private-lending ceiling): the LPR it is
    /// computed from, in percent (3.00 is 3.00%). ``maxAPRPercent`` is then exactly 4 × this rate.
    public var lprPercent: Decimal?
    /// The date that LPR was published and took effect (with ``lprPercent``; never after ``from``).
    public var lprDate: CalendarDate?
    public var effect: CapEffect
    public var from: CalendarDate
    public var until: CalendarDate?
    public var sourceTitle: String
    public var sourceURL: String
    /// Whether the figure is reported (guidance, news) rather than a published rule text.
    public var reported: Bool

    /// How many times the one-year LPR a ceiling tied to the LPR is (SPC private-lending provisions, 2020).
    public static let lprMultiple: Decimal = 4

    public init(
        id: String,
        title: String,
        titleZH: String? = nil,
        appliesTo: [LicenceKind],
        maxAPRPercent: Decimal,
        lprPercent: Decimal? = nil,
        lprDate: CalendarDate? = nil,
        effect: CapEffect,
        from: CalendarDate,
        until: CalendarDate? = nil,
        sourceTitle: String,
        sourceURL: String,
        reported: Bool = false
    ) {
        self.id = id
        self.title = title
        self.titleZH = titleZH
        self.appliesTo = appliesTo
        self.maxAPRPercent = maxAPRPercent
        self.lprPercent = lprPercent
        self.lprDate = lprDate
        self.effect = effect
        self.from = from
        self.until = until
        self.sourceTitle = sourceTitle
        self.sourceURL = sourceURL
        self.reported = reported
    }

    enum CodingKeys: String, CodingKey {
        case id, title, titleZH, appliesTo, maxAPRPercent, lprPercent, lprDate, effect, from, until, sourceTitle
        case sourceURL, reported
    }

    /// Reads a cap; an LPR, when given, must come with its date, lie between 0 and 100 exclusive, be published no
    /// later than the cap starts and be exactly a quarter of the ceiling. Every error names its field.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        title = try c.decode(String.self, forKey: .title)
        titleZH = try c.decodeIfPresent(String.self, forKey: .titleZH)
        appliesTo = try c.decode([LicenceKind].self, forKey: .appliesTo)
        maxAPRPercent = try c.decode(Decimal.self, forKey: .maxAPRPercent)
        lprPercent = try c.decodeIfPresent(Decimal.self, forKey: .lprPercent)
        lprDate = try c.decodeIfPresent(CalendarDate.self, forKey: .lprDate)
        effect = try c.decode(CapEffect.self, forKey: .effect)
        from = try c.decode(CalendarDate.self, forKey: .from)
        until = try c.decodeIfPresent(CalendarDate.self, forKey: .until)
        sourceTitle = try c.decode(String.self, forKey: .sourceTitle)
        sourceURL = try c.decode(String.self, forKey: .sourceURL)
        reported = try c.decode(Bool.self, forKey: .reported)
        func invalid(_ key: CodingKeys, _ message: String) -> DecodingError {
            DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: message)
        }
        switch (lprPercent, lprDate) {
        case (nil, nil):
            break
        case (nil, let date?):
            throw invalid(.lprPercent, "is required with lprDate (\(date)): the LPR that was published that day")
        case (let rate?, nil):
            throw invalid(.lprDate, "is required with lprPercent (\(rate)): the day that LPR was published")
        case (let rate?, let date?):
            guard rate > 0 && rate < 100 else {
                throw invalid(.lprPercent, "must be a percentage above 0 and below 100, got \(rate)")
            }
            guard date <= from else {
                throw invalid(.lprDate, "must be on or before from (\(from)): the LPR is published first, got \(date)")
            }
            guard rate * Self.lprMultiple == maxAPRPercent else {
                throw invalid(
                    .lprPercent,
                    "must be a quarter of maxAPRPercent (\(maxAPRPercent)): the ceiling is 4 × the 1-year LPR, got \(rate)"
                )
            }
        }
    }

    /// Whether the cap binds a licence kind on a date.
    public func applies(to kind: LicenceKind, on date: CalendarDate) -> Bool {
        (appliesTo.isEmpty || appliesTo.contains(kind)) && from <= date && (until.map { date <= $0 } ?? true)
    }

    /// The decimals of a percent an APR is compared with a cap to: 3, i.e. 0.001 percentage point, a tenth of the
    /// 0.01 pp an APR is shown with.
    ///
    /// Instalments are rounded to the fen, so a loan priced at exactly a cap costs a hair more (24% a year in 12
    /// equal instalments of ¥10,000 is 24.00006%): that artefact must not refuse a lender pricing at the cap, while
    /// a real excess of a thousandth of a point does (24.004% is above 24%). Fen rounding moves a realistic APR by
    /// far less than 0.0005 pp.
    public static let comparisonScale = 3

    /// Whether an exact nominal APR (percent, the solver's rate to 10 decimals) is above a cap's level: the APR
    /// rounded half-up to ``comparisonScale`` decimals is compared, never the 2-decimal figure shown. Every gate,
    /// lint check and legality verdict compares through this one function.
    public static func isAbove(aprPercent apr: Decimal, level: Decimal) -> Bool {
        apr.roundedHalfUp(scale: comparisonScale) > level
    }

    /// Whether an exact nominal APR (percent) is above this cap (``isAbove(aprPercent:level:)``).
    public func isExceeded(byAPRPercent apr: Decimal) -> Bool {
        Self.isAbove(aprPercent: apr, level: maxAPRPercent)
    }

    /// The parameters of a fact about a rate beside this cap: `apr` (exact), `cap`, `capID`, `title`, `since`,
    /// `source`, and `lpr` with `lprDate` for a ceiling tied to the LPR.
    func factParams(apr: Decimal) -> [String: FactValue] {
        var params: [String: FactValue] = [
            "apr": .percent(apr), "cap": .percent(maxAPRPercent), "capID": .text(id),
            "title": .name(LocalizedName(en: title, zh: titleZH ?? title)), "since": .date(from),
            "source": .text(sourceURL),
        ]
        if let lprPercent, let lprDate {
            params["lpr"] = .percent(lprPercent)
            params["lprDate"] = .date(lprDate)
        }
        return params
    }
}

/// A group of borrowers some lenders may not lend to.
public enum ProtectedGroup: String, WireEnum, Hashable {
    /// University students (the 2021 notice on internet consumer loans to university students).
    case student
}

/// A rule barring lender kinds from lending to a group, as data with dates and a source (like a ``LegalCap``).
public struct LendingBan: Hashable, Sendable, Codable {
    public var id: String
    public var title: String
    public var titleZH: String?
    public var group: ProtectedGroup
    /// The licence kinds barred.
    public var appliesTo: [LicenceKind]
    public var from: CalendarDate
    public var until: CalendarDate?
    public var sourceTitle: String
    public var sourceURL: String

    public init(
        id: String,
        title: String,
        titleZH: String? = nil,
        group: ProtectedGroup,
        appliesTo: [LicenceKind],
        from: CalendarDate,
        until: CalendarDate? = nil,
        sourceTitle: String,
        sourceURL: String
    ) {
        self.id = id
        self.title = title
        self.titleZH = titleZH
        self.group = group
        self.appliesTo = appliesTo
        self.from = from
        self.until = until
        self.sourceTitle = sourceTitle
        self.sourceURL = sourceURL
    }

    /// Whether the ban binds a licence kind on a date.
    public func applies(to kind: LicenceKind, on date: CalendarDate) -> Bool {
        appliesTo.contains(kind) && from <= date && (until.map { date <= $0 } ?? true)
    }
}

/// The caps in force, and the lending bans, read from `caps/legal-caps.json` next to the provider files.
public struct LegalCapTable: Hashable, Sendable, Codable {
    public var caps: [LegalCap] {
        didSet { byLevel = Self.byLevel(caps) }
    }
    /// Lender kinds barred from lending to a protected group (absent in the file: none).
    public var bans: [LendingBan]
    /// ``caps`` lowest level first (then by id), kept in step with it: every offer's gate asks for the binding caps,
    /// and sorting them on each ask was a measurable part of a recommendation.
    private var byLevel: [LegalCap]

    /// The rulebook's other rules: ages, purposes, business-only products, per-borrower limits (absent in the file:
    /// none, and every answer warns `no-rulebook`).
    public var rules: [AdviceRule]

    public init(caps: [LegalCap], bans: [LendingBan] = [], rules: [AdviceRule] = []) {
        self.caps = caps
        self.bans = bans
        self.rules = rules
        byLevel = Self.byLevel(caps)
    }

    enum CodingKeys: String, CodingKey { case caps, bans, rules }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        caps = try c.decode([LegalCap].self, forKey: .caps)
        bans = try c.decodeIfPresent([LendingBan].self, forKey: .bans) ?? []
        rules = try c.decodeIfPresent([AdviceRule].self, forKey: .rules) ?? []
        var seen: Set<String> = []
        for id in caps.map(\.id) + bans.map(\.id) + rules.map(\.id) where !seen.insert(id).inserted {
            throw DecodingError.dataCorruptedError(
                forKey: .rules,
                in: c,
                debugDescription:
                    "the rulebook uses the id \"\(JSONInput.printable(id))\" twice: every cap, ban and rule needs its own"
            )
        }
        byLevel = Self.byLevel(caps)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(caps, forKey: .caps)
        try c.encode(bans, forKey: .bans)
        if !rules.isEmpty { try c.encode(rules, forKey: .rules) }
    }

    public static func == (a: LegalCapTable, b: LegalCapTable) -> Bool {
        a.caps == b.caps && a.bans == b.bans && a.rules == b.rules
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(caps)
        hasher.combine(bans)
        hasher.combine(rules)
    }

    /// The rules of a kind that bind a product on a date, in file order.
    public func rules(
        _ kind: AdviceRuleKind,
        binding details: ProviderDescription,
        on date: CalendarDate
    ) -> [AdviceRule] {
        rules.filter { $0.kind == kind && $0.binds(details, on: date) }
    }

    /// The binding caps for a product on a date: those of every kind of lender whose money the borrower may get (a
    /// platform's funders: the platform cannot say in advance which funder lends, so every funder's caps bind and
    /// the strictest decides). For a lender, lowest first; for several funder kinds, the caps binding all of them
    /// first, then the others, each group lowest first, so that a refusal names a cap that binds the whole platform
    /// when one is exceeded (the 24% internet-lending cap, not only the consumer-finance companies' 20%).
    public func caps(for details: ProviderDescription, on date: CalendarDate) -> [LegalCap] {
        let kinds = details.lendingKinds
        if kinds.count == 1 { return caps(for: kinds[0], on: date) }
        let binding = byLevel.filter { cap in kinds.contains { cap.applies(to: $0, on: date) } }
        func partial(_ cap: LegalCap) -> Int { kinds.allSatisfy { cap.applies(to: $0, on: date) } ? 0 : 1 }
        return binding.enumerated().sorted { a, b in
            (partial(a.element), a.offset) < (partial(b.element), b.offset)
        }.map(\.element)
    }

    /// The bans that bar a product's lenders from lending to a group on a date (any of a platform's funders).
    public func bans(for details: ProviderDescription, group: ProtectedGroup, on date: CalendarDate) -> [LendingBan] {
        let kinds = details.lendingKinds
        return bans.filter { ban in ban.group == group && kinds.contains { ban.applies(to: $0, on: date) } }
    }

    private static func byLevel(_ caps: [LegalCap]) -> [LegalCap] {
        caps.sorted { ($0.maxAPRPercent, $0.id) < ($1.maxAPRPercent, $1.id) }
    }

    /// The bans that bar a licence kind from lending to a group on a date.
    public func bans(for kind: LicenceKind, group: ProtectedGroup, on date: CalendarDate) -> [LendingBan] {
        bans.filter { $0.group == group && $0.applies(to: kind, on: date) }
    }

    /// An empty table (no caps known).
    public static let none = LegalCapTable(caps: [])

    /// The binding caps for a licence kind on a date, lowest first.
    public func caps(for kind: LicenceKind, on date: CalendarDate) -> [LegalCap] {
        byLevel.filter { $0.applies(to: kind, on: date) }
    }
}

extension LegalCapTable {
    /// The legality of an annual rate on a date, for `quote`, `apr` and `POST /v1/quote`: one fact per cap level in
    /// force for the licence kind (every licensed kind when `licence` is nil), lowest level first.
    ///
    /// At each level the rate is either within it (one `legality-within-cap` fact, naming a binding rule before a
    /// court's level) or above it: `legality-above-cap` for a rule that bars lending at the rate (`effect: exclude`)
    /// and `legality-above-court-level` for a level above which courts cut what is charged (`effect: flag`). Where
    /// several caps share a level, the one binding most of the kinds asked about speaks for them, then the first by
    /// id; its `licences` parameter lists the kinds it binds. Without caps the one fact is `legality-caps-unknown`;
    /// when none binds, `legality-no-cap`.
    /// - Parameters:
    ///   - apr: the exact nominal APR in percent (the solver's rate to 10 decimals, never the 2-decimal figure shown),
    ///     compared to 0.001 percentage point (``LegalCap/isAbove(aprPercent:level:)``): 24.004 is above a 24% cap,
    ///     24.00006 (a loan priced at 24% with instalments rounded to the fen) is not.
    ///   - licence: the lender's licence kind, when known.
    ///   - date: the day the caps are judged on.
    public func verdict(aprPercent apr: Decimal, licence: LicenceKind?, on date: CalendarDate) -> [Fact] {
        guard !caps.isEmpty else { return [Fact(.legalityCapsUnknown, ["apr": .percent(apr), "date": .date(date)])] }
        let kinds = licence.map { [$0] } ?? LicenceKind.allCases.filter { $0 != .none }
        func bound(_ cap: LegalCap) -> [LicenceKind] { kinds.filter { cap.applies(to: $0, on: date) } }
        let binding = caps.filter { !bound($0).isEmpty }
        guard !binding.isEmpty else {
            var params: [String: FactValue] = ["apr": .percent(apr), "date": .date(date)]
            if let licence { params["licence"] = .licence(licence) }
            return [Fact(.legalityNoCap, params)]
        }
        func fact(_ code: FactCode, _ cap: LegalCap) -> Fact {
            var params = cap.factParams(apr: apr)
            params["licences"] = .list(bound(cap).map(FactValue.licence))
            params["date"] = .date(date)
            return Fact(code, params)
        }
        var facts: [Fact] = []
        for level in Set(binding.map(\.maxAPRPercent)).sorted() {
            let here = binding.filter { $0.maxAPRPercent == level }
            func speaker(_ effect: CapEffect) -> LegalCap? {
                here.filter { $0.effect == effect }.min { (-bound($0).count, $0.id) < (-bound($1).count, $1.id) }
            }
            if LegalCap.isAbove(aprPercent: apr, level: level) {
                if let cap = speaker(.exclude) { facts.append(fact(.legalityAboveCap, cap)) }
                if let cap = speaker(.flag) { facts.append(fact(.legalityAboveCourtLevel, cap)) }
            } else if let cap = speaker(.exclude) ?? speaker(.flag) {
                facts.append(fact(.legalityWithinCap, cap))
            }
        }
        return facts
    }
}

/// What a rule of the rulebook governs.
public enum AdviceRuleKind: String, WireEnum, Hashable {
    /// No credit below an age (`minAge`): the age of majority, and lenders' legal minimums.
    case ageMinimum = "age-minimum"
    /// Credit may not fund these purposes (`purposes`).
    case purposeBan = "purpose-ban"
    /// Products of these kinds (`productKinds`, a business loan) only for a business purpose, to a business owner.
    case businessOnly = "business-only"
    /// The most one borrower may owe one lender of the kinds bound (`maxAmount`, yuan).
    case perBorrowerLimit = "per-borrower-limit"
}

/// One rule of the rulebook of who may borrow what, for what, from whom: dated data with its source, never a
/// constant in Swift (`rules` in `caps/legal-caps.json`, beside the caps and the bans; docs/advice.md "The rulebook").
///
/// A rule binds the lender kinds in ``appliesTo`` (empty: every licensed kind), by the kinds of the lenders whose
/// money the borrower gets (a platform's funders: ``ProviderDescription/lendingKinds``), and the product kinds in
/// ``productKinds`` (empty: every kind), from ``from`` to ``until`` inclusive.
public struct AdviceRule: Hashable, Sendable, Codable {
    public var id: String
    public var kind: AdviceRuleKind
    public var title: String
    public var titleZH: String
    public var appliesTo: [LicenceKind]
    public var productKinds: [ProductKind]
    /// For a purpose ban: the purposes it bans.
    public var purposes: [LoanPurpose]
    /// For an age minimum: the youngest age that may borrow.
    public var minAge: Int?
    /// For a per-borrower limit: the most one borrower may owe one lender, the new loan included.
    public var maxAmount: Money?
    public var from: CalendarDate
    public var until: CalendarDate?
    public var sourceTitle: String
    public var sourceURL: String
    /// Whether the rule is reported (news, a summary, a draft) rather than read in the rule's text.
    public var reported: Bool
    /// For a purpose ban: what is legal instead, in both languages (a mortgage through a bank; no borrowing to
    /// invest).
    public var lawful: LocalizedName?
    /// Research notes (not shown to borrowers).
    public var note: String?

    public init(
        id: String,
        kind: AdviceRuleKind,
        title: String,
        titleZH: String,
        appliesTo: [LicenceKind] = [],
        productKinds: [ProductKind] = [],
        purposes: [LoanPurpose] = [],
        minAge: Int? = nil,
        maxAmount: Money? = nil,
        from: CalendarDate,
        until: CalendarDate? = nil,
        sourceTitle: String,
        sourceURL: String,
        reported: Bool = false,
        lawful: LocalizedName? = nil,
        note: String? = nil
    ) {
        self.id = id
        self.kind = kind
        self.title = title
        self.titleZH = titleZH
        self.appliesTo = appliesTo
        self.productKinds = productKinds
        self.purposes = purposes
        self.minAge = minAge
        self.maxAmount = maxAmount
        self.from = from
        self.until = until
        self.sourceTitle = sourceTitle
        self.sourceURL = sourceURL
        self.reported = reported
        self.lawful = lawful
        self.note = note
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, title, titleZH, appliesTo, productKinds, purposes, minAge, maxAmount, from, until
        case sourceTitle, sourceURL, reported, lawful, note
    }

    /// Reads a rule; each kind must carry its own figure (`minAge`, `purposes`, `productKinds`, `maxAmount`) and
    /// no other kind's, `until` may not be before `from`, and the source must be an https or http URL. Every error
    /// names its field.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        kind = try c.decode(AdviceRuleKind.self, forKey: .kind)
        title = try c.decode(String.self, forKey: .title)
        titleZH = try c.decode(String.self, forKey: .titleZH)
        appliesTo = try c.decodeIfPresent([LicenceKind].self, forKey: .appliesTo) ?? []
        productKinds = try c.decodeIfPresent([ProductKind].self, forKey: .productKinds) ?? []
        purposes = try c.decodeIfPresent([LoanPurpose].self, forKey: .purposes) ?? []
        minAge = try c.decodeIfPresent(Int.self, forKey: .minAge)
        from = try c.decode(CalendarDate.self, forKey: .from)
        until = try c.decodeIfPresent(CalendarDate.self, forKey: .until)
        sourceTitle = try c.decode(String.self, forKey: .sourceTitle)
        sourceURL = try c.decode(String.self, forKey: .sourceURL)
        reported = try c.decode(Bool.self, forKey: .reported)
        lawful = try c.decodeIfPresent(LocalizedName.self, forKey: .lawful)
        note = try c.decodeIfPresent(String.self, forKey: .note)
        func invalid(_ key: CodingKeys, _ message: String) -> DecodingError {
            DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: message)
        }
        if let yuan = try c.decodeIfPresent(Decimal.self, forKey: .maxAmount) {
            guard yuan > 0, let amount = try? Money(yuan) else {
                throw invalid(.maxAmount, "must be a positive amount in yuan with at most 2 decimals, got \(yuan)")
            }
            maxAmount = amount
        } else {
            maxAmount = nil
        }
        for (key, present, wanted) in [
            (CodingKeys.minAge, minAge != nil, AdviceRuleKind.ageMinimum),
            (.purposes, !purposes.isEmpty, .purposeBan),
            (.maxAmount, maxAmount != nil, .perBorrowerLimit),
        ] where present != (kind == wanted) {
            throw invalid(
                key,
                present
                    ? "belongs to a rule of kind \(wanted.rawValue), not \(kind.rawValue)"
                    : "is required in a rule of kind \(kind.rawValue)"
            )
        }
        if kind == .businessOnly && productKinds.isEmpty {
            throw invalid(.productKinds, "is required in a rule of kind business-only: the product kinds it binds")
        }
        if let minAge, !(0...120).contains(minAge) {
            throw invalid(.minAge, "must be an age from 0 to 120, got \(minAge)")
        }
        if let until, until < from {
            throw invalid(.until, "must be on or after from (\(from)), got \(until)")
        }
        if appliesTo.contains(.none) {
            throw invalid(
                .appliesTo,
                "binds licensed lenders only: \"none\" (unlicensed) is refused by the licence gate"
            )
        }
        guard sourceURL.hasPrefix("https://") || sourceURL.hasPrefix("http://") else {
            throw invalid(.sourceURL, "must be an http(s) URL, got \"\(JSONInput.printable(sourceURL))\"")
        }
    }

    /// Whether the rule binds a product on a date: one of its lender kinds (``ProviderDescription/lendingKinds``)
    /// and its product kind are bound, and the date is within the rule's dates.
    public func binds(_ details: ProviderDescription, on date: CalendarDate) -> Bool {
        guard from <= date, until.map({ date <= $0 }) ?? true else { return false }
        guard productKinds.isEmpty || productKinds.contains(details.productKind) else { return false }
        guard details.licence.isLicensed else { return false }
        return appliesTo.isEmpty || details.lendingKinds.contains { appliesTo.contains($0) }
    }

    /// The parameters every fact about the rule carries: `ruleID`, `title`, `since`, `source`, `reported`.
    public var factParams: [String: FactValue] {
        [
            "ruleID": .text(id), "title": .name(LocalizedName(en: title, zh: titleZH)), "since": .date(from),
            "source": .text(sourceURL), "reported": .int(reported ? 1 : 0),
        ]
    }
}
