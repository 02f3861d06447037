import Foundation

/// How the user earns a living (wire values `employed`, `self-employed`, `gig`, `unemployed`, `retired`).
public enum Employment: String, WireEnum, Hashable {
    case employed
    case selfEmployed = "self-employed"
    /// Platform or gig work (delivery, ride-hailing): income varies month to month.
    case gig
    case unemployed
    case retired
}

/// The level a student is enrolled at (wire values `junior-college` 专科, `undergraduate` 本科, `postgraduate`).
public enum EnrolmentLevel: String, WireEnum, Hashable {
    case juniorCollege = "junior-college"
    case undergraduate
    case postgraduate
}

/// Hard inquiries on the user's PBoC credit report (loan and card approvals other lenders see): counts for the last
/// 1, 3 and 6 months and/or the dates. Every part may be unknown.
public struct HardInquiries: Hashable, Sendable, Codable {
    public var last1m: Int?
    public var last3m: Int?
    public var last6m: Int?
    /// The day of each hard inquiry, oldest first.
    public var dates: [CalendarDate]?

    public init(last1m: Int? = nil, last3m: Int? = nil, last6m: Int? = nil, dates: [CalendarDate]? = nil) {
        self.last1m = last1m
        self.last3m = last3m
        self.last6m = last6m
        self.dates = dates?.sorted()
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case last1m, last3m, last6m, dates }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        last1m = try c.wholeNumber(.last1m, in: Bounds.inquiryCount)
        last3m = try c.wholeNumber(.last3m, in: Bounds.inquiryCount)
        last6m = try c.wholeNumber(.last6m, in: Bounds.inquiryCount)
        let listed = try c.decodeIfPresent([CalendarDate].self, forKey: .dates)
        if let listed, listed.count > Bounds.historyEntries.upperBound {
            throw DecodingError.dataCorruptedError(
                forKey: .dates,
                in: c,
                debugDescription: "must list at most \(Bounds.historyEntries.upperBound) dates, got \(listed.count)"
            )
        }
        if let listed {
            for (index, date) in listed.enumerated() {
                do { _ = try Bounds.check(date) } catch {
                    throw DecodingError.dataCorrupted(
                        DecodingError.Context(
                            codingPath: c.codingPath + [CodingKeys.dates, IndexKey(index)],
                            debugDescription: error.message
                        )
                    )
                }
            }
        }
        dates = listed?.sorted()
        // Longer windows include the shorter ones.
        let windows: [(CodingKeys, Int?, CodingKeys, Int?)] = [
            (.last1m, last1m, .last3m, last3m), (.last3m, last3m, .last6m, last6m), (.last1m, last1m, .last6m, last6m),
        ]
        for (shortKey, short, longKey, long) in windows {
            if let short, let long, long < short {
                throw DecodingError.dataCorruptedError(
                    forKey: longKey,
                    in: c,
                    debugDescription:
                        "must be at least \(shortKey.stringValue) (\(short)): a longer window includes the shorter, got \(long)"
                )
            }
        }
    }

    /// The hard inquiries in the `months` before `date` (the day itself included): the count when given for that
    /// window, else counted from the dates; nil when neither says.
    public func count(lastMonths months: Int, on date: CalendarDate) -> Int? {
        let given: Int? =
            switch months {
            case 1: last1m
            case 3: last3m
            case 6: last6m
            default: nil
            }
        if let given { return given }
        return dated(lastMonths: months, on: date)
    }

    /// The first day on which at most `allowed` hard inquiries remain in the 3-month window, counting only those on
    /// the report on `date` (no new ones): `date` itself when already so. From the dates when given; from the
    /// counts, conservatively (the last month's leave within 3 months, older ones within 2); nil when neither says.
    public func dayWithAtMost(_ allowed: Int, on date: CalendarDate) -> CalendarDate? {
        let allowed = max(0, allowed)
        if let dates {
            let start = date.adding(months: -3)
            let inWindow = dates.filter { $0 > start && $0 <= date }
            guard inWindow.count > allowed else { return date }
            // The oldest `count - allowed` must leave: the last of them leaves on the first day whose window starts
            // on or after it (3 months later, or the 1st of the next month when that month is shorter: an inquiry
            // of 11-30 is still counted on 02-28, whose window starts on 11-28).
            return Self.firstDayWithout(inWindow[inWindow.count - allowed - 1], months: 3)
        }
        guard let recent = last3m else { return nil }
        if recent <= allowed { return date }
        if let lastMonth = last1m, lastMonth <= allowed { return date.adding(months: 2) }
        return date.adding(months: 3)
    }

    /// The first day on which an inquiry of `day` no longer counts in a `months`-month window (one that counts the
    /// days after the same day `months` earlier, ``dated(lastMonths:on:)``).
    static func firstDayWithout(_ day: CalendarDate, months: Int) -> CalendarDate {
        var candidate = day.adding(months: months)
        while candidate.adding(months: -months) < day { candidate = candidate.adding(days: 1) }
        return candidate
    }

    /// The dated inquiries in the `months` before `date`: after `date` minus `months`, up to and including `date`.
    public func dated(lastMonths months: Int, on date: CalendarDate) -> Int? {
        guard let dates else { return nil }
        let start = date.adding(months: -months)
        return dates.filter { $0 > start && $0 <= date }.count
    }
}

/// A month of the calendar, `2026-03` on the wire.
public struct YearMonth: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    public let year: Int
    public let month: Int

    public init?(year: Int, month: Int) {
        guard Bounds.years.contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    /// Parses `YYYY-MM`.
    public init?(iso text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let year = Int(parts[0]), let month = Int(parts[1])
        else { return nil }
        self.init(year: year, month: month)
    }

    public init(_ date: CalendarDate) {
        year = date.year
        month = date.month
    }

    /// The first day of the month.
    public var firstDay: CalendarDate {
        CalendarDate(year: year, month: month, day: 1) ?? CalendarDate(daysSinceEpoch: 0)
    }

    /// Months from `self` to `other` (positive when `other` is later).
    public func months(to other: YearMonth) -> Int { (other.year - year) * 12 + other.month - month }

    public var description: String {
        let y = String(year)
        let m = String(month)
        return String(repeating: "0", count: max(0, 4 - y.count)) + y + "-" + (m.count == 1 ? "0" + m : m)
    }

    public static func < (lhs: YearMonth, rhs: YearMonth) -> Bool { (lhs.year, lhs.month) < (rhs.year, rhs.month) }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = YearMonth(iso: text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription:
                    "must be a month YYYY-MM between \(Bounds.years.lowerBound) and \(Bounds.years.upperBound), got \"\(JSONInput.printable(text))\""
            )
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// One late repayment: the month the instalment fell due, how many days past due it went, and when it was settled
/// (absent while it is still unpaid).
public struct OverdueEvent: Hashable, Sendable, Codable {
    public var month: YearMonth
    public var daysPastDue: Int
    public var settled: CalendarDate?

    public init(month: YearMonth, daysPastDue: Int, settled: CalendarDate? = nil) {
        self.month = month
        self.daysPastDue = daysPastDue
        self.settled = settled
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case month, daysPastDue, settled }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        month = try c.decode(YearMonth.self, forKey: .month)
        daysPastDue = try c.requiredWholeNumber(.daysPastDue, in: 1...Bounds.daysPastDue.upperBound, unit: " days")
        settled = try c.decodeIfPresent(CalendarDate.self, forKey: .settled)
        if let settled {
            do { _ = try Bounds.check(settled) } catch {
                throw DecodingError.dataCorruptedError(forKey: .settled, in: c, debugDescription: error.message)
            }
            if settled < month.firstDay {
                throw DecodingError.dataCorruptedError(
                    forKey: .settled,
                    in: c,
                    debugDescription: "must not be before the month it fell due (\(month)), got \(settled)"
                )
            }
        }
    }

    /// The last month the credit report marks it overdue on `date`: the report marks every month a debt stays
    /// unpaid, from the month it fell due to the month it is settled (while unpaid, the month of `date`).
    public func lastMarkedMonth(on date: CalendarDate) -> YearMonth {
        let last = settled.map(YearMonth.init) ?? YearMonth(date)
        return max(last, month)
    }

    /// Whether the report shows it in the `months` months up to `date` (the month of `date` included): some month
    /// from the one it fell due to the one it was settled (or `date`'s, while unpaid) lies in the window.
    public func within(lastMonths months: Int, of date: CalendarDate) -> Bool {
        let now = YearMonth(date)
        return month.months(to: now) >= 0 && lastMarkedMonth(on: date).months(to: now) < months
    }

    /// The first day lenders' `months`-month window no longer counts it: `months` months after the first day of
    /// the last month the report marks it, its settlement month; an unpaid one as if settled on `date`.
    public func leavesWindow(months: Int, ifSettledOn date: CalendarDate) -> CalendarDate {
        lastMarkedMonth(on: date).firstDay.adding(months: months)
    }

    /// The first day lenders' `months`-month window no longer counts it, for a settled record (an unpaid one is
    /// counted until it is settled: ``leavesWindow(months:ifSettledOn:)``).
    @available(
        *,
        deprecated,
        message: "an unpaid record is counted until it is settled: leavesWindow(months:ifSettledOn:)"
    )
    public func leavesWindow(months: Int) -> CalendarDate {
        leavesWindow(months: months, ifSettledOn: settled ?? month.firstDay)
    }

    /// The day the record leaves the credit report: 5 years after it was settled (Regulation on the Administration
    /// of the Credit Reporting Industry, art. 16); nil while it is unpaid.
    public var leavesCreditReport: CalendarDate? { settled?.adding(months: 60) }
}

/// A profile that contradicts itself on a date: two fields that cannot both be true.
public struct ProfileContradiction: Error, Hashable, Sendable, CustomStringConvertible {
    /// The fields in conflict, as wire paths (`repayment.overdueCount12m`, `overdueEvents`).
    public var fields: [String]
    public var message: String

    public init(fields: [String], message: String) {
        self.fields = fields
        self.message = message
    }

    public var description: String { "\(fields.joined(separator: " and ")): \(message)" }
}

extension UserProfile {
    /// Contradictions inside the repayment record itself, read as the credit report counts: `worstDaysPastDue` is
    /// the worst late instalment of the 24 months the counts cover, an overdue instalment is at least a day late,
    /// and an amount overdue now is an overdue instalment of the last 12 months.
    func repaymentContradictions() -> [ProfileContradiction] {
        guard let record = repayment else { return [] }
        var found: [ProfileContradiction] = []
        func add(_ a: String, _ b: String, _ message: String) {
            found.append(ProfileContradiction(fields: ["repayment.\(a)", "repayment.\(b)"], message: message))
        }
        if let worst = record.worstDaysPastDue, worst > 0, let count = record.overdueCount24m, count == 0 {
            add(
                "worstDaysPastDue",
                "overdueCount24m",
                "worstDaysPastDue says an instalment was \(worst) days late, overdueCount24m says none was late in 24 "
                    + "months: the worst is read over the same 24 months (0 when none)"
            )
        }
        for (name, count) in [("overdueCount12m", record.overdueCount12m), ("overdueCount24m", record.overdueCount24m)]
        {
            if let count, count > 0, record.worstDaysPastDue == 0 {
                add(
                    "worstDaysPastDue",
                    name,
                    "\(name) says \(count) overdue, worstDaysPastDue says none was even a day late"
                )
            }
        }
        if let owed = record.currentOverdueAmount, owed.minorUnits > 0 {
            for (name, count) in [
                ("overdueCount12m", record.overdueCount12m), ("overdueCount24m", record.overdueCount24m),
            ] where count == 0 {
                add(
                    "currentOverdueAmount",
                    name,
                    "currentOverdueAmount says \(owed) is overdue now, \(name) says no instalment is overdue: what is "
                        + "overdue now counts as an overdue instalment"
                )
            }
            if record.worstDaysPastDue == 0 {
                add(
                    "currentOverdueAmount",
                    "worstDaysPastDue",
                    "currentOverdueAmount says \(owed) is overdue now, worstDaysPastDue says no instalment was late"
                )
            }
        }
        return found
    }

    /// The contradictions between the profile's counts and its dated lists on `date` (empty when consistent).
    /// Front ends refuse a contradictory profile (CLI exit 65, HTTP 400) naming both fields.
    public func contradictions(on date: CalendarDate) -> [ProfileContradiction] {
        var found = repaymentContradictions()
        for (index, event) in (overdueEvents ?? []).enumerated() {
            // Days past due run from the due date (at the earliest the first of its month) to the settlement.
            let earliestSettlement = event.month.firstDay.adding(days: event.daysPastDue)
            if let settled = event.settled, settled < earliestSettlement {
                found.append(
                    ProfileContradiction(
                        fields: ["overdueEvents[\(index)].settled", "overdueEvents[\(index)].daysPastDue"],
                        message:
                            "says the instalment of \(event.month) was settled on \(settled), but \(event.daysPastDue) "
                            + "days past due end no earlier than \(earliestSettlement)"
                    )
                )
            }
            if event.settled == nil, event.month.firstDay <= date, earliestSettlement > date {
                found.append(
                    ProfileContradiction(
                        fields: ["overdueEvents[\(index)].daysPastDue", "date"],
                        message:
                            "says the unpaid instalment of \(event.month) is \(event.daysPastDue) days past due, more than "
                            + "the \(event.month.firstDay.days(to: date)) days since the month began on \(date)"
                    )
                )
            }
            if let settled = event.settled, settled > date {
                found.append(
                    ProfileContradiction(
                        fields: ["overdueEvents[\(index)].settled", "date"],
                        message:
                            "says the instalment of \(event.month) was settled on \(settled), after \(date): a settlement "
                            + "that has not happened is written without `settled` (still unpaid)"
                    )
                )
            }
        }
        if let events = overdueEvents {
            for (months, count, path) in [
                (12, repayment?.overdueCount12m, "repayment.overdueCount12m"),
                (24, repayment?.overdueCount24m, "repayment.overdueCount24m"),
            ] {
                guard let count else { continue }
                let dated = events.filter { $0.within(lastMonths: months, of: date) }.count
                if dated != count {
                    found.append(
                        ProfileContradiction(
                            fields: [path, "overdueEvents"],
                            message:
                                "\(path) says \(count) overdue in the \(months) months to \(date), overdueEvents lists \(dated) in that window"
                        )
                    )
                }
            }
            let recent = events.filter { $0.within(lastMonths: 24, of: date) }
            if let worst = repayment?.worstDaysPastDue, let listed = recent.map(\.daysPastDue).max(), listed > worst {
                found.append(
                    ProfileContradiction(
                        fields: ["repayment.worstDaysPastDue", "overdueEvents"],
                        message:
                            "repayment.worstDaysPastDue says \(worst) days, overdueEvents lists one of \(listed) days"
                    )
                )
            }
            if let owed = repayment?.currentOverdueAmount, owed.minorUnits == 0,
                let open = events.first(where: { $0.settled == nil })
            {
                found.append(
                    ProfileContradiction(
                        fields: ["repayment.currentOverdueAmount", "overdueEvents"],
                        message:
                            "repayment.currentOverdueAmount says nothing is overdue, overdueEvents lists \(open.month) as not settled"
                    )
                )
            }
            if events.contains(where: { $0.month.firstDay > date }) {
                found.append(
                    ProfileContradiction(
                        fields: ["overdueEvents"],
                        message: "lists an instalment falling due after \(date)"
                    )
                )
            }
        }
        if let inquiries = hardInquiries, inquiries.dates != nil {
            for (months, count, path) in [
                (1, inquiries.last1m, "hardInquiries.last1m"), (3, inquiries.last3m, "hardInquiries.last3m"),
                (6, inquiries.last6m, "hardInquiries.last6m"),
            ] {
                guard let count, let dated = inquiries.dated(lastMonths: months, on: date), dated != count else {
                    continue
                }
                found.append(
                    ProfileContradiction(
                        fields: [path, "hardInquiries.dates"],
                        message:
                            "\(path) says \(count) in the \(months) months to \(date), hardInquiries.dates lists \(dated) in that window"
                    )
                )
            }
        }
        if student == false, let enrolled {
            found.append(
                ProfileContradiction(
                    fields: ["student", "enrolled"],
                    message: "student is false but enrolled says \(enrolled.rawValue)"
                )
            )
        }
        return found
    }

    /// The profile with the counts its dated lists imply on `date` filled in where the counts are absent (a count
    /// that is given is kept), so every rule reads one set of numbers.
    public func resolved(on date: CalendarDate) -> UserProfile {
        var profile = self
        if enrolled != nil && student == nil { profile.student = true }
        guard let events = overdueEvents else { return profile }
        var record = repayment ?? RepaymentRecord()
        if record.overdueCount12m == nil {
            record.overdueCount12m = events.filter { $0.within(lastMonths: 12, of: date) }.count
        }
        if record.overdueCount24m == nil {
            record.overdueCount24m = events.filter { $0.within(lastMonths: 24, of: date) }.count
        }
        if record.worstDaysPastDue == nil {
            record.worstDaysPastDue =
                events.filter { $0.within(lastMonths: 24, of: date) }.map(\.daysPastDue).max() ?? 0
        }
        profile.repayment = record
        return profile
    }
}
