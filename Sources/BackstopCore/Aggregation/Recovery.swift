import Foundation

/// When a recovery step is done, or when what it waits for happens.
public enum StepHorizon: Hashable, Sendable {
    /// General advice, with no time attached.
    case none
    /// Do it now: on the plan's date.
    case now(CalendarDate)
    /// Done within a number of days of a date (re-verifying an identity document: 1 to 7 days).
    case days(ClosedRange<Int>, from: CalendarDate)
    /// From a date on; `until` when what it clears is cleared by then (cash-out flags, a year on).
    case ongoing(from: CalendarDate, until: CalendarDate?)
    /// The dates a late instalment leaves the windows lenders read and the credit report.
    case record(OverdueRecordDates)
    /// No date can be given: it depends on what Backstop cannot see or forecast (the score, an operator's review).
    case undated
}

/// The dates of one late instalment: when it leaves the 12- and 24-month windows lenders read, and when it leaves the
/// PBoC credit report (5 years after it was settled, Regulation on the Administration of the Credit Reporting
/// Industry art. 16).
public struct OverdueRecordDates: Hashable, Sendable {
    public var month: YearMonth
    public var daysPastDue: Int
    public var settled: CalendarDate?
    public var leaves12MonthWindow: CalendarDate
    public var leaves24MonthWindow: CalendarDate
    /// Nil while it is unpaid: it leaves the report 5 years after it is settled.
    public var leavesCreditReport: CalendarDate?
    /// For an unpaid one, the day it would leave the report if settled on the plan's date.
    public var leavesCreditReportIfSettledOnPlanDate: CalendarDate?

    public init(_ event: OverdueEvent, planDate: CalendarDate) {
        month = event.month
        daysPastDue = event.daysPastDue
        settled = event.settled
        leaves12MonthWindow = event.leavesWindow(months: 12, ifSettledOn: planDate)
        leaves24MonthWindow = event.leavesWindow(months: 24, ifSettledOn: planDate)
        leavesCreditReport = event.leavesCreditReport
        leavesCreditReportIfSettledOnPlanDate =
            event.settled == nil ? planDate.adding(months: Countermeasure.creditReportMonths) : nil
    }

    /// The step stating these dates; a window date already past on `date` is left out (the record is outside it).
    public func fact(on date: CalendarDate) -> Fact {
        var params: [String: FactValue] = ["month": .month(month), "days": .int(daysPastDue)]
        if leaves12MonthWindow > date { params["leaves12m"] = .date(leaves12MonthWindow) }
        if leaves24MonthWindow > date { params["leaves24m"] = .date(leaves24MonthWindow) }
        if let settled { params["settled"] = .date(settled) }
        if let leavesCreditReport { params["leavesReport"] = .date(leavesCreditReport) }
        if let leavesCreditReportIfSettledOnPlanDate {
            params["ifSettledOn"] = .date(date)
            params["leavesReportIfSettled"] = .date(leavesCreditReportIfSettledOnPlanDate)
        }
        return Fact(.stepOverdueRecordDates, params)
    }
}

/// When a closed service or a refused provider may reopen if the plan is followed: the earliest date on Backstop's
/// illustrative rules, or why no date can be given (counts without dates, the score, an operator's own review).
public struct ReopeningForecast: Hashable, Sendable {
    public var subject: Reopening
    /// The earliest date it may reopen; nil when it is not predictable from the profile.
    public var earliest: CalendarDate?
    /// When not predictable only because counts have no dates: the date by which it reopens at the latest.
    public var latest: CalendarDate?
    /// What the date waits for (`after-…`), or why there is none (`depends-on-…`, or the rule still failing).
    public var because: [Fact]

    public init(subject: Reopening, earliest: CalendarDate?, latest: CalendarDate? = nil, because: [Fact]) {
        self.subject = subject
        self.earliest = earliest
        self.latest = latest
        self.because = because
    }

    public var isPredictable: Bool { earliest != nil }

    /// The forecast in one fact: `reopen-from` with the date, or `reopen-not-predictable` (with the latest date
    /// when there is one).
    public var headline: Fact {
        if let earliest { return Fact(.reopenFrom, ["subject": subject.factValue, "date": .date(earliest)]) }
        var params: [String: FactValue] = ["subject": subject.factValue]
        if let latest { params["latest"] = .date(latest) }
        return Fact(.reopenNotPredictable, params)
    }
}

extension Reopening {
    /// The service or the provider's name, as a fact parameter.
    public var factValue: FactValue {
        switch self {
        case .service(let service): .service(service)
        case .provider(_, let name): .name(name)
        }
    }
}

/// The scams that prey on people whose credit was cut, with the public warning each rests on (docs/primary-services.md
/// lists every source checked).
public enum ScamWarning: String, CaseIterable, Sendable {
    /// Paid "credit repair" (征信修复): nobody can delete accurate records for a fee.
    case creditRepair
    /// Calls to "cancel your campus loan account" (注销校园贷).
    case campusLoanCancellation
    /// Fees asked before a loan is paid out (贷前收费: deposit, "verification", insurance).
    case upfrontFees
    /// Fake customer service reaching out by phone, QQ or WeChat.
    case fakeCustomerService
    /// Paid "unblocking" or "limit raising" (解冻, 提额) of a closed service or a "frozen" loan.
    case paidUnblocking

    public var code: FactCode {
        switch self {
        case .creditRepair: .scamCreditRepair
        case .campusLoanCancellation: .scamCampusLoanCancellation
        case .upfrontFees: .scamUpfrontFees
        case .fakeCustomerService: .scamFakeCustomerService
        case .paidUnblocking: .scamPaidUnblocking
        }
    }

    /// The public warning cited in the answer (reports of regulators', police and Ant Group's warnings).
    public var sourceURL: String {
        switch self {
        case .creditRepair:
            // Beijing News, 2022-08-17: the PBoC's 2022 campaign against "credit repair"; credit records cannot be
            // repaired for money.
            "https://finance.sina.com.cn/tech/roll/2022-08-17/doc-imizirav8559352.shtml"
        case .campusLoanCancellation:
            // National Student Financial Aid Management Center, warning 2021 No. 1 (2021-03-31), as reprinted.
            "http://huanggang.cjyun.org/p/339584.html"
        case .upfrontFees:
            // Lanzhou anti-telecom-fraud centre, 2020-12-14: any transfer asked before a loan is paid out is fraud.
            "http://gansu.gscn.com.cn/system/2020/12/14/012511883.shtml"
        case .fakeCustomerService:
            // Guangzhou police, 2019-10: "online-loan customer service" callers who ask to be added on QQ and steer
            // transfers are fraudsters.
            "http://51emo.com/guonei/20191018/101810391.html"
        case .paidUnblocking:
            // Alipay, Huabei and Jiebei's own anti-fraud notice, as reported: fake customer service, campus-loan
            // cancellation, "opening or raising" Huabei and Jiebei for a fee; the official line is 95188.
            "http://www.30898.cn/rd/135058.html"
        }
    }

    public var fact: Fact { Fact(code, ["source": .text(sourceURL)]) }
}

/// The profile on a later date if the recovery plan is followed from `start`: what is overdue is repaid on `start`,
/// no new late payment or cash-out flag appears, a self-fixable identity is verified by the end of
/// ``Countermeasure/identityFixDays``, and the credit score does not move (Backstop does not forecast it). Dated late
/// instalments leave the windows on their own dates; counts without dates are kept until the window has surely
/// passed (`conservative`) or dropped at once (`optimistic`): when the two disagree, no date can be predicted.
struct RecoveryProjection: Sendable {
    enum Scenario: Sendable { case conservative, optimistic }

    /// A date the projected profile changes on, and what happens then.
    struct Milestone: Sendable {
        var date: CalendarDate
        var causes: [Fact]
    }

    let base: UserProfile
    let start: CalendarDate
    /// When a self-fixable identity counts as verified.
    let identityBy: CalendarDate?
    /// The dates counts without dates leave their windows by: 12-month counts and cash-out flags, 24-month counts.
    let undated12: CalendarDate
    let undated24: CalendarDate
    let flagsBy: CalendarDate
    /// A worst-days figure above every dated instalment's (so partly undated).
    let extraWorst: Int?
    let milestones: [Milestone]
    /// Facts of the counts without dates (`depends-on-undated-counts`), one per window.
    let undatedFacts: [Fact]

    init(_ profile: UserProfile, on start: CalendarDate) {
        var base = profile
        base.services = nil
        self.base = base
        self.start = start
        let month = YearMonth(start).firstDay
        undated12 = month.adding(months: 12)
        undated24 = month.adding(months: 24)
        flagsBy = start.adding(months: 12)
        identityBy =
            profile.identity.map(Countermeasure.selfFixable) == true
            ? start.adding(days: Countermeasure.identityFixDays.upperBound) : nil
        let events = profile.overdueEvents
        let record = profile.repayment
        if let events, let worst = record?.worstDaysPastDue {
            let dated = events.filter { $0.within(lastMonths: 24, of: start) }.map(\.daysPastDue).max() ?? 0
            extraWorst = worst > dated ? worst : nil
        } else {
            extraWorst = nil
        }

        var found: [(CalendarDate, Fact?)] = []
        let owed = (record?.currentOverdueAmount?.minorUnits ?? 0) > 0 || (events ?? []).contains { $0.settled == nil }
        found.append((start, owed ? Fact(.afterOverdueRepaid, ["date": .date(start)]) : nil))
        if let identityBy { found.append((identityBy, Fact(.afterIdentityReverified, ["by": .date(identityBy)]))) }
        for event in events ?? [] {
            for months in [12, 24] where event.leavesWindow(months: months, ifSettledOn: start) > start {
                let date = event.leavesWindow(months: months, ifSettledOn: start)
                found.append(
                    (
                        date,
                        Fact(
                            .afterRecordLeavesWindow,
                            ["month": .month(event.month), "months": .int(months), "date": .date(date)]
                        )
                    )
                )
            }
        }
        var facts: [Fact] = []
        var fields12: [ProfileField] = []
        var fields24: [ProfileField] = []
        if events == nil, let record {
            if (record.overdueCount12m ?? 0) > 0 { fields12.append(.overdueCount12m) }
            if (record.overdueCount24m ?? 0) > 0 { fields24.append(.overdueCount24m) }
            if (record.worstDaysPastDue ?? 0) > 0 { fields24.append(.worstDaysPastDue) }
        } else if extraWorst != nil {
            fields24.append(.worstDaysPastDue)
        }
        if !fields12.isEmpty {
            let fact = Self.undated(fields12, months: 12, by: undated12)
            facts.append(fact)
            found.append((undated12, fact))
        }
        if (profile.cashOutFlags12m ?? 0) > 0 {
            let fact = Self.undated([.cashOutFlags12m], months: 12, by: flagsBy)
            facts.append(fact)
            found.append((flagsBy, fact))
        }
        if !fields24.isEmpty {
            let fact = Self.undated(fields24, months: 24, by: undated24)
            facts.append(fact)
            found.append((undated24, fact))
        }
        undatedFacts = facts
        var byDate: [CalendarDate: [Fact]] = [:]
        for (date, fact) in found { byDate[date, default: []] += fact.map { [$0] } ?? [] }
        milestones = byDate.keys.sorted().map { Milestone(date: $0, causes: byDate[$0] ?? []) }
    }

    static func undated(_ fields: [ProfileField], months: Int, by date: CalendarDate) -> Fact {
        Fact(
            .dependsOnUndatedCounts,
            ["fields": .list(fields.map(FactValue.field)), "months": .int(months), "by": .date(date)]
        )
    }

    /// Whether some count has no dates, so that the conservative and optimistic projections differ.
    var hasUndated: Bool { !undatedFacts.isEmpty }

    /// The profile fields the projection changes over time.
    var changing: Set<ProfileField> {
        var fields: Set<ProfileField> = []
        if base.repayment != nil || base.overdueEvents != nil {
            fields.formUnion([.overdueCount12m, .overdueCount24m, .worstDaysPastDue, .currentOverdueAmount])
        }
        if (base.cashOutFlags12m ?? 0) > 0 { fields.insert(.cashOutFlags12m) }
        if identityBy != nil { fields.insert(.identity) }
        return fields
    }

    /// The profile on `date` (on or after `start`).
    func profile(on date: CalendarDate, _ scenario: Scenario) -> UserProfile {
        var profile = base
        let held = scenario == .conservative
        // What is unpaid is settled on the start date (the plan's first step): from then on the report stops
        // marking it, and its windows run from that month.
        if let events = profile.overdueEvents {
            profile.overdueEvents = events.map { event in
                var settled = event
                if settled.settled == nil { settled.settled = start }
                return settled
            }
        }
        if var record = profile.repayment {
            if let owed = record.currentOverdueAmount, owed.minorUnits > 0 {
                record.currentOverdueAmount = .zero(owed.currency)
            }
            if let events = profile.overdueEvents {
                record.overdueCount12m = events.filter { $0.within(lastMonths: 12, of: date) }.count
                record.overdueCount24m = events.filter { $0.within(lastMonths: 24, of: date) }.count
                let dated = events.filter { $0.within(lastMonths: 24, of: date) }.map(\.daysPastDue).max() ?? 0
                let kept = held && date < undated24 ? extraWorst ?? 0 : 0
                record.worstDaysPastDue = max(dated, kept)
            } else {
                if !(held && date < undated12), (record.overdueCount12m ?? 0) > 0 { record.overdueCount12m = 0 }
                if !(held && date < undated24) {
                    if (record.overdueCount24m ?? 0) > 0 { record.overdueCount24m = 0 }
                    if (record.worstDaysPastDue ?? 0) > 0 { record.worstDaysPastDue = 0 }
                }
            }
            profile.repayment = record
        }
        if let flags = profile.cashOutFlags12m, flags > 0, !(held && date < flagsBy) { profile.cashOutFlags12m = 0 }
        if let identityBy, date >= identityBy { profile.identity = .verified }
        return profile
    }

    /// What every forecast assumes.
    var assumptions: [Fact] {
        var facts: [Fact] = []
        if (base.repayment?.currentOverdueAmount?.minorUnits ?? 0) > 0
            || (base.overdueEvents ?? []).contains(where: { $0.settled == nil })
        {
            facts.append(Fact(.assumeNothingOverdue, ["date": .date(start)]))
        }
        let record = base.repayment
        let late =
            !(base.overdueEvents ?? []).isEmpty || (record?.overdueCount12m ?? 0) > 0
            || (record?.overdueCount24m ?? 0) > 0 || (record?.worstDaysPastDue ?? 0) > 0
        if late { facts.append(Fact(.assumeNoLatePayments, ["from": .date(start)])) }
        if (base.cashOutFlags12m ?? 0) > 0 { facts.append(Fact(.assumeNoCashOut, ["from": .date(start)])) }
        if let identityBy {
            var params: [String: FactValue] = ["by": .date(identityBy)]
            if let was = base.identity { params["was"] = .identity(was) }
            facts.append(Fact(.assumeIdentityVerified, params))
        }
        facts.append(Fact(.assumeScore, ["score": .int(base.creditScore)]))
        facts.append(Fact(.assumeOperatorsDecide))
        return facts
    }

    /// For each subject, the index of the first date it passes on (nil: on none), scanned in date order side by side:
    /// each step asks `passes` about every subject that has not passed yet. A scan, not a bisection: a rule that starts
    /// on a later date (a legal cap, a provider's status) can make a subject fail after it passed. The timeline is
    /// short whatever the profile: window exits fall on the first of a month within 24 months of the plan's date.
    static func firstPassing(
        subjects: Int,
        dates: Int,
        _ passes: ([(subject: Int, date: Int)]) async -> [Bool]
    ) async -> [Int?] {
        var found = [Int?](repeating: nil, count: subjects)
        for date in 0..<dates {
            let open = (0..<subjects).filter { found[$0] == nil }
            if open.isEmpty { break }
            let answers = await passes(open.map { (subject: $0, date: date) })
            for (subject, passed) in zip(open, answers) where passed { found[subject] = date }
        }
        return found
    }

    /// The same scan with a synchronous test.
    static func firstPassing(subjects: Int, dates: Int, _ passes: ((subject: Int, date: Int)) -> Bool) -> [Int?] {
        (0..<subjects).map { subject in (0..<dates).first { passes((subject, $0)) } }
    }
}
