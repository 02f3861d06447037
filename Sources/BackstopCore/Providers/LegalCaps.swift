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
    public var effect: CapEffect
    public var from: CalendarDate
    public var until: CalendarDate?
    public var sourceTitle: String
    public var sourceURL: String
    /// Whether the figure is reported (guidance, news) rather than a published rule text.
    public var reported: Bool

    public init(
        id: String,
        title: String,
        titleZH: String? = nil,
        appliesTo: [LicenceKind],
        maxAPRPercent: Decimal,
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
        self.effect = effect
        self.from = from
        self.until = until
        self.sourceTitle = sourceTitle
        self.sourceURL = sourceURL
        self.reported = reported
    }

    /// Whether the cap binds a licence kind on a date.
    public func applies(to kind: LicenceKind, on date: CalendarDate) -> Bool {
        (appliesTo.isEmpty || appliesTo.contains(kind)) && from <= date && (until.map { date <= $0 } ?? true)
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
    public var caps: [LegalCap]
    /// Lender kinds barred from lending to a protected group (absent in the file: none).
    public var bans: [LendingBan]

    public init(caps: [LegalCap], bans: [LendingBan] = []) {
        self.caps = caps
        self.bans = bans
    }

    enum CodingKeys: String, CodingKey { case caps, bans }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        caps = try c.decode([LegalCap].self, forKey: .caps)
        bans = try c.decodeIfPresent([LendingBan].self, forKey: .bans) ?? []
    }

    /// The bans that bar a licence kind from lending to a group on a date.
    public func bans(for kind: LicenceKind, group: ProtectedGroup, on date: CalendarDate) -> [LendingBan] {
        bans.filter { $0.group == group && $0.applies(to: kind, on: date) }
    }

    /// An empty table (no caps known).
    public static let none = LegalCapTable(caps: [])

    /// The binding caps for a licence kind on a date, lowest first.
    public func caps(for kind: LicenceKind, on date: CalendarDate) -> [LegalCap] {
        caps.filter { $0.applies(to: kind, on: date) }.sorted { ($0.maxAPRPercent, $0.id) < ($1.maxAPRPercent, $1.id) }
    }
}
